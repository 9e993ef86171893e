"""The worker's jobs on tasks: the holder is reminded on the working day before the deadline, the assigner is told
once the deadline has passed; each job run twice (or by two workers) sends one message. The clock moves across the
30/4 – 1/5 holidays of 2026: deadline Monday 04/05, so the reminder day is Wednesday 29/04 (30/04 – 03/05 are off)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.core.models import Notification
from apps.work import tasks as jobs
from apps.work.models import Task, TaskEvent
from apps.work.services import tasks as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def w():
    w = world()
    for person, address in ((w.chairman, "chutich@tinh.gov.vn"), (w.culture_officer, "chuyenvien@anphu.gov.vn"),
                            (w.culture_head, "truongphong@anphu.gov.vn")):  # fmt: skip
        person.email = address
        person.save()
    return w


def give(w, assignee=True) -> Task:
    return services.assign_task(actor=w.chairman, unit=w.culture, title="Rà soát hộ nghèo",
                                assignee=w.culture_officer if assignee else None, deadline=dt.date(2026, 5, 4),
                                now=local(2026, 4, 28, 9))  # fmt: skip


def sent_to(address: str) -> int:
    return Notification.objects.filter(recipient=address).count()


def run(job) -> int:
    return job.call_local()


def test_the_holder_is_reminded_once_on_the_working_day_before_the_deadline(w):
    task = give(w)
    with time_machine.travel(local(2026, 4, 28, 16), tick=False):  # the day before the reminder day
        assert run(jobs.remind_task_holders) == 0
    with time_machine.travel(local(2026, 4, 29, 8), tick=False):
        assert run(jobs.remind_task_holders) == 1
        assert run(jobs.remind_task_holders) == 0
    with time_machine.travel(local(2026, 5, 1, 9), tick=False):  # a holiday, then the deadline day itself
        assert run(jobs.remind_task_holders) == 0
    with time_machine.travel(local(2026, 5, 4, 9), tick=False):
        assert run(jobs.remind_task_holders) == 0
    assert sent_to("chuyenvien@anphu.gov.vn") == 1
    assert task.events.filter(kind=TaskEvent.Kind.REMINDED).count() == 1


def test_a_reminder_missed_on_its_day_goes_out_the_next_run_before_the_deadline_but_never_after(w):
    give(w)
    late_task = services.assign_task(actor=w.chairman, unit=w.culture, title="Việc khác", assignee=w.culture_officer,
                                     deadline=dt.date(2026, 4, 29), now=local(2026, 4, 28, 9))  # fmt: skip
    with time_machine.travel(local(2026, 5, 2, 10), tick=False):  # Saturday in the holidays: the worker was down
        assert run(jobs.remind_task_holders) == 1  # the first task; the second is already late
    assert not late_task.events.filter(kind=TaskEvent.Kind.REMINDED).exists()


def test_a_unit_task_reminds_the_head_of_the_unit(w):
    give(w, assignee=False)
    with time_machine.travel(local(2026, 4, 29, 8), tick=False):
        run(jobs.remind_task_holders)
    assert sent_to("truongphong@anphu.gov.vn") == 1 and sent_to("chuyenvien@anphu.gov.vn") == 0


def test_the_assigner_is_told_once_when_the_task_is_late(w):
    task = give(w)
    with time_machine.travel(local(2026, 5, 4, 16, 59), tick=False):  # still within the due day
        assert run(jobs.tell_assigners_of_late_tasks) == 0
    with time_machine.travel(local(2026, 5, 4, 17, 1), tick=False):
        assert run(jobs.tell_assigners_of_late_tasks) == 1
        assert run(jobs.tell_assigners_of_late_tasks) == 0
    with time_machine.travel(local(2026, 5, 5, 9), tick=False):
        assert run(jobs.tell_assigners_of_late_tasks) == 0
    assert sent_to("chutich@tinh.gov.vn") == 1
    assert task.events.filter(kind=TaskEvent.Kind.LATE_NOTICE).count() == 1


def test_an_extension_gives_one_more_reminder_and_one_more_late_notice_for_the_new_deadline(w):
    task = give(w)
    with time_machine.travel(local(2026, 5, 5, 8), tick=False):
        run(jobs.remind_task_holders)
        run(jobs.tell_assigners_of_late_tasks)
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 7),
                               reason="Chờ số liệu", now=local(2026, 5, 5, 9))  # fmt: skip
    services.decide_extension(actor=w.chairman, task=task, approve=True, now=local(2026, 5, 5, 10))
    with time_machine.travel(local(2026, 5, 6, 8), tick=False):  # the working day before Thursday 07/05
        assert run(jobs.remind_task_holders) == 1
        assert run(jobs.remind_task_holders) == 0
    with time_machine.travel(local(2026, 5, 7, 17, 30), tick=False):
        assert run(jobs.tell_assigners_of_late_tasks) == 1
        assert run(jobs.tell_assigners_of_late_tasks) == 0
    assert task.events.filter(kind=TaskEvent.Kind.LATE_NOTICE).count() == 2


def test_finished_and_cancelled_tasks_are_neither_reminded_nor_reported_late(w):
    done, dropped = give(w), give(w)
    services.complete(actor=w.culture_officer, task=done, product="Xong", now=local(2026, 4, 28, 15))
    services.cancel(actor=w.chairman, task=dropped, reason="Không cần nữa", now=local(2026, 4, 28, 15))
    with time_machine.travel(local(2026, 5, 6, 9), tick=False):
        assert run(jobs.remind_task_holders) == 0
        assert run(jobs.tell_assigners_of_late_tasks) == 0


def test_a_claimed_task_is_not_sent_again_by_a_second_worker(w):
    """Two workers read the same candidates; the conditional update lets only the first one send."""
    task = give(w)
    now = local(2026, 4, 29, 8)
    Task.objects.filter(pk=task.pk).update(reminder_sent_at=now)  # the other worker claimed it a moment ago
    assert services.send_due_reminders(now=now) == 0
    assert sent_to("chuyenvien@anphu.gov.vn") == 0
