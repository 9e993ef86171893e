"""Late dossiers: the projection, BM.04 apologies, the head's signature, the one-time new appointment.

The appointment moves; the legal due time does not: a dossier finished after its legal due time stays late."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.calendar.selectors import calendar_for_unit
from apps.core.actors import SYSTEM, staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.numbering import next_number
from apps.core.projections import projected
from apps.core.text import normalize_multiline
from apps.dossiers import tracking
from apps.dossiers.models import Apology, Dossier
from apps.dossiers.services import citizen_messages
from apps.dossiers.services.clocks import add_budget
from apps.dossiers.services.common import lock_dossier
from apps.org import selectors as org

S = Dossier.Status


def projected_finish(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """When the result will be ready if every remaining step uses its whole budget from now on.
    Uses the desk's calendar and no query beyond the procedure's steps (prefetched by the sweep)."""
    step = dossier.current_step
    moment = max(now, step.due_at)
    remaining = [s for s in dossier.procedure.steps.all() if s.order > step.order and s.kind != "return"]
    for procedure_step in remaining:
        moment = add_budget(dossier.desk, moment, procedure_step.budget, procedure_step.budget_unit)
    return moment


# Decree 61/2018 art. 19 (as amended): the late unit sends its apology and proposed new date before the due
# time; the sweep drafts it while the head still has a working day to sign it.
WARNING_WORKING_DAYS = 1


def needs_apology(dossier: Dossier, now: dt.datetime) -> bool:
    """Open, not yet rescheduled, and late by its legal due time if it stood still one more working day from now
    and then every remaining step used its whole budget."""
    if dossier.status not in (S.RECEIVED, S.IN_PROGRESS) or dossier.rescheduled or dossier.current_step is None:
        return False
    return projected_finish(dossier, _horizon(dossier, now)) > dossier.due_at


def _horizon(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    return calendar_for_unit(dossier.desk).add_working_days(now, WARNING_WORKING_DAYS)


def _proposed_appointment(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """The date the sweep's projection gives (idle one more working day, then every remaining step with its whole
    budget) and half a day to hand the result over."""
    return calendar_for_unit(dossier.desk).add_working_days(projected_finish(dossier, _horizon(dossier, now)), 0.5)


def _reason(dossier: Dossier, now: dt.datetime) -> str:
    step = dossier.current_step
    if step.due_at < now:
        return _("Bước “%(step)s” tại %(unit)s quá hạn từ %(due)s.") % {
            "step": step.name,
            "unit": step.unit,
            "due": timezone.localtime(step.due_at).strftime("%H:%M %d/%m/%Y"),
        }
    return _("Thời gian còn lại không đủ cho các bước chưa làm.")


@transaction.atomic
def apology_draft(*, dossier: Dossier, now: dt.datetime | None = None, reason: str = "") -> Apology:
    """Draft BM.04 for the unit holding the dossier. Idempotent: an existing apology is returned as it is."""
    now = now or timezone.now()
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("current_step__unit", "procedure", "desk")
        .get(pk=dossier.pk)
    )
    existing = Apology.objects.filter(dossier=dossier).first()
    if existing is not None:
        return existing
    if dossier.rescheduled:
        raise ConflictError(
            _("Hồ sơ %(code)s đã được hẹn lại một lần; không được hẹn lại lần nữa.") % {"code": dossier.code}
        )
    if dossier.current_step is None or dossier.status not in (S.RECEIVED, S.IN_PROGRESS):
        raise ConflictError(_("Hồ sơ không còn đang giải quyết."))
    proposed = _proposed_appointment(dossier, now)
    apology = Apology.objects.create(
        dossier=dossier, unit=dossier.current_step.unit, reason=normalize_multiline(reason) or _reason(dossier, now),
        original_appointment_at=dossier.appointment_at, proposed_appointment_at=proposed, drafted_at=now,
    )  # fmt: skip
    record_event(
        "dossiers.apology.draft",
        actor=SYSTEM,
        obj=dossier,
        unit=apology.unit,
        changes={"reason": apology.reason, "proposed": proposed},
    )
    return apology


@projected("dossier", "apology")
@transaction.atomic
def apology_approve(
    *,
    actor,
    apology: Apology,
    new_appointment_at: dt.datetime | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Apology:
    """The head of the late unit signs: the new appointment replaces the old one, once, and the citizen is told."""
    now = now or timezone.now()
    apology = Apology.objects.select_for_update(of=("self",)).select_related("dossier", "unit").get(pk=apology.pk)
    dossier = lock_dossier(apology.dossier)
    if not (actor.is_superuser or org.is_head_of(actor, apology.unit)):
        raise PermissionDeniedError(_("Chỉ người đứng đầu %(unit)s được ký phiếu xin lỗi.") % {"unit": apology.unit})
    if apology.status == Apology.Status.APPROVED or dossier.rescheduled:
        raise ConflictError(
            _("Hồ sơ %(code)s đã được hẹn lại một lần; không được hẹn lại lần nữa.") % {"code": dossier.code}
        )
    if new_appointment_at is None:
        new_appointment_at = apology.proposed_appointment_at
        if new_appointment_at <= now and dossier.current_step is not None:  # signed after the date it proposed
            new_appointment_at = _proposed_appointment(dossier, now)
    if new_appointment_at <= dossier.appointment_at or new_appointment_at <= now:
        raise DomainError(_("Ngày hẹn mới phải sau ngày hẹn cũ và sau thời điểm hiện tại."), field="new_appointment_at")
    year = timezone.localtime(now).year
    apology.number = f"{next_number(f'slip:apology:{apology.unit_id}:{year}'):02d}/PXL-{apology.unit.symbol or 'UBND'}"
    apology.status, apology.approved_by, apology.approved_at = Apology.Status.APPROVED, staff_user(actor), now
    apology.new_appointment_at = new_appointment_at
    if reason:
        apology.reason = normalize_multiline(reason)
    apology.save()
    dossier.appointment_at, dossier.rescheduled = new_appointment_at, True
    dossier.save(update_fields=["appointment_at", "rescheduled", "updated_at"])
    tracking.republish(dossier)
    citizen_messages.rescheduled(dossier, apology)
    record_event(
        "dossiers.apology.approve",
        actor=actor,
        obj=dossier,
        unit=apology.unit,
        changes={"number": apology.number, "old": apology.original_appointment_at, "new": new_appointment_at},
    )
    return apology


def apology_approve_many(*, actor, apologies, now: dt.datetime | None = None) -> tuple[list[Apology], list[str]]:
    """The head signs several drafts at once, each with its proposed date and reason; one that cannot be signed
    (another unit's, already signed) is reported and leaves the others signed."""
    signed, refused = [], []
    for apology in apologies:
        try:
            signed.append(apology_approve(actor=actor, apology=apology, now=now))
        except DomainError as error:
            refused.append(f"{apology.dossier.code}: {error.message}")
    return signed, refused


def sweep_late_dossiers(now: dt.datetime | None = None, batch: int = 500) -> int:
    """Draft BM.04 for every open dossier that will miss (or has missed) its appointment. Returns drafts made."""
    now = now or timezone.now()
    candidates = (
        Dossier.objects.filter(status__in=(S.RECEIVED, S.IN_PROGRESS), rescheduled=False, apology__isnull=True)
        .select_related("current_step__unit", "desk", "procedure")
        .prefetch_related("procedure__steps")
        .order_by("appointment_at")
    )
    drafted = 0
    for dossier in candidates.iterator(chunk_size=batch):
        if needs_apology(dossier, now) and _draft_if_still_late(dossier.pk, now):
            drafted += 1
    return drafted


@transaction.atomic
def _draft_if_still_late(dossier_id: int, now: dt.datetime) -> bool:
    """Draft one apology under the dossier's row lock, checking again what the sweep read before: another sweep
    running at the same time skips the dossier it holds (PostgreSQL) or finds its apology (SQLite runs one writer)."""
    dossier = (
        Dossier.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=dossier_id, apology__isnull=True)
        .select_related("current_step__unit", "desk", "procedure")
        .prefetch_related("procedure__steps")
        .first()
    )
    if dossier is None or not needs_apology(dossier, now):
        return False
    apology_draft(dossier=dossier, now=now)
    return True
