"""Submission and receipt: the dossier's code, the desk's check of the papers, the clock started at receipt."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actors import CITIZEN, staff_user
from apps.core.audit import record_event
from apps.core.errors import DomainError
from apps.core.numbering import next_number
from apps.core.projections import projected
from apps.core.text import normalize_multiline
from apps.dossiers import tracking
from apps.dossiers.documents import tracking_book_key
from apps.dossiers.models import Dossier, DossierPaper
from apps.dossiers.services import citizen_messages, clocks
from apps.dossiers.services.attachments import dossier_attach
from apps.dossiers.services.common import require_desk
from apps.dossiers.validation import clean_applicant
from apps.org import selectors as org
from apps.org.models import Unit
from apps.procedures.models import Procedure
from apps.procedures.services import check_steps

S = Dossier.Status
DESK_KINDS = (Unit.Kind.ONE_STOP_DESK, Unit.Kind.SERVICE_CENTRE)


def new_dossier_code(filing_unit: Unit, moment: dt.datetime) -> str:
    """<agency id>-YYMMDD-<daily sequence of at least 4 digits> (Circular 03/2025, as amended)."""
    agency = org.agency_code_of(filing_unit)
    if not agency:
        raise DomainError(
            _("%(unit)s chưa có mã định danh điện tử nên chưa cấp được mã hồ sơ.") % {"unit": filing_unit}
        )
    day = timezone.localtime(moment).strftime("%y%m%d")
    return f"{agency}-{day}-{next_number(f'dossier:{agency}:{day}'):04d}"


def _desk_for(filing_unit: Unit) -> Unit:
    desk = org.one_stop_desk_for(filing_unit)
    if desk is None:
        raise DomainError(_("%(unit)s chưa có Bộ phận Một cửa.") % {"unit": filing_unit}, field="filing_unit")
    return desk


def check_procedure_fits(procedure: Procedure, filing_unit: Unit) -> None:
    if not procedure.is_active:
        raise DomainError(_("Thủ tục này không còn áp dụng."), field="procedure")
    if procedure.level != filing_unit.level:
        raise DomainError(
            _("Thủ tục %(code)s thuộc %(level)s, không nộp tại %(unit)s.")
            % {"code": procedure.code, "level": procedure.get_level_display(), "unit": filing_unit},
            field="procedure",
        )


def new_dossier(procedure, filing_unit, desk, channel, applicant, now, **extra) -> Dossier:
    dossier = Dossier(
        code=new_dossier_code(filing_unit, now), procedure=procedure, filing_unit=filing_unit, desk=desk,
        channel=channel, submitted_at=now, fee_vnd=procedure.fee_vnd,
        payment=Dossier.Payment.UNPAID if procedure.fee_vnd else Dossier.Payment.NOT_REQUIRED,
        **clean_applicant(applicant), **extra,
    )  # fmt: skip
    if dossier.home_service and len(dossier.home_service_address.strip()) < 5:
        raise DomainError(_("Hãy nhập địa chỉ phục vụ tại nhà."), field="home_service_address")
    dossier.request_summary = normalize_multiline(dossier.request_summary)
    dossier.save()
    DossierPaper.objects.bulk_create(
        DossierPaper(dossier=dossier, required_paper=paper, name=paper.name, form=paper.form, copies=paper.copies)
        for paper in procedure.papers.all()
    )
    tracking.republish(dossier)
    return dossier


@projected("dossier", "dossier")
@transaction.atomic
def dossier_submit_online(
    *,
    procedure: Procedure,
    filing_unit: Unit,
    applicant: dict,
    request_summary: str = "",
    home_service: bool = False,
    home_service_address: str = "",
    delivery: str = Dossier.Delivery.DESK,
    files=(),
    now: dt.datetime | None = None,
) -> Dossier:
    """A citizen's online submission, with its files: it waits for the desk's check; the clock has not started.
    A refused file refuses the whole submission (nothing half-saved)."""
    now = now or timezone.now()
    check_procedure_fits(procedure, filing_unit)
    if procedure.online_level == Procedure.OnlineLevel.NONE:
        raise DomainError(_("Thủ tục này chưa nhận hồ sơ trực tuyến."), field="procedure")
    dossier = new_dossier(
        procedure, filing_unit, _desk_for(filing_unit), Dossier.Channel.ONLINE, applicant, now,
        status=S.SUBMITTED, request_summary=request_summary, home_service=home_service,
        home_service_address=home_service_address, delivery=delivery,
    )  # fmt: skip
    record_event(
        "dossiers.submit",
        actor=CITIZEN,
        obj=dossier,
        unit=dossier.filing_unit,
        changes={"procedure": procedure.code, "channel": dossier.channel},
    )
    dossier_attach(dossier=dossier, files=files, actor=CITIZEN)
    citizen_messages.submitted(dossier)
    return dossier


def mark_papers(dossier: Dossier, provided_paper_ids) -> list[str]:
    """Mark the checklist; returns the names of the required papers still missing."""
    dossier.papers.update(provided=False)
    dossier.papers.filter(required_paper_id__in=list(provided_paper_ids)).update(provided=True)
    return list(dossier.papers.filter(provided=False, required_paper__optional=False).values_list("name", flat=True))


def check_papers(dossier: Dossier, provided_paper_ids) -> None:
    """A dossier missing a required paper cannot be received (BM.02 instead)."""
    if provided_paper_ids is None:
        return
    missing = mark_papers(dossier, provided_paper_ids)[:5]
    if missing:
        raise DomainError(
            _("Hồ sơ còn thiếu: %(papers)s. Hãy lập phiếu yêu cầu bổ sung (BM.02) thay vì tiếp nhận.")
            % {"papers": "; ".join(missing)},
            field="papers",
        )


def start_clock(dossier: Dossier, actor, now: dt.datetime, provided_paper_ids) -> None:
    check_steps(dossier.procedure)  # an admin edit may have left the internal process incomplete
    steps = clocks.procedure_steps(dossier)
    check_papers(dossier, provided_paper_ids)
    dossier.received_at, dossier.received_by = now, staff_user(actor)
    dossier.due_at = clocks.legal_due_from(dossier, now)
    dossier.appointment_at = dossier.original_appointment_at = dossier.due_at
    dossier.book_volume = timezone.localtime(now).year
    dossier.book_entry = next_number(
        tracking_book_key(dossier.desk_id, dossier.book_volume, dossier.procedure.field_id)
    )
    dossier.status = S.RECEIVED
    clocks.open_step(dossier, steps[0], now, assignee=actor)
    dossier.save()


def _check_in_province(desk: Unit, unit: Unit, field: str) -> None:
    root = desk.ancestor_ids[0] if desk.ancestor_ids else None
    if unit.ancestor_ids[:1] != [root]:
        raise DomainError(_("%(unit)s không thuộc tỉnh của Bộ phận Một cửa này.") % {"unit": unit}, field=field)


def check_walk_in(actor, desk: Unit, procedure: Procedure, channel: str, competent_unit: Unit | None = None,
                  return_desk: Unit | None = None) -> Unit:  # fmt: skip
    """A paper dossier at this desk: the desk is a desk and the clerk works there. Decree 118/2025: any desk in the
    province receives for any competent unit of the province (default: its own committee), and the result may be
    returned at another desk. Returns the unit that decides the dossier."""
    if desk.kind not in DESK_KINDS:
        raise DomainError(_("%(unit)s không phải Bộ phận Một cửa.") % {"unit": desk}, field="desk")
    filing_unit = competent_unit or org.filing_unit_for_desk(desk)
    _check_in_province(desk, filing_unit, "competent_unit")
    if return_desk is not None:
        if return_desk.kind not in DESK_KINDS:
            raise DomainError(_("%(unit)s không phải Bộ phận Một cửa.") % {"unit": return_desk}, field="return_desk")
        _check_in_province(desk, return_desk, "return_desk")
    check_procedure_fits(procedure, filing_unit)
    if channel not in (Dossier.Channel.DESK, Dossier.Channel.POST):
        raise DomainError(_("Kênh nộp không hợp lệ."), field="channel")
    require_desk(actor, Dossier(desk=desk))
    return filing_unit


@projected("dossier", "dossier")
@transaction.atomic
def dossier_receive_walk_in(
    *,
    actor,
    desk: Unit,
    procedure: Procedure,
    applicant: dict,
    provided_paper_ids,
    channel: str = Dossier.Channel.DESK,
    request_summary: str = "",
    sets: int = 1,
    home_service: bool = False,
    home_service_address: str = "",
    delivery: str = Dossier.Delivery.DESK,
    competent_unit: Unit | None = None,
    return_desk: Unit | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """The desk receives a complete dossier handed in on paper (or by post): code, appointment, BM.01. The
    dossier may belong to another unit of the province (`competent_unit`), which then handles it."""
    now = now or timezone.now()
    filing_unit = check_walk_in(actor, desk, procedure, channel, competent_unit, return_desk)
    dossier = new_dossier(
        procedure, filing_unit, desk, channel, applicant, now, status=S.SUBMITTED, request_summary=request_summary,
        sets=sets, home_service=home_service, home_service_address=home_service_address, delivery=delivery,
        return_desk=return_desk if return_desk not in (None, desk) else None,
    )  # fmt: skip
    start_clock(dossier, actor, now, provided_paper_ids)
    citizen_messages.received(dossier)
    record_event(
        "dossiers.receive",
        actor=actor,
        obj=dossier,
        unit=desk,
        changes={"procedure": procedure.code, "channel": channel, "due": dossier.due_at},
    )
    return dossier
