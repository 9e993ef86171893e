"""Every move of a dossier after submission: one transaction, a permission check, the action table, an audit event.

`ACTIONS` is the one action table: the statuses each action starts from, who may take it, what it asks for and
whether it needs a confirmation. The API, the staff pages and `allowed_actions` all read it, so a button is shown
only when the API would accept it."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.actors import CITIZEN, is_staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.projections import projected
from apps.core.text import normalize_multiline
from apps.dossiers import tracking
from apps.dossiers.models import Dossier, Slip
from apps.dossiers.services import citizen_messages, clocks
from apps.dossiers.services.common import (
    lock_dossier,
    require_collection_desk,
    require_current_step,
    require_desk,
    require_desk_or_step,
)
from apps.dossiers.services.receipt import check_walk_in, mark_papers, new_dossier, start_clock
from apps.dossiers.services.slips import answer_open_supplement_slips, issue_slip
from apps.org import selectors as org
from apps.procedures.models import ProcedureStep

S = Dossier.Status
BEFORE_RECEIPT = frozenset({S.SUBMITTED, S.NEEDS_COMPLETION})
OPEN_BEFORE_RETURN = frozenset({S.SUBMITTED, S.NEEDS_COMPLETION, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED})
NOT_CLOSED = OPEN_BEFORE_RETURN | {S.READY}


def _require_transition(dossier: Dossier, name: str) -> None:
    action = ACTIONS[name]
    if dossier.status not in action.sources:
        raise ConflictError(
            _("Không thể %(action)s hồ sơ %(code)s khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": action.label, "code": dossier.code, "status": dossier.get_status_display()},
        )


def _begin(dossier: Dossier, name: str, actor) -> Dossier:
    """Lock the dossier's row, check the action is allowed from its status and to this actor, and withdraw its
    public tracking answer (republished after the commit)."""
    dossier = lock_dossier(dossier)
    _require_transition(dossier, name)
    ACTIONS[name].check_actor(actor, dossier)
    tracking.republish(dossier)
    return dossier


def _close(dossier: Dossier, actor, now: dt.datetime, status: str, note: str) -> None:
    """End a dossier before its result (refused, withdrawn): the open step closes with the reason."""
    if dossier.current_step is not None:
        clocks.close_step(dossier.current_step, actor, now, note)
    dossier.status, dossier.closed_at = status, now
    clocks.leave_steps(dossier)
    dossier.save()


# --- at the desk, before the clock starts ----------------------------------------------------------------


@projected("dossier", "dossier")
@transaction.atomic
def dossier_receive(*, actor, dossier: Dossier, provided_paper_ids=None, now: dt.datetime | None = None) -> Dossier:
    """The desk accepts an online dossier after checking it: the clock starts now."""
    dossier = _begin(dossier, "receive", actor)
    start_clock(dossier, actor, now or timezone.now(), provided_paper_ids)
    citizen_messages.received(dossier)
    record_event("dossiers.receive", actor=actor, obj=dossier, unit=dossier.desk, changes={"due": dossier.due_at})
    return dossier


@projected("dossier", "dossier")
@transaction.atomic
def dossier_request_completion(
    *, actor, dossier: Dossier, items: str, reason: str, now: dt.datetime | None = None
) -> Slip:
    """BM.02 before receipt: the dossier is not received and no clock runs until the citizen completes it."""
    now = now or timezone.now()
    dossier = _begin(dossier, "request-completion", actor)
    if not normalize_multiline(items):
        raise DomainError(_("Hãy liệt kê giấy tờ cần bổ sung."), field="items")
    slip = issue_slip(dossier, Slip.Kind.SUPPLEMENT, actor, now, reason, items)
    dossier.status = S.NEEDS_COMPLETION
    dossier.save(update_fields=["status", "updated_at"])
    citizen_messages.asked_to_supplement(dossier, slip)
    record_event(
        "dossiers.request_completion",
        actor=actor,
        obj=dossier,
        unit=dossier.desk,
        changes={"slip": slip.number, "items": slip.items},
    )
    return slip


@projected("dossier", "dossier")
@transaction.atomic
def dossier_resubmit(*, dossier: Dossier, now: dt.datetime | None = None) -> Dossier:
    """The citizen has completed the papers: back to the desk's queue."""
    dossier = _begin(dossier, "resubmit", CITIZEN)
    answer_open_supplement_slips(dossier, now or timezone.now())
    dossier.status = S.SUBMITTED
    dossier.save(update_fields=["status", "updated_at"])
    record_event("dossiers.resubmit", actor=CITIZEN, obj=dossier, unit=dossier.desk)
    return dossier


def _paper_dossier_turned_away(actor, desk, procedure, applicant, provided_paper_ids, channel, now, extra):
    filing_unit = check_walk_in(actor, desk, procedure, channel)
    dossier = new_dossier(procedure, filing_unit, desk, channel, applicant, now, status=S.SUBMITTED, **extra)
    return dossier, mark_papers(dossier, provided_paper_ids or ())


@projected("dossier", "dossier")
@transaction.atomic
def dossier_desk_completion_request(
    *,
    actor,
    desk,
    procedure,
    applicant: dict,
    provided_paper_ids=(),
    items: str = "",
    reason: str = "",
    channel: str = Dossier.Channel.DESK,
    now: dt.datetime | None = None,
    **extra,
) -> Slip:
    """An incomplete paper dossier at the desk: it is recorded (not received, no clock) with a written BM.02 that
    lists what is missing, to print and hand over; the citizen comes back with the papers."""
    now = now or timezone.now()
    dossier, missing = _paper_dossier_turned_away(actor, desk, procedure, applicant, provided_paper_ids, channel,
                                                  now, extra)  # fmt: skip
    items = normalize_multiline(items) or "\n".join(missing)
    reason = normalize_multiline(reason) or _("Hồ sơ chưa đủ thành phần theo quy định của thủ tục.")
    return dossier_request_completion(actor=actor, dossier=dossier, items=items, reason=reason, now=now)


@projected("dossier", "dossier")
@transaction.atomic
def dossier_desk_refusal(
    *,
    actor,
    desk,
    procedure,
    applicant: dict,
    reason: str,
    provided_paper_ids=(),
    channel: str = Dossier.Channel.DESK,
    now: dt.datetime | None = None,
    **extra,
) -> Slip:
    """A paper dossier the desk cannot take (outside competence, not eligible): recorded and closed with a written,
    reasoned BM.03 to print and hand over."""
    now = now or timezone.now()
    if not normalize_multiline(reason):
        raise DomainError(_("Hãy ghi rõ lý do từ chối."), field="reason")
    dossier, _missing = _paper_dossier_turned_away(actor, desk, procedure, applicant, provided_paper_ids, channel,
                                                   now, extra)  # fmt: skip
    return dossier_refuse(actor=actor, dossier=dossier, reason=reason, now=now)


# --- processing ------------------------------------------------------------------------------------------


@projected("dossier", "dossier")
@transaction.atomic
def dossier_forward(
    *, actor, dossier: Dossier, note: str = "", assignee=None, now: dt.datetime | None = None
) -> Dossier:
    """Hand the dossier to the next step (a BM.05 row); reaching the return step means the result is ready, and
    the dossier's outcome is judged against its legal due time (an apology's new appointment never excuses it)."""
    now = now or timezone.now()
    dossier = _begin(dossier, "forward", actor)
    current = dossier.current_step
    following = [step for step in clocks.procedure_steps(dossier) if step.order > current.order]
    if not following:
        raise ConflictError(_("Hồ sơ đã ở bước cuối cùng."))
    clocks.close_step(current, actor, now, note)
    next_step = following[0]
    opened = clocks.open_step(dossier, next_step, now, assignee=assignee)
    if next_step.kind == ProcedureStep.Kind.RETURN:
        dossier.status, dossier.ready_at = S.READY, now
        dossier.outcome = clocks.classify(now, dossier.due_at)
        citizen_messages.ready(dossier)
    else:
        dossier.status = S.IN_PROGRESS
    dossier.save()
    record_event(
        "dossiers.forward", actor=actor, obj=dossier, unit=current.unit,
        changes={"from": current.name, "to": opened.name, "to_unit": str(opened.unit), "step_outcome": current.outcome},
    )  # fmt: skip
    return dossier


@projected("dossier", "dossier")
@transaction.atomic
def dossier_request_supplement(
    *, actor, dossier: Dossier, items: str, reason: str, further_reason: str = "", now: dt.datetime | None = None
) -> Slip:
    """During processing: BM.02 to the citizen; the legal due time, the appointment and the step clock stand
    still until the citizen answers."""
    now = now or timezone.now()
    dossier = _begin(dossier, "request-supplement", actor)
    if not normalize_multiline(items):
        raise DomainError(_("Hãy liệt kê giấy tờ, nội dung cần bổ sung."), field="items")
    _check_supplement_allowed(dossier, actor, now, further_reason)
    slip = issue_slip(dossier, Slip.Kind.SUPPLEMENT, actor, now, reason, items)
    dossier.status, dossier.paused_at = S.SUPPLEMENT_REQUESTED, now
    dossier.save(update_fields=["status", "paused_at", "updated_at"])
    citizen_messages.asked_to_supplement(dossier, slip)
    record_event(
        "dossiers.request_supplement",
        actor=actor,
        obj=dossier,
        unit=slip.unit,
        changes={"slip": slip.number, "items": slip.items, "further_reason": normalize_multiline(further_reason)},
    )
    return slip


def _check_supplement_allowed(dossier: Dossier, actor, now: dt.datetime, further_reason: str) -> None:
    """Decree 118/2025: the supplement is requested once, in writing, within the time for processing; a further
    request needs a leader over the handling unit and a recorded reason."""
    if dossier.due_at is not None and now > dossier.due_at:
        raise ConflictError(_("Đã quá hạn giải quyết: không được yêu cầu bổ sung; hãy lập phiếu xin lỗi (BM.04)."))
    earlier = dossier.slips.filter(kind=Slip.Kind.SUPPLEMENT, issued_at__gte=dossier.received_at).exists()
    if not earlier:
        return
    step = dossier.current_step
    if is_staff_user(actor) and not (actor.is_superuser or org.is_leader_over(actor, step.unit)):
        raise PermissionDeniedError(
            _("Hồ sơ đã được yêu cầu bổ sung một lần; yêu cầu thêm phải do lãnh đạo %(unit)s quyết định.")
            % {"unit": step.unit}
        )
    if not normalize_multiline(further_reason):
        raise DomainError(
            _("Hồ sơ đã được yêu cầu bổ sung một lần; hãy ghi lý do yêu cầu bổ sung thêm."), field="further_reason"
        )


@projected("dossier", "dossier")
@transaction.atomic
def dossier_supplement_received(*, actor, dossier: Dossier, now: dt.datetime | None = None) -> Dossier:
    """The citizen answered: every clock moves on by the working time it stood still."""
    now = now or timezone.now()
    dossier = _begin(dossier, "supplement-received", actor)
    paused_at = clocks.resume_after_pause(dossier, now)
    answer_open_supplement_slips(dossier, now)
    dossier.status = S.IN_PROGRESS
    dossier.save(update_fields=["status", "paused_at", "due_at", "appointment_at", "current_due_at", "updated_at"])
    record_event(
        "dossiers.supplement_received",
        actor=actor,
        obj=dossier,
        unit=dossier.current_step.unit,
        changes={"paused_from": paused_at, "due": dossier.due_at, "appointment": dossier.appointment_at},
    )
    return dossier


# --- the end ---------------------------------------------------------------------------------------------


@projected("dossier", "dossier")
@transaction.atomic
def dossier_return(*, actor, dossier: Dossier, delivery: str | None = None, now: dt.datetime | None = None) -> Dossier:
    """The result is handed to the citizen (at the desk, by post or online): the dossier closes."""
    now = now or timezone.now()
    dossier = _begin(dossier, "return", actor)
    if delivery:
        if delivery not in Dossier.Delivery.values:
            raise DomainError(_("Hình thức trả kết quả không hợp lệ."), field="delivery")
        dossier.delivery = delivery
    if dossier.payment == Dossier.Payment.UNPAID:
        raise DomainError(
            _("Công dân chưa nộp phí, lệ phí %(fee)s đồng.") % {"fee": f"{dossier.fee_vnd:,}".replace(",", ".")},
            field="payment",
        )
    clocks.close_step(dossier.current_step, actor, now)
    dossier.status, dossier.returned_at, dossier.closed_at = S.RETURNED, now, now
    clocks.leave_steps(dossier)
    dossier.save()
    citizen_messages.returned(dossier)
    record_event(
        "dossiers.return",
        actor=actor,
        obj=dossier,
        unit=dossier.desk,
        changes={"delivery": dossier.delivery, "outcome": dossier.outcome},
    )
    return dossier


@projected("dossier", "dossier")
@transaction.atomic
def dossier_record_payment(*, actor, dossier: Dossier, online: bool = False) -> Dossier:
    """The fee is paid, at any step before the dossier closes: at the desk (a clerk records it) or online (only the
    payment gateway's verified answer, acting as the system, records it)."""
    dossier = lock_dossier(dossier)
    _require_transition(dossier, "payment")
    if online:
        if is_staff_user(actor):
            raise PermissionDeniedError(_("Thanh toán trực tuyến chỉ do cổng thanh toán xác nhận."))
    else:
        require_collection_desk(actor, dossier)
    if dossier.payment != Dossier.Payment.UNPAID:
        raise ConflictError(_("Hồ sơ không có khoản phí nào chờ nộp."))
    tracking.republish(dossier)
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


@projected("dossier", "dossier")
@transaction.atomic
def dossier_refuse(*, actor, dossier: Dossier, reason: str, now: dt.datetime | None = None) -> Slip:
    """BM.03: outside competence or not eligible. Before receipt the desk refuses; later, the handling step."""
    now = now or timezone.now()
    dossier = _begin(dossier, "refuse", actor)
    slip = issue_slip(dossier, Slip.Kind.REFUSAL, actor, now, reason)
    if dossier.status in BEFORE_RECEIPT:
        _close(dossier, actor, now, S.REFUSED, reason)
    else:
        _refusal_becomes_the_result(dossier, actor, now, reason)
    citizen_messages.refused(dossier, slip)
    record_event(
        "dossiers.refuse",
        actor=actor,
        obj=dossier,
        unit=slip.unit,
        changes={"slip": slip.number, "reason": slip.reason},
    )
    return slip


def _refusal_becomes_the_result(dossier: Dossier, actor, now: dt.datetime, reason: str) -> None:
    """After receipt the competent unit decides by a reasoned refusal: that notice is the dossier's result. The
    dossier goes to the desk's return step like any result, judged against its legal due time; no fee is due."""
    clocks.close_step(dossier.current_step, actor, now, reason)
    return_step = [step for step in clocks.procedure_steps(dossier) if step.kind == ProcedureStep.Kind.RETURN][-1]
    clocks.open_step(dossier, return_step, now)
    dossier.status, dossier.ready_at, dossier.result_is_refusal = S.READY, now, True
    dossier.outcome = clocks.classify(now, dossier.due_at)
    if dossier.payment == Dossier.Payment.UNPAID:
        dossier.payment = Dossier.Payment.NOT_REQUIRED
    dossier.save()


@projected("dossier", "dossier")
@transaction.atomic
def dossier_withdraw(*, actor, dossier: Dossier, reason: str, now: dt.datetime | None = None) -> Dossier:
    """The applicant takes the dossier back (at the desk, or online before receipt)."""
    now = now or timezone.now()
    dossier = _begin(dossier, "withdraw", actor)
    _close(dossier, actor, now, S.WITHDRAWN, reason)
    record_event(
        "dossiers.withdraw",
        actor=actor,
        obj=dossier,
        unit=dossier.desk,
        changes={"reason": normalize_multiline(reason)},
    )
    return dossier


# --- the action table ------------------------------------------------------------------------------------


def _desk_before_receipt_else_step(actor, dossier: Dossier) -> None:
    if dossier.status in BEFORE_RECEIPT:
        require_desk(actor, dossier)
    else:
        require_current_step(actor, dossier)


def _citizen_only(actor, dossier: Dossier) -> None:
    if is_staff_user(actor):
        raise PermissionDeniedError(_("Chỉ công dân nộp lại hồ sơ của mình."))


def _payment_pending(dossier: Dossier) -> bool:
    return dossier.payment == Dossier.Payment.UNPAID


@dataclass(frozen=True)
class Action:
    name: str  # as in the API's and the pages' URLs
    label: str
    sources: frozenset
    check_actor: Callable  # (actor, dossier) -> None, raises PermissionDeniedError / ConflictError
    run: Callable  # (actor, dossier, inputs: dict) -> the service's result
    inputs: tuple[str, ...] = ()  # what the form asks for: reason, items, note, papers, delivery
    confirm: bool = False  # irreversible: the page asks before it acts
    staff: bool = True  # offered to staff (resubmit is the citizen's)
    applies: Callable | None = None  # a condition beyond the status

    def allowed_for(self, actor, dossier: Dossier) -> bool:
        if dossier.status not in self.sources or (self.applies is not None and not self.applies(dossier)):
            return False
        try:
            self.check_actor(actor, dossier)
        except (PermissionDeniedError, ConflictError):
            return False
        return True


ACTIONS: dict[str, Action] = {action.name: action for action in (
    Action("receive", gettext_lazy("tiếp nhận"), frozenset({S.SUBMITTED}), require_desk,
           lambda actor, d, i: dossier_receive(actor=actor, dossier=d, provided_paper_ids=i.get("papers")),
           inputs=("papers",)),
    Action("request-completion", gettext_lazy("yêu cầu bổ sung trước khi tiếp nhận"), frozenset({S.SUBMITTED}),
           require_desk,
           lambda actor, d, i: dossier_request_completion(actor=actor, dossier=d, items=i["items"], reason=i["reason"]),
           inputs=("items", "reason")),
    Action("resubmit", gettext_lazy("nộp lại"), frozenset({S.NEEDS_COMPLETION}), _citizen_only,
           lambda actor, d, i: dossier_resubmit(dossier=d), staff=False),
    Action("refuse", gettext_lazy("từ chối"), frozenset({S.SUBMITTED, S.NEEDS_COMPLETION, S.RECEIVED, S.IN_PROGRESS}),
           _desk_before_receipt_else_step,
           lambda actor, d, i: dossier_refuse(actor=actor, dossier=d, reason=i["reason"]),
           inputs=("reason",), confirm=True),
    Action("forward", gettext_lazy("chuyển bước"), frozenset({S.RECEIVED, S.IN_PROGRESS}), require_current_step,
           lambda actor, d, i: dossier_forward(actor=actor, dossier=d, note=i.get("note", "")), inputs=("note",)),
    Action("request-supplement", gettext_lazy("yêu cầu bổ sung"), frozenset({S.IN_PROGRESS}), require_current_step,
           lambda actor, d, i: dossier_request_supplement(actor=actor, dossier=d, items=i["items"], reason=i["reason"],
                                                          further_reason=i.get("further_reason", "")),
           inputs=("items", "reason", "further_reason")),
    Action("supplement-received", gettext_lazy("nhận bổ sung"), frozenset({S.SUPPLEMENT_REQUESTED}),
           require_desk_or_step, lambda actor, d, i: dossier_supplement_received(actor=actor, dossier=d)),
    Action("return", gettext_lazy("trả kết quả"), frozenset({S.READY}), require_collection_desk,
           lambda actor, d, i: dossier_return(actor=actor, dossier=d, delivery=i.get("delivery")),
           inputs=("delivery",), confirm=True),
    Action("withdraw", gettext_lazy("rút hồ sơ"), OPEN_BEFORE_RETURN, require_desk,
           lambda actor, d, i: dossier_withdraw(actor=actor, dossier=d, reason=i["reason"]),
           inputs=("reason",), confirm=True),
    Action("payment", gettext_lazy("ghi nhận đã nộp phí"), NOT_CLOSED, require_collection_desk,
           lambda actor, d, i: dossier_record_payment(actor=actor, dossier=d), applies=_payment_pending),
)}  # fmt: skip
STAFF_ACTIONS = [name for name, action in ACTIONS.items() if action.staff]


def allowed_actions(dossier: Dossier, actor=None) -> list[Action]:
    """The actions this actor may take on the dossier now (without an actor: those its status allows)."""
    return [
        action
        for action in ACTIONS.values()
        if action.staff
        and (action.allowed_for(actor, dossier) if actor is not None else dossier.status in action.sources)
    ]


def run_action(name: str, actor, dossier: Dossier, inputs: dict):
    action = ACTIONS.get(name)
    if action is None or not action.staff:
        raise DomainError(_("Thao tác không tồn tại."), field="action")
    return action.run(actor, dossier, inputs)
