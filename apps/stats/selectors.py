"""Service-quality indicators per unit (with its whole subtree) and period.

Counts come from the daily tables (`apps.stats.models`), which the services keep equal to the records in the same
transaction as every change; what is true "now" (dossiers and feedback late at this moment) is counted live. The
tests recompute every figure with plain SQL over the records.

The Decision 766/QĐ-TTg groups: processing progress (20 points) and satisfaction (18) exactly as DOMAIN.md states
them; the other groups from what the system records, each with its formula shown next to it."""

import datetime as dt
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.dossiers.models import Apology, Dossier
from apps.feedback.models import Feedback
from apps.org.models import Unit
from apps.procedures.models import Procedure
from apps.stats.models import (
    DossierDay,
    DossierMonth,
    DossierYear,
    DueDay,
    FeedbackDay,
    FeedbackMonth,
    OfficerDay,
    ProcedureFeedbackDay,
)
from apps.stats.services import counts_version, day_bounds

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
    def first_day(self) -> dt.date:
        return self.start.date()

    @property
    def end_day(self) -> dt.date:
        """The day after the period (excluded)."""
        return timezone.localtime(self.end).date()

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


DOSSIER_COLUMNS = ("received", "received_on_time", "online", "paid", "paid_online", "digitised",
                   "results_digitised", "reused", "with_fee", "returned", "returned_on_time", "ratings",
                   "ratings_satisfied", "politeness_satisfied")  # fmt: skip
FEEDBACK_COLUMNS = ("feedback_received", "feedback_answered", "feedback_on_time", "feedback_published",
                    "feedback_ratings", "feedback_satisfied")  # fmt: skip
FULL_ONLINE = Q(procedure__online_level=Procedure.OnlineLevel.FULL)


def _days(table, unit: Unit, period: Period):
    """The rows of a daily table, or of a monthly one (a period is whole months), of the unit's subtree."""
    return table.objects.filter(
        _in_subtree(unit.path, "unit"), day__gte=period.first_day, day__lt=period.end_day
    ).order_by()


def _dossier_sums(period: Period):
    """The dossier counts table for a period's totals: a year's sums when the period is a year (twelve times fewer
    rows than its months), else the months'."""
    return DossierYear if period.kind == "year" else DossierMonth


def _sums(columns: tuple[str, ...], **more) -> dict:
    """Sum(column) of each column, under its own name once the "total_" prefix is dropped (an aggregate cannot be
    named after a column that another aggregate of the same query sums)."""
    sums = {f"total_{column}": Sum(column) for column in columns}
    return sums | {f"total_{name}": aggregate for name, aggregate in more.items()}


def _zeros_for_none(counts: dict) -> dict[str, int]:
    return {name.removeprefix("total_"): value or 0 for name, value in counts.items()}


def _late_dossiers(unit: Unit):
    return Dossier.objects.filter(
        _in_subtree(unit.path, "filing_unit"), status__in=Dossier.OPEN_STATUSES, due_at__lt=timezone.now()
    )


def _feedback_in_subtree(unit: Unit):
    """Feedback handled in the unit's subtree: assigned there, or received there and not (or not yet) assigned."""
    handled = _in_subtree(unit.path, "assigned_unit") | Q(assigned_unit__isnull=True) & _in_subtree(
        unit.path, "receiving_unit"
    )
    return Feedback.objects.filter(handled)


def _late_feedback(unit: Unit):
    return _feedback_in_subtree(unit).filter(status__in=Feedback.OPEN_STATUSES, due_at__lt=timezone.now())


def _late_rows(unit: Unit) -> list[dict]:
    """Late at this moment: open items due on an earlier day (from `DueDay`), and today's whose time has passed."""
    today = timezone.localdate()
    start_of_today, _end = day_bounds(today)
    open_before = Q(dossiers__gt=0) | Q(feedback__gt=0)  # the condition of the table's partial index
    feedback_unit = Coalesce("assigned_unit__path", "receiving_unit__path")
    return [
        *DueDay.objects.filter(open_before, _in_subtree(unit.path, "unit"), day__lt=today)
        .values("unit__path")
        .annotate(total_late_now=Sum("dossiers"), total_feedback_late_now=Sum("feedback"))
        .order_by(),
        *_late_dossiers(unit)
        .filter(due_at__gte=start_of_today)
        .values(unit__path=F("filing_unit__path"))
        .annotate(total_late_now=Count("pk"))
        .order_by(),
        *_late_feedback(unit)
        .filter(due_at__gte=start_of_today)
        .values(unit__path=feedback_unit)
        .annotate(total_feedback_late_now=Count("pk"))
        .order_by(),
    ]


COUNT_NAMES = ("full_online", "full_online_received", "late_now", "feedback_late_now", *DOSSIER_COLUMNS,
               *FEEDBACK_COLUMNS)  # fmt: skip


def counts_by_unit(unit: Unit, period: Period) -> list[dict]:
    """Partial counts of the unit's subtree, each row with the path of the unit it belongs to (five queries,
    whatever the number of units): the figures of the unit and of each unit under it are their sums."""
    full_online, full_online_received = Sum("online", filter=FULL_ONLINE), Sum("received", filter=FULL_ONLINE)
    return [
        *_days(_dossier_sums(period), unit, period)
        .values("unit__path")
        .annotate(**_sums(DOSSIER_COLUMNS, full_online=full_online, full_online_received=full_online_received)),
        *_days(FeedbackMonth, unit, period).values("unit__path").annotate(**_sums(FEEDBACK_COLUMNS)),
        *_late_rows(unit),
    ]


def _rollup(rows: list[dict], prefix: str, *, only_itself: bool = False) -> dict[str, int]:
    counts = dict.fromkeys(COUNT_NAMES, 0)
    for row in rows:
        if row["unit__path"] == prefix if only_itself else row["unit__path"].startswith(prefix):
            for name, value in row.items():
                if name != "unit__path":
                    counts[name.removeprefix("total_")] += value or 0
    return counts


def indicators(unit: Unit, period: Period, rows: list[dict] | None = None) -> dict:
    """Every indicator of the dashboard for one unit (with its subtree) and period, with counts and shares."""
    rows = counts_by_unit(unit, period) if rows is None else rows
    return indicators_of(unit, period, _rollup(rows, unit.path))


def indicators_of(unit: Unit, period: Period, c: dict[str, int], offer: "Offer | None" = None) -> dict:
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
        "papers_digitised": share(c["digitised"], c["received"]),
        "results_digitised": share(c["results_digitised"], c["received"]),
    }
    groups = index_groups(c, offer if offer is not None else offers_for([unit])[unit.pk])
    return {"unit": unit, "period": period, "counts": c, "rates": rates, "groups": groups}


@dataclass(frozen=True)
class Offer:
    """The active procedures a unit's subtree handles (those of the levels of its units), and how many of them are
    offered online at all (A) and fully online (B)."""

    procedures: int
    online: int
    full_online: int


def offers_for(units: list[Unit]) -> dict[int, Offer]:
    """Each unit's `Offer` (two queries for any number of units): the levels found in its subtree, and the active
    procedures of those levels counted by online level."""
    if not units:
        return {}
    prefix = posixpath.commonpath([unit.path for unit in units]).rstrip("/") + "/"  # paths are /1/7/42/
    tree = list(Unit.objects.filter(path__startswith=prefix).values_list("path", "level"))
    by_level: dict[str, dict[str, int]] = {}
    for row in Procedure.objects.filter(is_active=True).values("level", "online_level").annotate(n=Count("pk")):
        by_level.setdefault(row["level"], {})[row["online_level"]] = row["n"]
    offers = {}
    for unit in units:
        levels = {level for path, level in tree if path.startswith(unit.path)} | {unit.level}
        counts = [by_level.get(level, {}) for level in levels]
        offers[unit.pk] = Offer(
            procedures=sum(sum(c.values()) for c in counts),
            online=sum(n for c in counts for kind, n in c.items() if kind != Procedure.OnlineLevel.NONE),
            full_online=sum(c.get(Procedure.OnlineLevel.FULL, 0) for c in counts),
        )
    return offers


def _capped(weight: int, numerator: int, denominator: int, full_at: str) -> Decimal | None:
    """min(weight, weight × share / full_at): full points from the share `full_at` up."""
    return _points(weight, numerator, denominator, full_at=Decimal(full_at))


def _full_when_none(weight: int, numerator: int, denominator: int) -> Decimal:
    """A feedback part with nothing to measure (no feedback answered or rated in the period) scores full points,
    as the method says: a unit is not marked down for feedback it never received."""
    return Decimal(weight).quantize(Decimal("0.01")) if not denominator else _points(weight, numerator, denominator)


UNOFFICIAL = _("chưa có phương pháp chính thức")


def index_groups(c: dict[str, int], offer: Offer | None = None) -> list[dict]:
    """The six groups of Decision 766/QĐ-TTg (100 points), by the method DOMAIN.md gives. None where the period has
    nothing to measure. The official formula text was not found: only the progress group is the indicator's own
    definition; every other group follows the weights and parts the national portal shows and is labelled
    `official=False` ("chưa có phương pháp chính thức"). Parts the system does not record are not counted (their
    points are missing from the group, said in its formula)."""
    offer = offer or Offer(0, 0, 0)
    measured = c["ratings"] or c["feedback_answered"] or c["feedback_ratings"]
    satisfaction = (
        _sum([
            _points(6, c["ratings_satisfied"], c["ratings"], full_at=Decimal("0.9")),
            _full_when_none(6, c["feedback_on_time"], c["feedback_answered"]),
            _full_when_none(6, c["feedback_satisfied"], c["feedback_ratings"]),
        ])
        if measured
        else None
    )  # fmt: skip
    online = _sum([
        _capped(2, offer.online, offer.procedures, "0.8"),
        _points(4, offer.full_online, offer.procedures),
        _capped(6, c["full_online"], c["full_online_received"], "0.5"),
    ])  # fmt: skip
    payment = _points(6, c["paid_online"], c["with_fee"])
    payment = None if payment is None else payment + 4
    digitisation = _sum([
        _points(6, c["results_digitised"], c["received"]),
        _points(4, c["digitised"], c["received"]),
        _points(2, c["reused"], c["received"]),
    ])  # fmt: skip
    groups = [
        ("transparency", _("Công khai, minh bạch"), 18, _points(18, c["feedback_published"], c["feedback_answered"]),
         _("18 × câu trả lời phản ánh được công khai / phản ánh đã trả lời (từ dữ liệu hệ thống ghi nhận)"), False),
        ("progress", _("Tiến độ giải quyết"), 20, _points(20, c["received_on_time"], c["received"]),
         _("20 × hồ sơ tiếp nhận trong kỳ đã trả kết quả không muộn hơn hạn giải quyết theo quy định (ngày hẹn lại "
           "không được tính; văn bản từ chối trả như kết quả được tính) / hồ sơ tiếp nhận trong kỳ (kể cả hồ sơ "
           "công dân rút sau khi tiếp nhận; hồ sơ bị từ chối tiếp nhận không được tiếp nhận nên không tính)"), True),
        ("online", _("Dịch vụ công trực tuyến"), 12, online,
         _("min(2; 2 × A / 80%) + 4 × B + min(6; 6 × C / 50%) — A: thủ tục có dịch vụ công trực tuyến / thủ tục "
           "đang áp dụng; B: thủ tục trực tuyến toàn trình / thủ tục đang áp dụng; C: hồ sơ nộp trực tuyến / hồ sơ "
           "tiếp nhận, của các thủ tục trực tuyến toàn trình"), False),
        ("payment", _("Thanh toán trực tuyến"), 10, payment,
         _("6 × hồ sơ nộp phí trực tuyến / hồ sơ tiếp nhận có phí, lệ phí + 2 + 2 (hai phần cố định như Cổng Dịch vụ "
           "công quốc gia thể hiện)"), False),
        ("satisfaction", _("Mức độ hài lòng"), 18, satisfaction,
         _("6 × (tỷ lệ hài lòng khi giải quyết hồ sơ / 90%, tối đa 1) + 6 × phản ánh trả lời đúng hạn / phản ánh "
           "đã trả lời + 6 × đánh giá hài lòng với trả lời phản ánh / số đánh giá; không có phản ánh trong kỳ: "
           "phần phản ánh được đủ điểm"), False),
        ("digitisation", _("Số hóa hồ sơ"), 22, digitisation,
         _("6 × hồ sơ có kết quả điện tử / hồ sơ tiếp nhận + 4 × hồ sơ có mọi thành phần bắt buộc đã số hóa / hồ sơ "
           "tiếp nhận + 2 × hồ sơ dùng lại dữ liệu đã số hóa / hồ sơ tiếp nhận (10 điểm của các phần còn lại chưa "
           "đo được)"), False),
    ]  # fmt: skip
    return [{"code": code, "name": name, "weight": weight, "points": points, "formula": formula,
             "official": official, "method_note": None if official else UNOFFICIAL}
            for code, name, weight, points, formula, official in groups]  # fmt: skip


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


def child_rows(unit: Unit, period: Period, rows: list[dict] | None = None) -> list[dict]:
    """The units one level down side by side, each with everything under it, after the unit's own records if it has
    any (from the same rows as the unit's figures, so the rows add up to them)."""
    rows = counts_by_unit(unit, period) if rows is None else rows
    parts = [(child, _rollup(rows, child.path)) for child in child_units(unit)]
    own = _rollup(rows, unit.path, only_itself=True)
    if parts and any(own.values()):  # what is filed with the unit itself (a commune's dossiers), first
        parts.insert(0, (unit, own))
    offers = offers_for([part for part, _counts in parts])
    result = []
    for part, counts in parts:
        data = indicators_of(part, period, counts, offers[part.pk])
        rates = [data["rates"][key] for key in ("on_time", "online", "satisfaction", "feedback_on_time")]
        result.append(data | {"total": total_points(data["groups"]), "child_rates": rates, "itself": part == unit})
    return result


def procedure_rows(unit: Unit, period: Period) -> list[dict]:
    """Per procedure, dossiers received and returned on time, and satisfaction: the dossier ratings and the ratings
    of answers to feedback about that procedure, together; busiest procedures first."""
    columns = ("received", "returned", "returned_on_time", "ratings", "ratings_satisfied", "politeness_satisfied")
    dossier_rows = (
        _days(_dossier_sums(period), unit, period)
        .values("procedure_id", "procedure__code", "procedure__name")
        .annotate(**_sums(columns))
    )
    feedback_ratings = {
        row["procedure_id"]: _zeros_for_none(row)
        for row in _days(ProcedureFeedbackDay, unit, period)
        .values("procedure_id")
        .annotate(**_sums(("feedback_ratings", "feedback_satisfied")))
        .filter(total_feedback_ratings__gt=0)
    }
    rows = [_zeros_for_none(row) for row in dossier_rows]
    only_feedback = feedback_ratings.keys() - {row["procedure_id"] for row in rows}
    for procedure in Procedure.objects.filter(pk__in=only_feedback).values("pk", "code", "name"):
        rows.append(dict.fromkeys(columns, 0) | {
            "procedure_id": procedure["pk"], "procedure__code": procedure["code"], "procedure__name": procedure["name"]
        })  # fmt: skip
    result = []
    for c in rows:
        extra = feedback_ratings.get(c["procedure_id"], {"feedback_ratings": 0, "feedback_satisfied": 0})
        all_ratings = c["ratings"] + extra["feedback_ratings"]
        result.append(c | extra | {
            "on_time": share(c["returned_on_time"], c["returned"]),
            "satisfaction": share(c["ratings_satisfied"] + extra["feedback_satisfied"], all_ratings),
            "politeness": share(c["politeness_satisfied"], c["ratings"]),
        })  # fmt: skip
    return sorted(result, key=lambda row: (-row["received"], row["procedure__code"]))


def officer_satisfaction(unit: Unit, period: Period) -> list[dict]:
    """Per officer of the unit's subtree, the ratings of those they served in the period: dossiers they received at
    the desk, feedback they answered; satisfaction of both together."""
    columns = ("ratings", "ratings_satisfied", "politeness_satisfied", "feedback_ratings", "feedback_satisfied")
    rows = (
        _days(OfficerDay, unit, period)
        .values("officer__username", "officer__full_name", "unit__name")
        .annotate(**_sums(columns))
        .order_by("unit__name", "officer__full_name", "officer__username")
    )
    result = []
    for row in rows:
        c = _zeros_for_none(row)
        satisfied, rated = c["ratings_satisfied"] + c["feedback_satisfied"], c["ratings"] + c["feedback_ratings"]
        result.append(c | {"satisfaction": share(satisfied, rated), "politeness": share(c["politeness_satisfied"],
                                                                                         c["ratings"])})  # fmt: skip
    return result


def officer_rows(unit: Unit, period: Period) -> list[dict]:
    """Per officer of the unit's subtree: BM.05 steps finished in the period, and how many on time."""
    rows = (
        _days(OfficerDay, unit, period)
        .values("officer__username", "officer__full_name", "unit__name")
        .annotate(**_sums(("steps", "steps_on_time")))
        .filter(total_steps__gt=0)
        .order_by("unit__name", "officer__full_name", "officer__username")
    )
    return [_zeros_for_none(row) | {"rate": share(row["total_steps_on_time"], row["total_steps"])} for row in rows]


def monthly_series(unit: Unit, period: Period) -> list[dict]:
    """For the chart: per month of the period, dossiers received and, of those returned that month, on time."""
    columns = ("received", "returned", "returned_on_time")
    months = {(part.year, part.number): dict.fromkeys(columns, 0) for part in period.parts()}
    for row in _days(DossierMonth, unit, period).values("day").annotate(**_sums(columns)):
        month = months[(row["day"].year, row["day"].month)]
        for name in columns:
            month[name] += row[f"total_{name}"] or 0
    return [
        {"label": f"{number:02d}/{year}", "received": month["received"], "returned": month["returned"],
         "on_time_rate": share(month["returned_on_time"], month["returned"])}
        for (year, number), month in months.items()
    ]  # fmt: skip


# --- the dashboards' cached answers ------------------------------------------------------------------------------

CACHE_SECONDS = 600  # a safety net only: exactness comes from the counts version and the next deadline
WAIT_FOR_OTHER_SECONDS = 5  # how long a request waits for another worker computing the same answer


def dashboard(unit: Unit, period: Period, *, officers: bool = False, render: Callable[[dict], str] | None = None):
    """Every figure of a unit's dashboard for a period, cached exactly: the key holds the unit's counts version
    (renewed after every change to a count of its subtree) and the answer expires when the next open item of the
    subtree falls due (the one change of "late now" that no write announces). With `render`, only the figures
    rendered as HTML, under "html" (reading back the figures and rendering them cost more than the page's rest)."""
    key = ":".join(("stats-dashboard", "1", str(unit.pk), period.kind, str(period.year), str(period.number),
                    get_language() or "", "officers" if officers else "public", counts_version(unit)))  # fmt: skip

    if render is None:
        return computed_once(key, lambda: _dashboard_and_expiry(unit, period, officers=officers))

    def html_and_expiry() -> tuple[str, float]:
        figures, seconds = _dashboard_and_expiry(unit, period, officers=officers)
        return render(figures), seconds

    return {"html": computed_once(f"{key}:html", html_and_expiry)}  # a page needs the HTML alone: one small value


def computed_once(key: str, compute: Callable[[], tuple]):
    """The cached value, or compute it; while one request computes a key, the others wait for its answer instead
    of computing the same thing (a burst after a change costs one computation, not one per worker). Each value
    carries the moment it stops being true, checked on this server's clock (the cache's own expiry only frees
    memory: it runs on the cache server's clock)."""
    value = _fresh(cache.get(key))
    if value is not None:
        return value
    lock = f"{key}:computing"
    if not cache.add(lock, 1, WAIT_FOR_OTHER_SECONDS):
        deadline = time.monotonic() + WAIT_FOR_OTHER_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
            value = _fresh(cache.get(key))
            if value is not None:
                return value
    try:
        value, seconds = compute()
        if seconds >= 1:
            cache.set(key, (timezone.now().timestamp() + seconds, value), int(seconds) + 1)
    finally:
        cache.delete(lock)
    return value


def _fresh(entry):
    """The value of a cached (valid until, value) entry while it holds, else None."""
    if entry is None or entry[0] <= timezone.now().timestamp():
        return None
    return entry[1]


def _dashboard_and_expiry(unit: Unit, period: Period, *, officers: bool) -> tuple[dict, float]:
    next_due = next_deadline(unit)  # before counting: a deadline passing while we count expires the answer at once
    rows = counts_by_unit(unit, period)
    data = indicators(unit, period, rows)
    figures = {
        "data": data, "series": monthly_series(unit, period), "total": total_points(data["groups"]),
        "children": child_rows(unit, period, rows), "procedures": procedure_rows(unit, period),
        "apologies": apology_figures(unit, period),
    }  # fmt: skip
    if officers:
        figures |= {"officers": officer_rows(unit, period), "served": officer_satisfaction(unit, period)}
    seconds = CACHE_SECONDS if next_due is None else min(CACHE_SECONDS, (next_due - timezone.now()).total_seconds())
    return figures, seconds


def apology_figures(unit: Unit, period: Period) -> dict[str, int]:
    """BM.04 apologies signed in the period by units of the subtree, and how many of them reached the citizen only
    after the legal due time they apologise for (DOMAIN.md: at least a working day before it)."""
    signed = Apology.objects.filter(
        _in_subtree(unit.path, "unit"), approved_at__gte=period.start, approved_at__lt=period.end
    )
    return signed.aggregate(
        signed=Count("pk"), signed_late=Count("pk", filter=Q(approved_at__gt=F("original_appointment_at")))
    )


def counts_between(unit: Unit, first_day: dt.date, last_day: dt.date) -> dict[str, int]:
    """The dossier and feedback counts of the unit's subtree over any run of days, both included (a report's
    figures period, e.g. the 15th to the 14th of Decree 09/2019), from the daily tables, plus the BM.04 apologies
    signed in it: three queries."""
    days = {"day__gte": first_day, "day__lte": last_day}
    counts = _zeros_for_none(
        DossierDay.objects.filter(_in_subtree(unit.path, "unit"), **days).aggregate(**_sums(DOSSIER_COLUMNS))
    )
    counts |= _zeros_for_none(
        FeedbackDay.objects.filter(_in_subtree(unit.path, "unit"), **days).aggregate(**_sums(FEEDBACK_COLUMNS))
    )
    start, _end = day_bounds(first_day)
    _start, end = day_bounds(last_day)
    counts["apologies"] = Apology.objects.filter(
        _in_subtree(unit.path, "unit"), approved_at__gte=start, approved_at__lt=end
    ).count()
    return counts


def next_deadline(unit: Unit) -> dt.datetime | None:
    """The next moment an open dossier or feedback item of the subtree falls due (None when none will): the next
    days with open items come from `DueDay`, the moment from the items due on those days alone."""
    now = timezone.now()
    open_items = Q(dossiers__gt=0) | Q(feedback__gt=0)  # the condition of the table's partial index
    days = (
        DueDay.objects.filter(open_items, _in_subtree(unit.path, "unit"), day__gte=timezone.localdate(now))
        .order_by("day")
        .values_list("day", flat=True)
        .distinct()
    )
    for day in days[:3]:  # today's items may all be past already; then the next day's are the first
        start, end = day_bounds(day)
        if moment := _first_due(unit, max(start, now), end):
            return moment
    return _first_due(unit, now, None)


def _first_due(unit: Unit, since: dt.datetime, until: dt.datetime | None) -> dt.datetime | None:
    before = {} if until is None else {"due_at__lt": until}
    dossier = (
        Dossier.objects.filter(_in_subtree(unit.path, "filing_unit"), status__in=Dossier.OPEN_STATUSES,
                               due_at__gte=since, **before)
        .order_by()
        .aggregate(first=Min("due_at"))["first"]
    )  # fmt: skip
    feedback_before = {} if until is None else {"due_at__lt": until}
    feedback = (
        _feedback_in_subtree(unit)
        .filter(status__in=Feedback.OPEN_STATUSES, due_at__gte=since, **feedback_before)
        .order_by()
        .aggregate(first=Min("due_at"))["first"]
    )
    return min((moment for moment in (dossier, feedback) if moment is not None), default=None)
