"""Keeping the daily counts (`DossierDay`, `FeedbackDay`, `DueDay`, `OfficerDay`) exact.

Every service that changes a dossier (with its steps, papers, attachments, rating) or a feedback item (with its
rating) recomputes the buckets the record was in before and is in after, from the records themselves, inside the
same transaction: the services say so explicitly (`apps.core.projections.projected`), and this app registers the
projection at start-up, so the domain apps never import it. A bucket is locked
before it is counted, so two transactions touching one bucket are serialised and the second counts what the first
committed. Bulk writes that bypass `save()` (the load-data generator) call `rebuild()` afterwards."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from apps.dossiers.models import Attachment, Dossier, DossierPaper, DossierStep, Outcome, Rating
from apps.feedback.models import Feedback, FeedbackRating
from apps.org.models import Unit
from apps.stats.models import (
    CountsVersion,
    DossierDay,
    DossierMonth,
    DossierYear,
    DueDay,
    FeedbackDay,
    FeedbackMonth,
    OfficerDay,
    ProcedureFeedbackDay,
)

ON_TIME = (Outcome.EARLY, Outcome.ON_TIME)
SATISFIED = (Rating.Level.VERY_SATISFIED, Rating.Level.SATISFIED)
PAID = (Dossier.Payment.PAID_ONLINE, Dossier.Payment.PAID_AT_DESK)


def _received_counts() -> dict:
    """Dossiers received on the day, and what became of them. Digitised: every required paper has its electronic
    copy (and there is at least one); with an electronic result; reusing an earlier digitised paper; with a fee."""
    papers = DossierPaper.objects.filter(dossier=OuterRef("pk"))
    undigitised_required = papers.filter(
        Q(required_paper__isnull=True) | Q(required_paper__optional=False), digitised_at__isnull=True
    )
    digitised = Q(Exists(papers.filter(digitised_at__isnull=False))) & ~Q(Exists(undigitised_required))
    result = Attachment.objects.filter(dossier=OuterRef("pk"), purpose=Attachment.Purpose.RESULT)
    return {
        "received": Count("pk"),
        "received_on_time": Count("pk", filter=Q(status=Dossier.Status.RETURNED, outcome__in=ON_TIME)),
        "online": Count("pk", filter=Q(channel=Dossier.Channel.ONLINE)),
        "paid": Count("pk", filter=Q(payment__in=PAID)),
        "paid_online": Count("pk", filter=Q(payment=Dossier.Payment.PAID_ONLINE)),
        "digitised": Count("pk", filter=digitised),
        "results_digitised": Count("pk", filter=Q(Exists(result))),
        "reused": Count("pk", filter=Q(Exists(papers.filter(reused_from__isnull=False)))),
        "with_fee": Count("pk", filter=Q(fee_vnd__gt=0)),
    }


def _returned_counts() -> dict:
    return {"returned": Count("pk"), "returned_on_time": Count("pk", filter=Q(outcome__in=ON_TIME))}


def _rating_counts() -> dict:
    return {
        "ratings": Count("pk"),
        "ratings_satisfied": Count("pk", filter=Q(overall__in=SATISFIED)),
        "politeness_satisfied": Count("pk", filter=Q(politeness__in=SATISFIED)),
    }


def _feedback_received_counts() -> dict:
    return {"feedback_received": Count("pk")}


def _feedback_answered_counts() -> dict:
    return {
        "feedback_answered": Count("pk"),
        "feedback_on_time": Count("pk", filter=Q(answered_on_time=True)),
        "feedback_published": Count("pk", filter=Q(is_public=True)),
    }


def _feedback_rating_counts() -> dict:
    return {"feedback_ratings": Count("pk"), "feedback_satisfied": Count("pk", filter=Q(level__in=SATISFIED))}


def _step_counts() -> dict:
    return {"steps": Count("pk"), "steps_on_time": Count("pk", filter=Q(outcome__in=ON_TIME))}


def _handled_feedback():
    """Feedback counts for its assigned unit, or the receiving unit while unassigned or forwarded outside."""
    return Feedback.objects.annotate(handler=Coalesce("assigned_unit_id", "receiving_unit_id"))


def _handled_feedback_ratings():
    handler = Coalesce("feedback__assigned_unit_id", "feedback__receiving_unit_id")
    return FeedbackRating.objects.annotate(handler=handler)


def _open_dossiers():
    return Dossier.objects.filter(status__in=Dossier.OPEN_STATUSES)


def _open_feedback():
    return _handled_feedback().filter(status__in=Feedback.OPEN_STATUSES)


@dataclass(frozen=True)
class Group:
    """One set of columns of a daily table, counted over the records whose `when` falls on the bucket's day."""

    name: str
    table: type[models.Model]
    records: Callable[[], models.QuerySet]
    when: str
    key: tuple[str, ...]  # the record lookups that give the bucket's key fields (TABLES), in their order
    counts: Callable[[], dict]

    @property
    def key_fields(self) -> tuple[str, ...]:
        return TABLES[self.table]


RECEIVED = Group("received", DossierDay, Dossier.objects.all, "received_at", ("filing_unit_id", "procedure_id"),
                 _received_counts)  # fmt: skip
RETURNED = Group("returned", DossierDay, Dossier.objects.all, "returned_at", ("filing_unit_id", "procedure_id"),
                 _returned_counts)  # fmt: skip
RATED = Group("rated", DossierDay, Rating.objects.all, "created_at",
              ("dossier__filing_unit_id", "dossier__procedure_id"), _rating_counts)  # fmt: skip
FEEDBACK_RECEIVED = Group("feedback_received", FeedbackDay, _handled_feedback, "received_at", ("handler",),
                          _feedback_received_counts)  # fmt: skip
FEEDBACK_ANSWERED = Group("feedback_answered", FeedbackDay, _handled_feedback, "answered_at", ("handler",),
                          _feedback_answered_counts)  # fmt: skip
FEEDBACK_RATED = Group("feedback_rated", FeedbackDay, _handled_feedback_ratings, "rated_at", ("handler",),
                       _feedback_rating_counts)  # fmt: skip
DOSSIERS_DUE = Group("dossiers_due", DueDay, _open_dossiers, "due_at", ("filing_unit_id",),
                     lambda: {"dossiers": Count("pk")})  # fmt: skip
FEEDBACK_DUE = Group("feedback_due", DueDay, _open_feedback, "due_at", ("handler",),
                     lambda: {"feedback": Count("pk")})  # fmt: skip
OFFICER_RATED = Group("officer_rated", OfficerDay, lambda: Rating.objects.filter(dossier__received_by__isnull=False),
                      "created_at", ("dossier__filing_unit_id", "dossier__received_by_id"), _rating_counts)  # fmt: skip
OFFICER_FEEDBACK_RATED = Group(
    "officer_feedback_rated", OfficerDay,
    lambda: _handled_feedback_ratings().filter(feedback__answered_by__isnull=False), "rated_at",
    ("handler", "feedback__answered_by_id"), _feedback_rating_counts,
)  # fmt: skip
STEPS_DONE = Group("steps_done", OfficerDay, lambda: DossierStep.objects.filter(finished_by__isnull=False),
                   "finished_at", ("unit_id", "finished_by_id"), _step_counts)  # fmt: skip
PROCEDURE_FEEDBACK_RATED = Group(
    "procedure_feedback_rated", ProcedureFeedbackDay,
    lambda: _handled_feedback_ratings().filter(feedback__procedure__isnull=False), "rated_at",
    ("handler", "feedback__procedure_id"), _feedback_rating_counts,
)  # fmt: skip
GROUPS = (RECEIVED, RETURNED, RATED, FEEDBACK_RECEIVED, FEEDBACK_ANSWERED, FEEDBACK_RATED, DOSSIERS_DUE, FEEDBACK_DUE,
          OFFICER_RATED, OFFICER_FEEDBACK_RATED, STEPS_DONE, PROCEDURE_FEEDBACK_RATED)  # fmt: skip
TABLES = {DossierDay: ("unit_id", "procedure_id"), FeedbackDay: ("unit_id",), DueDay: ("unit_id",),
          OfficerDay: ("unit_id", "officer_id"), ProcedureFeedbackDay: ("unit_id", "procedure_id")}  # fmt: skip
MONTHS = {DossierDay: DossierMonth, FeedbackDay: FeedbackMonth}  # a daily table and its monthly sums
YEARS = {DossierDay: DossierYear}  # a daily table and its yearly sums (summed from the monthly ones)
ALL_TABLES = TABLES | {month: TABLES[day] for day, month in MONTHS.items()} | {DossierYear: TABLES[DossierDay]}

Bucket = tuple[Group, tuple[int, ...], dt.date]


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def refresh(buckets: Iterable[Bucket]) -> None:
    """Recount each bucket from the records; locked in a fixed order so that concurrent changes cannot deadlock.
    Inside the change's own transaction (no savepoint: a failed recount fails the change)."""
    buckets = set(buckets)
    with transaction.atomic(savepoint=False):
        for group, key, day in sorted(buckets, key=lambda b: (b[0].table.__name__, b[2], b[1], b[0].name)):
            _recount(group, key, day)
        months = {(group.table, key, day.replace(day=1)) for group, key, day in buckets if group.table in MONTHS}
        for table, key, month in sorted(months, key=lambda b: (b[0].__name__, b[2], b[1])):  # after the days
            _recount_rollup(table, MONTHS[table], key, month, _next_month(month))
        years = {(table, key, month.replace(month=1)) for table, key, month in months if table in YEARS}
        for table, key, year in sorted(years, key=lambda b: (b[0].__name__, b[2], b[1])):  # after the months
            _recount_rollup(MONTHS[table], YEARS[table], key, year, year.replace(year=year.year + 1))
        renew_versions_after_commit({key[0] for _group, key, _day in buckets})  # each table's key starts with a unit


class _PendingVersions:
    """The units whose counts a transaction changed, renewed once when it commits."""

    def __init__(self):
        self.unit_ids: set[int] = set()

    def renew(self) -> None:
        renew_versions(self.unit_ids)


def renew_versions_after_commit(unit_ids: set[int]) -> None:
    """Give the units and every unit above them a new counts version once the transaction commits: after, so that a
    reader who sees the new version also sees the new counts (a reader between the commit and the renewal caches
    the new counts under the old version, which is harmless). One renewal per transaction, whatever its changes."""
    connection = transaction.get_connection()
    pending = getattr(connection, "stats_pending_versions", None)
    if pending is None or not any(func == pending.renew for _ids, func, _robust in connection.run_on_commit):
        pending = connection.stats_pending_versions = _PendingVersions()
        transaction.on_commit(pending.renew, robust=True)  # a failed renewal is logged; the cache's TTL covers it
    pending.unit_ids |= unit_ids


def renew_versions(unit_ids: Iterable[int]) -> None:
    unit_ids = {unit_id for unit_id in unit_ids if unit_id is not None}
    if not unit_ids:
        return
    paths = Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True)
    affected = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    token = uuid.uuid4().hex
    CountsVersion.objects.bulk_create(
        [CountsVersion(unit_id=unit_id, token=token) for unit_id in sorted(affected)],
        update_conflicts=True, update_fields=["token"], unique_fields=["unit"],
    )  # fmt: skip


def counts_version(unit: Unit) -> str:
    """The unit's counts version ("-" before its first counted change)."""
    return CountsVersion.objects.filter(unit_id=unit.pk).values_list("token", flat=True).first() or "-"


def _recount(group: Group, key: tuple[int, ...], day: dt.date) -> None:
    identity = dict(zip(group.key_fields, key, strict=True)) | {"day": day}
    first_column = next(iter(group.counts()))
    # Insert the bucket or, if it exists, take its row lock: the count below then sees every committed change.
    group.table.objects.bulk_create(
        [group.table(**identity)], update_conflicts=True, update_fields=[first_column],
        unique_fields=[field.removesuffix("_id") for field in identity],
    )  # fmt: skip
    start, end = day_bounds(day)
    counts = (
        group.records()
        .filter(**dict(zip(group.key, key, strict=True)), **{f"{group.when}__gte": start, f"{group.when}__lt": end})
        .aggregate(**group.counts())
    )
    group.table.objects.filter(**identity).update(**counts)


def _counted_columns(table) -> list[str]:
    return [f.attname for f in table._meta.concrete_fields if f.attname not in {"id", "day", *ALL_TABLES[table]}]


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _recount_rollup(source, target, key: tuple[int, ...], first: dt.date, following: dt.date) -> None:
    """`target`'s row of the period [first, following) as the sums of `source`'s rows in it: a month from its days,
    a year from its months (locked like a day's bucket, after the rows it sums)."""
    identity = dict(zip(ALL_TABLES[target], key, strict=True))
    columns = _counted_columns(target)
    target.objects.bulk_create(
        [target(**identity, day=first)], update_conflicts=True, update_fields=[columns[0]],
        unique_fields=[field.removesuffix("_id") for field in identity] + ["day"],
    )  # fmt: skip
    sums = source.objects.filter(**identity, day__gte=first, day__lt=following).aggregate(
        **{column: Coalesce(Sum(column), 0) for column in columns}
    )
    target.objects.filter(**identity, day=first).update(**sums)


def _dated(events: Iterable[tuple[Group, dt.datetime | None]], key: tuple[int, ...]) -> set[Bucket]:
    return {(group, key, timezone.localdate(when)) for group, when in events if when is not None}


def dossier_buckets(dossier_id: int, *, rated_at: dt.datetime | None = None) -> set[Bucket]:
    """The buckets a dossier counts in now: its receipt, return, rating and appointment (one query). `rated_at`
    stands for the rating's time when the rating itself is gone (deleted)."""
    fields = ("filing_unit_id", "procedure_id", "received_by_id", "received_at", "returned_at", "rating__created_at",
              "due_at")  # fmt: skip
    row = Dossier.objects.filter(pk=dossier_id).values_list(*fields).first()
    if row is None:
        return set()
    unit, procedure, clerk, received, returned, rated, due = row
    rated = rated_at or rated
    events = [(RECEIVED, received), (RETURNED, returned), (RATED, rated)]
    buckets = _dated(events, (unit, procedure)) | _dated([(DOSSIERS_DUE, due)], (unit,))
    return buckets | (_dated([(OFFICER_RATED, rated)], (unit, clerk)) if clerk else set())


def feedback_buckets(feedback_id: int, *, rated_at: dt.datetime | None = None) -> set[Bucket]:
    """The buckets a feedback item counts in now: its receipt, answer, rating and deadline (one query)."""
    fields = ("handler", "answered_by_id", "procedure_id", "received_at", "answered_at", "rating__rated_at", "due_at")
    row = _handled_feedback().filter(pk=feedback_id).values_list(*fields).first()
    if row is None:
        return set()
    unit, answerer, procedure, received, answered, rated, due = row
    rated = rated_at or rated
    events = [(FEEDBACK_RECEIVED, received), (FEEDBACK_ANSWERED, answered), (FEEDBACK_RATED, rated),
              (FEEDBACK_DUE, due)]  # fmt: skip
    officer = _dated([(OFFICER_FEEDBACK_RATED, rated)], (unit, answerer)) if answerer else set()
    about = _dated([(PROCEDURE_FEEDBACK_RATED, rated)], (unit, procedure)) if procedure else set()
    return _dated(events, (unit,)) | officer | about


# The projection the domain services call explicitly (apps.core.projections): before and after a change, the
# buckets the record counted in and counts in now. A dossier's buckets include its steps' (a hand-over is a step
# closing); its attachments, papers and rating count in its receipt and rating buckets.


def dossier_and_step_buckets(dossier_id: int) -> set[Bucket]:
    """A dossier's buckets and those of its finished steps (one query more)."""
    rows = DossierStep.objects.filter(dossier_id=dossier_id, finished_by__isnull=False).values_list(
        "unit_id", "finished_by_id", "finished_at"
    )
    steps = set().union(*(_dated([(STEPS_DONE, finished)], (unit, officer)) for unit, officer, finished in rows))
    return dossier_buckets(dossier_id) | steps


def _owner_id(model, field: str):
    def owner(result) -> int | None:
        if isinstance(result, list | tuple):
            result = result[0] if result else None
        if isinstance(result, model):
            return result.pk
        return getattr(result, field, None)

    return owner


def register_projections() -> None:
    from apps.core.projections import Projection, register

    register("dossier", Projection(dossier_and_step_buckets, refresh, _owner_id(Dossier, "dossier_id")))
    register("feedback", Projection(feedback_buckets, refresh, _owner_id(Feedback, "feedback_id")))


# Rebuilding from scratch (after bulk loads, or to check that the stored counts are exact).


def computed_rows() -> dict[tuple, dict[str, int]]:
    """Every bucket recounted from the records with one grouped query per group: {(table, key, day): counts}."""
    rows: dict[tuple, dict[str, int]] = defaultdict(dict)
    for group in GROUPS:
        per_day = (
            group.records()
            .filter(**{f"{group.when}__isnull": False})
            .annotate(bucket_day=TruncDate(group.when, tzinfo=timezone.get_current_timezone()))
            .values(*group.key, "bucket_day")
            .annotate(**group.counts())
            .order_by()
        )
        for row in per_day:
            key = tuple(row.pop(part) for part in group.key)
            rows[(group.table, key, row.pop("bucket_day"))].update(row)
    for (table, key, day), counts in list(rows.items()):
        sums = [rows[(MONTHS[table], key, day.replace(day=1))]] if table in MONTHS else []
        sums += [rows[(YEARS[table], key, day.replace(month=1, day=1))]] if table in YEARS else []
        for total in sums:
            for column, value in counts.items():
                total[column] = total.get(column, 0) + value
    return rows


def stored_rows() -> dict[tuple, dict[str, int]]:
    rows = {}
    for table, key_fields in ALL_TABLES.items():
        for row in table.objects.values(*key_fields, "day", *_counted_columns(table)):
            key = tuple(row.pop(field) for field in key_fields)
            rows[(table, key, row.pop("day"))] = row
    return rows


def differences() -> list[str]:
    """Buckets whose stored counts differ from a recount (empty when everything is exact)."""
    computed, stored = computed_rows(), stored_rows()
    found = []
    for bucket in computed.keys() | stored.keys():
        expected = computed.get(bucket, {})
        actual = {column: value for column, value in stored.get(bucket, {}).items() if value or column in expected}
        if expected != actual:
            table, key, day = bucket
            found.append(f"{table.__name__} {key} {day}: {actual} ≠ {expected}")
    return sorted(found)


@transaction.atomic
def rebuild() -> int:
    """Replace every daily, monthly and yearly count with a recount from the records; returns the number of rows
    written."""
    rows = computed_rows()
    for table, key_fields in ALL_TABLES.items():
        table.objects.all().delete()
        table.objects.bulk_create(
            (table(day=day, **dict(zip(key_fields, key, strict=True)), **counts)
             for (row_table, key, day), counts in rows.items() if row_table is table),
            batch_size=2000,
        )  # fmt: skip
    renew_versions(Unit.objects.values_list("pk", flat=True))
    return len(rows)
