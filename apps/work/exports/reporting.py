"""A report cycle's aggregate as .xlsx: the national heading, the report's title and figures period, one row per
unit (its state, when it sent, on time or late, then each field of the form), a total row adding up the numbers
of the reports sent. Every cell goes through apps.core.xlsx (text from units stays text, never a formula)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from apps.core.dates import date_line
from apps.core.xlsx import append_row, write_text
from apps.work.models import ReportField

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FIXED_HEADERS = 5  # STT, unit, state, sent at, timeliness
HEADER_ROW = 7


def state_labels() -> dict[str, str]:
    return {
        "submitted": _("Đã nộp"),
        "accepted": _("Đã tiếp nhận"),
        "returned": _("Trả lại để hoàn thiện"),
        "late": _("Quá hạn, chưa nộp"),
        "missing": pgettext("report", "Chưa nộp"),
    }


def outcome_labels() -> dict[str, str]:
    return {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "late": _("Quá hạn")}


def field_header(field: ReportField) -> str:
    return f"{field.label} ({field.measure})" if field.measure else field.label


def cell_value(field: ReportField, value):
    if value is None:
        return None
    if field.kind == ReportField.Kind.NUMBER:
        return value.number
    if field.kind == ReportField.Kind.FILE:
        return value.file_name or None
    return value.text or None


def _moment(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def aggregate_xlsx(table) -> bytes:
    """`table`: a `selectors.reporting.CycleTable`."""
    cycle, request = table.cycle, table.cycle.request
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tong hop"
    width = FIXED_HEADERS + len(table.fields)
    right = get_column_letter(max(width - 2, 4))
    issuer = request.from_unit
    write_text(sheet["A1"], (issuer.parent.name if issuer.parent_id else "").upper())
    write_text(sheet["A2"], issuer.name.upper())
    write_text(sheet[f"{right}1"], NATIONAL)
    write_text(sheet[f"{right}2"], MOTTO)
    write_text(sheet[f"{right}3"], date_line(timezone.localdate()))
    write_text(sheet["A4"], _("TỔNG HỢP BÁO CÁO: %(title)s") % {"title": request.title.upper()})
    write_text(
        sheet["A5"],
        _("Kỳ báo cáo: %(label)s — số liệu từ ngày %(start)s đến ngày %(end)s — hạn nộp ngày %(due)s")
        % {"label": cycle.label, "start": cycle.period_start.strftime("%d/%m/%Y"),
           "end": cycle.period_end.strftime("%d/%m/%Y"), "due": cycle.deadline.strftime("%d/%m/%Y")},
    )  # fmt: skip
    for ref in ("A1", "A2", f"{right}1", f"{right}2", "A4"):
        sheet[ref].font = Font(bold=True, size=12)
    sheet.append([])
    headers = [_("STT"), _("Đơn vị báo cáo"), _("Trạng thái"), _("Nộp lúc"), _("Kết quả thời hạn")]
    append_row(sheet, [*headers, *(field_header(f) for f in table.fields)])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    states, outcomes = state_labels(), outcome_labels()
    for number, (submission, values) in enumerate(table.rows(), start=1):
        append_row(sheet, [
            number, submission.unit.name, states[submission.state], _moment(submission.submitted_at),
            outcomes.get(submission.outcome, ""),
            *(cell_value(f, v) for f, v in zip(table.fields, values, strict=True)),
        ])  # fmt: skip
    counts = table.counts
    sent = counts.get("submitted", 0) + counts.get("accepted", 0)
    late = counts.get("sent_late", 0) + counts.get("late", 0)
    totals = [table.totals.get(f.pk) if f.kind == ReportField.Kind.NUMBER else None for f in table.fields]
    summary = _("%(sent)d/%(all)d đơn vị đã nộp") % {"sent": sent, "all": len(table.submissions)}
    append_row(sheet, ["", _("Tổng cộng"), summary, "", _("%(late)d quá hạn") % {"late": late}, *totals])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, size in enumerate((6, 36, 20, 17, 12, *([18] * len(table.fields))), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
