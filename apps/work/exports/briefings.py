"""The conclusion notice (thông báo kết luận) of a briefing as PDF (WeasyPrint, Decree 30/2020 layout): the national
heading, the unit and its number "05/TB-UBND", the date line, "THÔNG BÁO Kết luận của <chair> tại cuộc họp
<briefing>", the conclusions with their owner and deadline, and the recipients (Nơi nhận)."""

from django.http import HttpResponse
from django.utils import timezone

from apps.core.dates import date_line
from apps.core.pdf import render_pdf
from apps.work.models import Briefing


def place_of(unit) -> str:
    """The place of the date line: "Xã An Phú" for "Ủy ban nhân dân xã An Phú"."""
    committee = unit if unit.parent_id is None or "Ủy ban nhân dân" in unit.name else unit.parent
    place = getattr(committee, "short_name", "") or committee.name.removeprefix("Ủy ban nhân dân").strip()
    return place[:1].upper() + place[1:]


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _owner(conclusion) -> str:
    parts = [conclusion.owner_unit.name if conclusion.owner_unit else "", _name(conclusion.owner_user)]
    return " — ".join(part for part in parts if part)


def _recipients(briefing: Briefing) -> list[str]:
    """The owners of the conclusions and the invited units, then the file copy (Lưu: VT)."""
    names = [c.owner_unit.name for c in briefing.conclusions.all() if c.owner_unit]
    names += [_name(c.owner_user) for c in briefing.conclusions.all() if c.owner_user and not c.owner_unit]
    names += [p.unit.name for p in briefing.participants.all() if p.unit and not p.user]
    return [*dict.fromkeys(names), "Lưu: VT"]


def notice_context(briefing: Briefing) -> dict:
    unit = briefing.unit
    issued = briefing.concluded_at or timezone.now()
    chair = briefing.chaired_by
    return {
        "briefing": briefing, "unit": unit, "issuer": unit.name,
        "issuer_parent": unit.parent.name if unit.parent_id else "", "number": briefing.notice_number,
        "place_date": date_line(issued, place_of(unit)), "chair": _name(chair),
        "held_on": timezone.localtime(briefing.starts_at),
        "conclusions": [{"order": c.order, "text": c.text, "owner": _owner(c),
                         "deadline": c.deadline.strftime("%d/%m/%Y") if c.deadline else ""}
                        for c in briefing.conclusions.all()],
        "recipients": _recipients(briefing),
    }  # fmt: skip


def notice_pdf(briefing: Briefing) -> bytes:
    """`briefing` from selectors.briefings.briefing_for (participants and conclusions prefetched)."""
    return render_pdf("work/briefings_notice_pdf.html", notice_context(briefing))


def notice_response(briefing: Briefing) -> HttpResponse:
    response = HttpResponse(notice_pdf(briefing), content_type="application/pdf")
    number = briefing.notice_number.replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="thong-bao-ket-luan-{number}.pdf"'
    return response
