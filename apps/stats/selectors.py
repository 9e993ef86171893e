"""Service-quality indicators per unit (with its whole subtree) and period, computed from the records themselves
with aggregate queries, so they are exact at any moment (no stored totals to go stale after a late change).

The Decision 766/QĐ-TTg groups: processing progress (20 points) and satisfaction (18) exactly as DOMAIN.md states
them; the other groups from what the system records, each with its formula shown next to it."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.dossiers.models import Attachment, Dossier, Outcome, Rating
from apps.feedback.models import Feedback, FeedbackRating
from apps.org.models import Unit
from apps.procedures.models import Procedure

SATISFIED = (Rating.Level.VERY_SATISFIED, Rating.Level.SATISFIED)
ON_TIME = (Outcome.EARLY, Outcome.ON_TIME)
PERIOD_KINDS = ("year", "quarter", "month")


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int = 1  # quarter or month

    @property
    def start(self) -> dt.datetime:
        month = {"year": 1, "quarter": 3 * self.number - 2, "month": self.number}[self.kind]
        return timezone.make_aware(dt.datetime(self.year, month, 1))

    @property
    def end(self) -> dt.datetime:
        months = {"year": 12, "quarter": 3, "month": 1}[self.kind]
        first = self.start
        year, month = divmod(first.month - 1 + months, 12)
        return timezone.make_aware(dt.datetime(first.year + year, month + 1, 1))

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(_("Năm %(y)d") % {"y": self.year})
        if self.kind == "quarter":
            return str(_("Quý %(q)d/%(y)d") % {"q": self.number, "y": self.year})
        return str(_("Tháng %(m)d/%(y)d") % {"m": self.number, "y": self.year})

    def parts(self) -> list["Period"]:
        """The months of a year or quarter (for the chart), or the month itself."""
        if self.kind == "month":
            return [self]
        first = 1 if self.kind == "year" else 3 * self.number - 2
        count = 12 if self.kind == "year" else 3
        return [Period("month", self.year, month) for month in range(first, first + count)]


def parse_period(kind: str | None, year: str | None, number: str | None, *, today: dt.date) -> Period:
    kind = kind if kind in PERIOD_KINDS else "year"
    year_value = int(year) if (year or "").isdigit() and 2000 <= int(year) <= 2100 else today.year
    limit = {"year": 1, "quarter": 4, "month": 12}[kind]
    default = {"year": 1, "quarter": (today.month - 1) // 3 + 1, "month": today.month}[kind]
    value = int(number) if (number or "").isdigit() and 1 <= int(number) <= limit else default
    return Period(kind, year_value, value)


def share(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _points(weight: int, numerator: int, denominator: int, *, full_at: Decimal | None = None) -> Decimal | None:
    if not denominator:
        return None
    ratio = Decimal(numerator) / Decimal(denominator)
    if full_at is not None:
        ratio = min(Decimal(1), ratio / full_at)
    return (weight * ratio).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _in_subtree(prefix: str, field: str) -> Q:
    return Q(**{f"{field}__path__startswith": prefix})


def dossier_counts(unit: Unit, period: Period) -> dict[str, int]:
    """Counts over the dossiers filed with the unit or any unit under it (one query each)."""
    start, end = period.start, period.end
    dossiers = Dossier.objects.filter(_in_subtree(unit.path, "filing_unit"))
    received = dossiers.filter(received_at__gte=start, received_at__lt=end)
    has_file = Attachment.objects.filter(dossier=OuterRef("pk"))
    counts = received.aggregate(
        received=Count("pk"),
        received_on_time=Count("pk", filter=Q(status=Dossier.Status.RETURNED, outcome__in=ON_TIME)),
        online=Count("pk", filter=Q(channel=Dossier.Channel.ONLINE)),
        full_online=Count(
            "pk", filter=Q(channel=Dossier.Channel.ONLINE, procedure__online_level=Procedure.OnlineLevel.FULL)
        ),
        paid=Count("pk", filter=Q(payment__in=(Dossier.Payment.PAID_ONLINE, Dossier.Payment.PAID_AT_DESK))),
        paid_online=Count("pk", filter=Q(payment=Dossier.Payment.PAID_ONLINE)),
        digitised=Count("pk", filter=Q(Exists(has_file))),
    )
    counts |= dossiers.filter(returned_at__gte=start, returned_at__lt=end).aggregate(
        returned=Count("pk"), returned_on_time=Count("pk", filter=Q(outcome__in=ON_TIME))
    )
    counts["late_now"] = dossiers.filter(status__in=Dossier.OPEN_STATUSES, appointment_at__lt=timezone.now()).count()
    ratings = Rating.objects.filter(
        _in_subtree(unit.path, "dossier__filing_unit"), created_at__gte=start, created_at__lt=end
    )
    counts |= ratings.aggregate(
        ratings=Count("pk"),
        ratings_satisfied=Count("pk", filter=Q(overall__in=SATISFIED)),
        politeness_satisfied=Count("pk", filter=Q(politeness__in=SATISFIED)),
    )
    return counts


def _feedback_of(unit: Unit):
    """Feedback handled by the unit's subtree; forwarded or unassigned feedback counts for the receiving unit."""
    return Feedback.objects.filter(
        _in_subtree(unit.path, "assigned_unit")
        | Q(assigned_unit__isnull=True) & _in_subtree(unit.path, "receiving_unit")
    )


def feedback_counts(unit: Unit, period: Period) -> dict[str, int]:
    start, end = period.start, period.end
    feedback = _feedback_of(unit)
    counts = feedback.filter(received_at__gte=start, received_at__lt=end).aggregate(feedback_received=Count("pk"))
    counts |= feedback.filter(answered_at__gte=start, answered_at__lt=end).aggregate(
        feedback_answered=Count("pk"),
        feedback_on_time=Count("pk", filter=Q(answered_on_time=True)),
        feedback_published=Count("pk", filter=Q(is_public=True)),
    )
    counts["feedback_late_now"] = feedback.filter(status__in=Feedback.OPEN_STATUSES, due_at__lt=timezone.now()).count()
    counts |= FeedbackRating.objects.filter(feedback__in=feedback, rated_at__gte=start, rated_at__lt=end).aggregate(
        feedback_ratings=Count("pk"), feedback_satisfied=Count("pk", filter=Q(level__in=SATISFIED))
    )
    return counts


def indicators(unit: Unit, period: Period) -> dict:
    """Every indicator of the dashboard for one unit (with its subtree) and period, with counts and shares."""
    c = dossier_counts(unit, period) | feedback_counts(unit, period)
    all_ratings = c["ratings"] + c["feedback_ratings"]
    rates = {
        "on_time": share(c["returned_on_time"], c["returned"]),
        "online": share(c["online"], c["received"]),
        "full_online": share(c["full_online"], c["received"]),
        "online_payment": share(c["paid_online"], c["paid"]),
        "satisfaction": share(c["ratings_satisfied"] + c["feedback_satisfied"], all_ratings),
        "dossier_satisfaction": share(c["ratings_satisfied"], c["ratings"]),
        "politeness": share(c["politeness_satisfied"], c["ratings"]),
        "feedback_on_time": share(c["feedback_on_time"], c["feedback_answered"]),
        "feedback_satisfaction": share(c["feedback_satisfied"], c["feedback_ratings"]),
    }
    return {"unit": unit, "period": period, "counts": c, "rates": rates, "groups": index_groups(c)}


def index_groups(c: dict[str, int]) -> list[dict]:
    """The six groups of Decision 766 (100 points). None where the period has nothing to measure."""
    satisfaction_parts = [
        _points(6, c["ratings_satisfied"], c["ratings"], full_at=Decimal("0.9")),
        _points(6, c["feedback_on_time"], c["feedback_answered"]),
        _points(6, c["feedback_satisfied"], c["feedback_ratings"]),
    ]
    online_parts = [_points(6, c["online"], c["received"]), _points(6, c["full_online"], c["received"])]
    groups = [
        ("transparency", _("Công khai, minh bạch"), 18, _points(18, c["feedback_published"], c["feedback_answered"]),
         _("18 × câu trả lời phản ánh được công khai / phản ánh đã trả lời (từ dữ liệu hệ thống ghi nhận)")),
        ("progress", _("Tiến độ giải quyết"), 20, _points(20, c["received_on_time"], c["received"]),
         _("20 × hồ sơ tiếp nhận trong kỳ đã trả đúng hoặc trước hạn / hồ sơ tiếp nhận trong kỳ")),
        ("online", _("Dịch vụ công trực tuyến"), 12, _sum(online_parts),
         _("6 × hồ sơ trực tuyến / hồ sơ tiếp nhận + 6 × hồ sơ trực tuyến toàn trình / hồ sơ tiếp nhận")),
        ("payment", _("Thanh toán trực tuyến"), 10, _points(10, c["paid_online"], c["paid"]),
         _("10 × hồ sơ nộp phí trực tuyến / hồ sơ đã nộp phí")),
        ("satisfaction", _("Mức độ hài lòng"), 18, _sum(satisfaction_parts),
         _("6 × (tỷ lệ hài lòng khi giải quyết hồ sơ / 90%, tối đa 1) + 6 × phản ánh trả lời đúng hạn / phản ánh "
           "đã trả lời + 6 × đánh giá hài lòng với trả lời phản ánh / số đánh giá")),
        ("digitisation", _("Số hóa hồ sơ"), 22, _points(22, c["digitised"], c["received"]),
         _("22 × hồ sơ tiếp nhận có thành phần điện tử / hồ sơ tiếp nhận")),
    ]  # fmt: skip
    return [{"code": code, "name": name, "weight": weight, "points": points, "formula": formula}
            for code, name, weight, points, formula in groups]  # fmt: skip


def _sum(parts: list[Decimal | None]) -> Decimal | None:
    known = [part for part in parts if part is not None]
    return sum(known, Decimal(0)) if known else None


def total_points(groups: list[dict]) -> Decimal | None:
    return _sum([group["points"] for group in groups])


def child_units(unit: Unit):
    """The units one level down that a dashboard compares (committees, departments, desks; not party cells)."""
    return unit.children.filter(is_active=True).exclude(kind=Unit.Kind.PARTY_CELL).order_by("sort_order", "name")


def public_units():
    """What the public dashboard offers: the province and every people's committee under it."""
    return Unit.objects.filter(kind=Unit.Kind.PEOPLES_COMMITTEE, is_active=True).order_by("path")


def officer_rows(unit: Unit, period: Period) -> list[dict]:
    """Per officer of the unit's subtree: BM.05 steps finished in the period, and how many on time."""
    from apps.dossiers.models import DossierStep

    steps = DossierStep.objects.filter(
        _in_subtree(unit.path, "unit"), finished_at__gte=period.start, finished_at__lt=period.end,
        finished_by__isnull=False,
    )  # fmt: skip
    rows = (
        steps.values("finished_by__username", "finished_by__full_name", "unit__name")
        .annotate(steps=Count("pk"), on_time=Count("pk", filter=Q(outcome__in=ON_TIME)))
        .order_by("unit__name", "finished_by__full_name")
    )
    return [row | {"rate": share(row["on_time"], row["steps"])} for row in rows]


def monthly_series(unit: Unit, period: Period) -> list[dict]:
    """For the chart: per month of the period, dossiers received and, of those returned that month, on time.
    Counted with one range filter per month (no date function per row: SQLite would call Python for each)."""
    dossiers = Dossier.objects.filter(_in_subtree(unit.path, "filing_unit"))
    parts = period.parts()
    received = dossiers.filter(received_at__gte=period.start, received_at__lt=period.end).aggregate(
        **{f"m{i}": Count("pk", filter=Q(received_at__gte=p.start, received_at__lt=p.end)) for i, p in enumerate(parts)}
    )
    in_month = [Q(returned_at__gte=p.start, returned_at__lt=p.end) for p in parts]
    returned = dossiers.filter(returned_at__gte=period.start, returned_at__lt=period.end).aggregate(
        **{f"m{i}": Count("pk", filter=month) for i, month in enumerate(in_month)},
        **{f"t{i}": Count("pk", filter=month & Q(outcome__in=ON_TIME)) for i, month in enumerate(in_month)},
    )
    return [
        {"label": f"{part.number:02d}/{part.year}", "received": received[f"m{i}"], "returned": returned[f"m{i}"],
         "on_time_rate": share(returned[f"t{i}"], returned[f"m{i}"])}
        for i, part in enumerate(parts)
    ]  # fmt: skip
