from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from apps.feedback.services import remind_and_escalate


@db_periodic_task(crontab(minute="15"))
@lock_task("feedback-reminders")
def remind_feedback_assignees() -> dict[str, int]:
    """Hourly: remind whoever holds feedback due within a working day; tell the unit head once it is late."""
    return remind_and_escalate()
