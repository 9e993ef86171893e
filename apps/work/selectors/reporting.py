"""Reads on the reporting regime, scoped to what the caller may see.

* The requester side sees a request, its cycles and every unit's submission when it sees the requesting unit
  (its own unit or one above it: `apps.work.selectors.scope`).
* The recipient side sees the requests addressed to units it sees, and only its own units' submissions: a commune
  never sees another commune's report.

A cycle's state per unit: submitted (on time or late, as judged at the first sending), returned, late (not sent and
past due), missing (not sent, not yet due); its numbers are added up across units in one SQL query."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from apps.org import selectors as org
from apps.work.models import Outcome, ReportCycle, ReportField, ReportRequest, ReportSubmission, ReportValue
from apps.work.selectors.scope import led_units_q, visible_units_q

Status = ReportSubmission.Status
SENT = (Status.SUBMITTED, Status.ACCEPTED)
# The figures added up: reports sent (a returned one is being corrected and counts again once resent).
COUNTED = SENT


def visible_requests(user) -> QuerySet[ReportRequest]:
    """Requests made by units the user sees, and those addressed to units the user sees."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ReportRequest.objects.none()
    if user.is_superuser:
        return ReportRequest.objects.select_related("from_unit")
    units = org.units_visible_to(user)
    addressed = ReportRequest.recipients.through.objects.filter(reportrequest=OuterRef("pk"), unit__in=units)
    return ReportRequest.objects.filter(Q(from_unit__in=units) | Q(Exists(addressed))).select_related("from_unit")


def request_for(user, pk: int) -> ReportRequest | None:
    return visible_requests(user).filter(pk=pk).first()


def is_requester_side(user, request: ReportRequest) -> bool:
    """The user sees the requesting unit: they follow every unit's report."""
    return bool(user.is_superuser) or org.can_see_unit(user, request.from_unit)


def request_cycles(request: ReportRequest) -> QuerySet[ReportCycle]:
    """The cycles, newest first, with how many units sent, were late, have not sent."""
    return request.cycles.annotate(
        units=Count("submissions"),
        sent=Count("submissions", filter=Q(submissions__status__in=SENT)),
        sent_late=Count("submissions", filter=Q(submissions__outcome=Outcome.LATE)),
        returned=Count("submissions", filter=Q(submissions__status=Status.RETURNED)),
        not_sent=Count("submissions", filter=Q(submissions__status=Status.DRAFT)),
    ).order_by("-period_start")


def cycle_for(user, pk: int) -> ReportCycle | None:
    """A cycle for its requester side (None for a recipient or a stranger: they see their own submission)."""
    cycle = ReportCycle.objects.select_related("request__from_unit", "request__created_by").filter(pk=pk).first()
    if cycle is None or not is_requester_side(user, cycle.request):
        return None
    return cycle


def submission_state(submission: ReportSubmission, now: dt.datetime) -> str:
    """submitted | accepted | returned | late (not sent, past due) | missing (not sent yet)."""
    if submission.status in (Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED):
        return submission.status
    return "late" if now > submission.cycle.due_at else "missing"


@dataclass
class CycleTable:
    """Units as rows, the form's fields as columns, the numbers' totals."""

    cycle: ReportCycle
    fields: list[ReportField]
    submissions: list[ReportSubmission]
    values: dict[tuple[int, int], ReportValue] = field(default_factory=dict)
    totals: dict[int, Decimal | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def rows(self):
        for submission in self.submissions:
            yield submission, [self.values.get((submission.pk, f.pk)) for f in self.fields]

    @property
    def total_cells(self) -> list[Decimal | None]:
        """One cell per field: the total of a number field, None for the others."""
        return [self.totals.get(f.pk) for f in self.fields]

    @property
    def number_fields(self) -> list[ReportField]:
        return [f for f in self.fields if f.kind == ReportField.Kind.NUMBER]


def number_totals(cycle: ReportCycle, fields: list[ReportField] | None = None) -> dict[int, Decimal | None]:
    """Field id → the sum of the sent reports' numbers (one query; None when no unit gave one)."""
    rows = (
        ReportValue.objects.filter(
            submission__cycle=cycle, submission__status__in=COUNTED, field__kind=ReportField.Kind.NUMBER
        )
        .values("field_id")
        .annotate(total=Sum("number"))
        .order_by()
    )
    totals = {row["field_id"]: row["total"] for row in rows}
    fields = cycle.request.fields.all() if fields is None else fields
    return {f.pk: totals.get(f.pk) for f in fields if f.kind == ReportField.Kind.NUMBER}


def cycle_table(cycle: ReportCycle, now: dt.datetime | None = None) -> CycleTable:
    """Every unit's submission with its state and values, and the totals (four queries, whatever the units)."""
    now = now or timezone.now()
    fields = list(cycle.request.fields.all())
    submissions = list(cycle.submissions.select_related("unit", "submitted_by").order_by("unit__path"))
    counts = {"submitted": 0, "accepted": 0, "returned": 0, "late": 0, "missing": 0, "sent_late": 0}
    for submission in submissions:
        submission.cycle = cycle
        submission.state = submission_state(submission, now)
        counts[submission.state] += 1
        counts["sent_late"] += submission.outcome == Outcome.LATE
    values = ReportValue.objects.filter(submission__cycle=cycle).only(
        "submission_id", "field_id", "number", "text", "file", "file_name", "prefilled"
    )
    values = {(v.submission_id, v.field_id): v for v in values}
    return CycleTable(cycle, fields, submissions, values, number_totals(cycle, fields), counts)


def visible_submissions(user) -> QuerySet[ReportSubmission]:
    """Submissions of units the user sees, and every submission of the requests their side made."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ReportSubmission.objects.none()
    return ReportSubmission.objects.filter(
        visible_units_q(user, "unit__") | visible_units_q(user, "cycle__request__from_unit__")
    )


def submission_for(user, pk: int) -> ReportSubmission | None:
    return (
        visible_submissions(user)
        .select_related("unit", "cycle__request__from_unit", "submitted_by", "decided_by")
        .filter(pk=pk)
        .first()
    )


def submission_values(submission: ReportSubmission) -> dict[int, ReportValue]:
    return {v.field_id: v for v in submission.values.all()}


def value_for(user, submission_pk: int, field_pk: int) -> ReportValue | None:
    """A stored file value, for a user who sees the submission."""
    submission = submission_for(user, submission_pk)
    if submission is None:
        return None
    return ReportValue.objects.filter(submission=submission, field_id=field_pk).exclude(file="").first()


def unit_submissions(user, request: ReportRequest) -> QuerySet[ReportSubmission]:
    """The submissions of a request the recipient side sees (its own units'), newest cycle first."""
    return (
        ReportSubmission.objects.filter(visible_units_q(user, "unit__"), cycle__request=request)
        .select_related("unit", "cycle")
        .order_by("-cycle__period_start", "unit__path")
    )


def reports_to_submit(user) -> QuerySet[ReportSubmission]:
    """Reports the units the user belongs to have not sent yet (draft or returned), soonest due first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ReportSubmission.objects.none()
    units = org.active_memberships(user).values("unit_id")
    return (
        ReportSubmission.objects.filter(unit__in=units, status__in=(Status.DRAFT, Status.RETURNED))
        .select_related("unit", "cycle__request__from_unit")
        .order_by("cycle__due_at", "unit__path", "pk")
    )


@dataclass(frozen=True)
class LateReports:
    unit_id: int
    unit_name: str
    late: int  # reports past their due moment and not sent (a draft, or returned for correction)
    first_cycle_id: int  # the earliest opened of their cycles, to open from the follow-up page


def late_reports_by_unit(user, now: dt.datetime | None = None) -> list[LateReports]:
    """For a leader's follow-up: the units they lead that owe reports past due, with how many (one query whatever
    the number of submissions)."""
    now = now or timezone.now()
    rows = (
        ReportSubmission.objects.filter(
            led_units_q(user, "unit__"), status__in=(Status.DRAFT, Status.RETURNED), cycle__due_at__lt=now
        )
        .values("unit_id", "unit__name", "unit__path")
        .annotate(late=Count("pk"), first_cycle=Min("cycle_id"))
        .order_by("unit__path")
    )
    return [LateReports(r["unit_id"], r["unit__name"], r["late"], r["first_cycle"]) for r in rows]
