"""The weekly schedule: entries by a leader or the clerical officer of the unit; leaders must be the unit's own;
the week runs Monday to Sunday; the public week shows only public entries not cancelled."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.org.models import Role
from apps.work.models import Briefing, ScheduleEntry
from apps.work.selectors import schedule as selectors
from apps.work.services import briefings as briefing_services
from apps.work.services import schedule as services
from apps.work.tests.factories import staff_in, world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def entry(w, actor=None, **overrides):
    fields = {
        "actor": actor or w.commune_chairman, "unit": w.commune, "kind": ScheduleEntry.Kind.MEETING,
        "title": "Họp Ban chỉ đạo chuyển đổi số", "starts_at": local(2026, 3, 9, 8, 0),
        "ends_at": local(2026, 3, 9, 10, 0), "location": "Phòng họp UBND xã", "leaders": [w.commune_chairman],
        "participants": "Các phòng chuyên môn", "preparing_unit": "Văn phòng", "is_public": True,
    }  # fmt: skip
    fields.update(overrides)
    return services.add_entry(**fields)


def test_a_leader_or_the_clerical_officer_of_the_unit_adds_entries():
    w = world()
    clerk = staff_in(w.commune, Role.CLERICAL_OFFICER, username="vanthu.anphu")
    first = entry(w)
    second = entry(w, actor=clerk, kind=ScheduleEntry.Kind.RECEPTION, title="Tiếp công dân định kỳ")
    assert list(first.leaders.all()) == [w.commune_chairman] and second.created_by == clerk
    assert AuditEvent.objects.filter(action="work.schedule.added").count() == 2


def test_others_cannot_write_a_units_schedule():
    w = world()
    other_clerk = staff_in(w.other_commune, Role.CLERICAL_OFFICER, username="vanthu.binhminh")
    for outsider in (w.other_chairman, other_clerk, w.culture_officer):
        with pytest.raises(PermissionDeniedError):
            entry(w, actor=outsider)
    mine = entry(w)
    with pytest.raises(PermissionDeniedError):
        services.edit_entry(actor=w.other_chairman, entry=mine, title="Sửa trộm")
    with pytest.raises(PermissionDeniedError):
        services.cancel_entry(actor=w.other_chairman, entry=mine)


def test_leaders_must_be_the_units_own_and_the_kind_cannot_be_briefing():
    w = world()
    with pytest.raises(DomainError) as error:
        entry(w, leaders=[w.other_chairman])
    assert error.value.field == "leaders"
    with pytest.raises(DomainError):
        entry(w, leaders=[w.culture_officer])
    with pytest.raises(DomainError):
        entry(w, kind=ScheduleEntry.Kind.BRIEFING)
    with pytest.raises(DomainError):
        entry(w, ends_at=local(2026, 3, 9, 8, 0))


def test_edit_and_cancel_write_audit_events_and_a_cancelled_entry_stays_cancelled():
    w = world()
    item = entry(w)
    services.edit_entry(actor=w.commune_chairman, entry=item, location="Hội trường", is_public=False)
    item.refresh_from_db()
    assert item.location == "Hội trường" and item.is_public is False
    services.cancel_entry(actor=w.commune_chairman, entry=item, reason="Hoãn")
    with pytest.raises(ConflictError):
        services.edit_entry(actor=w.commune_chairman, entry=item, title="Lại")
    actions = list(AuditEvent.objects.filter(action__startswith="work.schedule.").values_list("action", flat=True))
    assert sorted(actions) == ["work.schedule.added", "work.schedule.cancelled", "work.schedule.edited"]


def test_a_briefings_entry_is_edited_only_through_the_briefing():
    w = world()
    briefing = briefing_services.schedule_briefing(
        actor=w.commune_chairman, unit=w.commune, kind=Briefing.Kind.MONTHLY, title="Giao ban tháng 3",
        starts_at=local(2026, 3, 12, 14), ends_at=local(2026, 3, 12, 16), location="Hội trường",
        chaired_by=w.commune_chairman,
    )  # fmt: skip
    with pytest.raises(ConflictError):
        services.edit_entry(actor=w.commune_chairman, entry=briefing.schedule_entry, title="Khác")


def test_the_week_runs_monday_to_sunday_in_local_time():
    w = world()
    # Monday 09/03/2026 00:00 and Sunday 15/03/2026 23:30 in Hà Nội are in; Sunday 08/03 23:30 and Monday 16/03
    # 00:00 are not (00:00 local is 17:00 UTC the day before).
    entry(w, title="Đầu tuần", starts_at=local(2026, 3, 9, 0, 0), ends_at=local(2026, 3, 9, 1, 0))
    entry(w, title="Cuối tuần", starts_at=local(2026, 3, 15, 23, 30), ends_at=local(2026, 3, 15, 23, 45))
    entry(w, title="Tuần trước", starts_at=local(2026, 3, 8, 23, 30), ends_at=local(2026, 3, 8, 23, 45))
    entry(w, title="Tuần sau", starts_at=local(2026, 3, 16, 0, 0), ends_at=local(2026, 3, 16, 1, 0))
    assert selectors.week_start(dt.date(2026, 3, 15)) == dt.date(2026, 3, 9)
    titles = [e.title for e in selectors.unit_week(w.commune_chairman, w.commune, dt.date(2026, 3, 9))]
    assert titles == ["Đầu tuần", "Cuối tuần"]


def test_the_public_week_shows_only_public_entries_not_cancelled():
    w = world()
    entry(w, title="Công khai")
    entry(w, title="Nội bộ", is_public=False)
    cancelled = entry(w, title="Đã hủy")
    services.cancel_entry(actor=w.commune_chairman, entry=cancelled)
    entry(w, title="Xã khác", unit=w.other_commune, actor=w.other_chairman, leaders=[w.other_chairman])
    assert [e.title for e in selectors.public_week(w.commune, dt.date(2026, 3, 9))] == ["Công khai"]
    staff = [e.title for e in selectors.unit_week(w.commune_chairman, w.commune, dt.date(2026, 3, 9))]
    assert sorted(staff) == ["Công khai", "Nội bộ", "Đã hủy"]


def test_a_commune_does_not_see_another_communes_week(django_assert_max_num_queries):
    w = world()
    entry(w, title="Của An Phú", is_public=False)
    assert list(selectors.unit_week(w.other_chairman, w.commune, dt.date(2026, 3, 9))) == []
    assert selectors.schedule_entry(w.other_officer, ScheduleEntry.objects.get().pk) is None
    for n in range(5):
        entry(w, title=f"Việc {n}", leaders=[w.commune_chairman])
    with django_assert_max_num_queries(4):
        week = list(selectors.unit_week(w.commune_chairman, w.commune, dt.date(2026, 3, 9)))
        names = [leader.full_name for e in week for leader in e.leaders.all()]
    assert len(names) == 6
