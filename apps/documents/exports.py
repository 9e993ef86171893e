"""The registers as .xlsx in the columns of Decree 30/2020/NĐ-CP (Appendix IV): outgoing 10, incoming 10.
Every cell goes through apps.core.xlsx (text from users stays text, never a formula)."""

import io

from django.utils import timezone

from apps.core.xlsx import append_row, write_text

OUTGOING_HEADERS = [
    "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
    "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
]  # fmt: skip
INCOMING_HEADERS = [
    "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
]  # fmt: skip


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


def _marks(document) -> str:
    """The confidentiality and urgency marks, when not ordinary."""
    marks = []
    if document.confidentiality != "normal":
        marks.append(str(document.get_confidentiality_display()))
    if document.urgency != "normal":
        marks.append(str(document.get_urgency_display()))
    return ", ".join(marks)


def outgoing_rows(documents) -> list[list]:
    return [
        [d.symbol, _day(d.released_at), f"{d.get_doc_type_display()}: {d.summary}",
         " ".join(part for part in (d.signer_position, d.signer_name) if part), d.recipients,
         d.drafting_unit.name if d.drafting_unit else "", "", "", "", _marks(d)]
        for d in documents
    ]  # fmt: skip


def incoming_rows(documents) -> list[list]:
    return [
        [_day(d.received_at), f"{d.number:02d}", d.issuer_name, d.number_symbol, d.issued_date.strftime("%d/%m/%Y"),
         f"{d.get_doc_type_display()}: {d.summary}", "", "", "", " — ".join(p for p in (_marks(d), d.note) if p)]
        for d in documents
    ]  # fmt: skip


def register_xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So"
    write_text(sheet["A1"], title)
    sheet["A1"].font = Font(bold=True, size=13)
    append_row(sheet, headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in rows:
        append_row(sheet, row)
    for column, width in zip("ABCDEFGHIJ", (18, 14, 50, 24, 30, 24, 12, 14, 12, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def outgoing_xlsx(unit, year: int, documents) -> bytes:
    return register_xlsx(f"SỔ ĐĂNG KÝ VĂN BẢN ĐI — {unit.name} — năm {year}", OUTGOING_HEADERS,
                         outgoing_rows(documents))  # fmt: skip


def incoming_xlsx(unit, year: int, documents) -> bytes:
    return register_xlsx(f"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN — {unit.name} — năm {year}", INCOMING_HEADERS,
                         incoming_rows(documents))  # fmt: skip
