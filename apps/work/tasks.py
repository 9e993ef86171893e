"""Background jobs of the work app (huey), each idempotent (safe to run twice): reminders before a task's
deadline and the notice to the assigner once it is late, report cycles opened ahead and report reminders,
commitments evaluated at the end of their period."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.jobs import single_run
from apps.work.services import commitments as commitment_services
from apps.work.services import reporting
from apps.work.services import tasks as task_services

# Huey's crontab is in UTC (settings: utc=True by default): 17:30 UTC is 00:30 in Asia/Ho_Chi_Minh.

# --- commitments ------------------------------------------------------------------------------------------------


@db_periodic_task(crontab(hour="17", minute="30"))
@single_run("work-commitments-evaluate", ttl=dt.timedelta(hours=1))
def evaluate_ended_commitments() -> int:
    """Daily, half an hour after local midnight: every signed commitment whose period has ended is checked against
    the figures (idempotent: an evaluated commitment is no longer signed)."""
    return commitment_services.evaluate_ended_commitments()


# --- the reporting regime ---------------------------------------------------------------------------------------


@db_periodic_task(crontab(minute="5", hour="0"))  # 07:05 local
@single_run("work-report-cycles", ttl=dt.timedelta(hours=1))
def open_report_cycles() -> int:
    """Every morning: open the report cycles whose figures period has begun, with a draft for every unit."""
    return reporting.open_all_due_cycles()


@db_periodic_task(crontab(minute="35", hour="0"))  # 07:35 local
@single_run("work-report-figures", ttl=dt.timedelta(hours=1))
def refresh_report_figures() -> int:
    """Every morning: the figures of the drafts whose period has closed and which are not due yet, read again."""
    return reporting.refresh_closed_periods()


@db_periodic_task(crontab(minute="0", hour="1,6"))  # 08:00 and 13:00 local
@single_run("work-report-reminders", ttl=dt.timedelta(hours=1))
def remind_reports() -> int:
    """Twice a working day: remind (once) the units that have not sent a report due on the next working day."""
    return reporting.send_due_reminders()


@db_periodic_task(crontab(minute="15", hour="*"))
@single_run("work-report-late", ttl=dt.timedelta(hours=1))
def report_late_notices() -> int:
    """Every hour: tell (once) each unit whose report is past due, and its requester which units are late."""
    return reporting.send_late_notices()


# --- tasks ------------------------------------------------------------------------------------------------------


@db_periodic_task(crontab(minute="*/15", hour="0-10"))  # 07:00-17:45 local: no message at night
@single_run("work-task-reminders", ttl=dt.timedelta(minutes=30))
def remind_task_holders() -> int:
    """Every 15 minutes in office hours: remind the holder of each open task whose reminder day (the working day
    before its deadline) has come, once per deadline in force."""
    return task_services.send_due_reminders()


@db_periodic_task(crontab(minute="*/15"))
@single_run("work-task-late-notices", ttl=dt.timedelta(minutes=30))
def tell_assigners_of_late_tasks() -> int:
    """Every 15 minutes: tell the assigner, once per deadline in force, that an open task has passed it."""
    return task_services.send_late_notices()
