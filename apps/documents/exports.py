"""The registers as .xlsx and PDF in the columns of Decree 30/2020/NĐ-CP (Appendix IV): outgoing 10, incoming 10,
follow-up 7. Every .xlsx cell goes through apps.core.xlsx (text from users stays text, never a formula); the PDFs are
drawn by apps.core.pdf_table (a year's register can be thousands of rows): landscape A4 under the national heading,
the register's title, unit and year, the header row repeated on every page."""

import io

from django.utils import timezone

from apps.core.dates import date_line
from apps.core.pdf_table import Column, Heading, Section, table_pdf
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


def incoming_rows(documents, assignees: dict | None = None) -> list[list]:
    """`assignees`: document id → (assignee, when assigned), from selectors.handling.assignees_by_document."""
    assignees = assignees or {}
    return [
        [_day(d.received_at), f"{d.number:02d}", d.issuer_name, d.number_symbol, d.issued_date.strftime("%d/%m/%Y"),
         f"{d.get_doc_type_display()}: {d.summary}", assignees.get(d.pk, ("", None))[0],
         _day(assignees.get(d.pk, ("", None))[1]), "", " — ".join(p for p in (_marks(d), d.note) if p)]
        for d in documents
    ]  # fmt: skip


def register_xlsx(title: str, headers: list[str], rows: list[list], widths: tuple[int, ...] = ()) -> bytes:
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
    for column, width in zip("ABCDEFGHIJ", widths or (18, 14, 50, 24, 30, 24, 12, 14, 12, 20), strict=False):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def outgoing_xlsx(unit, year: int, documents) -> bytes:
    return register_xlsx(f"SỔ ĐĂNG KÝ VĂN BẢN ĐI — {unit.name} — năm {year}", OUTGOING_HEADERS,
                         outgoing_rows(documents))  # fmt: skip


def incoming_xlsx(unit, year: int, documents, assignees: dict | None = None) -> bytes:
    return register_xlsx(f"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN — {unit.name} — năm {year}", INCOMING_HEADERS,
                         incoming_rows(documents, assignees))  # fmt: skip


FOLLOW_UP_HEADERS = [
    "Số đến", "Tên loại, số, ký hiệu, ngày tháng, tác giả và trích yếu nội dung văn bản", "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú",
]  # fmt: skip
FOLLOW_UP_WIDTHS = (8, 55, 28, 14, 36, 20, 20)
DEADLINE_NOTES = {"late": "Quá hạn", "done_late": "Xong, quá hạn", "done": "Đã xong", "due_soon": "Sắp đến hạn"}


def follow_up_rows(assignments) -> list[list]:
    """One row per document given a direction (assignments with their prefetched parties and `deadline_state`)."""
    rows = []
    for a in assignments:
        d = a.document
        leads = "; ".join(p.holder_name for p in a.parties.all() if p.role == "lead")
        progress = a.last_progress
        if a.last_progress_at:
            progress = f"{_day(a.last_progress_at)}: {progress}"
        notes = [DEADLINE_NOTES.get(getattr(a, "deadline_state", ""), ""), _marks(d)]
        if d.recalled_at:
            notes.append("Đã thu hồi")
        rows.append([
            f"{d.number:02d}",
            f"{d.get_doc_type_display()} số {d.number_symbol} ngày {d.issued_date:%d/%m/%Y} của {d.issuer_name}: "
            f"{d.summary}",
            leads, a.deadline.strftime("%d/%m/%Y"), progress, a.reply_outgoing.symbol if a.reply_outgoing else "",
            " — ".join(n for n in notes if n),
        ])  # fmt: skip
    return rows


def follow_up_xlsx(unit, year: int, assignments) -> bytes:
    return register_xlsx(f"SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN — {unit.name} — năm {year}", FOLLOW_UP_HEADERS,
                         follow_up_rows(assignments), FOLLOW_UP_WIDTHS)  # fmt: skip


OUTGOING_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
INCOMING_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
FOLLOW_UP_TITLE = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
OUTGOING_COLUMNS = [Column(t, w) for t, w in zip(OUTGOING_HEADERS, (11, 8, 24, 11, 13, 10, 5, 7, 6, 8), strict=True)]
INCOMING_COLUMNS = [Column(t, w) for t, w in zip(INCOMING_HEADERS, (8, 5, 13, 10, 8, 24, 12, 7, 6, 9), strict=True)]
FOLLOW_UP_COLUMNS = [Column(t, w) for t, w in zip(FOLLOW_UP_HEADERS, (5, 34, 15, 8, 20, 10, 10), strict=True)]


COMMITTEE_PREFIX = "Ủy ban nhân dân "
LOCALITY_WORDS = ("thành phố ", "tỉnh ", "phường ", "xã ", "đặc khu ")


def place_name(unit) -> str:
    """The place of the date line (Decree 30/2020, Appendix I): the name of the province or commune whose people's
    committee the unit is or sits under, without the words of its kind: "Sơn Hà" for Sở Tư pháp, "An Phú" for the
    commune's office (not "UBND tỉnh Sơn Hà" nor "Xã An Phú")."""
    committee = unit
    while committee is not None and committee.kind != committee.Kind.PEOPLES_COMMITTEE:
        committee = committee.parent
    name = (committee or unit).name
    if not name.startswith(COMMITTEE_PREFIX):
        return (unit.parent or unit).short_name or unit.name
    locality = name.removeprefix(COMMITTEE_PREFIX)
    for word in LOCALITY_WORDS:
        if locality.lower().startswith(word):
            return locality[len(word) :]
    return locality


def _heading(unit) -> Heading:
    parent = unit.parent.name if unit.parent_id else ""
    return Heading(issuer_parent=parent, issuer=unit.name, place_date=date_line(timezone.localdate(), place_name(unit)))


def register_pdf(unit, year: int, title: str, columns: list[Column], rows: list[list], empty_text: str) -> bytes:
    section = Section(title=title, subtitle=f"{unit.name} — năm {year}", rows=rows, empty_text=empty_text)
    return table_pdf(heading=_heading(unit), columns=columns, sections=[section], title=f"{title} — {unit.name}",
                     font_size=9)  # fmt: skip


def outgoing_pdf(unit, year: int, documents) -> bytes:
    return register_pdf(unit, year, OUTGOING_TITLE, OUTGOING_COLUMNS, outgoing_rows(documents),
                        "Chưa có văn bản đi nào được ban hành trong năm này.")  # fmt: skip


def incoming_pdf(unit, year: int, documents, assignees: dict | None = None) -> bytes:
    return register_pdf(unit, year, INCOMING_TITLE, INCOMING_COLUMNS, incoming_rows(documents, assignees),
                        "Chưa có văn bản đến nào được vào sổ trong năm này.")  # fmt: skip


def follow_up_pdf(unit, year: int, assignments) -> bytes:
    return register_pdf(unit, year, FOLLOW_UP_TITLE, FOLLOW_UP_COLUMNS, follow_up_rows(assignments),
                        "Chưa có văn bản đến nào được giao xử lý trong năm này.")  # fmt: skip
