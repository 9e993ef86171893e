import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.calendar import selectors, services
from apps.calendar.models import CalendarOverride
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.org.models import Role
from apps.org.tests.factories import UnitFactory, staff_in

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = dt.date(2026, 11, 28)
MONDAY = dt.date(2026, 11, 30)
BASIS = "Công điện 12/CĐ-UBND ngày 27/11/2026 của Chủ tịch UBND tỉnh"


@pytest.fixture
def tree():
    province = UnitFactory(name="Tỉnh")
    commune = UnitFactory(name="Xã", parent=province)
    desk = UnitFactory(name="Một cửa", parent=commune)
    other = UnitFactory(name="Xã khác", parent=province)
    return province, commune, desk, other


def test_overrides_are_inherited_down_the_tree_and_the_nearest_wins(tree):
    province, commune, desk, other = tree
    services.override_set(actor=None, unit=province, date=MONDAY, kind="day_off", note="Nghỉ toàn tỉnh")
    assert not selectors.calendar_for_unit(desk).is_working_day(MONDAY)
    assert not selectors.calendar_for_unit(other).is_working_day(MONDAY)
    services.override_set(actor=None, unit=commune, date=MONDAY, kind="working_day", note="Xã làm bù")
    assert selectors.calendar_for_unit(desk).is_working_day(MONDAY)
    assert not selectors.calendar_for_unit(other).is_working_day(MONDAY)


def test_volunteer_saturday_opens_the_desk_without_counting(tree):
    _, _, desk, _ = tree
    services.override_set(actor=None, unit=desk, date=SATURDAY, kind="service_day", note="Thứ Bảy tình nguyện")
    cal = selectors.calendar_for_unit(desk)
    assert cal.is_open_for_service(SATURDAY) and not cal.is_working_day(SATURDAY)
    received = dt.datetime(2026, 11, 28, 9, tzinfo=TZ)
    assert cal.add_working_days(received, 1) == dt.datetime(2026, 11, 30, 17, tzinfo=TZ)


def test_service_day_must_be_a_weekend(tree):
    with pytest.raises(DomainError, match="thứ Bảy hoặc Chủ nhật"):
        services.override_set(actor=None, unit=tree[2], date=MONDAY, kind="service_day")


def test_office_hours_are_inherited_and_validated(tree):
    province, commune, desk, _ = tree
    services.office_hours_set(
        actor=None,
        unit=commune,
        morning_start=dt.time(7),
        morning_end=dt.time(11),
        afternoon_start=dt.time(13),
        afternoon_end=dt.time(16, 30),
    )
    assert selectors.office_hours_of(desk).afternoon_end == dt.time(16, 30)
    assert selectors.office_hours_of(province).afternoon_end == dt.time(17)
    with pytest.raises(DomainError, match="theo thứ tự"):
        services.office_hours_set(
            actor=None,
            unit=desk,
            morning_start=dt.time(11),
            morning_end=dt.time(7),
            afternoon_start=dt.time(13),
            afternoon_end=dt.time(17),
        )


def test_cached_calendar_is_dropped_when_a_day_changes(tree, django_assert_num_queries):
    _, commune, _, _ = tree
    assert selectors.calendar_for_unit(commune).is_working_day(MONDAY)
    with django_assert_num_queries(1):  # only the revision check once built
        selectors.calendar_for_unit(commune)
    services.override_set(actor=None, unit=commune, date=MONDAY, kind="day_off", legal_basis=BASIS)
    assert not selectors.calendar_for_unit(commune).is_working_day(MONDAY)
    services.override_remove(actor=None, override=CalendarOverride.objects.get(unit=commune, date=MONDAY))
    assert selectors.calendar_for_unit(commune).is_working_day(MONDAY)


def test_changes_are_audited(tree):
    services.override_set(actor=None, unit=tree[1], date=MONDAY, kind="day_off", note="Bão", legal_basis=BASIS)
    event = AuditEvent.objects.get(action="calendar.override.set")
    assert event.unit_id == tree[1].pk and event.changes["note"] == "Bão" and event.changes["legal_basis"] == BASIS


def test_only_leaders_and_administrators_inside_their_scope(tree):
    _province, commune, desk, other = tree
    clerk = staff_in(desk, Role.DESK_CLERK)
    with pytest.raises(PermissionDeniedError):
        services.override_set(actor=clerk, unit=desk, date=MONDAY, kind="day_off", legal_basis=BASIS)
    leader = staff_in(commune, Role.UNIT_LEADER)
    services.override_set(actor=leader, unit=desk, date=MONDAY, kind="day_off", legal_basis=BASIS)
    with pytest.raises(PermissionDeniedError, match="phạm vi"):
        services.override_set(actor=leader, unit=other, date=MONDAY, kind="day_off", legal_basis=BASIS)


def test_month_days_marks_holidays_and_overrides(tree):
    _, commune, _, _ = tree
    services.override_set(actor=None, unit=commune, date=SATURDAY, kind="service_day")
    days = {day["date"]: day for week in selectors.month_days(commune, 2026, 11) for day in week if day}
    assert len(days) == 30
    assert (
        days[dt.date(2026, 11, 24)]["reason"] == "Ngày Văn hóa Việt Nam" and not days[dt.date(2026, 11, 24)]["working"]
    )
    assert days[SATURDAY]["open"] and days[SATURDAY]["override"].kind == "service_day"
