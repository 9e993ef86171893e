"""Official forms BM.01–BM.06 as PDF, and the tracking book as .xlsx.

The fields follow the templates of Circular 03/2025/TT-VPCP (Appendix I; it replaced Circular 01/2018/TT-VPCP on
15 September 2025). Every date line is Decree 30/2020's (apps.core.dates). BM.01–BM.05 are HTML templates rendered
by WeasyPrint; the BM.06 book, thousands of rows long, is drawn by apps.core.pdf_table (5,000 rows in about a
second instead of a minute: bench/tracking_book_pdf.py).
"""

import datetime as dt
import io
import itertools
import re

from django.conf import settings
from django.utils import timezone

from apps.core.dates import date_line
from apps.core.pdf import qr_data_uri, render_pdf
from apps.core.pdf_table import Column, Heading, Section, table_pdf
from apps.dossiers.links import tracking_url
from apps.dossiers.models import Apology, Dossier, Slip
from apps.dossiers.selectors import dossier_timeline

# Circular 03/2025/TT-VPCP, Appendix I lists "Mẫu số 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
# (Circular 01/2018: "Phiếu xin lỗi và hẹn lại ngày trả kết quả").
APOLOGY_TITLE = "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
BOOK_TITLE = "Sổ theo dõi hồ sơ"
BOOK_HEADERS = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
                "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả",
                "Phương thức nhận kết quả"]  # fmt: skip
# Shares of the landscape page at 9 pt: a dossier code of a 6-character agency id fits one line (a longer one cuts
# after a hyphen), a time two lines ("09:00" / "25/11/2026").
BOOK_COLUMNS = [Column(title, width) for title, width in zip(
    [*BOOK_HEADERS, "Ký nhận"], (4, 16, 16, 11, 12, 10, 9, 9, 9, 8, 5), strict=True
)]  # fmt: skip
APPLICANT = "Người nộp hồ sơ"


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _issuer(unit) -> dict:
    parent = unit.parent.name if unit.parent_id else ""
    place = (unit.parent or unit).short_name or unit.name
    return {"issuer": unit.name, "issuer_parent": parent, "place": place,
            "place_date": date_line(timezone.localdate(), place)}  # fmt: skip


def _base(dossier: Dossier, unit, number: str = "") -> dict:
    return {
        "d": dossier, "number": number, "today": timezone.localdate(), "qr": qr_data_uri(tracking_url(dossier.code)),
        "received": timezone.localtime(dossier.received_at) if dossier.received_at else None, **_issuer(unit),
    }  # fmt: skip


def receipt_number(dossier: Dossier) -> str:
    """BM.01's number: the dossier's entry in the desk's tracking book of the year ('07/2026'); numbers below 10 carry
    a leading 0 as Decree 30/2020 writes them. BM.05 travels with the dossier under the same number."""
    if not dossier.book_entry:
        return ""
    return f"{dossier.book_entry:02d}/{dossier.book_volume}"


def receipt_pdf(dossier: Dossier) -> bytes:
    """BM.01: receipt with the appointment; the authorised person's particulars when someone files for another."""
    context = _base(dossier, dossier.desk, receipt_number(dossier))
    context.update(
        papers=dossier.papers.filter(provided=True), appointment=timezone.localtime(dossier.appointment_at),
        fee=_money(dossier.fee_vnd),
    )  # fmt: skip
    return render_pdf("forms/bm01_receipt.html", context)


def slip_pdf(slip: Slip) -> bytes:
    """BM.02 (supplement request) or BM.03 (refusal), with the applicant's contacts and the dossier code."""
    template = "forms/bm02_supplement.html" if slip.kind == Slip.Kind.SUPPLEMENT else "forms/bm03_refusal.html"
    context = _base(slip.dossier, slip.unit, slip.number)
    context.update(slip=slip, unit=slip.unit)
    return render_pdf(template, context)


def apology_pdf(apology: Apology) -> bytes:
    """BM.04: the late unit's apology and its request to extend the time, with the proposed (or signed) new date,
    signed by the head of the unit."""
    context = _base(apology.dossier, apology.unit, apology.number)
    context.update(
        apology=apology, title=APOLOGY_TITLE, old=timezone.localtime(apology.original_appointment_at),
        new=timezone.localtime(apology.new_appointment_at or apology.proposed_appointment_at),
        signer=_name(apology.approved_by),
    )  # fmt: skip
    return render_pdf("forms/bm04_apology.html", context)


def control_rows(dossier: Dossier) -> list[dict]:
    """BM.05 rows. The first is the receipt at the desk (the applicant hands the dossier to the desk's clerk); then
    one row per hand-over from a finished step to the next, and the return to the applicant. "Người nhận" is always
    filled: the person who took the dossier over (the next step's assignee), else the receiving unit."""
    steps = dossier_timeline(dossier)
    rows = []
    if dossier.received_at:
        first = steps[0] if steps else None
        receiver = dossier.received_by or (first.assignee if first else None)
        giver = dossier.applicant_name + (f" (người được ủy quyền: {dossier.representative})"
                                          if dossier.representative else "")  # fmt: skip
        rows.append({
            "giver_unit": APPLICANT, "receiver_unit": dossier.desk.name, "at": dossier.received_at, "giver": giver,
            "receiver": _name(receiver) or dossier.desk.name, "outcome": "", "note": dossier.get_channel_display(),
        })  # fmt: skip
    for index, step in enumerate(steps):
        if step.finished_at is None:
            continue
        following = steps[index + 1] if index + 1 < len(steps) else None
        if following:
            receiver_unit, receiver = following.unit.name, _name(following.assignee) or following.unit.name
        else:
            receiver_unit, receiver = f"{APPLICANT} (trả kết quả)", dossier.applicant_name
        rows.append({
            "giver_unit": step.unit.name, "receiver_unit": receiver_unit, "at": step.finished_at,
            "giver": _name(step.finished_by) or _name(step.assignee) or step.unit.name, "receiver": receiver,
            "outcome": step.get_outcome_display(), "note": step.note,
        })  # fmt: skip
    return rows


def control_slip_pdf(dossier: Dossier) -> bytes:
    """BM.05: its number, the dossier's dates (received, appointment and its move, legal due time, returned), and
    every hand-over with early / on time / late."""
    context = _base(dossier, dossier.desk, receipt_number(dossier))
    rows = control_rows(dossier)
    partners = sorted(
        {step.unit.name for step in dossier_timeline(dossier)} - {dossier.filing_unit.name, dossier.desk.name}
    )
    appointment = dossier.original_appointment_at or dossier.appointment_at
    context.update(
        rows=rows, partners=partners, appointment=appointment,
        new_appointment=dossier.appointment_at if dossier.rescheduled else None,
        due=getattr(dossier, "due_at", None), returned=dossier.returned_at,
    )  # fmt: skip
    return render_pdf("forms/bm05_control.html", context)


# --- BM.06 tracking book ------------------------------------------------------------------------------------------


def books_per_field() -> bool:
    """The province keeps one tracking book per field (lĩnh vực) at each desk (setting TRACKING_BOOK_PER_FIELD)."""
    return bool(getattr(settings, "TRACKING_BOOK_PER_FIELD", False))


def tracking_book_key(desk_id: int, year: int, field_id: int | None = None) -> str:
    """The counter of a book's entries (the receipt service numbers BM.01 with it): one book per desk and year, or
    per desk, year and field when the province keeps its books by field."""
    if books_per_field() and field_id:
        return f"book:{desk_id}:{year}:field:{field_id}"
    return f"book:{desk_id}:{year}"


def _book_query(desk, start: dt.date, end: dt.date):
    # received_at is stored in UTC: the bounds are local midnights, so that the index (desk, received_at) is used
    # and a dossier received at 06:30 in Hà Nội belongs to that day.
    tz = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Dossier.objects.filter(desk=desk, received_at__gte=lower, received_at__lt=upper)


def _book_row(values: tuple, delivery: dict) -> list[str]:
    (entry, code, procedure, name, address, phone, unit, received, appointment, returned, method) = values[:11]
    return [str(entry or ""), code, procedure, name, f"{address}; {phone}", unit, _when(received),
            _when(appointment), _when(returned), delivery.get(method, method)]  # fmt: skip


BOOK_FIELDS = ("book_entry", "code", "procedure__name", "applicant_name", "applicant_address", "applicant_phone",
               "filing_unit__name", "received_at", "appointment_at", "returned_at", "delivery")  # fmt: skip


def tracking_books(desk, start: dt.date, end: dt.date) -> list[tuple[str, list[list[str]]]]:
    """The books of `desk` for dossiers received between the two dates (inclusive), rows in book order: one book,
    or one per field (named) when the province keeps them so. One query, values only (a commune's year is
    thousands of rows)."""
    delivery = {value: str(label) for value, label in Dossier.Delivery.choices}
    query = _book_query(desk, start, end)
    if not books_per_field():
        rows = query.order_by("book_volume", "book_entry", "pk").values_list(*BOOK_FIELDS)
        return [("", [_book_row(values, delivery) for values in rows])]
    rows = query.order_by("procedure__field__sort_order", "procedure__field__name", "book_volume", "book_entry", "pk")
    books = []
    for field, group in itertools.groupby(rows.values_list(*BOOK_FIELDS, "procedure__field__name"), lambda v: v[-1]):
        books.append((field, [_book_row(values, delivery) for values in group]))
    return books or [("", [])]


def tracking_book_rows(desk, start: dt.date, end: dt.date) -> list[list[str]]:
    """BM.06 rows for dossiers received at `desk` between the two dates (inclusive), every book one after another."""
    return [row for _field, rows in tracking_books(desk, start, end) for row in rows]


def tracking_book_pdf(desk, start: dt.date, end: dt.date) -> bytes:
    """BM.06 as PDF: each book on its own pages under the national heading, the header row repeated on every page."""
    issuer = _issuer(desk)
    period = f"{desk.name} — từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    sections = [
        Section(title=BOOK_TITLE, subtitle=f"Lĩnh vực: {field} — {period}" if field else period, rows=rows,
                empty_text="Không có hồ sơ trong thời gian này.")
        for field, rows in tracking_books(desk, start, end)
    ]  # fmt: skip
    heading = Heading(issuer_parent=issuer["issuer_parent"], issuer=issuer["issuer"], place_date=issuer["place_date"])
    return table_pdf(
        heading=heading, columns=BOOK_COLUMNS, sections=sections, title=f"{BOOK_TITLE} — {desk.name}", font_size=9
    )


def _sheet_title(field: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", field or "So theo doi ho so").strip()[:28] or "So"
    title, number = base, 1
    while title in taken:
        number += 1
        title = f"{base[:25]} ({number})"
    taken.add(title)
    return title


def tracking_book_xlsx(desk, start: dt.date, end: dt.date) -> bytes:
    """BM.06 as .xlsx: one sheet per book."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from apps.core.xlsx import append_row

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for field, rows in tracking_books(desk, start, end):
        sheet = workbook.create_sheet(_sheet_title(field, taken))
        title = f"SỔ THEO DÕI HỒ SƠ — {desk.name} — {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
        append_row(sheet, [f"{title} — Lĩnh vực: {field}" if field else title])
        sheet["A1"].font = Font(bold=True, size=13)
        append_row(sheet, [*BOOK_HEADERS, "Ký nhận"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for row in rows:
            append_row(sheet, row)
        for column, width in zip("ABCDEFGHIJK", (6, 24, 40, 24, 36, 30, 17, 17, 17, 22, 12), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
