"""Writes on the reporting regime (chế độ báo cáo, Decree 09/2019/NĐ-CP): a superior unit's report request with its
form, the cycles it opens, each unit's submission (fill, submit, return, resubmit, accept) and the reminders.

Periods (Decree 09/2019 art. 12, DOMAIN.md): the figures of a month run from the 15th of the previous month to the
14th; of a quarter from the 15th of the month before it to the 14th of its last month; of the half-year from 15/12
to 14/06; of the year from 15/12 to 14/12. A cycle is due on the request's due day, in the month its figures end in
(or the month after, when the due day is the 14th or earlier: the figures must be closed before), moved to the next
working day of the requesting unit when it is not one, at the end of office hours.

Every service is one transaction with its audit event; a unit's submission is locked while it changes."""

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.calendar.selectors import timeliness
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.text import normalize_multiline, normalize_text
from apps.org.models import Unit
from apps.org.selectors import active_memberships, active_memberships_of_unit
from apps.work.models import Metric, PeriodKind, ReportCycle, ReportField, ReportRequest, ReportSubmission, ReportValue
from apps.work.selectors.figures import metric_values
from apps.work.services.common import (
    checked_file,
    end_of_working_day,
    local_day,
    notify_person,
    previous_working_day,
    require_leader_over,
    shown_date,
    working_day_on_or_after,
)

__all__ = [
    "FieldSpec",
    "ReportValuesInvalid",
    "accept_report",
    "create_request",
    "cycle_due_date",
    "cycle_period",
    "open_due_cycles",
    "periodic_cycles",
    "refresh_prefilled",
    "remind_now",
    "return_report",
    "save_values",
    "send_due_reminders",
    "send_late_notices",
    "submit_report",
]

Status = ReportSubmission.Status
MONTHS_IN_PERIOD = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
# The months whose 14th closes a period's figures.
CLOSING_MONTHS = {
    PeriodKind.MONTH: tuple(range(1, 13)),
    PeriodKind.QUARTER: (3, 6, 9, 12),
    PeriodKind.HALF: (6,),
    PeriodKind.YEAR: (12,),
}
CLOSING_DAY = 14
ROMAN = {3: "I", 6: "II", 9: "III", 12: "IV"}
MAX_FIELDS = 60
# A request may start up to a year back (its past cycles already due are not opened) and up to two years ahead.
MAX_DAYS_BACK = 366
MAX_DAYS_AHEAD = 2 * 366
MAX_NUMBER = Decimal("9999999999999999.99")
EDITABLE = (Status.DRAFT, Status.RETURNED)
NOT_SUBMITTED = (Status.DRAFT,)


class ReportValuesInvalid(DomainError):
    """Some values of a form are wrong: `errors` maps a field's id to its message. Nothing was written."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(
            _("Có chỉ tiêu chưa hợp lệ, vui lòng xem lại các ô được đánh dấu."), field=f"field_{next(iter(errors))}"
        )
        self.errors = errors


@dataclass
class FieldSpec:
    label: str
    kind: str
    measure: str = ""
    choices: tuple[str, ...] = ()
    required: bool = True
    help_text: str = ""
    prefill: str = ""


# --- periods ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CyclePlan:
    label: str
    period_start: dt.date
    period_end: dt.date
    deadline: dt.date


def cycle_period(frequency: str, period_end: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last day) of the figures closing on `period_end` (a 14th)."""
    start = period_end - relativedelta(months=MONTHS_IN_PERIOD[frequency]) + dt.timedelta(days=1)
    return start, period_end


def _on_day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, month_calendar.monthrange(year, month)[1]))


def cycle_due_date(unit: Unit, due_day: int, period_end: dt.date) -> dt.date:
    """The due day in the month the figures end in (the next month when the due day is ≤ 14), on a working day."""
    month = period_end if due_day > CLOSING_DAY else period_end + relativedelta(months=1)
    return working_day_on_or_after(unit, _on_day(month.year, month.month, due_day))


def _label(frequency: str, period_end: dt.date) -> str:
    if frequency == PeriodKind.MONTH:
        return _("Tháng %(month)02d/%(year)d") % {"month": period_end.month, "year": period_end.year}
    if frequency == PeriodKind.QUARTER:
        return _("Quý %(quarter)s/%(year)d") % {"quarter": ROMAN[period_end.month], "year": period_end.year}
    if frequency == PeriodKind.HALF:
        return _("6 tháng đầu năm %(year)d") % {"year": period_end.year}
    return _("Năm %(year)d") % {"year": period_end.year}


def periodic_cycles(request: ReportRequest, until: dt.date, since: dt.date | None = None) -> list[CyclePlan]:
    """The cycles of a periodic request whose figures period has begun by `until`, from the first period that
    ends on or after `starts_on` (or `since`, a later day) to the last that begins by `ends_on`."""
    first = dt.datetime.combine(max(request.starts_on, since or request.starts_on), dt.time())
    plans = []
    for closing in rrule(MONTHLY, dtstart=first, bymonth=CLOSING_MONTHS[request.frequency], bymonthday=CLOSING_DAY):
        start, end = cycle_period(request.frequency, closing.date())
        if start > until or (request.ends_on and start > request.ends_on):
            break
        deadline = cycle_due_date(request.from_unit, request.due_day, end)
        plans.append(CyclePlan(_label(request.frequency, end), start, end, deadline))
    return plans


# --- requests -----------------------------------------------------------------------------------------------


def _clean_fields(specs: list[FieldSpec]) -> list[ReportField]:
    if not specs:
        raise DomainError(_("Biểu mẫu cần ít nhất một chỉ tiêu."), field="fields")
    if len(specs) > MAX_FIELDS:
        raise DomainError(_("Biểu mẫu có tối đa %(max)d chỉ tiêu.") % {"max": MAX_FIELDS}, field="fields")
    fields = []
    for order, spec in enumerate(specs, start=1):
        label = normalize_text(spec.label)
        where = {"n": order}
        if not label:
            raise DomainError(_("Chỉ tiêu thứ %(n)d chưa có tên.") % where, field="fields")
        if spec.kind not in ReportField.Kind.values:
            raise DomainError(_("Chỉ tiêu thứ %(n)d có kiểu không hợp lệ.") % where, field="fields")
        choices = [normalize_text(choice) for choice in spec.choices if normalize_text(choice)]
        if spec.kind == ReportField.Kind.CHOICE and len(set(choices)) < 2:
            raise DomainError(_("Chỉ tiêu thứ %(n)d cần ít nhất hai lựa chọn khác nhau.") % where, field="fields")
        if spec.prefill and (spec.kind != ReportField.Kind.NUMBER or spec.prefill not in Metric.values):
            raise DomainError(
                _("Chỉ tiêu thứ %(n)d: chỉ chỉ tiêu kiểu số mới lấy được số liệu hệ thống.") % where, field="fields"
            )
        fields.append(ReportField(
            order=order, label=label[:300], kind=spec.kind, measure=normalize_text(spec.measure)[:50],
            choices=list(dict.fromkeys(choices)) if spec.kind == ReportField.Kind.CHOICE else [],
            required=bool(spec.required), help_text=normalize_text(spec.help_text)[:500], prefill=spec.prefill or "",
        ))  # fmt: skip
    return fields


def units_directly_under(from_unit: Unit):
    """The default recipients: the units directly under the requesting one (for a province: its departments and
    communes, not the communes' own divisions)."""
    return Unit.objects.filter(parent=from_unit, is_active=True).order_by("path")


def _check_recipients(from_unit: Unit, recipients) -> list[Unit]:
    recipients = list(recipients)
    if not recipients:
        raise DomainError(_("Chọn ít nhất một đơn vị báo cáo."), field="recipients")
    for unit in recipients:
        if unit.pk == from_unit.pk or not unit.path.startswith(from_unit.path) or not unit.is_active:
            raise DomainError(
                _("%(unit)s không phải đơn vị trực thuộc %(from)s.") % {"unit": unit.name, "from": from_unit.name},
                field="recipients",
            )
    return recipients


def _check_rule(kind: str, frequency: str, due_day, starts_on, ends_on, deadline, today: dt.date) -> None:
    if kind == ReportRequest.Kind.PERIODIC:
        if frequency not in MONTHS_IN_PERIOD:
            raise DomainError(_("Chọn kỳ báo cáo: tháng, quý, 6 tháng hoặc năm."), field="frequency")
        if due_day is None or not 1 <= int(due_day) <= 31:
            raise DomainError(_("Hạn nộp là một ngày trong tháng, từ 1 đến 31."), field="due_day")
    elif kind == ReportRequest.Kind.AD_HOC:
        if deadline is None:
            raise DomainError(_("Nhập hạn nộp báo cáo."), field="deadline")
        if deadline < today:
            raise DomainError(_("Hạn nộp không được trước hôm nay."), field="deadline")
        if ends_on is not None and ends_on > deadline:
            raise DomainError(_("Số liệu phải chốt trước hạn nộp."), field="ends_on")
    else:
        raise DomainError(_("Chọn loại báo cáo: định kỳ hoặc đột xuất."), field="kind")
    if starts_on is None:
        raise DomainError(_("Nhập ngày bắt đầu."), field="starts_on")
    if not today - dt.timedelta(days=MAX_DAYS_BACK) <= starts_on <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(
            _("Ngày bắt đầu phải trong khoảng từ %(first)s đến %(last)s.")
            % {"first": shown_date(today - dt.timedelta(days=MAX_DAYS_BACK)),
               "last": shown_date(today + dt.timedelta(days=MAX_DAYS_AHEAD))},
            field="starts_on",
        )  # fmt: skip
    if deadline is not None and deadline > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(_("Hạn nộp quá xa (tối đa hai năm)."), field="deadline")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("Ngày kết thúc không được trước ngày bắt đầu."), field="ends_on")


def create_request(
    *,
    actor,
    from_unit: Unit,
    title: str,
    fields: list[FieldSpec],
    recipients=None,
    kind: str = ReportRequest.Kind.PERIODIC,
    frequency: str = "",
    due_day: int | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    deadline: dt.date | None = None,
    instructions: str = "",
    now: dt.datetime | None = None,
) -> ReportRequest:
    """A leader of `from_unit` asks units under it for a report. Periodic: by `frequency` and `due_day`, from
    `starts_on` (to `ends_on`). Ad hoc: figures from `starts_on` to `ends_on` (default: today), due on `deadline`.
    `recipients` (any units below `from_unit`) defaults to the units directly under it. The cycles already begun
    are opened at once."""
    now = now or timezone.now()
    today = local_day(now)
    require_leader_over(actor, from_unit, _("Chỉ lãnh đạo của đơn vị mới được yêu cầu các đơn vị trực thuộc báo cáo."))
    title = normalize_text(title)
    if not title:
        raise DomainError(_("Nhập tên báo cáo."), field="title")
    starts_on = starts_on or today
    if kind == ReportRequest.Kind.AD_HOC:
        ends_on = ends_on or today
    _check_rule(kind, frequency, due_day, starts_on, ends_on, deadline, today)
    units = _check_recipients(from_unit, list(recipients or []) or units_directly_under(from_unit))
    form = _clean_fields(fields)
    if kind == ReportRequest.Kind.AD_HOC:
        end_of_working_day(from_unit, deadline)  # a holiday is refused with the working day before it
    with transaction.atomic():
        request = ReportRequest.objects.create(
            title=title[:500], instructions=normalize_multiline(instructions), from_unit=from_unit, kind=kind,
            frequency=frequency if kind == ReportRequest.Kind.PERIODIC else "",
            due_day=due_day if kind == ReportRequest.Kind.PERIODIC else None, starts_on=starts_on, ends_on=ends_on,
            created_by=actor, created_at=now,
        )  # fmt: skip
        request.recipients.set(units)
        for field in form:
            field.request = request
        ReportField.objects.bulk_create(form)
        record_event(
            "work.report_request.created", actor=actor, obj=request, unit=from_unit,
            changes={"kind": kind, "frequency": request.frequency, "due_day": request.due_day,
                     "recipients": [u.pk for u in units], "fields": [f.label for f in form],
                     "deadline": deadline.isoformat() if deadline else None},
        )  # fmt: skip
        if kind == ReportRequest.Kind.AD_HOC:
            open_cycle(request, CyclePlan(_("Đột xuất"), starts_on, ends_on, deadline))
        else:
            open_due_cycles(request, now=now)
    return request


def close_request(*, actor, request: ReportRequest, now: dt.datetime | None = None) -> ReportRequest:
    """No more cycles are opened; the open ones stay."""
    require_leader_over(actor, request.from_unit, _("Chỉ lãnh đạo của đơn vị yêu cầu mới được dừng báo cáo này."))
    with transaction.atomic():
        request = ReportRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == ReportRequest.Status.CLOSED:
            raise ConflictError(_("Yêu cầu báo cáo này đã dừng."))
        request.status = ReportRequest.Status.CLOSED
        request.save(update_fields=["status"])
        record_event("work.report_request.closed", actor=actor, obj=request, unit=request.from_unit)
    return request


# --- cycles -------------------------------------------------------------------------------------------------


def open_due_cycles(request: ReportRequest, *, now: dt.datetime | None = None) -> list[ReportCycle]:
    """Open every cycle of a periodic request whose figures period has begun (so units can draft ahead of the due
    day), except those already due before the request was made. Safe to run twice: a period opens once."""
    now = now or timezone.now()
    if request.kind != ReportRequest.Kind.PERIODIC or request.status != ReportRequest.Status.ACTIVE:
        return []
    made_on = local_day(request.created_at)
    known = set(request.cycles.values_list("period_start", flat=True))
    opened = []
    for plan in periodic_cycles(request, local_day(now), since=max(known, default=None)):
        if plan.deadline < made_on or plan.period_start in known:
            continue
        cycle = open_cycle(request, plan)
        if cycle is not None:
            opened.append(cycle)
    return opened


def open_cycle(request: ReportRequest, plan: CyclePlan) -> ReportCycle | None:
    """The cycle of `plan` with a draft for every recipient, numbers pre-filled; None when it was already open."""
    if ReportCycle.objects.filter(request=request, period_start=plan.period_start).exists():
        return None
    try:
        with transaction.atomic():
            cycle = ReportCycle.objects.create(
                request=request, label=plan.label[:100], period_start=plan.period_start,
                period_end=plan.period_end, deadline=plan.deadline,
                due_at=end_of_working_day(request.from_unit, plan.deadline),
            )  # fmt: skip
            fields = [f for f in request.fields.all() if f.prefill]
            for unit in request.recipients.filter(is_active=True).order_by("path"):
                submission = ReportSubmission.objects.create(cycle=cycle, unit=unit)
                _prefill(submission, fields, cycle)
            record_event(
                "work.report_cycle.opened", obj=cycle, unit=request.from_unit,
                changes={"period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
                         "deadline": plan.deadline.isoformat()},
            )  # fmt: skip
    except IntegrityError:  # opened meanwhile by another worker
        return None
    return cycle


def _prefill(submission: ReportSubmission, fields: list[ReportField], cycle: ReportCycle) -> list[str]:
    """Numbers the system knows, for the unit's subtree over the cycle's figures period, marked as pre-filled;
    a number the unit typed itself is kept. Returns the labels filled."""
    if not fields:
        return []
    figures = metric_values(submission.unit, cycle.period_start, cycle.period_end)
    existing = {v.field_id: v for v in submission.values.all()}
    filled = []
    for field in fields:
        number = figures.get(field.prefill)
        value = existing.get(field.pk)
        if value is not None and not value.prefilled and value.number is not None:
            continue
        if value is None:
            if number is None:
                continue
            ReportValue.objects.create(submission=submission, field=field, number=number, prefilled=True)
        else:
            value.number, value.prefilled = number, number is not None
            value.save(update_fields=["number", "prefilled"])
        filled.append(field.label)
    return filled


# --- submissions --------------------------------------------------------------------------------------------


def can_fill(user, submission: ReportSubmission) -> bool:
    """Staff of the reporting unit itself fill and send its report; a superior reads it, returns or accepts it, but
    does not write it for the unit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or active_memberships(user).filter(unit=submission.unit).exists()


def _locked(submission: ReportSubmission) -> ReportSubmission:
    return (
        ReportSubmission.objects.select_for_update(of=("self",))
        .select_related("cycle__request__from_unit", "unit")
        .get(pk=submission.pk)
    )


def _require_filler(actor, submission: ReportSubmission) -> None:
    if not can_fill(actor, submission):
        raise PermissionDeniedError(_("Chỉ cán bộ của %(unit)s được lập báo cáo này.") % {"unit": submission.unit.name})


def _require_editable(submission: ReportSubmission) -> None:
    if submission.status not in EDITABLE:
        raise ConflictError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không sửa được.") % {"status": submission.get_status_display()}
        )


def parse_number(raw) -> Decimal:
    """A number as staff type it: "1234", "1.234" or "1 234" (thousands), "12,5" (Vietnamese decimal comma)."""
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    else:
        text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Nhập một số, ví dụ 1.234 hoặc 12,5.")) from None
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise ValueError(_("Số quá lớn."))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("Chỉ nhập tối đa hai chữ số thập phân."))
    return number.quantize(Decimal("0.01"))


def _parsed(field: ReportField, raw, uploaded):
    """(number, text, file fields) of one typed value; ValueError with the message when it is wrong."""
    if field.kind == ReportField.Kind.FILE:
        try:
            return None, "", checked_file(uploaded)
        except DomainError as error:
            raise ValueError(error.message) from None
    text = normalize_multiline(raw if raw is not None else "")
    if field.kind == ReportField.Kind.NUMBER:
        return (parse_number(text) if text else None), "", None
    if field.kind == ReportField.Kind.CHOICE and text and text not in field.choices:
        raise ValueError(_("Chọn một trong các lựa chọn đã cho."))
    if len(text) > 20000:
        raise ValueError(_("Nội dung quá dài (tối đa 20.000 ký tự)."))
    return None, text, None


def save_values(
    *, actor, submission: ReportSubmission, values: dict, files: dict | None = None, now: dt.datetime | None = None
) -> ReportSubmission:
    """Write the typed values (field id → text; field id → uploaded file). Every value is checked first: when one
    is wrong, nothing is written and `ReportValuesInvalid` names each wrong field. A pre-filled number changed by
    the unit is no longer marked pre-filled."""
    values = {int(key): value for key, value in values.items()}
    files = {int(key): uploaded for key, uploaded in (files or {}).items() if uploaded}
    with transaction.atomic():
        submission = _locked(submission)
        _require_filler(actor, submission)
        _require_editable(submission)
        fields = {f.pk: f for f in submission.cycle.request.fields.all()}
        errors, parsed = {}, {}
        for key in set(values) | set(files):
            field = fields.get(key)
            if field is None or (field.kind == ReportField.Kind.FILE and key not in files):
                continue  # an unknown field is ignored; a file field without a new file keeps its file
            try:
                parsed[field.pk] = _parsed(field, values.get(key), files.get(key))
            except ValueError as error:
                errors[field.pk] = str(error)
        if errors:
            raise ReportValuesInvalid(dict(sorted(errors.items())))
        existing = {v.field_id: v for v in submission.values.all()}
        changed = [_store(submission, fields[pk], existing.get(pk), files, *parsed[pk]) for pk in sorted(parsed)]
        changed = [label for label in changed if label]
        if changed:
            submission.save(update_fields=["updated_at"])
            record_event("work.report.saved", actor=actor, obj=submission, unit=submission.unit,
                         changes={"fields": changed})  # fmt: skip
    return submission


def _store(submission, field, value, files, number, text, file_info) -> str:
    """Write one value; returns the field's label when it changed."""
    if value is None:
        if field.kind != ReportField.Kind.FILE and number is None and not text:
            return ""
        value = ReportValue(submission=submission, field=field)
    if field.kind == ReportField.Kind.FILE:
        uploaded = files[field.pk]
        value.file_name, value.content_type = file_info["name"], file_info["content_type"]
        value.file.save(uploaded.name, uploaded, save=False)  # named by the content type found above
        value.save()
        return field.label
    if value.pk and value.number == number and value.text == text:
        return ""
    value.number, value.text, value.prefilled = number, text, False
    value.save()
    return field.label


def refresh_prefilled(*, actor, submission: ReportSubmission) -> list[str]:
    """Read again the figures the system knows (numbers the unit typed are kept)."""
    with transaction.atomic():
        submission = _locked(submission)
        _require_filler(actor, submission)
        _require_editable(submission)
        fields = [f for f in submission.cycle.request.fields.all() if f.prefill]
        filled = _prefill(submission, fields, submission.cycle)
        record_event("work.report.prefilled", actor=actor, obj=submission, unit=submission.unit,
                     changes={"fields": filled})  # fmt: skip
    return filled


def missing_required(submission: ReportSubmission) -> dict[int, str]:
    values = {v.field_id: v for v in submission.values.all()}
    missing = {}
    for field in submission.cycle.request.fields.all():
        value = values.get(field.pk)
        empty = value is None or (value.number is None and not value.text and not value.file)
        if field.required and empty:
            missing[field.pk] = _("Chỉ tiêu bắt buộc, chưa nhập.")
    return missing


def submit_report(*, actor, submission: ReportSubmission, now: dt.datetime | None = None) -> ReportSubmission:
    """Send the report to the requester (again, after a return). Its timeliness is judged at the first sending."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(submission)
        _require_filler(actor, submission)
        _require_editable(submission)
        missing = missing_required(submission)
        if missing:
            raise ReportValuesInvalid(missing)
        again = submission.status == Status.RETURNED
        submission.status, submission.submitted_at, submission.submitted_by = Status.SUBMITTED, now, actor
        if not submission.outcome:
            submission.outcome = timeliness(now, submission.cycle.due_at)
        submission.save(update_fields=["status", "submitted_at", "submitted_by", "outcome", "updated_at"])
        record_event(
            "work.report.resubmitted" if again else "work.report.submitted", actor=actor, obj=submission,
            unit=submission.unit, changes={"outcome": submission.outcome},
        )  # fmt: skip
    return submission


def _require_requester(actor, submission: ReportSubmission) -> None:
    require_leader_over(
        actor, submission.cycle.request.from_unit,
        _("Chỉ lãnh đạo của đơn vị yêu cầu báo cáo mới được trả lại hoặc tiếp nhận báo cáo."),
    )  # fmt: skip


def _require_submitted(submission: ReportSubmission) -> None:
    if submission.status != Status.SUBMITTED:
        raise ConflictError(
            _("Báo cáo đang ở trạng thái “%(status)s”: chỉ báo cáo đã nộp mới được trả lại hoặc tiếp nhận.")
            % {"status": submission.get_status_display()}
        )


def return_report(
    *, actor, submission: ReportSubmission, note: str, now: dt.datetime | None = None
) -> ReportSubmission:
    """The requester sends a submitted report back for correction, saying why; the unit is told."""
    now = now or timezone.now()
    note = normalize_multiline(note)
    if not note:
        raise DomainError(_("Nêu lý do trả lại để đơn vị hoàn thiện."), field="note")
    with transaction.atomic():
        submission = _locked(submission)
        _require_requester(actor, submission)
        _require_submitted(submission)
        submission.status, submission.returned_note = Status.RETURNED, note
        submission.decided_by, submission.decided_at = actor, now
        submission.save(update_fields=["status", "returned_note", "decided_by", "decided_at", "updated_at"])
        record_event("work.report.returned", actor=actor, obj=submission, unit=submission.unit,
                     changes={"note": note})  # fmt: skip
        subject = _("Báo cáo bị trả lại: %(title)s") % {"title": submission.cycle.request.title}
        _tell_unit(submission.unit, subject, note, submission)
    return submission


def accept_report(*, actor, submission: ReportSubmission, now: dt.datetime | None = None) -> ReportSubmission:
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(submission)
        _require_requester(actor, submission)
        _require_submitted(submission)
        submission.status, submission.decided_by, submission.decided_at = Status.ACCEPTED, actor, now
        submission.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        record_event("work.report.accepted", actor=actor, obj=submission, unit=submission.unit)
    return submission


# --- reminders ----------------------------------------------------------------------------------------------


def _tell_unit(unit: Unit, subject: str, body: str, submission: ReportSubmission) -> None:
    for membership in active_memberships_of_unit(unit).select_related("user"):
        notify_person(membership.user, subject, body, obj=submission)


def _reminder_text(submission: ReportSubmission) -> tuple[str, str]:
    cycle = submission.cycle
    subject = _("Nhắc nộp báo cáo: %(title)s — %(label)s") % {"title": cycle.request.title, "label": cycle.label}
    body = _("%(unit)s chưa nộp báo cáo “%(title)s” kỳ %(label)s; hạn nộp ngày %(day)s.") % {
        "unit": submission.unit.name, "title": cycle.request.title, "label": cycle.label,
        "day": shown_date(cycle.deadline),
    }  # fmt: skip
    return subject, body


def remind_now(*, actor, cycle: ReportCycle, now: dt.datetime | None = None) -> int:
    """The requester reminds, now, every unit that has not sent its report (draft or returned)."""
    now = now or timezone.now()
    require_leader_over(actor, cycle.request.from_unit, _("Chỉ lãnh đạo của đơn vị yêu cầu báo cáo mới được nhắc."))
    with transaction.atomic():
        waiting = list(
            ReportSubmission.objects.select_for_update(of=("self",))
            .filter(cycle=cycle, status__in=EDITABLE)
            .select_related("unit", "cycle__request")
        )
        for submission in waiting:
            _tell_unit(submission.unit, *_reminder_text(submission), submission)
            submission.reminder_sent_at = now
            submission.save(update_fields=["reminder_sent_at", "updated_at"])
        record_event("work.report_cycle.reminded", actor=actor, obj=cycle, unit=cycle.request.from_unit,
                     changes={"units": [s.unit_id for s in waiting]})  # fmt: skip
    return len(waiting)


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """From the working day before the due day until the due moment, remind once each unit that has not sent its
    report. Safe to run twice: a reminded submission is marked."""
    now = now or timezone.now()
    today = local_day(now)
    candidates = (
        ReportSubmission.objects.filter(
            status__in=NOT_SUBMITTED, reminder_sent_at__isnull=True, cycle__due_at__gt=now,
            cycle__deadline__lte=today + dt.timedelta(days=31),
        )
        .select_related("unit", "cycle__request__from_unit")
        .order_by("cycle__deadline", "pk")
    )  # fmt: skip
    sent = 0
    for submission in candidates:
        cycle = submission.cycle
        if today < previous_working_day(cycle.request.from_unit, cycle.deadline):
            continue
        with transaction.atomic():
            locked = ReportSubmission.objects.select_for_update().filter(
                pk=submission.pk, status__in=NOT_SUBMITTED, reminder_sent_at__isnull=True
            )
            if not locked.update(reminder_sent_at=now):
                continue
            _tell_unit(submission.unit, *_reminder_text(submission), submission)
            record_event("work.report.reminded", obj=submission, unit=submission.unit,
                         changes={"deadline": cycle.deadline.isoformat()})  # fmt: skip
        sent += 1
    return sent


def send_late_notices(*, now: dt.datetime | None = None) -> int:
    """Once a cycle is past due: tell each unit that has not sent its report (once), and the requester once a
    summary of the units newly late."""
    now = now or timezone.now()
    late = (
        ReportSubmission.objects.filter(
            status__in=NOT_SUBMITTED, late_notice_sent_at__isnull=True, cycle__due_at__lt=now
        )
        .select_related("unit", "cycle__request__from_unit", "cycle__request__created_by")
        .order_by("cycle_id", "unit__path")
    )
    by_cycle: dict[int, list[ReportSubmission]] = {}
    for submission in late:
        with transaction.atomic():
            marked = ReportSubmission.objects.filter(
                pk=submission.pk, status__in=NOT_SUBMITTED, late_notice_sent_at__isnull=True
            ).update(late_notice_sent_at=now)
            if not marked:
                continue
            cycle = submission.cycle
            subject = _("Quá hạn nộp báo cáo: %(title)s — %(label)s") % {"title": cycle.request.title,
                                                                          "label": cycle.label}  # fmt: skip
            body = _("%(unit)s chưa nộp báo cáo “%(title)s” kỳ %(label)s; đã quá hạn ngày %(day)s.") % {
                "unit": submission.unit.name, "title": cycle.request.title, "label": cycle.label,
                "day": shown_date(cycle.deadline),
            }  # fmt: skip
            _tell_unit(submission.unit, subject, body, submission)
            record_event("work.report.late_notice", obj=submission, unit=submission.unit)
        by_cycle.setdefault(submission.cycle_id, []).append(submission)
    for submissions in by_cycle.values():
        cycle = submissions[0].cycle
        subject = _("Đơn vị chưa nộp báo cáo: %(title)s — %(label)s") % {"title": cycle.request.title,
                                                                          "label": cycle.label}  # fmt: skip
        body = _("Quá hạn ngày %(day)s, các đơn vị sau chưa nộp: %(units)s.") % {
            "day": shown_date(cycle.deadline), "units": "; ".join(s.unit.name for s in submissions)
        }  # fmt: skip
        notify_person(cycle.request.created_by, subject, body, obj=cycle)
    return sum(len(s) for s in by_cycle.values())


def refresh_closed_periods(*, now: dt.datetime | None = None) -> int:
    """Each night between the end of a cycle's figures period and its due moment, read again the system's figures
    of the drafts not sent yet (a cycle opens when its period begins, so the figures pre-filled then are partial);
    numbers a unit typed are kept. Safe to run twice. Returns the drafts refreshed."""
    now = now or timezone.now()
    cycles = (
        ReportCycle.objects.filter(period_end__lt=local_day(now), due_at__gt=now, request__fields__prefill__gt="")
        .distinct()
        .select_related("request__from_unit")
    )
    refreshed = 0
    for cycle in cycles:
        fields = [f for f in cycle.request.fields.all() if f.prefill]
        drafts = cycle.submissions.filter(status=Status.DRAFT).select_related("unit")
        with transaction.atomic():
            for submission in drafts:
                _prefill(submission, fields, cycle)
                refreshed += 1
            record_event("work.report_cycle.prefilled", obj=cycle, unit=cycle.request.from_unit,
                         changes={"fields": [f.label for f in fields]})  # fmt: skip
    return refreshed


def open_all_due_cycles(*, now: dt.datetime | None = None) -> int:
    """Every active periodic request opens the cycles whose period has begun."""
    now = now or timezone.now()
    requests = (
        ReportRequest.objects.filter(kind=ReportRequest.Kind.PERIODIC, status=ReportRequest.Status.ACTIVE)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=local_day(now) - dt.timedelta(days=400)))
        .select_related("from_unit")
    )
    return sum(len(open_due_cycles(request, now=now)) for request in requests)
