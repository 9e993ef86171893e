"""Every move of a dossier: one transaction, a permission check, the transition table, an audit event.

The clocks: the appointment is computed at receipt from the legal limit with the desk's calendar; each step's due
time from its own budget with its unit's calendar; a supplement requested during processing stops both clocks
until the citizen answers; each hand-over closes a BM.05 row as early / on time / late.
"""

import datetime as dt
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.calendar.selectors import calendar_for_unit
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.files import check_upload, check_upload_set, display_name
from apps.core.models import Notification
from apps.core.notifications import notify
from apps.core.text import normalize_multiline
from apps.dossiers import selectors
from apps.dossiers.links import rating_url
from apps.dossiers.models import (
    Attachment,
    Dossier,
    DossierPaper,
    DossierStep,
    Outcome,
    PublicTracking,
    Sequence,
    Slip,
)
from apps.dossiers.validation import clean_applicant
from apps.org import selectors as org
from apps.org.models import Role, Unit
from apps.procedures.models import Procedure, ProcedureStep
from apps.procedures.selectors import resolve_step_unit
from apps.procedures.services import check_steps

S = Dossier.Status
OPEN_BEFORE_RETURN = {S.SUBMITTED, S.NEEDS_COMPLETION, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED}

# action: (statuses it may start from, status it leads to; None = decided by the action)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "receive": (frozenset({S.SUBMITTED}), S.RECEIVED),
    "request_completion": (frozenset({S.SUBMITTED}), S.NEEDS_COMPLETION),
    "resubmit": (frozenset({S.NEEDS_COMPLETION}), S.SUBMITTED),
    "refuse": (frozenset({S.SUBMITTED, S.NEEDS_COMPLETION, S.RECEIVED, S.IN_PROGRESS}), S.REFUSED),
    "forward": (frozenset({S.RECEIVED, S.IN_PROGRESS}), None),
    "request_supplement": (frozenset({S.IN_PROGRESS}), S.SUPPLEMENT_REQUESTED),
    "supplement_received": (frozenset({S.SUPPLEMENT_REQUESTED}), S.IN_PROGRESS),
    "return_result": (frozenset({S.READY}), S.RETURNED),
    "withdraw": (frozenset(OPEN_BEFORE_RETURN), S.WITHDRAWN),
}
ACTION_LABELS = {
    "receive": gettext_lazy("tiếp nhận"), "request_completion": gettext_lazy("yêu cầu bổ sung trước khi tiếp nhận"),
    "resubmit": gettext_lazy("nộp lại"), "refuse": gettext_lazy("từ chối"), "forward": gettext_lazy("chuyển bước"),
    "request_supplement": gettext_lazy("yêu cầu bổ sung"), "supplement_received": gettext_lazy("nhận bổ sung"),
    "return_result": gettext_lazy("trả kết quả"), "withdraw": gettext_lazy("rút hồ sơ"),
}  # fmt: skip


def allowed_actions(dossier: Dossier) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if dossier.status in sources]


def _require_transition(dossier: Dossier, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    if dossier.status not in sources:
        raise ConflictError(
            _("Không thể %(action)s hồ sơ %(code)s khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": ACTION_LABELS[action], "code": dossier.code, "status": dossier.get_status_display()},
        )


def _lock(dossier: Dossier) -> Dossier:
    """Re-read the dossier under a row lock: two clerks pressing the same button act one after the other.
    Every change starts here, so this is also where its public tracking answer is withdrawn and republished."""
    dossier = Dossier.objects.select_for_update().select_related("procedure", "desk", "filing_unit").get(pk=dossier.pk)
    republish_tracking(dossier)
    return dossier


def republish_tracking(dossier: Dossier) -> None:
    """For every change of a dossier: its published tracking answer is withdrawn in the change's own transaction
    (readers then build it from the tables and never see an outdated one) and published again after the commit."""
    PublicTracking.objects.filter(code=dossier.code).delete()
    cache.delete(selectors.tracking_cache_key(dossier.code))
    transaction.on_commit(partial(publish_tracking, dossier.pk, dossier.code), robust=True)


def publish_tracking_many(dossier_ids) -> int:
    """Publish the tracking answers of many dossiers at once (the backfill command, generated load data)."""
    with transaction.atomic(), translation.override(selectors.PUBLISHED_LANGUAGE):
        rows = selectors.public_tracking_rows(dossier_ids)
        PublicTracking.objects.filter(dossier_id__in=[row["id"] for row in rows]).delete()
        PublicTracking.objects.bulk_create(
            PublicTracking(code=row["code"], dossier_id=row["id"], body=selectors.render_public_payload(row))
            for row in rows
        )
    cache.delete_many([selectors.tracking_cache_key(row["code"]) for row in rows])
    return len(rows)


def publish_tracking(dossier_id: int, code: str) -> None:
    """Render and store the public answer of a dossier (see PublicTracking) and put it in the cache, over whatever
    a reader cached from the old row while the change was being committed. All under the dossier's row lock: the
    next change waits for it (and drops the cache entry after), so two quick changes always end with the newest."""
    cache.delete(selectors.tracking_cache_key(code))  # first: should publishing fail, readers use the tables
    with transaction.atomic(), translation.override(selectors.PUBLISHED_LANGUAGE):
        exists = Dossier.objects.select_for_update().filter(pk=dossier_id).exists()
        data = selectors.public_tracking_data(code) if exists else None
        if data is None:
            return
        body = selectors.render_public_payload(data)
        PublicTracking.objects.update_or_create(code=code, defaults={"dossier_id": dossier_id, "body": body})
        cache.set(selectors.tracking_cache_key(code), body, selectors.TRACKING_CACHE_SECONDS)


# --- permissions -----------------------------------------------------------------------------------------


def _require_desk(actor, dossier: Dossier) -> None:
    if actor is None or actor.is_superuser:
        return
    if not org.user_has_role(actor, Role.DESK_CLERK) or not org.can_see_unit(actor, dossier.desk):
        raise PermissionDeniedError(_("Chỉ cán bộ Bộ phận Một cửa nơi nhận hồ sơ được làm việc này."))


def _require_current_step(actor, dossier: Dossier) -> DossierStep:
    step = dossier.current_step
    if step is None:
        raise ConflictError(_("Hồ sơ không ở bước xử lý nào."))
    if actor is None or actor.is_superuser:
        return step
    if not org.can_see_unit(actor, step.unit):
        raise PermissionDeniedError(_("Hồ sơ đang ở %(unit)s, ngoài phạm vi của bạn.") % {"unit": step.unit})
    if not (org.user_has_role(actor, step.role) or org.is_leader_over(actor, step.unit)):
        raise PermissionDeniedError(
            _("Bước “%(step)s” do %(role)s thực hiện.") % {"step": step.name, "role": Role(step.role).label}
        )
    return step


# --- numbers and clocks ----------------------------------------------------------------------------------


def next_number(key: str) -> int:
    """The next value of a gap-free counter; concurrent callers queue on the row lock and never share a value."""
    with transaction.atomic():
        Sequence.objects.bulk_create([Sequence(key=key, last=0)], ignore_conflicts=True)
        sequence = Sequence.objects.select_for_update().get(key=key)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return sequence.last


def new_dossier_code(filing_unit: Unit, moment: dt.datetime) -> str:
    """<agency id>-YYMMDD-<daily sequence of at least 4 digits> (Circular 03/2025, as amended)."""
    agency = org.agency_code_of(filing_unit)
    if not agency:
        raise DomainError(
            _("%(unit)s chưa có mã định danh điện tử nên chưa cấp được mã hồ sơ.") % {"unit": filing_unit}
        )
    day = timezone.localtime(moment).strftime("%y%m%d")
    return f"{agency}-{day}-{next_number(f'dossier:{agency}:{day}'):04d}"


def classify(finished: dt.datetime, due: dt.datetime) -> str:
    """Late after the due moment; early when done on an earlier day than the due day; else on time."""
    if finished > due:
        return Outcome.LATE
    if timezone.localtime(finished).date() < timezone.localtime(due).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


def add_budget(unit: Unit, start: dt.datetime, amount, time_unit: str) -> dt.datetime:
    calendar = calendar_for_unit(unit)
    if time_unit == Procedure.TimeUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, float(amount))
    return calendar.add_working_days(start, float(amount))


def _open_step(dossier: Dossier, procedure_step: ProcedureStep, now: dt.datetime, assignee=None) -> DossierStep:
    unit = dossier.desk if procedure_step.kind in (ProcedureStep.Kind.RECEIVE, ProcedureStep.Kind.RETURN) else (
        resolve_step_unit(procedure_step, dossier.filing_unit)
    )  # fmt: skip
    step = DossierStep.objects.create(
        dossier=dossier, procedure_step=procedure_step, order=procedure_step.order, kind=procedure_step.kind,
        name=procedure_step.name, unit=unit, role=procedure_step.role, assignee=assignee, started_at=now,
        due_at=add_budget(unit, now, procedure_step.budget, procedure_step.budget_unit),
    )  # fmt: skip
    dossier.current_step, dossier.current_unit, dossier.current_due_at = step, unit, step.due_at
    return step


def _close_step(step: DossierStep, actor, now: dt.datetime, note: str = "") -> None:
    step.finished_at, step.finished_by = now, actor
    step.outcome = classify(now, step.due_at)
    step.note = normalize_multiline(note)
    step.save(update_fields=["finished_at", "finished_by", "outcome", "note"])


def _procedure_steps(dossier: Dossier) -> list[ProcedureStep]:
    return list(dossier.procedure.steps.order_by("order"))


# --- submission and receipt ------------------------------------------------------------------------------


def _desk_for(filing_unit: Unit) -> Unit:
    desk = org.one_stop_desk_for(filing_unit)
    if desk is None:
        raise DomainError(_("%(unit)s chưa có Bộ phận Một cửa.") % {"unit": filing_unit}, field="filing_unit")
    return desk


def _check_procedure_fits(procedure: Procedure, filing_unit: Unit) -> None:
    if not procedure.is_active:
        raise DomainError(_("Thủ tục này không còn áp dụng."), field="procedure")
    if procedure.level != filing_unit.level:
        raise DomainError(
            _("Thủ tục %(code)s thuộc %(level)s, không nộp tại %(unit)s.")
            % {"code": procedure.code, "level": procedure.get_level_display(), "unit": filing_unit},
            field="procedure",
        )


def _new_dossier(procedure, filing_unit, desk, channel, applicant, now, **extra) -> Dossier:
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
    republish_tracking(dossier)
    return dossier


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
    _check_procedure_fits(procedure, filing_unit)
    if procedure.online_level == Procedure.OnlineLevel.NONE:
        raise DomainError(_("Thủ tục này chưa nhận hồ sơ trực tuyến."), field="procedure")
    dossier = _new_dossier(
        procedure, filing_unit, _desk_for(filing_unit), Dossier.Channel.ONLINE, applicant, now,
        status=S.SUBMITTED, request_summary=request_summary, home_service=home_service,
        home_service_address=home_service_address, delivery=delivery,
    )  # fmt: skip
    record_event(
        "dossiers.submit",
        obj=dossier,
        unit=dossier.filing_unit,
        changes={"procedure": procedure.code, "channel": dossier.channel},
    )
    dossier_attach(dossier=dossier, files=files)
    return dossier


def _check_papers(dossier: Dossier, provided_paper_ids) -> None:
    """Mark the checklist; a dossier missing a required paper cannot be received (BM.02 instead)."""
    if provided_paper_ids is None:
        return
    dossier.papers.update(provided=False)
    dossier.papers.filter(required_paper_id__in=list(provided_paper_ids)).update(provided=True)
    missing = list(
        dossier.papers.filter(provided=False, required_paper__optional=False).values_list("name", flat=True)[:5]
    )
    if missing:
        raise DomainError(
            _("Hồ sơ còn thiếu: %(papers)s. Hãy lập phiếu yêu cầu bổ sung (BM.02) thay vì tiếp nhận.")
            % {"papers": "; ".join(missing)},
            field="papers",
        )


def _start_clock(dossier: Dossier, actor, now: dt.datetime, provided_paper_ids) -> None:
    check_steps(dossier.procedure)  # an admin edit may have left the internal process incomplete
    steps = _procedure_steps(dossier)
    _check_papers(dossier, provided_paper_ids)
    procedure = dossier.procedure
    dossier.received_at, dossier.received_by = now, actor
    dossier.appointment_at = add_budget(dossier.desk, now, procedure.time_limit, procedure.time_unit)
    dossier.original_appointment_at = dossier.appointment_at
    dossier.book_volume = timezone.localtime(now).year
    dossier.book_entry = next_number(f"book:{dossier.desk_id}:{dossier.book_volume}")
    dossier.status = S.RECEIVED
    _open_step(dossier, steps[0], now, assignee=actor)
    dossier.save()


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
    now: dt.datetime | None = None,
) -> Dossier:
    """The desk receives a complete dossier handed in on paper (or by post): code, appointment, BM.01."""
    now = now or timezone.now()
    if desk.kind not in (Unit.Kind.ONE_STOP_DESK, Unit.Kind.SERVICE_CENTRE):
        raise DomainError(_("%(unit)s không phải Bộ phận Một cửa.") % {"unit": desk}, field="desk")
    filing_unit = org.filing_unit_for_desk(desk)
    _check_procedure_fits(procedure, filing_unit)
    if channel not in (Dossier.Channel.DESK, Dossier.Channel.POST):
        raise DomainError(_("Kênh nộp không hợp lệ."), field="channel")
    probe = Dossier(desk=desk)
    _require_desk(actor, probe)
    dossier = _new_dossier(
        procedure, filing_unit, desk, channel, applicant, now, status=S.SUBMITTED, request_summary=request_summary,
        sets=sets, home_service=home_service, home_service_address=home_service_address, delivery=delivery,
    )  # fmt: skip
    _start_clock(dossier, actor, now, provided_paper_ids)
    record_event(
        "dossiers.receive",
        actor=actor,
        obj=dossier,
        unit=desk,
        changes={"procedure": procedure.code, "channel": channel, "appointment": dossier.appointment_at},
    )
    return dossier


@transaction.atomic
def dossier_receive(*, actor, dossier: Dossier, provided_paper_ids=None, now: dt.datetime | None = None) -> Dossier:
    """The desk accepts an online dossier after checking it: the clock starts now."""
    dossier = _lock(dossier)
    _require_desk(actor, dossier)
    _require_transition(dossier, "receive")
    _start_clock(dossier, actor, now or timezone.now(), provided_paper_ids)
    record_event(
        "dossiers.receive", actor=actor, obj=dossier, unit=dossier.desk, changes={"appointment": dossier.appointment_at}
    )
    return dossier


def _issue_slip(dossier, kind, actor, now, reason, items="") -> Slip:
    reason = normalize_multiline(reason)
    if not reason:
        raise DomainError(_("Hãy ghi rõ lý do."), field="reason")
    year = timezone.localtime(now).year
    unit = dossier.current_step.unit if dossier.current_step else dossier.desk
    number = next_number(f"slip:{kind}:{unit.pk}:{year}")
    symbol = unit.symbol or "UBND"
    return Slip.objects.create(
        dossier=dossier, kind=kind, unit=unit, issued_by=actor, issued_at=now, reason=reason,
        items=normalize_multiline(items), number=f"{number:02d}/{Slip.SUFFIX[kind]}-{symbol}",
    )  # fmt: skip


@transaction.atomic
def dossier_request_completion(
    *, actor, dossier: Dossier, items: str, reason: str, now: dt.datetime | None = None
) -> Slip:
    """BM.02 before receipt: the dossier is not received and no clock runs until the citizen completes it."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    _require_desk(actor, dossier)
    _require_transition(dossier, "request_completion")
    if not normalize_multiline(items):
        raise DomainError(_("Hãy liệt kê giấy tờ cần bổ sung."), field="items")
    slip = _issue_slip(dossier, Slip.Kind.SUPPLEMENT, actor, now, reason, items)
    dossier.status = S.NEEDS_COMPLETION
    dossier.save(update_fields=["status", "updated_at"])
    record_event(
        "dossiers.request_completion",
        actor=actor,
        obj=dossier,
        unit=dossier.desk,
        changes={"slip": slip.number, "items": slip.items},
    )
    return slip


@transaction.atomic
def dossier_resubmit(*, dossier: Dossier, now: dt.datetime | None = None) -> Dossier:
    """The citizen has completed the papers: back to the desk's queue."""
    dossier = _lock(dossier)
    _require_transition(dossier, "resubmit")
    dossier.slips.filter(kind=Slip.Kind.SUPPLEMENT, answered_at__isnull=True).update(answered_at=now or timezone.now())
    dossier.status = S.SUBMITTED
    dossier.save(update_fields=["status", "updated_at"])
    record_event("dossiers.resubmit", obj=dossier, unit=dossier.desk)
    return dossier


def notify_applicant(dossier: Dossier, text: str, *, subject: str) -> None:
    """SMS to the phone and e-mail when there is an address; sent by the worker after commit."""
    notify(Notification.Channel.SMS, dossier.applicant_phone, text, obj=dossier)
    notify(Notification.Channel.EMAIL, dossier.applicant_email, text, obj=dossier, subject=subject)


def _close(dossier: Dossier, actor, now: dt.datetime, status: str, note: str) -> None:
    """End a dossier before its result (refused, withdrawn): the open step closes with the reason."""
    if dossier.current_step is not None:
        _close_step(dossier.current_step, actor, now, note)
    dossier.status, dossier.closed_at = status, now
    dossier.current_step = dossier.current_unit = dossier.current_due_at = None
    dossier.save()


# --- processing ------------------------------------------------------------------------------------------


@transaction.atomic
def dossier_forward(
    *, actor, dossier: Dossier, note: str = "", assignee=None, now: dt.datetime | None = None
) -> Dossier:
    """Hand the dossier to the next step (a BM.05 row); reaching the return step means the result is ready."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    _require_transition(dossier, "forward")
    current = _require_current_step(actor, dossier)
    following = [step for step in _procedure_steps(dossier) if step.order > current.order]
    if not following:
        raise ConflictError(_("Hồ sơ đã ở bước cuối cùng."))
    _close_step(current, actor, now, note)
    next_step = following[0]
    opened = _open_step(dossier, next_step, now, assignee=assignee)
    if next_step.kind == ProcedureStep.Kind.RETURN:
        dossier.status, dossier.ready_at = S.READY, now
        dossier.outcome = classify(now, dossier.appointment_at)
    else:
        dossier.status = S.IN_PROGRESS
    dossier.save()
    record_event(
        "dossiers.forward", actor=actor, obj=dossier, unit=current.unit,
        changes={"from": current.name, "to": opened.name, "to_unit": str(opened.unit), "step_outcome": current.outcome},
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *, actor, dossier: Dossier, items: str, reason: str, now: dt.datetime | None = None
) -> Slip:
    """During processing: BM.02 to the citizen; the appointment and the step clock stand still."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    _require_transition(dossier, "request_supplement")
    _require_current_step(actor, dossier)
    if not normalize_multiline(items):
        raise DomainError(_("Hãy liệt kê giấy tờ, nội dung cần bổ sung."), field="items")
    slip = _issue_slip(dossier, Slip.Kind.SUPPLEMENT, actor, now, reason, items)
    dossier.status, dossier.paused_at = S.SUPPLEMENT_REQUESTED, now
    dossier.save(update_fields=["status", "paused_at", "updated_at"])
    record_event(
        "dossiers.request_supplement",
        actor=actor,
        obj=dossier,
        unit=slip.unit,
        changes={"slip": slip.number, "items": slip.items},
    )
    return slip


@transaction.atomic
def dossier_supplement_received(*, actor, dossier: Dossier, now: dt.datetime | None = None) -> Dossier:
    """The citizen answered: both clocks move on by the working time they stood still."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    _require_transition(dossier, "supplement_received")
    if actor is not None:
        step = dossier.current_step
        if not (org.can_see_unit(actor, dossier.desk) or (step and org.can_see_unit(actor, step.unit))):
            raise PermissionDeniedError(_("Hồ sơ này ngoài phạm vi của bạn."))
    step = dossier.current_step
    paused_at = dossier.paused_at
    dossier.appointment_at = calendar_for_unit(dossier.desk).extend_by_pause(dossier.appointment_at, paused_at, now)
    step.due_at = calendar_for_unit(step.unit).extend_by_pause(step.due_at, paused_at, now)
    step.save(update_fields=["due_at"])
    dossier.current_due_at = step.due_at
    dossier.slips.filter(kind=Slip.Kind.SUPPLEMENT, answered_at__isnull=True).update(answered_at=now)
    dossier.status, dossier.paused_at = S.IN_PROGRESS, None
    dossier.save(update_fields=["status", "paused_at", "appointment_at", "current_due_at", "updated_at"])
    record_event(
        "dossiers.supplement_received",
        actor=actor,
        obj=dossier,
        unit=step.unit,
        changes={"paused_from": paused_at, "appointment": dossier.appointment_at},
    )
    return dossier


@transaction.atomic
def dossier_return(*, actor, dossier: Dossier, delivery: str | None = None, now: dt.datetime | None = None) -> Dossier:
    """The result is handed to the citizen (at the desk, by post or online): the dossier closes."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    _require_transition(dossier, "return_result")
    _require_desk(actor, dossier)
    if delivery:
        if delivery not in Dossier.Delivery.values:
            raise DomainError(_("Hình thức trả kết quả không hợp lệ."), field="delivery")
        dossier.delivery = delivery
    if dossier.payment == Dossier.Payment.UNPAID:
        raise DomainError(
            _("Công dân chưa nộp phí, lệ phí %(fee)s đồng.") % {"fee": f"{dossier.fee_vnd:,}".replace(",", ".")},
            field="payment",
        )
    _close_step(dossier.current_step, actor, now)
    dossier.status, dossier.returned_at, dossier.closed_at = S.RETURNED, now, now
    dossier.current_step = dossier.current_unit = dossier.current_due_at = None
    dossier.save()
    text = _("Hồ sơ %(code)s đã trả kết quả. Mời ông/bà đánh giá mức độ hài lòng: %(link)s") % {
        "code": dossier.code,
        "link": rating_url(dossier.code),
    }
    notify_applicant(dossier, text, subject=_("Kết quả hồ sơ %(code)s") % {"code": dossier.code})
    record_event(
        "dossiers.return",
        actor=actor,
        obj=dossier,
        unit=dossier.desk,
        changes={"delivery": dossier.delivery, "outcome": dossier.outcome},
    )
    return dossier


@transaction.atomic
def dossier_record_payment(*, actor, dossier: Dossier, online: bool = False) -> Dossier:
    dossier = _lock(dossier)
    if online:
        if actor is not None:
            raise PermissionDeniedError(_("Thanh toán trực tuyến chỉ do cổng thanh toán xác nhận."))
    else:
        _require_desk(actor, dossier)
    if dossier.payment != Dossier.Payment.UNPAID:
        raise ConflictError(_("Hồ sơ không có khoản phí nào chờ nộp."))
    dossier.payment = Dossier.Payment.PAID_ONLINE if online else Dossier.Payment.PAID_AT_DESK
    dossier.save(update_fields=["payment", "updated_at"])
    record_event(
        "dossiers.payment",
        actor=actor,
        obj=dossier,
        unit=dossier.desk,
        changes={"payment": dossier.payment, "fee_vnd": dossier.fee_vnd},
    )
    return dossier


@transaction.atomic
def dossier_refuse(*, actor, dossier: Dossier, reason: str, now: dt.datetime | None = None) -> Slip:
    """BM.03: outside competence or not eligible. Before receipt the desk refuses; later, the handling step."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    _require_transition(dossier, "refuse")
    if dossier.status in (S.SUBMITTED, S.NEEDS_COMPLETION):
        _require_desk(actor, dossier)
    else:
        _require_current_step(actor, dossier)
    slip = _issue_slip(dossier, Slip.Kind.REFUSAL, actor, now, reason)
    _close(dossier, actor, now, S.REFUSED, reason)
    record_event(
        "dossiers.refuse",
        actor=actor,
        obj=dossier,
        unit=slip.unit,
        changes={"slip": slip.number, "reason": slip.reason},
    )
    return slip


@transaction.atomic
def dossier_withdraw(*, actor, dossier: Dossier, reason: str, now: dt.datetime | None = None) -> Dossier:
    """The applicant takes the dossier back (at the desk, or online before receipt)."""
    now = now or timezone.now()
    dossier = _lock(dossier)
    _require_transition(dossier, "withdraw")
    if actor is not None:
        _require_desk(actor, dossier)
    _close(dossier, actor, now, S.WITHDRAWN, reason)
    record_event(
        "dossiers.withdraw",
        actor=actor,
        obj=dossier,
        unit=dossier.desk,
        changes={"reason": normalize_multiline(reason)},
    )
    return dossier


MAX_FILES_PER_UPLOAD = 10


@transaction.atomic
def dossier_attach(
    *, dossier: Dossier, files, purpose: str = Attachment.Purpose.SUBMISSION, actor=None
) -> list[Attachment]:
    """Store the files after checking each one's real type and size; all or none."""
    files = list(files)
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise DomainError(_("Mỗi lần gửi tối đa %(n)d tệp.") % {"n": MAX_FILES_PER_UPLOAD}, field="files")
    check_upload_set(files)
    checked = [(uploaded, check_upload(uploaded)) for uploaded in files]
    stored = [
        Attachment.objects.create(
            dossier=dossier,
            purpose=purpose,
            file=uploaded,
            original_name=display_name(uploaded.name),
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        for uploaded, info in checked
    ]
    if stored:
        record_event(
            "dossiers.attach",
            actor=actor,
            obj=dossier,
            unit=dossier.desk,
            changes={"purpose": purpose, "files": [a.original_name for a in stored]},
        )
    return stored


@transaction.atomic
def dossier_citizen_supplement(*, dossier: Dossier, files, now: dt.datetime | None = None) -> Dossier:
    """The citizen hands in what was asked for (online): the files are stored and the dossier moves on."""
    if dossier.status not in (S.NEEDS_COMPLETION, S.SUPPLEMENT_REQUESTED):
        raise ConflictError(_("Hồ sơ %(code)s không ở trạng thái chờ bổ sung.") % {"code": dossier.code})
    if not list(files):
        raise DomainError(_("Hãy chọn ít nhất một tệp."), field="files")
    dossier_attach(dossier=dossier, files=files, purpose=Attachment.Purpose.SUPPLEMENT)
    if dossier.status == S.NEEDS_COMPLETION:
        return dossier_resubmit(dossier=dossier, now=now)
    return dossier_supplement_received(actor=None, dossier=dossier, now=now)
