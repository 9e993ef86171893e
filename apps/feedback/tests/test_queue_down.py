"""Issue 9.4: with the queue (Redis) down, a staff answer is committed and answers success, and the citizen's SMS
is not lost: it stays in the outbox and the periodic job sends it, once."""

from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from apps.core import notifications, sms, tasks
from apps.core.models import Notification
from apps.feedback import services
from apps.feedback.models import Feedback
from apps.feedback.tests.factories import CONTACT, feedback_world


def refuse_to_enqueue(notification_id: int):
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_answer_with_the_queue_down_commits_answers_200_and_the_sms_is_sent_once(flushable_db, monkeypatch):
    fw = feedback_world()
    feedback = services.feedback_submit(
        channel="web", category=fw.question, title="Hỏi thủ tục đăng ký khai sinh",
        content="Con tôi sinh ở nơi khác, đăng ký khai sinh ở đâu?", contact=CONTACT,
    )  # fmt: skip
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture, assignee=fw.officer)
    sent = []
    monkeypatch.setattr(sms.LogSmsBackend, "send", lambda self, phone, text: sent.append((phone, text)))
    monkeypatch.setattr(tasks, "send_notification", refuse_to_enqueue)
    monkeypatch.setattr(notifications, "_enqueue_paused_until", 0.0, raising=False)  # restored after the test
    officer = APIClient()
    officer.force_authenticate(fw.officer)

    response = officer.post(f"/api/v1/feedback/{feedback.code}/answer/", {"answer": "Trả lời đầy đủ."}, format="json")

    assert response.status_code == 200
    assert Feedback.objects.get(pk=feedback.pk).status == Feedback.Status.ANSWERED
    [answer_sms] = Notification.objects.filter(channel="sms", object_id=str(feedback.pk), status="queued")
    assert sent == []
    tasks.send_due_notifications.call_local()
    tasks.send_due_notifications.call_local()
    assert [phone for phone, _text in sent] == [CONTACT["contact_phone"]]
    answer_sms.refresh_from_db()
    assert answer_sms.status == Notification.Status.SENT and answer_sms.body == sent[0][1]
