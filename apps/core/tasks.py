"""Core jobs: the audit chain's nightly check and hourly checkpoint, the notification outbox, and clearing stale job
locks when a worker starts."""

import datetime as dt
import logging

from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from apps.core import notifications
from apps.core.audit import AuditChainBroken, verify_chain, write_checkpoint
from apps.core.jobs import release_stale_locks, single_run

logger = logging.getLogger("congvu.audit")


@db_periodic_task(crontab(hour="1", minute="30"))
@single_run("audit-verify", ttl=dt.timedelta(hours=3))
def verify_audit_chain() -> int:
    """Returns the number of problems found (0 when the chain is whole). Safe to run twice."""
    problems = list(verify_chain())
    for problem in problems[:100]:
        logger.error("audit chain: #%s %s — %s", problem.seq, problem.kind, problem.detail)
    if not problems:
        logger.info("audit chain verified")
    return len(problems)


@db_periodic_task(crontab(minute="7"))
@single_run("audit-checkpoint", ttl=dt.timedelta(minutes=50))
def write_audit_checkpoint() -> int | None:
    """Hourly: anchor the chain's head in a signed checkpoint outside the database (a tampered head never is).
    Returns the anchored seq, or None when nothing was added or the chain is broken (logged as errors)."""
    try:
        checkpoint = write_checkpoint()
    except AuditChainBroken as broken:
        for problem in broken.problems[:100]:
            logger.error("audit chain: #%s %s — %s", problem.seq, problem.kind, problem.detail)
        return None
    return checkpoint.seq if checkpoint is not None else None


@db_task()
def send_notification(notification_id: int) -> None:
    """Send one message right after its commit; a failure is retried by the outbox job, not by Huey."""
    notifications.send_notification_now(notification_id)


@db_periodic_task(crontab())
def send_due_notifications() -> int:
    """Every minute: the outbox sends what is due (never sent because the queue was down, or failed before)."""
    return notifications.send_due_notifications()


@HUEY.on_startup()
def clear_stale_job_locks() -> None:
    """A worker starting frees the locks left by dead runs (never those of live runs, here or elsewhere)."""
    try:
        release_stale_locks()
    finally:
        close_old_connections()
