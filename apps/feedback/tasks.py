import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.jobs import single_run
from apps.feedback.services import remind_and_escalate


@db_periodic_task(crontab(minute="15"))
@single_run("feedback-reminders", ttl=dt.timedelta(minutes=50))
def remind_feedback_assignees() -> dict[str, int]:
    """Hourly: remind whoever holds feedback due within a working day; tell the unit head once it is late."""
    return remind_and_escalate()
