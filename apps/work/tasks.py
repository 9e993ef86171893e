"""Background jobs of the work app (huey), each idempotent (safe to run twice): reminders before a task's
deadline and the notice to the assigner once it is late, report cycles opened ahead and report reminders,
commitments evaluated at the end of their period."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.jobs import single_run
from apps.work.services import tasks as task_services


@db_periodic_task(crontab(minute="*/15"))
@single_run("work-task-reminders", ttl=dt.timedelta(minutes=30))
def remind_task_holders() -> int:
    """Every 15 minutes: remind the holder of each open task whose reminder day (the working day before its
    deadline) has come, once per deadline in force."""
    return task_services.send_due_reminders()


@db_periodic_task(crontab(minute="*/15"))
@single_run("work-task-late-notices", ttl=dt.timedelta(minutes=30))
def tell_assigners_of_late_tasks() -> int:
    """Every 15 minutes: tell the assigner, once per deadline in force, that an open task has passed it."""
    return task_services.send_late_notices()
