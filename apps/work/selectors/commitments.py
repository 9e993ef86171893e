"""Reads on commitments, scoped to what the caller may see: the commitments of the units they see, plus those they
signed or that were signed to them; one commitment with its targets; where it stands during its period; my
commitments; a unit's public commitments (its service charter) for the public site.

A commitment's period is a calendar period of its year (the year, a half, a quarter or a month), its days both
included: the figures of a bound target are those of the unit's subtree over these days (`metric_values`)."""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.org.models import Role, Unit, User
from apps.org.selectors import active_memberships, memberships_active_on
from apps.work.models import Commitment, CommitmentTarget, Metric, PeriodKind
from apps.work.selectors.figures import metric_values
from apps.work.selectors.scope import visible_units_q

# Metrics that are a share in per cent (0-100); the others are counts.
RATE_METRICS = frozenset({
    Metric.DOSSIER_ON_TIME_RATE, Metric.FEEDBACK_ON_TIME_RATE, Metric.SATISFACTION, Metric.TASKS_ON_TIME_RATE,
})  # fmt: skip
PERIOD_NUMBERS = {PeriodKind.YEAR: 1, PeriodKind.HALF: 2, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}
# A charter is public once signed: a draft is never shown to citizens.
PUBLIC_STATUSES = (Commitment.Status.SIGNED, Commitment.Status.EVALUATED)


def period_days(period_kind: str, year: int, number: int = 1) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) of a calendar period: the year, half 1-2, quarter 1-4, month 1-12."""
    months = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}[period_kind]
    first_month = months * (number - 1) + 1
    last_month = first_month + months - 1
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def period_label(commitment: Commitment) -> str:
    kind, year, number = commitment.period_kind, commitment.year, commitment.number
    if kind == PeriodKind.YEAR:
        return _("Năm %(y)d") % {"y": year}
    if kind == PeriodKind.HALF:
        label = _("6 tháng đầu năm %(y)d") if number == 1 else _("6 tháng cuối năm %(y)d")
        return label % {"y": year}
    if kind == PeriodKind.QUARTER:
        return _("Quý %(q)d/%(y)d") % {"q": number, "y": year}
    return _("Tháng %(m)d/%(y)d") % {"m": number, "y": year}


def period_has_ended(commitment: Commitment, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return period_days(commitment.period_kind, commitment.year, commitment.number)[1] < today


def compares(value: Decimal | None, comparison: str, target: Decimal) -> bool | None:
    """Whether a figure satisfies a target (None when there is no figure: no dossier returned has no rate)."""
    if value is None:
        return None
    if comparison == CommitmentTarget.Comparison.AT_LEAST:
        return value >= target
    return value <= target


def _with_targets(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return queryset.select_related("unit", "signer", "superior").prefetch_related(
        Prefetch("targets", queryset=CommitmentTarget.objects.order_by("order", "pk"))
    )


def visible_commitments(user) -> QuerySet[Commitment]:
    """The commitments `user` may see: those of the units they see, and those they signed or were signed to."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Commitment.objects.none()
    return Commitment.objects.filter(visible_units_q(user) | Q(signer=user) | Q(superior=user))


def commitment_list(user, *, year: int | None = None, status: str = "", unit: Unit | None = None):
    """The visible commitments (newest year first) with the count of their targets, for the list page and API."""
    queryset = visible_commitments(user).select_related("unit", "signer", "superior")
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    return queryset.annotate(target_count=Count("targets")).order_by("-year", "unit__path", "pk")


def my_commitments(user) -> dict[str, list[Commitment]]:
    """Commitments I signed (or drafted), and those signed to me, newest first."""
    mine = _with_targets(Commitment.objects.filter(signer=user)).order_by("-year", "-pk")
    to_me = _with_targets(Commitment.objects.filter(superior=user).exclude(status=Commitment.Status.DRAFT)).order_by(
        "-year", "-pk"
    )
    return {"signed_by_me": list(mine), "signed_to_me": list(to_me)}


def commitment_detail(user, pk: int) -> Commitment | None:
    """One visible commitment with its targets (None when the user may not see it)."""
    return _with_targets(visible_commitments(user)).filter(pk=pk).first()


@dataclass(frozen=True)
class TargetStanding:
    target: CommitmentTarget
    value: Decimal | None  # the figure from the period's first day to today (or the last day)
    expected: Decimal | None  # what an "at least" count should have reached by now (pro rata), else the target
    on_track: bool | None  # None: a free target, or no figure yet
    reviewable: bool  # the superior gives the verdict: a free target, or a bound one left without a figure


@dataclass(frozen=True)
class Standing:
    first_day: dt.date
    last_day: dt.date
    as_of: dt.date  # the last day counted
    elapsed_days: int
    total_days: int
    targets: list[TargetStanding]
    started: bool

    @property
    def on_track(self) -> bool | None:
        bound = [t.on_track for t in self.targets if t.target.is_bound]
        if False in bound:
            return False
        if not bound or None in bound:
            return None
        return True


def _expected(target: CommitmentTarget, elapsed: int, total: int) -> Decimal:
    """A count to reach by the end of the period ("at least 1,200 dossiers received") is on track when the share
    of it reached so far is not below the share of the period gone by; a rate, or a count not to exceed, is
    compared as it is."""
    if target.metric in RATE_METRICS or target.comparison != CommitmentTarget.Comparison.AT_LEAST:
        return target.target_value
    return (target.target_value * elapsed / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


def standing(commitment: Commitment, today: dt.date | None = None) -> Standing:
    """Where the commitment stands: each bound target's figure from the period's first day to today (the last day
    once the period is over) and whether it is on track (three or four queries, whatever the number of targets)."""
    today = today or timezone.localdate()
    first, last = period_days(commitment.period_kind, commitment.year, commitment.number)
    as_of = min(today, last)
    total = (last - first).days + 1
    started = as_of >= first
    elapsed = (as_of - first).days + 1 if started else 0
    targets = list(commitment.targets.all())
    values = metric_values(commitment.unit, first, as_of) if started and any(t.is_bound for t in targets) else {}
    rows = []
    for target in targets:
        if not target.is_bound:
            rows.append(TargetStanding(target, None, None, None, reviewable=True))
            continue
        value = values.get(target.metric)
        expected = _expected(target, elapsed, total)
        reviewable = commitment.status == Commitment.Status.EVALUATED and target.actual_value is None
        on_track = compares(value, target.comparison, expected)
        rows.append(TargetStanding(target, value, expected, on_track, reviewable=reviewable))
    return Standing(first, last, as_of, elapsed, total, rows, started)


def public_units() -> QuerySet[Unit]:
    """Units with at least one public commitment, for the citizens' list (no personal data: names of units)."""
    public = Commitment.objects.filter(is_public=True, kind=Commitment.Kind.CHARTER, status__in=PUBLIC_STATUSES)
    return Unit.objects.filter(is_active=True, pk__in=public.values("unit")).order_by("path")


def public_commitments(unit: Unit) -> list[Commitment]:
    """A unit's public commitments (its service charter), signed, newest first, with their targets."""
    return list(
        _with_targets(
            Commitment.objects.filter(
                unit=unit, is_public=True, kind=Commitment.Kind.CHARTER, status__in=PUBLIC_STATUSES
            )
        ).order_by("-year", "-number", "pk")
    )


def draft_units_for(user) -> QuerySet[Unit]:
    """The units `user` may sign a commitment for: those they are an active member of."""
    return Unit.objects.filter(pk__in=active_memberships(user).values("unit")).order_by("path")


def superior_candidates(user) -> QuerySet[User]:
    """Leaders of the user's units or of the units above them (the people a commitment may be signed to); the
    service checks the exact rule for the chosen unit."""
    unit_ids = {pk for unit in draft_units_for(user) for pk in unit.ancestor_ids}
    leaders = memberships_active_on().filter(unit__in=unit_ids, user__groups__name=Role.UNIT_LEADER)
    return (
        User.objects.filter(pk__in=leaders.values("user"), is_active=True)
        .exclude(pk=user.pk)
        .order_by("full_name", "username")
    )
