"""The figures the system already has, for a unit (with its subtree) over a run of days: what a commitment's
bound target is checked against and what a report form is pre-filled with (apps.work.models.Metric).

Dossier and feedback counts come from the read model (apps.stats: daily tables kept in step with the records);
the tasks' on-time rate from this app's own tasks. A rate is None when nothing was counted (no dossier returned:
no rate, rather than 0% or 100%)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from apps.org.models import Unit
from apps.stats import selectors as stats
from apps.work.models import Metric, Outcome, Task

DONE = (Task.Status.COMPLETED, Task.Status.ACCEPTED)


def task_counts(unit: Unit, first_day: dt.date, last_day: dt.date, now: dt.datetime | None = None) -> dict[str, int]:
    """Tasks of the subtree reported done within the days (still done: awaiting acceptance or accepted; one returned
    for rework or withdrawn is not done), how many of them not late, and the tasks whose deadline fell within the
    days (up to now) and that were still not done then: late too, so that leaving late work unfinished never
    raises a unit's rate."""
    (start, _), (_, end) = stats.day_bounds(first_day), stats.day_bounds(last_day)
    cutoff = min(end, now or timezone.now())
    done = Q(completed_at__gte=start, completed_at__lt=end, status__in=DONE)
    left_overdue = Q(due_at__gte=start, due_at__lt=cutoff) & (
        Q(status__in=Task.OPEN_STATUSES) | Q(status__in=DONE, completed_at__gte=cutoff)
    )
    return Task.objects.filter(Q(unit__path__startswith=unit.path) & (done | left_overdue)).aggregate(
        done=Count("pk", filter=done),
        done_in_time=Count("pk", filter=done & ~Q(outcome=Outcome.LATE)),
        left_overdue=Count("pk", filter=left_overdue),
    )


def metric_values(unit: Unit, first_day: dt.date, last_day: dt.date) -> dict[str, Decimal | None]:
    """Every metric of the unit's subtree from `first_day` to `last_day` (both included)."""
    c = stats.counts_between(unit, first_day, last_day)
    tasks = task_counts(unit, first_day, last_day)
    all_ratings = c["ratings"] + c["feedback_ratings"]
    return {
        Metric.DOSSIER_ON_TIME_RATE: stats.share(c["returned_on_time"], c["returned"]),
        Metric.DOSSIERS_RECEIVED: Decimal(c["received"]),
        Metric.DOSSIERS_RETURNED: Decimal(c["returned"]),
        Metric.LATE_DOSSIERS: Decimal(c["returned"] - c["returned_on_time"]),
        Metric.APOLOGIES_ISSUED: Decimal(c["apologies"]),
        Metric.FEEDBACK_RECEIVED: Decimal(c["feedback_received"]),
        Metric.FEEDBACK_ON_TIME_RATE: stats.share(c["feedback_on_time"], c["feedback_answered"]),
        Metric.SATISFACTION: stats.share(c["ratings_satisfied"] + c["feedback_satisfied"], all_ratings),
        Metric.TASKS_ON_TIME_RATE: stats.share(tasks["done_in_time"], tasks["done"] + tasks["left_overdue"]),
    }
