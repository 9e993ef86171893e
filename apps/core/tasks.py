"""Nightly check of the audit chain: a broken chain is logged as an error for the operators' alerting."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from apps.core.audit import verify_chain

logger = logging.getLogger("congvu.audit")


@db_periodic_task(crontab(hour="1", minute="30"))
@lock_task("audit-verify")
def verify_audit_chain() -> int:
    """Returns the number of problems found (0 when the chain is whole). Safe to run twice."""
    problems = list(verify_chain())
    for problem in problems[:100]:
        logger.error("audit chain: #%s %s — %s", problem.seq, problem.kind, problem.detail)
    if not problems:
        logger.info("audit chain verified")
    return len(problems)


@db_task(retries=3, retry_delay=60)
def send_notification(notification_id: int) -> None:
    from apps.core.models import Notification
    from apps.core.notifications import deliver

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is not None:
        deliver(notification)
