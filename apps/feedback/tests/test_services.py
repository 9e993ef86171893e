import pytest
import time_machine

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent, Notification
from apps.feedback import services
from apps.feedback.models import Feedback, FeedbackRating
from apps.feedback.tests.factories import CONTACT, feedback_world
from tests.helpers import at

pytestmark = pytest.mark.django_db
S = Feedback.Status


@pytest.fixture
def fw():
    return feedback_world()


def call(fw, when, *, category=None, contact=CONTACT) -> Feedback:
    return services.feedback_submit(
        channel=Feedback.Channel.HOTLINE, category=category or fw.question, title="Hỏi về xác nhận hôn nhân",
        content="Tôi cần giấy tờ gì để xin giấy xác nhận tình trạng hôn nhân?", contact=contact,
        actor=fw.operator, now=when,
    )  # fmt: skip


def test_receipt_gives_a_code_and_deadlines_in_working_days(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))  # a Friday
    assert feedback.code == "PA-261127-0001" and feedback.status == S.RECEIVED
    assert feedback.receiving_unit == fw.centre and feedback.received_by == fw.operator
    assert feedback.due_at == at("04/12/2026", "11:30")  # 10 sessions from Friday afternoon
    assert call(fw, at("27/11/2026", "10:00")).code == "PA-261127-0002"
    assert AuditEvent.objects.filter(action="feedback.submit").count() == 2
    sms = Notification.objects.filter(channel="sms", recipient="0987654321")
    assert sms.count() == 2 and "PA-261127-0001" in sms.order_by("pk").first().body


def test_category_sets_the_answer_deadline(fw):
    feedback = call(fw, at("27/11/2026", "09:00"), category=fw.regulation)  # 10 working days
    assert feedback.due_at == at("11/12/2026", "11:30")


def test_anonymous_feedback_is_accepted_but_bad_contact_is_refused(fw):
    anonymous = call(fw, at("27/11/2026", "09:00"), contact={})
    assert anonymous.contact_phone == "" and not Notification.objects.filter(object_id=str(anonymous.pk)).exists()
    with pytest.raises(DomainError) as error:
        call(fw, at("27/11/2026", "09:00"), contact={"contact_phone": "12345"})
    assert error.value.field == "contact_phone"
    assert call(fw, at("27/11/2026", "09:00"), contact={"contact_phone": "+84 912 345 678"}).contact_phone == (
        "0912345678"
    )


def test_content_is_required_with_clear_messages(fw):
    with pytest.raises(DomainError) as error:
        services.feedback_submit(channel="web", category=fw.question, title="Hỏi", content="...")
    assert error.value.field == "title" and "tiêu đề" in error.value.message
    with pytest.raises(DomainError) as error:
        services.feedback_submit(channel="web", category=fw.question, title="Hỏi thủ tục", content="ngắn")
    assert error.value.field == "content"
    with pytest.raises(DomainError):
        services.feedback_submit(
            channel="web", category=fw.question, title="Hỏi thủ tục", content="Nội dung đủ dài để gửi.",
            latitude=21.0,
        )  # fmt: skip


def test_full_workflow_assign_answer_publish_close(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture, now=at("27/11/2026", "09:05"))
    feedback.refresh_from_db()
    assert feedback.status == S.ASSIGNED and feedback.assigned_unit == fw.culture
    services.feedback_answer(
        actor=fw.officer, feedback=feedback, answer="Ông/Bà cần tờ khai và căn cước; nộp tại Bộ phận Một cửa.",
        publish=True, now=at("01/12/2026", "10:00"),
    )  # fmt: skip
    feedback.refresh_from_db()
    assert feedback.status == S.ANSWERED and feedback.answered_on_time is True and feedback.is_public
    services.feedback_close(actor=fw.officer, feedback=feedback, now=at("01/12/2026", "11:00"))
    feedback.refresh_from_db()
    assert feedback.status == S.CLOSED
    actions = list(
        AuditEvent.objects.filter(object_id=str(feedback.pk), action__startswith="feedback.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["feedback.submit", "feedback.assign", "feedback.answer", "feedback.close"]


def test_late_answer_is_marked_late(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer="Trả lời muộn nhưng đầy đủ.",
                             now=at("07/12/2026", "08:00"))  # fmt: skip
    feedback.refresh_from_db()
    assert feedback.answered_on_time is False and not feedback.is_public


def test_forward_outside_closes_the_loop_for_us(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))
    services.feedback_forward(actor=fw.operator, feedback=feedback, to="Công an tỉnh", now=at("27/11/2026", "10:00"))
    feedback.refresh_from_db()
    assert feedback.status == S.FORWARDED and "Công an tỉnh" in feedback.forward_note
    assert feedback.answered_at is None and feedback.answered_on_time is None and not feedback.answer  # not answered
    with pytest.raises(ConflictError):
        services.feedback_answer(actor=fw.officer, feedback=feedback, answer="Không được trả lời nữa.")


@pytest.mark.parametrize(
    ("status", "action"),
    [(S.RECEIVED, "answer"), (S.RECEIVED, "close"), (S.RECEIVED, "rate"), (S.ANSWERED, "assign"),
     (S.ANSWERED, "forward"), (S.CLOSED, "answer"), (S.FORWARDED, "assign")],
)  # fmt: skip
def test_forbidden_moves_are_refused(fw, status, action):
    feedback = call(fw, at("27/11/2026", "09:00"))
    Feedback.objects.filter(pk=feedback.pk).update(status=status, assigned_unit=fw.culture)
    moves = {
        "answer": lambda: services.feedback_answer(actor=fw.officer, feedback=feedback, answer="Nội dung trả lời."),
        "close": lambda: services.feedback_close(actor=fw.officer, feedback=feedback),
        "rate": lambda: services.feedback_rate(feedback=feedback, level="satisfied", phone="0987654321"),
        "assign": lambda: services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture),
        "forward": lambda: services.feedback_forward(actor=fw.operator, feedback=feedback, to="Sở Y tế"),
    }
    with pytest.raises(ConflictError) as error:
        moves[action]()
    assert feedback.code in error.value.message


def test_units_cannot_cross(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))
    with pytest.raises(PermissionDeniedError):  # a commune officer cannot dispatch
        services.feedback_assign(actor=fw.officer, feedback=feedback, unit=fw.culture)
    with pytest.raises(PermissionDeniedError):  # a commune leader cannot send to another commune
        services.feedback_assign(actor=fw.chairman, feedback=feedback, unit=fw.other_commune)
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    with pytest.raises(PermissionDeniedError):  # another commune's officer cannot answer
        services.feedback_answer(actor=fw.other_officer, feedback=feedback, answer="Trả lời hộ đơn vị khác.")
    services.feedback_answer(actor=fw.chairman, feedback=feedback, answer="Lãnh đạo xã trả lời thay.")


def test_reopen_once_with_the_senders_phone(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer="Trả lời lần thứ nhất.",
                             now=at("30/11/2026", "09:00"))  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        services.feedback_reopen(feedback=feedback, phone="0900000000", reason="Chưa rõ, đề nghị trả lời lại.")
    services.feedback_reopen(feedback=feedback, phone="+84987654321", reason="Chưa rõ, đề nghị trả lời lại.",
                             now=at("01/12/2026", "09:00"))  # fmt: skip
    feedback.refresh_from_db()
    assert feedback.status == S.ASSIGNED and feedback.due_at == at("08/12/2026", "11:30")  # 5 days from reopening
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer="Trả lời lần thứ hai, đầy đủ hơn.",
                             now=at("02/12/2026", "09:00"))  # fmt: skip
    with pytest.raises(ConflictError) as error:
        services.feedback_reopen(feedback=feedback, phone="0987654321", reason="Vẫn chưa đồng ý với trả lời.")
    assert "một lần" in error.value.message


def test_rating_once_after_the_answer(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer="Trả lời đầy đủ cho công dân.")
    services.feedback_rate(feedback=feedback, level="very_satisfied", phone="0987654321")
    with pytest.raises(ConflictError):
        services.feedback_rate(feedback=feedback, level="not_satisfied", phone="0987654321")


def test_only_the_sender_rates_with_the_link_or_the_phone(fw):
    feedback, anonymous = call(fw, at("27/11/2026", "09:00")), call(fw, at("27/11/2026", "09:00"), contact={})
    for item in (feedback, anonymous):
        services.feedback_assign(actor=fw.operator, feedback=item, unit=fw.culture)
        services.feedback_answer(actor=fw.officer, feedback=item, answer="Trả lời đầy đủ cho công dân.")
        item.refresh_from_db()
    assert feedback.rating_token and anonymous.rating_token and feedback.rating_token != anonymous.rating_token
    sms = Notification.objects.filter(channel="sms", recipient="0987654321").order_by("pk").last()
    assert sms.body.endswith(f"/phan-anh/danh-gia/{feedback.rating_token}/")
    for proof in ({}, {"phone": "0900000000"}, {"token": anonymous.rating_token}, {"token": "x" * 43}):
        with pytest.raises(PermissionDeniedError):
            services.feedback_rate(feedback=feedback, level="not_satisfied", **proof)
    with pytest.raises(PermissionDeniedError):  # no phone was given: code + phone cannot prove anything
        services.feedback_rate(feedback=anonymous, level="not_satisfied", phone="")
    assert not FeedbackRating.objects.exists()
    services.feedback_rate(feedback=feedback, level="satisfied", phone="+84 987 654 321")
    services.feedback_rate(feedback=anonymous, level="satisfied", token=anonymous.rating_token)
    assert AuditEvent.objects.filter(action="feedback.rate").count() == 2


def test_reminder_before_the_deadline_and_escalation_to_the_head_once_late(fw):
    fw.officer.email, fw.chairman.email = "chuyenvien@example.vn", "chutich@example.vn"
    fw.officer.save()
    fw.chairman.save()
    feedback = call(fw, at("27/11/2026", "09:00"))
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture, assignee=fw.officer)
    assert services.remind_and_escalate(now=at("30/11/2026", "09:00")) == {"reminded": 0, "escalated": 0}
    with time_machine.travel(at("03/12/2026", "12:00"), tick=False):  # due Fri 04/12 11:30: a working day left
        assert services.remind_and_escalate() == {"reminded": 1, "escalated": 0}
        assert services.remind_and_escalate() == {"reminded": 0, "escalated": 0}
    assert Notification.objects.filter(recipient=fw.officer.email, subject__contains="Sắp đến hạn").count() == 1
    with time_machine.travel(at("07/12/2026", "08:00"), tick=False):
        assert services.remind_and_escalate() == {"reminded": 0, "escalated": 1}
        assert services.remind_and_escalate() == {"reminded": 0, "escalated": 0}
    escalated = Notification.objects.filter(subject__contains="Quá hạn")
    assert list(escalated.values_list("recipient", flat=True)) == ["chutich@example.vn"]  # the division has no head
    assert AuditEvent.objects.filter(action="feedback.escalate", object_id=str(feedback.pk)).count() == 1
