"""Feedback workflow: received → assigned to the competent unit (or forwarded outside) → answered → published or
kept private → closed; the citizen may reopen once. In a unit whose answers need a leader's approval
(FeedbackSettings), an officer's answer waits (status `approval`) until a leader over the unit approves it (then it
is answered, published if asked, the citizen told) or returns it with a comment (back to `assigned`). Forwarding
outside is not answering: it sets no answer time and counts neither as answered nor as answered on time. Every
change is a service with a permission check and an audit event; deadlines are counted in working days on the
handling unit's calendar."""

import datetime as dt
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.calendar.selectors import calendar_for_unit
from apps.core.actors import CITIZEN, SYSTEM, staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.core.files import check_upload, check_upload_set, display_name
from apps.core.models import Notification
from apps.core.notifications import notify
from apps.core.numbering import next_number
from apps.core.phones import normalize_phone
from apps.core.projections import projected
from apps.core.text import normalize_multiline, normalize_text
from apps.dossiers import selectors as dossier_selectors
from apps.feedback.models import Category, Feedback, FeedbackAttachment, FeedbackRating, FeedbackSettings
from apps.feedback.validation import clean_contact
from apps.org import selectors as org
from apps.org.models import Role, Unit

S = Feedback.Status
FORWARD_WITHIN_DAYS = 5  # Decree 20/2008: forwarded to the competent body within 5 working days
MAX_FILES = 5
REOPEN_WITHIN_DAYS = 30


def receiving_unit() -> Unit:
    """The unit running the hotline: the province's public service centre (its one-stop desk), else the province."""
    root = org.province_root()
    if root is None:
        raise DomainError(_("Chưa cấu hình đơn vị tiếp nhận phản ánh (Trung tâm Phục vụ hành chính công)."))
    return org.one_stop_desk_for(root) or root


def new_feedback_code(moment: dt.datetime) -> str:
    day = timezone.localtime(moment).strftime("%y%m%d")
    return f"PA-{day}-{next_number(f'feedback:{day}'):04d}"


def _add_days(unit: Unit, start: dt.datetime, days) -> dt.datetime:
    return calendar_for_unit(unit).add_working_days(start, float(Decimal(days)))


def _lock(feedback: Feedback) -> Feedback:
    return (
        Feedback.objects.select_for_update(of=("self",)).select_related("category", "assigned_unit").get(pk=feedback.pk)
    )


def _require(feedback: Feedback, *statuses) -> None:
    if feedback.status not in statuses:
        raise ConflictError(
            _("Phản ánh %(code)s đang ở trạng thái “%(status)s”: không làm được việc này.")
            % {"code": feedback.code, "status": feedback.get_status_display()}
        )


def is_dispatcher(user) -> bool:
    """Classifies and assigns feedback: the hotline's operators and leaders."""
    return user.is_superuser or bool(org.user_roles(user) & {Role.HOTLINE_OPERATOR, Role.UNIT_LEADER})


def is_handler(user, feedback: Feedback) -> bool:
    """Answers feedback: a member of the assigned unit, or a leader over it."""
    unit = feedback.assigned_unit
    if unit is None:
        return False
    return (
        user.is_superuser or org.active_memberships(user).filter(unit=unit).exists() or org.is_leader_over(user, unit)
    )


def is_approver(user, feedback: Feedback) -> bool:
    """Approves or returns an answer waiting for approval: a leader over the assigned unit (or a superuser)."""
    unit = feedback.assigned_unit
    return unit is not None and (user.is_superuser or org.is_leader_over(user, unit))


def answer_needs_approval(unit: Unit | None) -> bool:
    """The unit's own setting, else the nearest one above it; no setting anywhere: answers go out directly."""
    if unit is None:
        return False
    ids = unit.ancestor_ids
    rows = dict(FeedbackSettings.objects.filter(unit_id__in=ids).values_list("unit_id", "answer_needs_approval"))
    for unit_id in reversed(ids):
        if unit_id in rows:
            return rows[unit_id]
    return False


def allowed_actions(user, feedback: Feedback) -> list[str]:
    """What the user may do with the feedback now (the staff page shows these buttons only)."""
    dispatcher, handler = is_dispatcher(user), is_handler(user, feedback)
    actions = []
    if feedback.status in (S.RECEIVED, S.ASSIGNED) and dispatcher:
        actions += ["assign", "forward"]
    if feedback.status == S.ASSIGNED and handler:
        actions.append("answer")
    if feedback.status == S.APPROVAL and is_approver(user, feedback):
        actions += ["approve", "return"]
    if feedback.status in (S.ANSWERED, S.CLOSED) and handler:
        actions.append("unpublish" if feedback.is_public else "publish")
    if (feedback.status == S.ANSWERED and handler) or (feedback.status == S.FORWARDED and dispatcher):
        actions.append("close")
    return actions


def _require_dispatcher(actor, unit: Unit) -> None:
    if not is_dispatcher(actor) or not (actor.is_superuser or org.can_see_unit(actor, unit)):
        raise PermissionDeniedError(_("Chỉ điện thoại viên tổng đài hoặc lãnh đạo được phân loại, chuyển xử lý."))


def _require_handler(actor, feedback: Feedback) -> None:
    if not is_handler(actor, feedback):
        unit = feedback.assigned_unit
        raise PermissionDeniedError(_("Chỉ cán bộ của %(unit)s được trả lời phản ánh này.") % {"unit": unit})


def _attach(feedback: Feedback, files) -> None:
    files = list(files)
    if len(files) > MAX_FILES:
        raise DomainError(_("Mỗi phản ánh gửi kèm tối đa %(n)d tệp.") % {"n": MAX_FILES}, field="files")
    check_upload_set(files)
    checked = [(uploaded, check_upload(uploaded)) for uploaded in files]
    for uploaded, info in checked:
        FeedbackAttachment.objects.create(
            feedback=feedback, file=uploaded, name=display_name(uploaded.name), content_type=info.content_type,
            size=info.size, sha256=info.sha256,
        )  # fmt: skip


def _tell_citizen(feedback: Feedback, text: str, subject: str) -> None:
    if feedback.contact_phone:
        notify(Notification.Channel.SMS, feedback.contact_phone, text, obj=feedback)
    if feedback.contact_email:
        notify(Notification.Channel.EMAIL, feedback.contact_email, text, subject=subject, obj=feedback)


@projected("feedback", "feedback")
@transaction.atomic
def feedback_submit(
    *,
    channel: str,
    category: Category,
    title: str,
    content: str,
    contact: dict | None = None,
    address: str = "",
    latitude=None,
    longitude=None,
    procedure=None,
    dossier_code: str = "",
    about_unit: Unit | None = None,
    files=(),
    actor=None,
    device_id: str = "",
    open311_client=None,
    now: dt.datetime | None = None,
) -> Feedback:
    """A question, report or proposal from a citizen (web, e-mail, Open311) or logged by an operator (call, desk).
    The answer is due `category.answer_days` working days after receipt."""
    now = now or timezone.now()
    if channel not in Feedback.Channel.values:
        raise DomainError(_("Kênh tiếp nhận không hợp lệ."), field="channel")
    if not category.is_active:
        raise DomainError(_("Loại phản ánh này không còn được tiếp nhận."), field="category")
    title, content = normalize_text(title), normalize_multiline(content)
    if len(title) < 5:
        raise DomainError(_("Vui lòng nhập tiêu đề (ít nhất 5 ký tự)."), field="title")
    if len(content) < 10:
        raise DomainError(_("Vui lòng mô tả nội dung phản ánh (ít nhất 10 ký tự)."), field="content")
    contact = clean_contact(contact or {})
    dossier = _dossier_by_code(dossier_code)
    procedure = procedure or (dossier.procedure if dossier else None)
    _check_coordinates(latitude, longitude)
    centre = receiving_unit()
    feedback = Feedback.objects.create(
        code=new_feedback_code(now), channel=channel, category=category, title=title[:255], content=content,
        procedure=procedure, dossier=dossier, about_unit=about_unit, address=normalize_text(address)[:500],
        latitude=latitude, longitude=longitude, open311_device_id=device_id[:100], open311_client=open311_client,
        open311_token=uuid.uuid4() if channel == Feedback.Channel.OPEN311 else None, received_at=now,
        received_by=staff_user(actor), receiving_unit=centre,
        classify_due_at=_add_days(centre, now, FORWARD_WITHIN_DAYS),
        due_at=_add_days(centre, now, category.answer_days), **contact,
    )  # fmt: skip
    _attach(feedback, files)
    record_event(
        "feedback.submit", actor=feedback.received_by or CITIZEN, obj=feedback, unit=centre,
        changes={"channel": channel, "category": category.code},
    )  # fmt: skip
    _tell_citizen(
        feedback,
        _("Phản ánh của Ông/Bà đã được tiếp nhận, mã %(code)s; hạn trả lời %(due)s.")
        % {"code": feedback.code, "due": timezone.localtime(feedback.due_at).strftime("%d/%m/%Y")},
        _("Đã tiếp nhận phản ánh %(code)s") % {"code": feedback.code},
    )
    return feedback


def _dossier_by_code(code: str):
    """The dossier a citizen names (optional); a code that matches none is an error on that field."""
    code = (code or "").strip().upper()
    if not code:
        return None
    dossier = dossier_selectors.dossier_by_code(code)
    if dossier is None:
        raise DomainError(_("Không tìm thấy hồ sơ có mã này."), field="dossier")
    return dossier


def _check_coordinates(latitude, longitude) -> None:
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."), field="latitude")
    if latitude is not None and not (-90 <= Decimal(str(latitude)) <= 90 and -180 <= Decimal(str(longitude)) <= 180):
        raise DomainError(_("Tọa độ không hợp lệ."), field="latitude")


@projected("feedback", "feedback")
@transaction.atomic
def feedback_assign(
    *, actor, feedback: Feedback, unit: Unit, assignee=None, category: Category | None = None, now=None
) -> Feedback:
    """Classify (optionally change the category) and send to the competent unit; the answer deadline stays the one
    promised at receipt, unless the category changes."""
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.RECEIVED, S.ASSIGNED)
    _require_dispatcher(actor, unit)
    if assignee is not None and not org.active_memberships(assignee).filter(unit=unit).exists():
        raise DomainError(_("Cán bộ được giao không thuộc %(unit)s.") % {"unit": unit}, field="assignee")
    changes = {"unit": unit.pk, "from_unit": feedback.assigned_unit_id}
    if category is not None and category != feedback.category:
        changes["category"] = [feedback.category.code, category.code]
        feedback.category = category
        feedback.due_at = _add_days(feedback.receiving_unit, feedback.received_at, category.answer_days)
    feedback.status, feedback.assigned_unit, feedback.assignee = S.ASSIGNED, unit, assignee
    feedback.assigned_at = now
    feedback.reminded_at = feedback.escalated_at = None
    feedback.save()
    record_event("feedback.assign", actor=actor, obj=feedback, unit=unit, changes=changes)
    return feedback


@projected("feedback", "feedback")
@transaction.atomic
def feedback_forward(*, actor, feedback: Feedback, to: str, note: str = "", now=None) -> Feedback:
    """Not ours: forwarded to the competent body outside the system (within 5 working days of receipt)."""
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.RECEIVED, S.ASSIGNED)
    _require_dispatcher(actor, feedback.receiving_unit)
    to = normalize_text(to)
    if len(to) < 3:
        raise DomainError(_("Vui lòng ghi rõ cơ quan có thẩm quyền được chuyển đến."), field="to")
    # Not an answer: no answer time, no "answered on time" (the figures count answers only). Whether it left
    # within the 5 working days of Decree 20/2008 is kept in the audit event.
    feedback.status, feedback.forwarded_to, feedback.forwarded_at = S.FORWARDED, to[:255], now
    feedback.forwarded_by = actor
    feedback.forward_note = normalize_multiline(note) or _(
        "Phản ánh đã được chuyển đến %(to)s để xem xét, giải quyết."
    ) % {"to": to}
    feedback.save()
    record_event(
        "feedback.forward", actor=actor, obj=feedback, unit=feedback.receiving_unit,
        changes={"to": to, "within_limit": now <= feedback.classify_due_at},
    )  # fmt: skip
    _tell_citizen(feedback, feedback.forward_note, _("Phản ánh %(code)s đã được chuyển") % {"code": feedback.code})
    return feedback


@projected("feedback", "feedback")
@transaction.atomic
def feedback_answer(*, actor, feedback: Feedback, answer: str, publish: bool = False, now=None) -> Feedback:
    """The unit's answer. Where answers need approval and the author is not a leader over the unit, it waits for
    one (status `approval`): not yet answered, the citizen not yet told, the deadline still running."""
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.ASSIGNED)
    _require_handler(actor, feedback)
    answer = normalize_multiline(answer)
    if len(answer) < 10:
        raise DomainError(_("Nội dung trả lời quá ngắn."), field="answer")
    feedback.answer, feedback.drafted_by, feedback.drafted_at = answer, actor, now
    if answer_needs_approval(feedback.assigned_unit) and not is_approver(actor, feedback):
        feedback.status, feedback.publish_requested = S.APPROVAL, publish
        feedback.save()
        record_event(
            "feedback.answer_submit", actor=actor, obj=feedback, unit=feedback.assigned_unit,
            changes={"public": publish},
        )  # fmt: skip
        _staff_notice(
            _approvers(feedback.assigned_unit),
            _("Trả lời phản ánh %(code)s đang chờ lãnh đạo duyệt.") % {"code": feedback.code},
            _("Chờ duyệt: %(code)s") % {"code": feedback.code}, feedback,
        )  # fmt: skip
        return feedback
    return _publish_answer(feedback, actor=actor, answered_by=actor, publish=publish, now=now)


def _publish_answer(feedback: Feedback, *, actor, answered_by, publish: bool, now, approved: bool = False):
    """The answer goes out: answered now (on time against the answer deadline), published if asked, the citizen
    told with the rating link."""
    feedback.status, feedback.answered_at, feedback.answered_by = S.ANSWERED, now, answered_by
    feedback.answered_on_time = now <= feedback.due_at
    if approved:
        feedback.approved_by, feedback.approved_at, feedback.return_comment = actor, now, ""
    if publish:
        feedback.is_public, feedback.published_at = True, now
    feedback.publish_requested = False
    feedback.rating_token = feedback.rating_token or secrets.token_urlsafe(32)
    feedback.save()
    record_event(
        "feedback.approve" if approved else "feedback.answer", actor=actor, obj=feedback, unit=feedback.assigned_unit,
        changes={"on_time": feedback.answered_on_time, "public": publish},
    )  # fmt: skip
    _tell_citizen(
        feedback,
        _("Phản ánh %(code)s đã được trả lời. Xem câu trả lời và đánh giá tại: %(url)s")
        % {"code": feedback.code, "url": rating_url(feedback)},
        _("Trả lời phản ánh %(code)s") % {"code": feedback.code},
    )
    return feedback


def _require_approver(actor, feedback: Feedback) -> None:
    if not is_approver(actor, feedback):
        raise PermissionDeniedError(
            _("Chỉ lãnh đạo phụ trách %(unit)s được duyệt trả lời phản ánh này.") % {"unit": feedback.assigned_unit}
        )


@projected("feedback", "feedback")
@transaction.atomic
def feedback_approve(*, actor, feedback: Feedback, publish: bool | None = None, now=None) -> Feedback:
    """A leader over the unit approves the waiting answer: it goes out now (answered on time if now is within the
    deadline), published if the officer asked for it (or as the leader decides), the citizen told."""
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.APPROVAL)
    _require_approver(actor, feedback)
    publish = feedback.publish_requested if publish is None else publish
    return _publish_answer(
        feedback, actor=actor, answered_by=feedback.drafted_by or actor, publish=publish, now=now, approved=True
    )


@projected("feedback", "feedback")
@transaction.atomic
def feedback_return(*, actor, feedback: Feedback, comment: str, now=None) -> Feedback:
    """A leader over the unit sends the waiting answer back to the officer with what to change; the draft stays."""
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.APPROVAL)
    _require_approver(actor, feedback)
    comment = normalize_multiline(comment)
    if len(comment) < 5:
        raise DomainError(_("Vui lòng ghi ý kiến để cán bộ sửa câu trả lời."), field="comment")
    feedback.status, feedback.return_comment, feedback.publish_requested = S.ASSIGNED, comment, False
    feedback.save()
    record_event(
        "feedback.return", actor=actor, obj=feedback, unit=feedback.assigned_unit, changes={"comment": comment}
    )
    if feedback.drafted_by is not None:
        _staff_notice(
            [feedback.drafted_by],
            _("Lãnh đạo trả lại câu trả lời phản ánh %(code)s: %(comment)s")
            % {"code": feedback.code, "comment": comment},
            _("Trả lại: %(code)s") % {"code": feedback.code}, feedback,
        )  # fmt: skip
    return feedback


def _approvers(unit: Unit) -> list:
    """Who is told that an answer waits: the leaders of the unit, else of the nearest unit above with any."""
    while unit is not None:
        leaders = [m.user for m in org.active_memberships_of_unit(unit).select_related("user")
                   if org.user_has_role(m.user, Role.UNIT_LEADER)]  # fmt: skip
        if leaders:
            return leaders
        unit = unit.parent
    return []


def may_change_settings(actor, unit: Unit) -> bool:
    """A leader over the unit, or an administrator who sees it."""
    return (
        actor.is_superuser
        or org.is_leader_over(actor, unit)
        or (org.user_has_role(actor, Role.ADMINISTRATOR) and org.can_see_unit(actor, unit))
    )


def settings_units(actor) -> list[Unit]:
    """The units whose feedback settings the staff page offers: the person's own units they may change (the units
    below inherit; a unit below is set apart through the API)."""
    return [unit for unit in org.primary_units(actor) if may_change_settings(actor, unit)]


@transaction.atomic
def feedback_settings_set(*, actor, unit: Unit, answer_needs_approval: bool) -> FeedbackSettings:
    """Whether an officer's answer in this unit (and the units below without their own setting) needs a leader's
    approval. Set by a leader over the unit or an administrator who sees it."""
    if not may_change_settings(actor, unit):
        raise PermissionDeniedError(
            _("Chỉ lãnh đạo hoặc quản trị của %(unit)s được đổi thiết lập này.") % {"unit": unit}
        )
    settings_row, _created = FeedbackSettings.objects.select_for_update().get_or_create(unit=unit)
    before = settings_row.answer_needs_approval
    settings_row.answer_needs_approval = answer_needs_approval
    settings_row.save()
    record_event(
        "feedback.settings", actor=actor, obj=settings_row, unit=unit,
        changes={"answer_needs_approval": [before, answer_needs_approval]},
    )  # fmt: skip
    return settings_row


def rating_url(feedback: Feedback) -> str:
    """The link sent with the answer: whoever holds it is the sender (the token is unguessable)."""
    return settings.SITE_URL + reverse("feedback:public-rate", args=[feedback.rating_token])


@projected("feedback", "feedback")
@transaction.atomic
def feedback_set_public(*, actor, feedback: Feedback, public: bool, now=None) -> Feedback:
    """Publish an answer (or withdraw it): only answered feedback; contact details are never published."""
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.ANSWERED, S.CLOSED)
    if feedback.assigned_unit is None or feedback.answered_at is None:
        raise ConflictError(_("Phản ánh đã chuyển ra ngoài không được công khai ở đây."))
    _require_handler(actor, feedback)
    feedback.is_public, feedback.published_at = public, (now if public else None)
    feedback.save()
    record_event(
        "feedback.publish" if public else "feedback.unpublish",
        actor=actor, obj=feedback, unit=feedback.assigned_unit,
    )  # fmt: skip
    return feedback


@projected("feedback", "feedback")
@transaction.atomic
def feedback_close(*, actor, feedback: Feedback, now=None) -> Feedback:
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.ANSWERED, S.FORWARDED)
    if feedback.assigned_unit is not None:
        _require_handler(actor, feedback)
    else:
        _require_dispatcher(actor, feedback.receiving_unit)
    feedback.status, feedback.closed_at = S.CLOSED, now
    feedback.save()
    record_event("feedback.close", actor=actor, obj=feedback, unit=feedback.assigned_unit or feedback.receiving_unit)
    return feedback


@projected("feedback", "feedback")
@transaction.atomic
def feedback_reopen(*, feedback: Feedback, phone: str, reason: str, now=None) -> Feedback:
    """The citizen is not satisfied with the answer: reopened once, within 30 days, with a new deadline. The phone
    given at submission proves it is the sender (anonymous feedback cannot be reopened)."""
    now = now or timezone.now()
    feedback = _lock(feedback)
    _require(feedback, S.ANSWERED, S.CLOSED)
    if feedback.assigned_unit is None or feedback.answered_at is None:
        raise ConflictError(_("Phản ánh đã chuyển đến cơ quan khác; vui lòng liên hệ cơ quan đó."))
    if not feedback.contact_phone or clean_contact({"contact_phone": phone})["contact_phone"] != feedback.contact_phone:
        raise PermissionDeniedError(_("Số điện thoại không khớp với số đã dùng khi gửi phản ánh."))
    if feedback.reopened_at is not None:
        raise ConflictError(_("Phản ánh %(code)s đã được mở lại một lần.") % {"code": feedback.code})
    if calendar_for_unit(feedback.assigned_unit).elapsed_working_days(feedback.answered_at, now) > REOPEN_WITHIN_DAYS:
        raise ConflictError(_("Đã quá %(n)d ngày làm việc kể từ khi trả lời.") % {"n": REOPEN_WITHIN_DAYS})
    reason = normalize_multiline(reason)
    if len(reason) < 10:
        raise DomainError(_("Vui lòng nêu lý do chưa đồng ý với nội dung trả lời."), field="reason")
    feedback.status, feedback.reopened_at, feedback.reopen_reason = S.ASSIGNED, now, reason
    feedback.closed_at = None
    feedback.due_at = _add_days(feedback.assigned_unit, now, feedback.category.answer_days)
    feedback.reminded_at = feedback.escalated_at = None
    feedback.save()
    record_event(
        "feedback.reopen", actor=CITIZEN, obj=feedback, unit=feedback.assigned_unit, changes={"reason": reason}
    )
    return feedback


def _sender_proof(feedback: Feedback, *, token: str, phone: str) -> str:
    """How the rater proved to be the sender: the token of the rating link they received, or the phone they gave
    when sending (an anonymous sender without a phone has the link only)."""
    if token and feedback.rating_token and secrets.compare_digest(token, feedback.rating_token):
        return "token"
    if phone and feedback.contact_phone and normalize_phone(phone) == feedback.contact_phone:
        return "phone"
    raise PermissionDeniedError(
        _("Chỉ người gửi phản ánh được đánh giá câu trả lời: hãy dùng đường dẫn đánh giá đã nhận qua tin nhắn, thư "
          "điện tử, hoặc nhập đúng số điện thoại đã dùng khi gửi phản ánh."),
        field="phone",
    )  # fmt: skip


@projected("feedback", "feedback")
@transaction.atomic
def feedback_rate(
    *, feedback: Feedback, level: str, comment: str = "", token: str = "", phone: str = ""
) -> FeedbackRating:
    """The sender's rating of the answer, once; it counts in the satisfaction figures."""
    feedback = _lock(feedback)
    _require(feedback, S.ANSWERED, S.CLOSED)
    if feedback.answered_at is None:
        raise ConflictError(_("Phản ánh đã chuyển đến cơ quan khác, chưa có câu trả lời để đánh giá."))
    proof = _sender_proof(feedback, token=token, phone=phone)
    if level not in FeedbackRating.Level.values:
        raise DomainError(_("Vui lòng chọn mức độ hài lòng."), field="level")
    if FeedbackRating.objects.filter(feedback=feedback).exists():
        raise ConflictError(_("Câu trả lời này đã được đánh giá."))
    rating = FeedbackRating.objects.create(feedback=feedback, level=level, comment=normalize_multiline(comment))
    record_event(
        "feedback.rate", actor=CITIZEN, obj=feedback, unit=feedback.assigned_unit,
        changes={"level": level, "proof": proof},
    )  # fmt: skip
    return rating


ACTIONS = ("assign", "forward", "answer", "approve", "return", "publish", "unpublish", "close")


def feedback_act(
    action: str,
    *,
    actor,
    feedback: Feedback,
    unit: int | None = None,
    assignee: str = "",
    category: str = "",
    to: str = "",
    answer: str = "",
    publish: bool | None = None,
    comment: str = "",
) -> Feedback:
    """One staff action, named as in the API and on the staff page, with its choices given as plain values."""
    if action == "assign":
        target = org.units_visible_to(actor).filter(pk=unit).first() if unit else None
        if target is None:
            raise NotFoundError(_("Hãy chọn đơn vị xử lý trong phạm vi của mình."), field="unit")
        person = org.staff_visible_to(actor).filter(username=assignee).first() if assignee else None
        if assignee and person is None:
            raise NotFoundError(_("Không tìm thấy cán bộ %(name)s.") % {"name": assignee}, field="assignee")
        kind = Category.objects.filter(code=category).first() if category else None
        if category and kind is None:
            raise NotFoundError(_("Không có loại phản ánh %(code)s.") % {"code": category}, field="category")
        return feedback_assign(actor=actor, feedback=feedback, unit=target, assignee=person, category=kind)
    if action == "forward":
        return feedback_forward(actor=actor, feedback=feedback, to=to, note=answer)
    if action == "answer":
        return feedback_answer(actor=actor, feedback=feedback, answer=answer, publish=bool(publish))
    if action == "approve":
        return feedback_approve(actor=actor, feedback=feedback, publish=publish)
    if action == "return":
        return feedback_return(actor=actor, feedback=feedback, comment=comment)
    if action in ("publish", "unpublish"):
        return feedback_set_public(actor=actor, feedback=feedback, public=action == "publish")
    if action == "close":
        return feedback_close(actor=actor, feedback=feedback)
    raise NotFoundError(_("Thao tác không hợp lệ."), field="action")  # fmt: skip


# --- reminders and escalation ----------------------------------------------------------------------------


def _unit_people(unit: Unit):
    return [m.user for m in org.active_memberships_of_unit(unit).select_related("user")]


def _heads_over(unit: Unit):
    """The unit's head; for a unit without one (a division, say), the nearest ancestor's."""
    while unit is not None:
        head = org.head_of(unit)
        if head is not None:
            return [head]
        unit = unit.parent
    return []


def _staff_notice(users, text: str, subject: str, feedback: Feedback) -> None:
    for user in users:
        notify(Notification.Channel.EMAIL, user.email, text, subject=subject, obj=feedback)


WAITING_FOR_UNIT = (S.ASSIGNED, S.APPROVAL)  # with the handling unit, not yet answered


def remind_and_escalate(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Due within one working day: remind the assignee (or the unit). Late: tell the unit's head, once.
    Safe when two runs overlap: each item is locked and checked again in its own transaction (_claim_open)."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    open_assigned = Feedback.objects.filter(status__in=WAITING_FOR_UNIT)
    for feedback_id in open_assigned.filter(reminded_at__isnull=True, due_at__gte=now).values_list("pk", flat=True):
        with transaction.atomic():
            feedback = _claim_open(feedback_id, reminded_at__isnull=True, due_at__gte=now)
            if feedback is None or calendar_for_unit(feedback.assigned_unit).add_working_days(now, 1) < feedback.due_at:
                continue
            if feedback.status == S.APPROVAL:
                people = _approvers(feedback.assigned_unit)  # the answer is written: the leader holds it now
            else:
                people = [feedback.assignee] if feedback.assignee else _unit_people(feedback.assigned_unit)
            _staff_notice(people, _("Phản ánh %(code)s sắp đến hạn trả lời (%(due)s).") % {
                "code": feedback.code, "due": timezone.localtime(feedback.due_at).strftime("%H:%M %d/%m/%Y")},
                _("Sắp đến hạn: %(code)s") % {"code": feedback.code}, feedback)  # fmt: skip
            Feedback.objects.filter(pk=feedback.pk).update(reminded_at=now)
            record_event("feedback.remind", actor=SYSTEM, obj=feedback, unit=feedback.assigned_unit)
            counts["reminded"] += 1
    for feedback_id in open_assigned.filter(escalated_at__isnull=True, due_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            feedback = _claim_open(feedback_id, escalated_at__isnull=True, due_at__lt=now)
            if feedback is None:
                continue
            _staff_notice(_heads_over(feedback.assigned_unit),
                _("Phản ánh %(code)s đã quá hạn trả lời từ %(due)s.") % {
                    "code": feedback.code, "due": timezone.localtime(feedback.due_at).strftime("%H:%M %d/%m/%Y")},
                _("Quá hạn: %(code)s") % {"code": feedback.code}, feedback)  # fmt: skip
            Feedback.objects.filter(pk=feedback.pk).update(escalated_at=now)
            record_event("feedback.escalate", actor=SYSTEM, obj=feedback, unit=feedback.assigned_unit)
            counts["escalated"] += 1
    return counts


def _claim_open(feedback_id: int, **still) -> Feedback | None:
    """The assigned feedback under its row lock if it still matches `still` (not yet reminded or escalated);
    None when another run holds it (skipped) or already did the work. Call inside a transaction."""
    return (
        Feedback.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=feedback_id, status__in=WAITING_FOR_UNIT, **still)
        .select_related("assigned_unit", "assignee")
        .first()
    )


@transaction.atomic
def catalogue_entry_save(*, actor, entry, changed_fields, created: bool):
    """A province-wide setting of the feedback service (category, answer template, Open311 key) saved from the
    administration pages: only a superuser, and audited."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDeniedError(_("Chỉ quản trị hệ thống cấp tỉnh được sửa danh mục phản ánh."))
    entry.save()
    label = entry._meta.model_name
    record_event(
        f"feedback.{label}.create" if created else f"feedback.{label}.update",
        actor=actor,
        obj=entry,
        changes={"fields": list(changed_fields)},
    )
    return entry
