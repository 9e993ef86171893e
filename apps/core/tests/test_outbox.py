"""Issue 9.4: the notification outbox. A message is a row committed with the change; the queue being down never
fails the request nor loses the message; the periodic job sends what is due, retries failures later, and two
senders at once never send a message twice."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection, connections
from redis.exceptions import ConnectionError as RedisConnectionError

from apps.core import notifications, sms, tasks
from apps.core.models import Notification

NOW = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)


class RecordingSms:
    """An SMS gateway that records what it sends and can fail the first `failures` sends."""

    def __init__(self, failures: int = 0):
        self.sent, self.failures, self.lock = [], failures, threading.Lock()

    def send(self, phone: str, text: str) -> None:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise OSError("gateway unreachable")
            self.sent.append((phone, text))


def refuse_to_enqueue(notification_id: int):
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def gateway(monkeypatch):
    recording = RecordingSms()
    monkeypatch.setattr(sms, "get_backend", lambda: recording)
    return recording


@pytest.fixture
def queue_down(monkeypatch):
    monkeypatch.setattr(tasks, "send_notification", refuse_to_enqueue)
    monkeypatch.setattr(notifications, "_enqueue_paused_until", 0.0, raising=False)  # restored after the test


@pytest.mark.django_db
def test_queue_down_leaves_the_message_due_and_the_job_sends_it_once(
    gateway, queue_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notifications.notify("sms", "0987654321", "Hồ sơ của ông/bà đã có kết quả.")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED and gateway.sent == []
    assert tasks.send_due_notifications.call_local() == 1
    assert tasks.send_due_notifications.call_local() == 0
    assert gateway.sent == [("0987654321", "Hồ sơ của ông/bà đã có kết quả.")]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.attempts == 1


@pytest.mark.django_db
def test_a_failed_send_is_retried_after_its_delay_then_sent_once(gateway, django_capture_on_commit_callbacks):
    gateway.failures = 1
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # the send right after the commit fails
            notification = notifications.notify("sms", "0987654321", "Phiếu hẹn mới.")
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 1)
        assert notification.error == "gateway unreachable"
    with time_machine.travel(NOW + dt.timedelta(seconds=59), tick=False):  # the first retry waits a minute
        assert notifications.send_due_notifications() == 0
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        assert notifications.send_due_notifications() == 1
        assert notifications.send_due_notifications() == 0
    assert gateway.sent == [("0987654321", "Phiếu hẹn mới.")]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.next_attempt_at) == ("sent", 2, None)


@pytest.mark.django_db
def test_a_sender_that_died_after_claiming_leaves_the_message_due_after_its_lease(gateway, queue_down):
    with time_machine.travel(NOW, tick=False):
        notification = notifications.notify("sms", "0987654321", "Nhắc hẹn.")
        assert [n.pk for n in notifications._claim(Notification.objects.all(), 10)] == [notification.pk]  # then dies
        assert notifications.send_due_notifications() == 0  # leased to the dead sender
    with time_machine.travel(NOW + notifications.CLAIM_LEASE, tick=False):
        assert notifications.send_due_notifications() == 1
    assert gateway.sent == [("0987654321", "Nhắc hẹn.")]


def test_retry_delays_grow_then_stay_at_an_hour():
    minutes = [notifications.retry_delay(n) // dt.timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency is tested on PostgreSQL")
def test_two_outbox_runs_at_once_send_each_message_once(flushable_db, gateway, queue_down):
    phones = [f"09123456{i:02d}" for i in range(8)]
    for phone in phones:
        notifications.notify("sms", phone, "Thông báo.")
    both_sending, seen, real_send = threading.Barrier(2, timeout=20), threading.local(), gateway.send

    def send_once_both_are_sending(phone, text):
        if not getattr(seen, "waited", False):
            seen.waited = True
            both_sending.wait()
        real_send(phone, text)

    gateway.send = send_once_both_are_sending

    def run(_index):
        try:
            return notifications.send_due_notifications(batch=1)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(run, range(2)))
    assert sum(counts) == len(phones) and all(counts)
    assert sorted(phone for phone, _text in gateway.sent) == phones
    assert Notification.objects.filter(status="sent", attempts=1).count() == len(phones)
