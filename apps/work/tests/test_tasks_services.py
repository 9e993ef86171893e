"""Tasks after the assignment: every step and every refusal (the table of allowed transitions), extensions keeping
the original deadline, outcome early / on time / late judged against moments computed by hand across the 30/4 – 1/5
holidays of 2026, and the audit trail.

The calendar by hand (Labour Code 2019 art. 112; the 2026 bridge): Mon 27/04 (Hùng Kings, moved from Sunday),
Thu 30/04, Fri 01/05 are days off; Tue 28/04, Wed 29/04 and Mon 04/05 are working days. Office hours end at 17:00."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.work.models import ExtensionRequest, Task, TaskEvent
from apps.work.services import tasks as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


ASSIGNED_AT = local(2026, 4, 28, 9, 0)  # Tuesday
DEADLINE = dt.date(2026, 5, 4)  # Monday after the holidays
DUE = local(2026, 5, 4, 17, 0)


@pytest.fixture
def w():
    return world()


def give(w, *, assignee="officer", unit=None, deadline=DEADLINE, now=ASSIGNED_AT):
    person = {"officer": w.culture_officer, "none": None}[assignee]
    return services.assign_task(actor=w.chairman, unit=unit or w.culture, title="Rà soát hộ nghèo",
                                assignee=person, deadline=deadline, now=now)  # fmt: skip


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


def kinds(task) -> list[str]:
    return list(task.events.order_by("at", "pk").values_list("kind", flat=True))


def test_the_assignment_books_the_deadline_and_its_reminder_day_across_the_holidays(w):
    task = give(w)
    assert (task.deadline, task.due_at, task.original_due_at) == (DEADLINE, DUE, DUE)
    assert task.remind_on == dt.date(2026, 4, 29)  # 30/04 – 03/05 are off


def test_progress_is_a_percentage_that_never_goes_back_and_keeps_its_file(w):
    task = give(w)
    event = services.report_progress(actor=w.culture_officer, task=task, note="Đã rà soát 3 thôn", percent=40,
                                     file=pdf(), now=local(2026, 4, 28, 15, 0))  # fmt: skip
    task = fresh(task)
    assert (task.status, task.progress, task.last_progress) == ("in_progress", 40, "Đã rà soát 3 thôn")
    assert event.file.name == "bao-cao.pdf" and event.file.sha256 and task.files.count() == 1
    with pytest.raises(DomainError) as error:
        services.report_progress(actor=w.culture_officer, task=task, note="Lùi", percent=30)
    assert "không được thấp hơn" in error.value.message
    for wrong in (-1, 101):
        with pytest.raises(DomainError):
            services.report_progress(actor=w.culture_officer, task=task, note="Sai", percent=wrong)
    with pytest.raises(DomainError):
        services.report_progress(actor=w.culture_officer, task=task, note="  ", percent=50)
    assert AuditEvent.objects.filter(action="work.task.progress").count() == 1


def test_a_file_that_is_not_a_pdf_or_image_is_refused(w):
    task = give(w)
    with pytest.raises(DomainError):
        services.report_progress(actor=w.culture_officer, task=task, note="Tệp lạ", percent=10,
                                 file=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"))  # fmt: skip


def test_only_the_holder_reports_and_a_unit_task_is_held_by_the_members_of_that_unit(w):
    named = give(w)
    for stranger in (w.culture_head, w.other_officer, w.chairman, w.commune_chairman):
        with pytest.raises(PermissionDeniedError):
            services.report_progress(actor=stranger, task=named, note="Không phải việc của tôi", percent=10)
    unit_task = give(w, assignee="none")
    services.report_progress(actor=w.culture_head, task=unit_task, note="Trưởng phòng báo cáo", percent=10)
    services.report_progress(actor=w.culture_officer, task=unit_task, note="Chuyên viên báo cáo", percent=20)
    for outsider in (w.commune_chairman, w.other_officer):  # the unit above and another commune hold nothing
        with pytest.raises(PermissionDeniedError):
            services.report_progress(actor=outsider, task=unit_task, note="Ngoài đơn vị", percent=30)


@pytest.mark.parametrize(
    ("finished", "outcome"),
    [
        (local(2026, 4, 29, 10, 0), "early"),  # a working day before the due day
        (local(2026, 5, 4, 8, 0), "on_time"),  # the due day itself
        (local(2026, 5, 4, 16, 59), "on_time"),
        (local(2026, 5, 4, 17, 1), "late"),  # after the end of office hours of the due day
        (local(2026, 5, 5, 9, 0), "late"),
    ],
)
def test_completion_is_judged_against_the_deadline_in_force(w, finished, outcome):
    task = give(w)
    task = services.complete(actor=w.culture_officer, task=task, product="Báo cáo số 12/BC-VHXH", now=finished)
    task = fresh(task)
    assert (task.status, task.outcome, task.progress, task.completed_at) == ("completed", outcome, 100, finished)


def test_completion_needs_the_product(w):
    with pytest.raises(DomainError) as error:
        services.complete(actor=w.culture_officer, task=give(w), product="")
    assert error.value.field == "product"


def test_an_extension_moves_the_deadline_keeps_the_original_and_turns_a_late_finish_on_time(w):
    task = give(w)
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 6),
                               reason="Chờ số liệu của thôn", now=local(2026, 4, 29, 9, 0))  # fmt: skip
    # The assigner grants a date other than the one asked: Thursday 07/05.
    services.decide_extension(actor=w.chairman, task=task, approve=True, granted_deadline=dt.date(2026, 5, 7),
                              note="Đồng ý", now=local(2026, 4, 29, 14, 0))  # fmt: skip
    task = fresh(task)
    assert (task.original_deadline, task.original_due_at) == (DEADLINE, DUE)
    assert (task.deadline, task.due_at, task.remind_on) == (
        dt.date(2026, 5, 7),
        local(2026, 5, 7, 17),
        dt.date(2026, 5, 6),
    )
    assert task.extended
    extension = task.extensions.get()
    assert (extension.status, extension.granted_deadline, extension.decided_by) == (
        "approved",
        dt.date(2026, 5, 7),
        w.chairman,
    )
    event = task.events.get(kind=TaskEvent.Kind.EXTENSION_APPROVED)
    assert (event.old_due_at, event.new_due_at) == (DUE, local(2026, 5, 7, 17))
    # 05/05 would have been late against the original deadline; it is early against the one in force.
    task = services.complete(actor=w.culture_officer, task=task, product="Xong", now=local(2026, 5, 5, 10))
    assert fresh(task).outcome == "early"
    assert (
        AuditEvent.objects.filter(action__in=["work.task.extension_requested", "work.task.extension_approved"]).count()
        == 2
    )


def test_an_approved_extension_clears_the_reminder_and_late_marks(w):
    task = give(w)
    Task.objects.filter(pk=task.pk).update(
        reminder_sent_at=local(2026, 4, 29, 8), late_notice_sent_at=local(2026, 5, 4, 18)
    )
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 8),
                               reason="Mưa bão", now=local(2026, 5, 5, 8))  # fmt: skip
    services.decide_extension(actor=w.chairman, task=task, approve=True, now=local(2026, 5, 5, 9))
    task = fresh(task)
    assert task.deadline == dt.date(2026, 5, 8) and task.reminder_sent_at is None and task.late_notice_sent_at is None


def test_extension_requests_are_checked(w):
    task = give(w)
    ask = {"actor": w.culture_officer, "task": task, "reason": "Lý do", "now": local(2026, 4, 29, 9)}
    for wrong in (DEADLINE, dt.date(2026, 5, 1), dt.date(2026, 5, 2)):  # not later; holiday; Saturday
        with pytest.raises(DomainError):
            services.request_extension(proposed_deadline=wrong, **ask)
    with pytest.raises(DomainError):
        services.request_extension(proposed_deadline=dt.date(2026, 5, 6), **{**ask, "reason": ""})
    with pytest.raises(PermissionDeniedError):
        services.request_extension(proposed_deadline=dt.date(2026, 5, 6), **{**ask, "actor": w.other_officer})
    services.request_extension(proposed_deadline=dt.date(2026, 5, 6), **ask)
    with pytest.raises(ConflictError) as error:
        services.request_extension(proposed_deadline=dt.date(2026, 5, 7), **ask)
    assert "đang chờ" in error.value.message


def test_a_refusal_needs_a_note_and_leaves_the_deadline(w):
    task = give(w)
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 6),
                               reason="Chưa kịp", now=local(2026, 4, 29, 9))  # fmt: skip
    with pytest.raises(DomainError):
        services.decide_extension(actor=w.chairman, task=task, approve=False, note="")
    services.decide_extension(actor=w.chairman, task=task, approve=False, note="Việc gấp, không gia hạn",
                              now=local(2026, 4, 29, 10))  # fmt: skip
    task = fresh(task)
    assert (task.deadline, task.due_at, task.extended) == (DEADLINE, DUE, False)
    assert task.extensions.get().status == "refused"
    assert kinds(task)[-1] == TaskEvent.Kind.EXTENSION_REFUSED
    with pytest.raises(ConflictError):  # nothing pending any more
        services.decide_extension(actor=w.chairman, task=task, approve=True)


def test_only_the_assigner_or_a_leader_over_the_assigning_unit_decides(w):
    task = give(w)
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 6),
                               reason="Chưa kịp", now=local(2026, 4, 29, 9))  # fmt: skip
    for not_assigner in (w.culture_officer, w.culture_head, w.commune_chairman, w.other_chairman, w.justice_head):
        with pytest.raises(PermissionDeniedError):
            services.decide_extension(actor=not_assigner, task=task, approve=True, now=local(2026, 4, 29, 10))
    from apps.org.models import Role
    from apps.work.tests.factories import staff_in

    deputy = staff_in(w.province, Role.UNIT_LEADER, username="phochutich.tinh")
    services.decide_extension(actor=deputy, task=task, approve=True, now=local(2026, 4, 29, 10))
    assert fresh(task).deadline == dt.date(2026, 5, 6)


def test_accept_and_return(w):
    task = give(w)
    services.complete(actor=w.culture_officer, task=task, product="Báo cáo", now=local(2026, 5, 5, 9))
    with pytest.raises(PermissionDeniedError):
        services.accept(actor=w.culture_officer, task=task)
    with pytest.raises(DomainError):
        services.return_task(actor=w.chairman, task=task, note="")
    services.return_task(actor=w.chairman, task=task, note="Bổ sung số liệu thôn 3", now=local(2026, 5, 5, 10))
    task = fresh(task)
    assert (task.status, task.outcome, task.completed_at) == ("in_progress", "", None)
    services.complete(actor=w.culture_officer, task=task, product="Báo cáo bổ sung", now=local(2026, 5, 6, 9))
    services.accept(actor=w.chairman, task=task, note="Đạt", now=local(2026, 5, 6, 10))
    task = fresh(task)
    assert (task.status, task.outcome, task.accepted_by) == ("accepted", "late", w.chairman)
    assert kinds(task) == ["assigned", "completed", "returned", "completed", "accepted"]
    assert set(AuditEvent.objects.filter(action__startswith="work.task.").values_list("action", flat=True)) == {
        "work.task.assigned",
        "work.task.completed",
        "work.task.returned",
        "work.task.accepted",
    }


def test_completing_closes_a_pending_extension_request(w):
    task = give(w)
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 6),
                               reason="Chưa kịp", now=local(2026, 4, 29, 9))  # fmt: skip
    services.complete(actor=w.culture_officer, task=task, product="Xong sớm", now=local(2026, 4, 29, 16))
    assert not ExtensionRequest.objects.filter(task=task, status="pending").exists()


def test_reassign_to_another_unit_under_the_assigner_keeps_the_deadline_date(w):
    task = give(w)
    Task.objects.filter(pk=task.pk).update(reminder_sent_at=local(2026, 4, 29, 8))
    services.reassign(actor=w.chairman, task=task, unit=w.justice, assignee=w.justice_officer, note="Chuyển Sở",
                      now=local(2026, 4, 29, 9))  # fmt: skip
    task = fresh(task)
    assert (task.unit, task.assignee, task.deadline, task.due_at) == (w.justice, w.justice_officer, DEADLINE, DUE)
    assert task.reminder_sent_at is None  # the new holder will be reminded
    with pytest.raises(DomainError):  # the person must belong to the unit
        services.reassign(actor=w.chairman, task=task, unit=w.culture, assignee=w.justice_officer)
    with pytest.raises(PermissionDeniedError):  # the commune's chairman leads only his commune
        services.reassign(actor=w.commune_chairman, task=task, unit=w.culture)
    commune_task = services.assign_task(actor=w.commune_chairman, unit=w.culture, title="Việc của xã",
                                        deadline=DEADLINE, now=ASSIGNED_AT)  # fmt: skip
    with pytest.raises(PermissionDeniedError):  # not under him
        services.reassign(actor=w.commune_chairman, task=commune_task, unit=w.other_commune)


def test_cancel_needs_a_reason_and_freezes_the_task(w):
    task = give(w)
    with pytest.raises(DomainError):
        services.cancel(actor=w.chairman, task=task, reason="")
    with pytest.raises(PermissionDeniedError):
        services.cancel(actor=w.culture_officer, task=task, reason="Không làm")
    services.cancel(actor=w.chairman, task=task, reason="Không còn cần", now=local(2026, 4, 29, 9))
    assert fresh(task).status == "cancelled"
    assert AuditEvent.objects.filter(action="work.task.cancelled").exists()


# The table of allowed transitions: each step from each status, the message a refused one gets.
STEPS = {
    "progress": lambda w, t: services.report_progress(actor=w.culture_officer, task=t, note="Tiến độ", percent=100),
    "request_extension": lambda w, t: services.request_extension(
        actor=w.culture_officer,
        task=t,
        proposed_deadline=dt.date(2026, 5, 6),
        reason="Xin thêm",
        now=local(2026, 4, 29, 9),
    ),
    "complete": lambda w, t: services.complete(actor=w.culture_officer, task=t, product="Xong"),
    "accept": lambda w, t: services.accept(actor=w.chairman, task=t),
    "return": lambda w, t: services.return_task(actor=w.chairman, task=t, note="Làm lại"),
    "reassign": lambda w, t: services.reassign(actor=w.chairman, task=t, unit=w.justice),
    "cancel": lambda w, t: services.cancel(actor=w.chairman, task=t, reason="Thôi"),
}
ALLOWED = {
    "assigned": {"progress", "request_extension", "complete", "reassign", "cancel"},
    "in_progress": {"progress", "request_extension", "complete", "reassign", "cancel"},
    "completed": {"accept", "return"},
    "accepted": set(),
    "cancelled": set(),
}
TO_STATUS = {
    "assigned": [],
    "in_progress": ["progress"],
    "completed": ["complete"],
    "accepted": ["complete", "accept"],
    "cancelled": ["cancel"],
}


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("step", list(STEPS))
def test_the_table_of_allowed_transitions(w, status, step):
    task = give(w)
    for move in TO_STATUS[status]:
        STEPS[move](w, task)
    assert fresh(task).status == status
    if step in ALLOWED[status]:
        STEPS[step](w, task)
    else:
        with pytest.raises(ConflictError) as error:
            STEPS[step](w, task)
        assert error.value.message  # a Vietnamese sentence, e.g. "Nhiệm vụ đã được nghiệm thu, …"
        assert fresh(task).status == status


def test_allowed_steps_offer_each_side_its_own(w):
    task = give(w)
    assert services.allowed_steps(w.culture_officer, task) == {"progress", "request_extension", "complete"}
    assert services.allowed_steps(w.chairman, task) == {"reassign", "cancel"}
    assert services.allowed_steps(w.other_chairman, task) == set()
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 6),
                               reason="Xin thêm", now=local(2026, 4, 29, 9))  # fmt: skip
    assert services.allowed_steps(w.culture_officer, task) == {"progress", "complete"}
    assert services.allowed_steps(w.chairman, task) == {"decide_extension", "reassign", "cancel"}
