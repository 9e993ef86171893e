"""Briefings: schedule → held (minutes) → concluded (notice numbered TB per unit and year) → tasks from every
conclusion once; refusals by state, by person and by calendar (a deadline on a holiday)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent, Notification
from apps.work.models import Briefing, ScheduleEntry, Task
from apps.work.services import briefings as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def scheduled(w, **overrides):
    fields = {
        "actor": w.commune_chairman, "unit": w.commune, "kind": Briefing.Kind.QUARTERLY,
        "title": "Giao ban quý I năm 2026", "starts_at": local(2026, 3, 10, 8, 0),
        "ends_at": local(2026, 3, 10, 11, 30),
        "location": "Hội trường UBND xã", "chaired_by": w.commune_chairman, "agenda": "Kiểm điểm quý I",
        "participant_users": [w.culture_head], "participant_units": [w.culture],
        "now": local(2026, 3, 2, 9, 0),
    }  # fmt: skip
    fields.update(overrides)
    return services.schedule_briefing(**fields)


def held(w, **overrides):
    briefing = scheduled(w, **overrides)
    return services.record_minutes(actor=w.commune_chairman, briefing=briefing, minutes="Biên bản họp",
                                   now=local(2026, 3, 10, 11, 45))  # fmt: skip


def concluded(w):
    briefing = held(w)
    services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Rà soát hồ sơ trễ hạn",
                            owner_unit=w.culture, owner_user=w.culture_officer,
                            deadline=dt.date(2026, 3, 20))  # fmt: skip
    services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Báo cáo kết quả chuyển đổi số",
                            owner_unit=w.culture, deadline=dt.date(2026, 3, 31))  # fmt: skip
    return services.issue_notice(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 11, 10, 0))


def test_scheduling_writes_the_schedule_entry_with_the_same_time_place_and_chair():
    w = world()
    briefing = scheduled(w)
    entry = ScheduleEntry.objects.get(briefing=briefing)
    assert entry.kind == ScheduleEntry.Kind.BRIEFING and entry.unit == w.commune
    assert (entry.starts_at, entry.ends_at) == (local(2026, 3, 10, 8, 0), local(2026, 3, 10, 11, 30))
    assert entry.location == "Hội trường UBND xã" and entry.title == "Giao ban quý I năm 2026"
    assert list(entry.leaders.all()) == [w.commune_chairman]
    assert "Phòng Văn hóa - Xã hội" in entry.participants
    assert briefing.participants.count() == 2
    assert AuditEvent.objects.filter(action="work.briefing.scheduled").count() == 1


def test_editing_moves_the_schedule_entry_and_keeps_attendance_of_those_still_invited():
    w = world()
    briefing = scheduled(w)
    services.edit_briefing(actor=w.commune_chairman, briefing=briefing, starts_at=local(2026, 3, 11, 14, 0),
                           ends_at=local(2026, 3, 11, 16, 0), location="Phòng họp số 2",
                           participant_users=[w.culture_head, w.culture_officer], participant_units=[])  # fmt: skip
    entry = ScheduleEntry.objects.get(briefing=briefing)
    assert entry.starts_at == local(2026, 3, 11, 14, 0) and entry.location == "Phòng họp số 2"
    assert {p.user_id for p in briefing.participants.all()} == {w.culture_head.pk, w.culture_officer.pk}
    assert AuditEvent.objects.filter(action="work.briefing.edited").exists()


def test_only_a_leader_of_the_unit_schedules_and_the_chair_must_lead_it():
    w = world()
    with pytest.raises(PermissionDeniedError):
        scheduled(w, actor=w.culture_officer)
    with pytest.raises(PermissionDeniedError):
        scheduled(w, actor=w.other_chairman)
    with pytest.raises(DomainError) as error:
        scheduled(w, chaired_by=w.other_chairman)
    assert error.value.field == "chaired_by"
    with pytest.raises(DomainError):
        scheduled(w, ends_at=local(2026, 3, 10, 7, 0))


def test_cancel_marks_the_entry_cancelled_and_a_cancelled_briefing_cannot_be_held():
    w = world()
    briefing = scheduled(w)
    with pytest.raises(DomainError):
        services.cancel_briefing(actor=w.commune_chairman, briefing=briefing, reason="")
    services.cancel_briefing(actor=w.commune_chairman, briefing=briefing, reason="Trùng lịch họp tỉnh")
    assert ScheduleEntry.objects.get(briefing=briefing).cancelled is True
    with pytest.raises(ConflictError):
        services.record_minutes(actor=w.commune_chairman, briefing=briefing, minutes="x", now=local(2026, 3, 10, 12))


def test_minutes_before_the_meeting_begins_are_refused_and_after_it_the_briefing_is_held():
    w = world()
    briefing = scheduled(w)
    with pytest.raises(ConflictError):
        services.record_minutes(actor=w.commune_chairman, briefing=briefing, minutes="Biên bản",
                                now=local(2026, 3, 10, 7, 59))  # fmt: skip
    briefing = services.record_minutes(actor=w.commune_chairman, briefing=briefing, minutes="Biên bản",
                                       now=local(2026, 3, 10, 8, 0))  # fmt: skip
    assert briefing.status == Briefing.Status.HELD
    with pytest.raises(ConflictError):
        services.edit_briefing(actor=w.commune_chairman, briefing=briefing, title="Đổi tên")


def test_attendance_needs_a_reason_for_an_absence():
    w = world()
    briefing = held(w)
    head, unit = sorted(briefing.participants.all(), key=lambda p: p.user_id is None)
    with pytest.raises(DomainError) as error:
        services.record_attendance(actor=w.commune_chairman, briefing=briefing, marks=[(head.pk, False, "  ")])
    assert error.value.field == "absence_reason"
    with pytest.raises(DomainError):
        services.record_attendance(actor=w.commune_chairman, briefing=briefing, marks=[])
    services.record_attendance(actor=w.commune_chairman, briefing=briefing,
                               marks=[(head.pk, True, "ignored"), (unit.pk, False, "Đi công tác")])  # fmt: skip
    head.refresh_from_db()
    unit.refresh_from_db()
    assert (head.attended, head.absence_reason) == (True, "")
    assert (unit.attended, unit.absence_reason) == (False, "Đi công tác")
    with pytest.raises(PermissionDeniedError):
        services.record_attendance(actor=w.other_chairman, briefing=briefing, marks=[(head.pk, True, "")])


def test_a_conclusion_deadline_on_a_holiday_is_refused():
    w = world()
    briefing = held(w)
    with pytest.raises(DomainError) as error:
        # 30/04/2026: Reunification Day (Labour Code 2019, art. 112).
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Báo cáo",
                                owner_unit=w.culture, deadline=dt.date(2026, 4, 30))  # fmt: skip
    assert error.value.field == "deadline" and "không phải ngày làm việc" in error.value.message
    with pytest.raises(DomainError):  # a Saturday
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Báo cáo",
                                owner_unit=w.culture, deadline=dt.date(2026, 3, 14))  # fmt: skip
    with pytest.raises(DomainError):  # before the meeting
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Báo cáo",
                                owner_unit=w.culture, deadline=dt.date(2026, 3, 9))  # fmt: skip


def test_a_conclusion_owner_must_belong_to_the_owner_unit_and_an_owner_is_required():
    w = world()
    briefing = held(w)
    with pytest.raises(DomainError) as error:
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Báo cáo", owner_unit=w.culture,
                                owner_user=w.other_officer, deadline=dt.date(2026, 3, 20))  # fmt: skip
    assert error.value.field == "owner_user"
    with pytest.raises(DomainError) as error:  # another commune's division is not the briefing's to direct
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Báo cáo",
                                owner_user=w.other_officer, deadline=dt.date(2026, 3, 20))  # fmt: skip
    assert "phải thuộc" in error.value.message
    with pytest.raises(DomainError):
        services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Báo cáo",
                                deadline=dt.date(2026, 3, 20))  # fmt: skip


def test_conclusions_are_numbered_in_order_and_edited_or_removed_before_the_notice():
    w = world()
    briefing = held(w)
    first = services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Một", owner_unit=w.culture,
                                    deadline=dt.date(2026, 3, 20))  # fmt: skip
    second = services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Hai",
                                     owner_user=w.culture_officer, deadline=dt.date(2026, 3, 20))  # fmt: skip
    assert (first.order, second.order) == (1, 2)
    services.edit_conclusion(actor=w.commune_chairman, conclusion=first, text="Một (sửa)", owner_unit=w.culture,
                             deadline=dt.date(2026, 3, 23))  # fmt: skip
    first.refresh_from_db()
    assert (first.text, first.deadline) == ("Một (sửa)", dt.date(2026, 3, 23))
    services.remove_conclusion(actor=w.commune_chairman, conclusion=second)
    assert list(briefing.conclusions.values_list("text", flat=True)) == ["Một (sửa)"]


def test_the_notice_is_numbered_per_unit_and_year_in_the_tb_series():
    w = world()
    briefing = concluded(w)
    assert briefing.status == Briefing.Status.CONCLUDED
    assert briefing.notice_number == "01/TB-UBND"
    assert briefing.concluded_at == local(2026, 3, 11, 10, 0)
    second = held(w, title="Giao ban tháng 3")
    services.add_conclusion(actor=w.commune_chairman, briefing=second, text="Một", owner_unit=w.culture,
                            deadline=dt.date(2026, 3, 20))  # fmt: skip
    second = services.issue_notice(actor=w.commune_chairman, briefing=second, now=local(2026, 3, 12, 10, 0))
    assert second.notice_number == "02/TB-UBND"
    with pytest.raises(ConflictError):
        services.add_conclusion(actor=w.commune_chairman, briefing=second, text="Muộn", owner_unit=w.culture,
                                deadline=dt.date(2026, 3, 20))  # fmt: skip
    with pytest.raises(ConflictError):
        services.issue_notice(actor=w.commune_chairman, briefing=second)


def test_a_notice_without_conclusions_is_refused():
    w = world()
    briefing = held(w)
    with pytest.raises(ConflictError):
        services.issue_notice(actor=w.commune_chairman, briefing=briefing)


def test_every_conclusion_becomes_a_task_once_with_its_owner_and_deadline():
    w = world()
    briefing = concluded(w)
    tasks = services.conclusions_to_tasks(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 11, 10, 5))
    assert len(tasks) == 2
    by_title = {t.title: t for t in Task.objects.filter(conclusion__briefing=briefing)}
    review = by_title["Rà soát hồ sơ trễ hạn"]
    assert review.source == Task.Source.BRIEFING and review.unit == w.culture
    assert review.assignee == w.culture_officer and review.assigned_by == w.commune_chairman
    assert review.deadline == dt.date(2026, 3, 20)
    assert review.due_at == local(2026, 3, 20, 17, 0)  # the end of office hours of that Friday
    assert by_title["Báo cáo kết quả chuyển đổi số"].assignee is None
    with pytest.raises(ConflictError):
        services.conclusions_to_tasks(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 11, 10, 6))
    assert Task.objects.count() == 2
    assert AuditEvent.objects.filter(action="work.briefing.tasks_assigned").count() == 1


def test_tasks_from_conclusions_are_all_or_nothing():
    w = world()
    briefing = concluded(w)
    # The second conclusion's deadline (31/03) is fine, but assigning on 25/03 puts the first (20/03) in the past:
    # assign_task refuses it, and the second must not be assigned alone.
    with pytest.raises(DomainError):
        services.conclusions_to_tasks(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 25, 9, 0))
    assert Task.objects.count() == 0


def test_tasks_only_by_the_chair_or_a_leader_over_the_owners_and_only_after_the_notice():
    w = world()
    briefing = held(w)
    services.add_conclusion(actor=w.commune_chairman, briefing=briefing, text="Một", owner_unit=w.culture,
                            deadline=dt.date(2026, 3, 20))  # fmt: skip
    with pytest.raises(ConflictError):
        services.conclusions_to_tasks(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 11, 9))
    services.issue_notice(actor=w.commune_chairman, briefing=briefing, now=local(2026, 3, 11, 10))
    for outsider in (w.other_chairman, w.culture_officer):
        with pytest.raises(PermissionDeniedError):
            services.conclusions_to_tasks(actor=outsider, briefing=briefing, now=local(2026, 3, 11, 11))
    tasks = services.conclusions_to_tasks(actor=w.culture_head, briefing=briefing, now=local(2026, 3, 11, 11))
    assert tasks[0].assigned_by == w.culture_head


def test_the_invited_are_sent_the_invitation_and_told_of_a_cancellation_once_each():
    w = world()
    w.culture_head.email = "truongphong@anphu.gov.vn"  # invited by name and as the head of the invited division
    w.culture_head.save()
    w.commune_chairman.email = "chutich@anphu.gov.vn"  # the one who schedules is not sent his own invitation
    w.commune_chairman.save()
    briefing = scheduled(w)
    invitation = Notification.objects.get()
    assert invitation.recipient == "truongphong@anphu.gov.vn" and invitation.subject == "Giấy mời họp"
    assert "08:00 ngày 10/03/2026" in invitation.body and "Hội trường UBND xã" in invitation.body
    services.cancel_briefing(actor=w.commune_chairman, briefing=briefing, reason="Trùng lịch họp tỉnh")
    cancelled = Notification.objects.exclude(pk=invitation.pk).get()
    assert cancelled.recipient == "truongphong@anphu.gov.vn" and "Trùng lịch họp tỉnh" in cancelled.subject
