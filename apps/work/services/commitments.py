"""Writes on commitments ("nói đi đôi với làm"): the signer drafts a commitment to a superior and its targets, signs
it (nothing is editable after); the superior reviews the free targets and makes a charter public; at the end of the
period the bound targets are checked against the unit's figures (`metric_values`) and the commitment is marked kept
(every target met) or broken (any not met) — once the last free target is reviewed, if some wait.

States: draft → signed (the signer) → evaluated (the worker or the superior, once the period is over). The result
is filled when every target has a verdict; after that nothing changes. Each service is one transaction, locks the
commitment and writes its audit event."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.text import normalize_multiline, normalize_text
from apps.org.models import Unit
from apps.org.selectors import active_memberships, is_head_of
from apps.work.models import Commitment, CommitmentTarget, Metric, PeriodKind
from apps.work.selectors.commitments import (
    PERIOD_NUMBERS,
    RATE_METRICS,
    compares,
    period_days,
    period_has_ended,
)
from apps.work.selectors.figures import metric_values
from apps.work.selectors.scope import leads
from apps.work.services.common import notify_person

MAX_TARGETS = 30
MAX_TARGET_VALUE = Decimal("9999999999")
Status = Commitment.Status
Comparison = CommitmentTarget.Comparison


# -- who may do what --------------------------------------------------------------------------------------------


def is_member(user, unit: Unit) -> bool:
    return active_memberships(user).filter(unit=unit).exists()


def is_superior_for(user, unit: Unit, signer) -> bool:
    """A leader over the unit other than the signer; over a unit head, a leader of a unit above it (the chairman
    over a division head, never the head's own deputy)."""
    if user is None or user == signer or not leads(user, unit):
        return False
    if is_head_of(signer, unit):
        return unit.parent is not None and leads(user, unit.parent)
    return True


def _require_signer(actor, commitment: Commitment) -> None:
    if actor != commitment.signer:
        raise PermissionDeniedError(_("Chỉ người cam kết mới được sửa hoặc ký bản cam kết này."))


def _require_superior(actor, commitment: Commitment) -> None:
    if actor != commitment.superior:
        raise PermissionDeniedError(_("Chỉ người nhận cam kết (cấp trên) mới được làm việc này."))


def _require_draft(commitment: Commitment) -> None:
    if commitment.status != Status.DRAFT:
        raise ConflictError(_("Bản cam kết đã ký: không sửa được nữa."))


def _locked(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=commitment.pk)


# -- the commitment ---------------------------------------------------------------------------------------------


def _checked_period(period_kind: str, year: int, number: int) -> tuple[str, int, int]:
    if period_kind not in PeriodKind.values:
        raise DomainError(_("Chọn kỳ cam kết: năm, 6 tháng, quý hoặc tháng."), field="period_kind")
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("Năm cam kết không hợp lệ."), field="year")
    number = 1 if period_kind == PeriodKind.YEAR else int(number)
    if not 1 <= number <= PERIOD_NUMBERS[period_kind]:
        raise DomainError(_("Số của kỳ phải từ 1 đến %(n)d.") % {"n": PERIOD_NUMBERS[period_kind]}, field="number")
    return period_kind, int(year), number


def _checked_fields(*, signer, unit: Unit, superior, kind: str, title: str) -> str:
    if kind not in Commitment.Kind.values:
        raise DomainError(_("Chọn loại cam kết."), field="kind")
    title = normalize_text(title)[:500]
    if not title:
        raise DomainError(_("Nhập tiêu đề bản cam kết."), field="title")
    if not is_member(signer, unit):
        raise PermissionDeniedError(_("Người cam kết phải là cán bộ của đơn vị cam kết."))
    if kind in (Commitment.Kind.TASKS, Commitment.Kind.CHARTER) and not is_head_of(signer, unit):
        raise DomainError(_("Cam kết thực hiện nhiệm vụ và cam kết phục vụ do người đứng đầu đơn vị ký."), field="kind")
    if not is_superior_for(superior, unit, signer):
        raise DomainError(
            _("Người nhận cam kết phải là lãnh đạo cấp trên của người cam kết (đối với đơn vị này)."),
            field="superior",
        )
    return title


def draft_commitment(
    *, actor, unit: Unit, superior, kind: str, title: str, period_kind: str, year: int, number: int = 1,
    now: dt.datetime | None = None,
) -> Commitment:  # fmt: skip
    """The actor drafts their own commitment, for a unit they belong to, to a leader over it."""
    now = now or timezone.now()
    title = _checked_fields(signer=actor, unit=unit, superior=superior, kind=kind, title=title)
    period_kind, year, number = _checked_period(period_kind, year, number)
    with transaction.atomic():
        commitment = Commitment.objects.create(
            kind=kind, title=title, unit=unit, signer=actor, superior=superior, period_kind=period_kind, year=year,
            number=number, created_at=now,
        )  # fmt: skip
        record_event(
            "work.commitment.drafted", actor=actor, obj=commitment, unit=unit,
            changes={"kind": kind, "superior": superior.pk, "period": f"{period_kind}/{number}/{year}"},
        )  # fmt: skip
    return commitment


def edit_commitment(
    *, actor, commitment: Commitment, superior, kind: str, title: str, period_kind: str, year: int, number: int = 1
) -> Commitment:
    with transaction.atomic():
        commitment = _locked(commitment)
        _require_signer(actor, commitment)
        _require_draft(commitment)
        title = _checked_fields(signer=actor, unit=commitment.unit, superior=superior, kind=kind, title=title)
        period_kind, year, number = _checked_period(period_kind, year, number)
        commitment.kind, commitment.title, commitment.superior = kind, title, superior
        commitment.period_kind, commitment.year, commitment.number = period_kind, year, number
        commitment.save(update_fields=["kind", "title", "superior", "period_kind", "year", "number"])
        record_event(
            "work.commitment.edited", actor=actor, obj=commitment, unit=commitment.unit,
            changes={"kind": kind, "superior": superior.pk, "period": f"{period_kind}/{number}/{year}"},
        )  # fmt: skip
    return commitment


# -- targets ----------------------------------------------------------------------------------------------------


def _checked_target(*, text: str, metric: str, comparison: str, target_value) -> dict:
    text = normalize_multiline(text)
    if not text:
        raise DomainError(_("Nhập nội dung chỉ tiêu cam kết."), field="text")
    if not metric:
        return {"text": text, "metric": "", "comparison": "", "target_value": None}
    if metric not in Metric.values:
        raise DomainError(_("Chỉ số không có trong danh mục."), field="metric")
    if comparison not in Comparison.values:
        raise DomainError(_("Chọn so sánh: không thấp hơn hoặc không vượt quá."), field="comparison")
    try:
        value = Decimal(str(target_value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Nhập chỉ tiêu là một số."), field="target_value") from None
    if metric in RATE_METRICS and not Decimal(0) <= value <= Decimal(100):
        raise DomainError(_("Chỉ tiêu tỷ lệ phải từ 0 đến 100 (%)."), field="target_value")
    if metric not in RATE_METRICS and (value < 0 or value != value.to_integral_value() or value > MAX_TARGET_VALUE):
        raise DomainError(_("Chỉ tiêu số lượng phải là số nguyên không âm."), field="target_value")
    return {"text": text, "metric": metric, "comparison": comparison, "target_value": value}


def add_target(
    *, actor, commitment: Commitment, text: str, metric: str = "", comparison: str = "", target_value=None
) -> CommitmentTarget:
    """A target: free text (the superior reviews it), or bound to a figure with a comparison and a value."""
    fields = _checked_target(text=text, metric=metric, comparison=comparison, target_value=target_value)
    with transaction.atomic():
        commitment = _locked(commitment)
        _require_signer(actor, commitment)
        _require_draft(commitment)
        last = commitment.targets.aggregate(last=Max("order"))["last"] or 0
        if commitment.targets.count() >= MAX_TARGETS:
            raise DomainError(_("Một bản cam kết có tối đa %(n)d chỉ tiêu.") % {"n": MAX_TARGETS})
        target = CommitmentTarget.objects.create(commitment=commitment, order=last + 1, **fields)
        record_event(
            "work.commitment.target_added", actor=actor, obj=commitment, unit=commitment.unit,
            changes=_target_changes(target),
        )  # fmt: skip
    return target


def edit_target(
    *, actor, target: CommitmentTarget, text: str, metric: str = "", comparison: str = "", target_value=None
) -> CommitmentTarget:
    fields = _checked_target(text=text, metric=metric, comparison=comparison, target_value=target_value)
    with transaction.atomic():
        commitment = _locked(target.commitment)
        _require_signer(actor, commitment)
        _require_draft(commitment)
        target = CommitmentTarget.objects.get(pk=target.pk, commitment=commitment)
        for name, value in fields.items():
            setattr(target, name, value)
        target.save(update_fields=list(fields))
        record_event(
            "work.commitment.target_edited", actor=actor, obj=commitment, unit=commitment.unit,
            changes=_target_changes(target),
        )  # fmt: skip
    return target


def remove_target(*, actor, target: CommitmentTarget) -> None:
    with transaction.atomic():
        commitment = _locked(target.commitment)
        _require_signer(actor, commitment)
        _require_draft(commitment)
        changes = _target_changes(target)
        CommitmentTarget.objects.filter(pk=target.pk, commitment=commitment).delete()
        record_event("work.commitment.target_removed", actor=actor, obj=commitment, unit=commitment.unit,
                     changes=changes)  # fmt: skip


def _target_changes(target: CommitmentTarget) -> dict:
    return {
        "target": target.pk, "order": target.order, "text": target.text[:200], "metric": target.metric,
        "comparison": target.comparison,
        "target_value": None if target.target_value is None else str(target.target_value),
    }  # fmt: skip


# -- signing, review, evaluation --------------------------------------------------------------------------------


def sign_commitment(*, actor, commitment: Commitment, now: dt.datetime | None = None) -> Commitment:
    """The signer signs the draft: from now on nothing of it changes; the superior is told."""
    now = now or timezone.now()
    with transaction.atomic():
        commitment = _locked(commitment)
        _require_signer(actor, commitment)
        _require_draft(commitment)
        if not commitment.targets.exists():
            raise DomainError(_("Bản cam kết cần ít nhất một chỉ tiêu trước khi ký."))
        if not is_superior_for(commitment.superior, commitment.unit, actor):
            raise DomainError(_("Người nhận cam kết không còn là lãnh đạo cấp trên; sửa lại trước khi ký."),
                              field="superior")  # fmt: skip
        commitment.status, commitment.signed_at = Status.SIGNED, now
        commitment.save(update_fields=["status", "signed_at"])
        record_event("work.commitment.signed", actor=actor, obj=commitment, unit=commitment.unit,
                     changes={"status": [Status.DRAFT, Status.SIGNED]})  # fmt: skip
        notify_person(
            commitment.superior, _("Bản cam kết mới"),
            _("%(who)s đã ký bản cam kết “%(title)s” với đồng chí.")
            % {"who": actor.get_full_name() or actor.get_username(), "title": commitment.title},
            obj=commitment,
        )  # fmt: skip
    return commitment


def _verdict(commitment: Commitment) -> str:
    """Kept when every target is met, broken when any is not; "" while some target has no verdict yet."""
    verdicts = [target.met for target in commitment.targets.all()]
    if None in verdicts:
        return ""
    return Commitment.Result.KEPT if all(verdicts) else Commitment.Result.BROKEN


def _fill_result(commitment: Commitment, actor, now: dt.datetime) -> bool:
    result = _verdict(commitment)
    if not result:
        return False
    commitment.result = result
    commitment.save(update_fields=["result"])
    record_event("work.commitment.concluded", actor=actor, obj=commitment, unit=commitment.unit,
                 changes={"result": result})  # fmt: skip
    notify_person(
        commitment.signer, _("Kết quả thực hiện cam kết"),
        _("Bản cam kết “%(title)s”: %(result)s.") % {"title": commitment.title,
                                                     "result": commitment.get_result_display()},
        obj=commitment,
    )  # fmt: skip
    return True


def review_target(
    *, actor, target: CommitmentTarget, met: bool, note: str = "", now: dt.datetime | None = None
) -> CommitmentTarget:
    """The superior's verdict on a free target (or on a bound one that had no figure, e.g. no dossier returned);
    the commitment's result is filled once the last target has its verdict after the period."""
    now = now or timezone.now()
    with transaction.atomic():
        commitment = _locked(target.commitment)
        _require_superior(actor, commitment)
        if commitment.status == Status.DRAFT:
            raise ConflictError(_("Bản cam kết chưa được ký."))
        if commitment.result:
            raise ConflictError(_("Bản cam kết đã có kết quả: không đánh giá lại được."))
        target = CommitmentTarget.objects.get(pk=target.pk, commitment=commitment)
        if target.is_bound and not (commitment.status == Status.EVALUATED and target.actual_value is None):
            raise DomainError(_("Chỉ tiêu gắn với số liệu được đánh giá tự động từ số liệu của hệ thống."))
        target.met, target.review_note = bool(met), normalize_multiline(note)
        target.save(update_fields=["met", "review_note"])
        record_event("work.commitment.target_reviewed", actor=actor, obj=commitment, unit=commitment.unit,
                     changes={"target": target.pk, "met": target.met, "note": target.review_note[:200]})  # fmt: skip
        if commitment.status == Status.EVALUATED:
            _fill_result(commitment, actor, now)
    return target


def evaluate_commitment(*, actor, commitment: Commitment, note: str = "", now: dt.datetime | None = None) -> Commitment:
    """At the end of the period: each bound target gets the unit's figure over the period's days and its verdict;
    the result is filled when no free target waits for review. `actor` None is the worker."""
    now = now or timezone.now()
    with transaction.atomic():
        commitment = _locked(commitment)
        if actor is not None:
            _require_superior(actor, commitment)
        if commitment.status == Status.DRAFT:
            raise ConflictError(_("Bản cam kết chưa được ký."))
        if commitment.status == Status.EVALUATED:
            raise ConflictError(_("Bản cam kết đã được đánh giá."))
        if not period_has_ended(commitment, timezone.localdate(now)):
            raise DomainError(_("Chưa hết kỳ cam kết: chỉ đánh giá sau ngày cuối của kỳ."))
        first, last = period_days(commitment.period_kind, commitment.year, commitment.number)
        targets = list(commitment.targets.all())
        values = metric_values(commitment.unit, first, last) if any(t.is_bound for t in targets) else {}
        figures = {}
        for target in targets:
            if target.is_bound:
                target.actual_value = values[target.metric]
                target.met = compares(target.actual_value, target.comparison, target.target_value)
                target.save(update_fields=["actual_value", "met"])
                figures[target.pk] = None if target.actual_value is None else str(target.actual_value)
        commitment.status, commitment.evaluated_at, commitment.evaluated_by = Status.EVALUATED, now, actor
        commitment.review_note = normalize_multiline(note) or commitment.review_note
        commitment.save(update_fields=["status", "evaluated_at", "evaluated_by", "review_note"])
        record_event("work.commitment.evaluated", actor=actor, obj=commitment, unit=commitment.unit,
                     changes={"status": [Status.SIGNED, Status.EVALUATED], "figures": figures,
                              "period": [first.isoformat(), last.isoformat()]})  # fmt: skip
        _fill_result(commitment, actor, now)
        commitment.refresh_from_db()
    return commitment


def evaluate_ended_commitments(now: dt.datetime | None = None) -> int:
    """The worker's daily pass: every signed commitment whose period is over is evaluated once (an evaluated one
    is no longer signed, so a second run finds nothing)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done = 0
    for pk in Commitment.objects.filter(status=Status.SIGNED, year__lte=today.year).values_list("pk", flat=True):
        commitment = Commitment.objects.get(pk=pk)
        if not period_has_ended(commitment, today):
            continue
        try:
            evaluate_commitment(actor=None, commitment=commitment, now=now)
        except ConflictError:  # evaluated meanwhile by the superior
            continue
        done += 1
    return done


def set_public(*, actor, commitment: Commitment, is_public: bool) -> Commitment:
    """The superior shows a signed service charter on the public site, or takes it off."""
    with transaction.atomic():
        commitment = _locked(commitment)
        _require_superior(actor, commitment)
        if commitment.kind != Commitment.Kind.CHARTER:
            raise DomainError(_("Chỉ cam kết phục vụ mới được công khai trên cổng thông tin."))
        if commitment.status == Status.DRAFT:
            raise ConflictError(_("Bản cam kết chưa được ký: chưa công khai được."))
        if commitment.is_public != bool(is_public):
            commitment.is_public = bool(is_public)
            commitment.save(update_fields=["is_public"])
            record_event("work.commitment.published" if is_public else "work.commitment.unpublished",
                         actor=actor, obj=commitment, unit=commitment.unit,
                         changes={"is_public": commitment.is_public})  # fmt: skip
    return commitment
