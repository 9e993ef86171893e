"""Background jobs of the work app (huey), each idempotent (safe to run twice): reminders before a task's
deadline and the notice to the assigner once it is late, report cycles opened ahead and report reminders,
commitments evaluated at the end of their period."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.jobs import single_run
from apps.work.services import commitments as commitment_services


@db_periodic_task(crontab(hour="17", minute="30"))  # Huey's crontab is in UTC: 00:30 in Asia/Ho_Chi_Minh
@single_run("work-commitments-evaluate", ttl=dt.timedelta(hours=1))
def evaluate_ended_commitments() -> int:
    """Daily, half an hour after local midnight: every signed commitment whose period has ended is checked against
    the figures (idempotent: an evaluated commitment is no longer signed)."""
    return commitment_services.evaluate_ended_commitments()
