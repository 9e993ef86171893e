"""Issue 9.3: two reminder runs at the same time (a lock expired under a slow run, two workers) escalate each late
item once: one message to the head and one audit event per item."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection, connections

from apps.core.models import AuditEvent, Notification
from apps.feedback import services
from apps.feedback.models import Feedback
from apps.feedback.tests.factories import CONTACT, feedback_world
from tests.helpers import at

LATE_ITEMS = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency is tested on PostgreSQL")
def test_two_reminder_runs_at_once_escalate_each_late_item_once(flushable_db, monkeypatch):
    fw = feedback_world()
    fw.chairman.email = "chutich@example.vn"
    fw.chairman.save()
    for _ in range(LATE_ITEMS):
        feedback = services.feedback_submit(
            channel=Feedback.Channel.HOTLINE, category=fw.question, title="Hỏi về xác nhận hôn nhân",
            content="Tôi cần giấy tờ gì để xin giấy xác nhận tình trạng hôn nhân?", contact=CONTACT,
            actor=fw.operator, now=at("27/11/2026", "09:00"),
        )  # fmt: skip
        services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture, assignee=fw.officer)

    # Both runs meet inside their first escalation, so each has read its list of late items before either commits.
    both_inside, seen = threading.Barrier(2, timeout=20), threading.local()
    real_notice = services._staff_notice

    def notice_once_both_are_inside(*args):
        if not getattr(seen, "waited", False):
            seen.waited = True
            both_inside.wait()
        real_notice(*args)

    monkeypatch.setattr(services, "_staff_notice", notice_once_both_are_inside)

    def run(_index):
        try:
            return services.remind_and_escalate()["escalated"]
        finally:
            connections.close_all()

    with time_machine.travel(at("07/12/2026", "08:00"), tick=False), ThreadPoolExecutor(max_workers=2) as pool:
        escalated = list(pool.map(run, range(2)))

    assert sum(escalated) == LATE_ITEMS
    per_item = Notification.objects.filter(subject__startswith="Quá hạn").values_list("object_id", flat=True)
    assert sorted(per_item) == sorted(str(pk) for pk in Feedback.objects.values_list("pk", flat=True))
    assert AuditEvent.objects.filter(action="feedback.escalate").count() == LATE_ITEMS
