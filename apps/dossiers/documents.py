"""Official forms BM.01–BM.06 as PDF, and the tracking book as .xlsx."""

import datetime as dt
import io

from django.utils import timezone

from apps.core.pdf import qr_data_uri, render_pdf
from apps.dossiers.links import tracking_url
from apps.dossiers.models import Apology, Dossier, Slip
from apps.dossiers.selectors import dossier_timeline

BOOK_HEADERS = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
                "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả",
                "Phương thức nhận kết quả"]  # fmt: skip


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _issuer(unit) -> dict:
    parent = unit.parent.name if unit.parent_id else ""
    return {"issuer": unit.name, "issuer_parent": parent, "place": (unit.parent or unit).short_name or unit.name}


def _base(dossier: Dossier, unit, number: str = "") -> dict:
    return {
        "d": dossier, "number": number, "today": timezone.localdate(), "qr": qr_data_uri(tracking_url(dossier.code)),
        "received": timezone.localtime(dossier.received_at) if dossier.received_at else None, **_issuer(unit),
    }  # fmt: skip


def receipt_pdf(dossier: Dossier) -> bytes:
    """BM.01: receipt with the appointment."""
    context = _base(dossier, dossier.desk)
    context.update(
        papers=dossier.papers.filter(provided=True), appointment=timezone.localtime(dossier.appointment_at),
        fee=_money(dossier.fee_vnd),
    )  # fmt: skip
    return render_pdf("forms/bm01_receipt.html", context)


def slip_pdf(slip: Slip) -> bytes:
    """BM.02 (supplement request) or BM.03 (refusal)."""
    template = "forms/bm02_supplement.html" if slip.kind == Slip.Kind.SUPPLEMENT else "forms/bm03_refusal.html"
    context = _base(slip.dossier, slip.unit, slip.number)
    context.update(slip=slip, unit=slip.unit)
    return render_pdf(template, context)


def apology_pdf(apology: Apology) -> bytes:
    """BM.04: the late unit's apology and the new appointment, signed by its head."""
    context = _base(apology.dossier, apology.unit, apology.number)
    context.update(
        apology=apology, old=timezone.localtime(apology.original_appointment_at),
        new=timezone.localtime(apology.new_appointment_at or apology.proposed_appointment_at),
    )  # fmt: skip
    return render_pdf("forms/bm04_apology.html", context)


def control_rows(dossier: Dossier) -> list[dict]:
    """BM.05 rows: each hand-over from one step's unit to the next, with how the giving step ended."""
    steps = dossier_timeline(dossier)
    rows = []
    for index, step in enumerate(steps):
        if index == 0:
            rows.append({"giver_unit": "Người nộp hồ sơ", "receiver_unit": step.unit.name, "at": step.started_at,
                         "giver": dossier.applicant_name, "receiver": step.assignee and step.assignee.get_full_name(),
                         "outcome": "", "note": ""})  # fmt: skip
        if step.finished_at is None:
            continue
        following = steps[index + 1] if index + 1 < len(steps) else None
        rows.append({
            "giver_unit": step.unit.name,
            "receiver_unit": following.unit.name if following else "Người nộp hồ sơ (trả kết quả)",
            "at": step.finished_at, "giver": step.finished_by and step.finished_by.get_full_name(),
            "receiver": following.assignee.get_full_name() if following and following.assignee else "",
            "outcome": step.get_outcome_display(), "note": step.note,
        })  # fmt: skip
    return rows


def control_slip_pdf(dossier: Dossier) -> bytes:
    context = _base(dossier, dossier.desk)
    rows = control_rows(dossier)
    partners = sorted(
        {step.unit.name for step in dossier_timeline(dossier)} - {dossier.filing_unit.name, dossier.desk.name}
    )
    context.update(rows=rows, partners=partners)
    return render_pdf("forms/bm05_control.html", context)


def tracking_book_rows(desk, start: dt.date, end: dt.date) -> list[list[str]]:
    """BM.06 rows for dossiers received at `desk` between the two dates (inclusive), in book order."""
    dossiers = (
        Dossier.objects.filter(desk=desk, received_at__date__gte=start, received_at__date__lte=end)
        .select_related("procedure", "filing_unit")
        .order_by("book_volume", "book_entry")
    )
    return [
        [str(d.book_entry), d.code, d.procedure.name, d.applicant_name, f"{d.applicant_address}; {d.applicant_phone}",
         d.filing_unit.name, _when(d.received_at), _when(d.appointment_at), _when(d.returned_at),
         d.get_delivery_display()]
        for d in dossiers
    ]  # fmt: skip


def tracking_book_pdf(desk, start: dt.date, end: dt.date) -> bytes:
    context = {"desk": desk, "start": start, "end": end, "rows": tracking_book_rows(desk, start, end),
               "today": timezone.localdate(), "number": "", **_issuer(desk)}  # fmt: skip
    return render_pdf("forms/bm06_book.html", context)


def tracking_book_xlsx(desk, start: dt.date, end: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from apps.core.xlsx import append_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So theo doi ho so"
    append_row(sheet, [f"SỔ THEO DÕI HỒ SƠ — {desk.name} — {start:%d/%m/%Y} đến {end:%d/%m/%Y}"])
    sheet["A1"].font = Font(bold=True, size=13)
    append_row(sheet, [*BOOK_HEADERS, "Ký nhận"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in tracking_book_rows(desk, start, end):
        append_row(sheet, row)
    for column, width in zip("ABCDEFGHIJK", (6, 24, 40, 24, 36, 30, 17, 17, 17, 22, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
