"""A work programme as .xlsx and PDF in the usual layout: the unit and the national heading, the programme's title
and period, the table of items (STT, nội dung công việc, đơn vị chủ trì, người phụ trách, đơn vị phối hợp, sản
phẩm, thời hạn, tình trạng) and who approved it. Every .xlsx cell goes through apps.core.xlsx (text from users stays
text, never a formula); the PDF is WeasyPrint over the forms' base template (a programme has tens of items)."""

import io

from django.utils import timezone

from apps.core.dates import date_line
from apps.core.pdf import render_pdf
from apps.core.xlsx import append_row, write_text
from apps.org.models import Unit
from apps.work.models import WorkProgram
from apps.work.selectors.programmes import period_label

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
HEADERS = [
    "STT", "Nội dung công việc", "Đơn vị chủ trì", "Người phụ trách", "Đơn vị phối hợp", "Sản phẩm", "Thời hạn",
    "Tình trạng",
]  # fmt: skip
WIDTHS = (6, 50, 26, 22, 30, 30, 12, 18)
HEADER_ROW = 7
COMMITTEE_PREFIX = "Ủy ban nhân dân "


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def product_text(item) -> str:
    kind = str(item.get_product_kind_display())
    return f"{kind}: {item.product}" if item.product else kind


def item_rows(program: WorkProgram) -> list[dict]:
    """The table's rows of a programme read by selectors.programmes.program_detail (items prefetched)."""
    return [
        {
            "number": position, "title": item.title, "lead_unit": item.lead_unit.name,
            "person": _person(item.person_in_charge),
            "co_handlers": "; ".join(unit.name for unit in item.co_handlers.all()), "product": product_text(item),
            "deadline": item.deadline, "status": str(item.get_status_display()),
        }
        for position, item in enumerate(program.items.all(), start=1)
    ]  # fmt: skip


def approval_line(program: WorkProgram) -> str:
    if program.status == WorkProgram.Status.APPROVED and program.approved_at:
        day = timezone.localtime(program.approved_at).strftime("%d/%m/%Y")
        return f"Đã phê duyệt: {_person(program.approved_by)}, ngày {day}"
    return f"Chưa phê duyệt (trạng thái: {program.get_status_display()})"


def place_name(unit: Unit) -> str:
    """The place of the date line: the province or commune whose people's committee the unit is or sits under
    ("Xã An Phú" for a division of the commune)."""
    committee = unit
    while committee is not None and committee.kind != Unit.Kind.PEOPLES_COMMITTEE:
        committee = committee.parent
    name = (committee or unit).name
    if name.startswith(COMMITTEE_PREFIX):
        name = name.removeprefix(COMMITTEE_PREFIX)
        return name[:1].upper() + name[1:]
    return name


def program_xlsx(program: WorkProgram) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chuong trinh"
    unit = program.unit
    for cell, text, bold in (
        ("A1", unit.parent.name.upper() if unit.parent_id else "", False), ("A2", unit.name.upper(), True),
        ("E1", NATION, True), ("E2", MOTTO, True),
        ("A4", program.title.upper(), True),
        ("A5", f"{unit.name} — {period_label(program.kind, program.year, program.number)}", False),
    ):  # fmt: skip
        write_text(sheet[cell], text)
        sheet[cell].font = Font(bold=bold, size=13 if cell == "A4" else 12)
    sheet.merge_cells("A4:H4")
    sheet.merge_cells("A5:H5")
    for cell in ("A4", "A5"):
        sheet[cell].alignment = Alignment(horizontal="center")
    sheet.append([])
    append_row(sheet, HEADERS)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in item_rows(program):
        append_row(sheet, list(row.values()))
        sheet.cell(row=sheet.max_row, column=7).number_format = "DD/MM/YYYY"
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([])
    append_row(sheet, [approval_line(program)])
    for column, width in zip("ABCDEFGH", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def program_pdf(program: WorkProgram) -> bytes:
    unit = program.unit
    return render_pdf("work/programmes_pdf.html", {
        "program": program, "rows": item_rows(program), "issuer": unit.name,
        "issuer_parent": unit.parent.name if unit.parent_id else "",
        "place_date": date_line(timezone.localdate(), place_name(unit)),
        "period": period_label(program.kind, program.year, program.number), "approval": approval_line(program),
        "approved": program.status == WorkProgram.Status.APPROVED,
    })  # fmt: skip
