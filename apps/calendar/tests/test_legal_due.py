"""Legal due times (Civil Code 2015 art. 147–148; Decree 23/2015 art. 7), on real dates of 2025, 2026 and 2027.

Every expected date below was counted by hand on that year's calendar, with the holidays the `holidays` package
gives (the comment beside each case says how). Days off used here:
  2025: Tết Mon 27/01 – Sat 01/02 (Mon 03/02 is a working day); Mon 07/04; Wed 30/04 – Fri 02/05; 01–02/09.
  2026: Tết Mon 16/02 – Fri 20/02; Mon 27/04; Thu 30/04 – Fri 01/05; Mon 31/08 – Wed 02/09 (Sat 22/08 worked);
        Tue 24/11 (Ngày Văn hóa Việt Nam).
  2027: Tết Thu 04/02 – Wed 10/02; Fri 16/04; Fri 30/04, Sat 01/05 → Mon 03/05 off in lieu; Thu 02/09 – Fri 03/09.
Office hours are the default ones: 07:30–11:30, 13:30–17:00.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.calendar import selectors, services
from apps.calendar.engine import WorkingCalendar
from apps.calendar.models import CalendarOverride, CountingRule
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.org.models import Role
from apps.org.tests.factories import UnitFactory, staff_in
from tests.helpers import at

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS, HOURS = "working_days", "working_hours"
CAL = WorkingCalendar(first_year=2024, last_year=2028)


# --- the engine: the law's rule on the national calendar ----------------------------------------------------------


@pytest.mark.parametrize(
    "received, days, due",
    [
        # The brief's example: Mon 07/12/2026 09:00, 3 days: Monday is not counted → Tue 8, Wed 9, Thu 10.
        (("07/12/2026", "09:00"), 3, ("10/12/2026", "17:00")),
        # Before office hours the day of receipt still does not count: the same Thursday.
        (("07/12/2026", "07:00"), 3, ("10/12/2026", "17:00")),
        (("07/12/2026", "16:45"), 3, ("10/12/2026", "17:00")),
        # Eve of Tết 2025, Fri 24/01 16:00, 5 days: Mon 27/01 – Sun 02/02 off → Mon 3, Tue 4, Wed 5, Thu 6, Fri 7/02.
        (("24/01/2025", "16:00"), 5, ("07/02/2025", "17:00")),
        # Same Friday 09:00, 3 days → Mon 3, Tue 4, Wed 5/02.
        (("24/01/2025", "09:00"), 3, ("05/02/2025", "17:00")),
        # Eve of Tết 2026, Fri 13/02 09:00, 3 days: Tết Mon 16 – Fri 20 → Mon 23, Tue 24, Wed 25/02.
        (("13/02/2026", "09:00"), 3, ("25/02/2026", "17:00")),
        # Eve of Tết 2027, Wed 03/02 10:00, 2 days: Thu 04 – Wed 10/02 off → Thu 11, Fri 12/02.
        (("03/02/2027", "10:00"), 2, ("12/02/2027", "17:00")),
        # Friday afternoon, Fri 27/11/2026 14:00, 3 days → Mon 30/11, Tue 01/12, Wed 02/12.
        (("27/11/2026", "14:00"), 3, ("02/12/2026", "17:00")),
        # Friday morning too: the Friday is never counted → the same Wednesday.
        (("27/11/2026", "09:00"), 3, ("02/12/2026", "17:00")),
        # Saturday 24/04/2027 10:00, 5 days → Mon 26, Tue 27, Wed 28, Thu 29/04; Fri 30/04, Sat 01/05, Sun 02/05,
        # Mon 03/05 (in lieu of 01/05) off → Tue 04/05.
        (("24/04/2027", "10:00"), 5, ("04/05/2027", "17:00")),
        # 30/04–01/05/2026: Wed 29/04/2026 10:00, 2 days → Thu 30/04, Fri 01/05 off, weekend → Mon 04, Tue 05/05.
        (("29/04/2026", "10:00"), 2, ("05/05/2026", "17:00")),
        # 2/9/2025: Fri 29/08/2025 10:00, 1 day → weekend, Mon 01/09 and Tue 02/09 off → Wed 03/09.
        (("29/08/2025", "10:00"), 1, ("03/09/2025", "17:00")),
        # 2/9/2026: Fri 28/08/2026 14:00, 1 day → weekend, Mon 31/08 – Wed 02/09 off → Thu 03/09.
        (("28/08/2026", "14:00"), 1, ("03/09/2026", "17:00")),
        # The swapped Saturday 22/08/2026 is a working day: Fri 21/08 14:00, 1 day → Sat 22/08.
        (("21/08/2026", "14:00"), 1, ("22/08/2026", "17:00")),
        # 2/9/2027: Wed 01/09/2027 10:00, 1 day → Thu 02/09, Fri 03/09 off, weekend → Mon 06/09.
        (("01/09/2027", "10:00"), 1, ("06/09/2027", "17:00")),
        # Ngày Văn hóa Việt Nam, Mon 23/11/2026 09:00, 3 days → Tue 24/11 off → Wed 25, Thu 26, Fri 27/11.
        (("23/11/2026", "09:00"), 3, ("27/11/2026", "17:00")),
    ],
)
def test_days_do_not_count_the_day_of_receipt_and_end_at_the_close_of_office(received, days, due):
    assert CAL.legal_days_due(at(*received), days) == at(*due)


@pytest.mark.parametrize(
    "received, days, due",
    [
        # Half a day = the next working day's morning, due at its end: Mon 07/12/2026 → Tue 08/12 11:30.
        (("07/12/2026", "09:00"), 0.5, ("08/12/2026", "11:30")),
        # 1.5 days after Tết 2027 (Wed 03/02): Thu 11/02 whole, then Fri 12/02 morning.
        (("03/02/2027", "10:00"), 1.5, ("12/02/2027", "11:30")),
        # 0.5 day on the eve of Tết 2025 (Fri 24/01 15:00) → Mon 03/02 morning.
        (("24/01/2025", "15:00"), 0.5, ("03/02/2025", "11:30")),
    ],
)
def test_half_days_are_the_next_mornings(received, days, due):
    assert CAL.legal_days_due(at(*received), days) == at(*due)


@pytest.mark.parametrize(
    "received, due",
    [
        (("25/11/2026", "09:00"), ("25/11/2026", "17:00")),  # a working day before 15:00: that day
        (("25/11/2026", "06:30"), ("25/11/2026", "17:00")),  # before opening: still that day
        (("25/11/2026", "15:00"), ("25/11/2026", "17:00")),  # at 15:00 sharp it is not "after 15:00"
        (("25/11/2026", "15:01"), ("26/11/2026", "17:00")),  # after 15:00: the next working day
        (("27/11/2026", "16:00"), ("30/11/2026", "17:00")),  # Friday afternoon after 15:00 → Monday
        (("23/11/2026", "18:00"), ("25/11/2026", "17:00")),  # Mon evening; Tue 24/11 is a holiday → Wed
        (("28/11/2026", "09:00"), ("30/11/2026", "17:00")),  # a Saturday counts from Monday
        (("24/01/2025", "15:30"), ("03/02/2025", "17:00")),  # eve of Tết 2025 after 15:00 → after Tết
        (("24/04/2027", "09:00"), ("26/04/2027", "17:00")),  # Saturday 2027 → Monday
        (("29/04/2027", "15:30"), ("04/05/2027", "17:00")),  # Thu 29/04/2027 after 15:00: 30/04–03/05 off
    ],
)
def test_same_day_procedures(received, due):
    assert CAL.same_day_due(at(*received)) == at(*due)


def test_odd_amounts_are_refused():
    with pytest.raises(ValueError):
        CAL.legal_days_due(at("25/11/2026", "09:00"), 0.3)
    with pytest.raises(ValueError):
        CAL.legal_days_due(at("25/11/2026", "09:00"), 0)


def test_a_unit_closing_before_15_00_counts_the_same_day_until_it_closes():
    from apps.calendar.engine import Sessions

    early = WorkingCalendar(Sessions(afternoon_start=dt.time(13), afternoon_end=dt.time(14, 30)), first_year=2025)
    assert early.same_day_due(at("25/11/2026", "14:00")) == at("25/11/2026", "14:30")
    assert early.same_day_due(at("25/11/2026", "14:45")) == at("26/11/2026", "14:30")


# --- legal_due: the province's choice, unit days off, service days -----------------------------------------------


@pytest.fixture
def tree(db):
    province = UnitFactory(name="Tỉnh", level="province")
    commune = UnitFactory(name="Xã", parent=province)
    desk = UnitFactory(name="Một cửa", parent=commune, kind="one_stop_desk")
    return province, commune, desk


def test_legal_due_follows_the_law_by_default(tree):
    _province, _commune, desk = tree
    # 3 days from Mon 07/12/2026 09:00 → Thu 10/12 17:00 (the hour-precise count gave Thu 11:30).
    assert selectors.legal_due(desk, at("07/12/2026", "09:00"), Decimal("3"), DAYS) == at("10/12/2026", "17:00")
    # A 4-hour procedure is a same-day one: 09:00 → 17:00 the same day; after 15:00 → the next working day.
    assert selectors.legal_due(desk, at("25/11/2026", "09:00"), Decimal("4"), HOURS) == at("25/11/2026", "17:00")
    assert selectors.legal_due(desk, at("25/11/2026", "15:30"), Decimal("4"), HOURS) == at("26/11/2026", "17:00")
    # 8 hours is still the day (Labour Code art. 105); a limit of 0 too.
    assert selectors.legal_due(desk, at("25/11/2026", "09:00"), 8, HOURS) == at("25/11/2026", "17:00")
    assert selectors.legal_due(desk, at("25/11/2026", "16:00"), 0, DAYS) == at("26/11/2026", "17:00")
    # 16 hours counts office time from the moment (art. 147(1)): Wed 09:00–11:30 2.5 h, 13:30–17:00 3.5 h,
    # Thu 7.5 h (13.5 h), Fri 07:30 + 2.5 h → Fri 27/11 10:00.
    assert selectors.legal_due(desk, at("25/11/2026", "09:00"), 16, HOURS) == at("27/11/2026", "10:00")


def test_legal_due_refuses_unknown_units_of_time(tree):
    with pytest.raises(ValueError):
        selectors.legal_due(tree[2], at("25/11/2026", "09:00"), 3, "calendar_days")
    with pytest.raises(ValueError):
        selectors.legal_due(tree[2], at("25/11/2026", "09:00"), -1, DAYS)


def test_a_province_may_choose_hour_precise_counting(tree):
    province, _commune, desk = tree
    admin = staff_in(province, Role.ADMINISTRATOR)
    services.counting_rule_set(actor=admin, unit=province, method=CountingRule.Method.HOUR_PRECISE)
    # From 13:30 Monday: Mon PM, Tue AM+PM, Wed AM+PM, Thu AM → Thu 10/12/2026 11:30.
    assert selectors.legal_due(desk, at("07/12/2026", "09:00"), 3, DAYS) == at("10/12/2026", "11:30")
    # Eve of Tết 2025, Fri 24/01 09:00, 3 days from 13:30 → Fri PM, Mon 03/02, Tue 04/02, Wed 05/02 AM.
    assert selectors.legal_due(desk, at("24/01/2025", "09:00"), 3, DAYS) == at("05/02/2025", "11:30")
    # 4 hours from Wed 25/11/2026 09:00: 2.5 h until 11:30, 1.5 h from 13:30 → 15:00.
    assert selectors.legal_due(desk, at("25/11/2026", "09:00"), 4, HOURS) == at("25/11/2026", "15:00")
    event = AuditEvent.objects.get(action="calendar.counting_rule.set")
    assert event.unit_id == province.pk and event.changes["method"] == ["legal", "hour_precise"]
    services.counting_rule_set(actor=admin, unit=province, method=CountingRule.Method.LEGAL)
    assert selectors.legal_due(desk, at("07/12/2026", "09:00"), 3, DAYS) == at("10/12/2026", "17:00")


def test_only_a_province_administrator_chooses_the_counting(tree):
    province, commune, _desk = tree
    with pytest.raises(PermissionDeniedError, match="quản trị cấp tỉnh"):
        services.counting_rule_set(actor=staff_in(commune, Role.ADMINISTRATOR), unit=province, method="hour_precise")
    with pytest.raises(PermissionDeniedError):  # a province leader is not its administrator
        services.counting_rule_set(actor=staff_in(province, Role.UNIT_LEADER), unit=province, method="hour_precise")
    with pytest.raises(DomainError, match="cả tỉnh"):
        services.counting_rule_set(actor=None, unit=commune, method="hour_precise")
    with pytest.raises(DomainError, match="không hợp lệ"):
        services.counting_rule_set(actor=None, unit=province, method="calendar")
    assert not CountingRule.objects.exists() and selectors.counting_method(commune) == "legal"


THURSDAY = dt.date(2026, 12, 3)
# Received Mon 30/11/2026 09:00 with 3 days: Tue 01/12, Wed 02/12, Thu 03/12 → Thu 17:00; with Thursday off the
# third day is Fri 04/12.
RECEIVED = at("30/11/2026", "09:00")
WITHOUT_THURSDAY, WITH_THURSDAY_OFF = at("03/12/2026", "17:00"), at("04/12/2026", "17:00")


def test_a_unit_day_off_without_legal_basis_does_not_lengthen_the_limit(tree):
    _province, commune, desk = tree
    # A row from before the legal basis existed (or written around the services): the desk is closed ...
    CalendarOverride.objects.create(unit=commune, date=THURSDAY, kind="day_off", note="Bão")
    services.office_hours_set(  # any calendar change drops the cached calendars (the revision moves)
        actor=None, unit=commune, morning_start=dt.time(7, 30), morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30), afternoon_end=dt.time(17),
    )  # fmt: skip
    assert not selectors.calendar_for_unit(desk).is_open_for_service(THURSDAY)
    # ... but the legal due time does not move.
    assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == WITHOUT_THURSDAY
    assert selectors.legal_due(desk, at("02/12/2026", "16:00"), 4, HOURS) == at("03/12/2026", "17:00")


def test_the_commune_records_its_day_off_with_a_basis_and_waits_for_the_province(tree):
    province, commune, desk = tree
    leader = staff_in(commune, Role.UNIT_LEADER)
    with pytest.raises(DomainError, match="căn cứ pháp lý") as error:
        services.override_set(actor=leader, unit=commune, date=THURSDAY, kind="day_off", note="Bão")
    assert error.value.field == "legal_basis"
    override = services.override_set(
        actor=leader, unit=commune, date=THURSDAY, kind="day_off", note="Bão",
        legal_basis="Công điện 12/CĐ-UBND ngày 01/12/2026 của Chủ tịch UBND tỉnh",
    )  # fmt: skip
    assert override.approved_at is None and not override.counts_for_legal_limits
    assert not selectors.calendar_for_unit(desk).is_open_for_service(THURSDAY)  # the desk closes at once
    assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == WITHOUT_THURSDAY  # the legal limit waits

    commune_admin = staff_in(commune, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDeniedError, match="quản trị cấp tỉnh"):
        services.override_approve(actor=commune_admin, override=override)
    assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == WITHOUT_THURSDAY

    province_admin = staff_in(province, Role.ADMINISTRATOR)
    services.override_approve(actor=province_admin, override=override, now=at("01/12/2026", "10:00"))
    override.refresh_from_db()
    assert override.approved_by == province_admin and override.approved_at == at("01/12/2026", "10:00")
    assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == WITH_THURSDAY_OFF
    event = AuditEvent.objects.get(action="calendar.override.approve")
    assert event.unit_id == commune.pk and event.actor_id == province_admin.pk


def test_a_province_administrator_sets_an_approved_day_off_that_lengthens_the_limit(tree):
    province, commune, desk = tree
    province_admin = staff_in(province, Role.ADMINISTRATOR)
    services.override_set(
        actor=province_admin, unit=commune, date=THURSDAY, kind="day_off",
        legal_basis="Quyết định 345/QĐ-UBND ngày 30/11/2026 của UBND tỉnh", now=at("30/11/2026", "08:00"),
    )  # fmt: skip
    assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == WITH_THURSDAY_OFF
    # Same-day: received Wed 02/12 16:00 (after 15:00) → next working day, Thursday off → Fri 04/12 17:00.
    assert selectors.legal_due(desk, at("02/12/2026", "16:00"), 4, HOURS) == at("04/12/2026", "17:00")
    event = AuditEvent.objects.get(action="calendar.override.set")
    assert event.changes["approved"] is True and event.changes["legal_basis"].startswith("Quyết định 345")
    # A later change by the commune's leader drops the approval: the limit is back to Thursday.
    services.override_set(
        actor=staff_in(commune, Role.UNIT_LEADER), unit=commune, date=THURSDAY, kind="day_off", legal_basis="Khác"
    )
    assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == WITHOUT_THURSDAY


def test_the_province_own_day_off_counts_without_approval(tree):
    province, _commune, desk = tree
    services.override_set(actor=None, unit=province, date=dt.date(2026, 12, 2), kind="day_off", note="Bão")
    # Wed 02/12 off for the whole province: Tue 01/12, Thu 03/12, Fri 04/12.
    assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == at("04/12/2026", "17:00")


def test_an_unapproved_unit_day_off_gives_way_to_the_province_decision(tree):
    province, commune, desk = tree
    # The province works Saturday 05/12/2026 (make-up day); the commune closes it without approval.
    services.override_set(actor=None, unit=province, date=dt.date(2026, 12, 5), kind="working_day")
    CalendarOverride.objects.create(unit=commune, date=dt.date(2026, 12, 5), kind="day_off")
    services.override_set(actor=None, unit=province, date=dt.date(2026, 12, 4), kind="working_day")  # revision
    # Received Thu 03/12 09:00, 2 days: Fri 04/12, Sat 05/12 (the province's make-up day still counts).
    assert selectors.legal_due(desk, at("03/12/2026", "09:00"), 2, DAYS) == at("05/12/2026", "17:00")
    assert not selectors.calendar_for_unit(desk).is_open_for_service(dt.date(2026, 12, 5))


def test_volunteer_saturdays_never_count(tree):
    _province, commune, desk = tree
    services.override_set(
        actor=staff_in(commune, Role.UNIT_LEADER), unit=desk, date=dt.date(2026, 11, 28), kind="service_day"
    )
    # Received on the volunteer Saturday 28/11/2026: not counted → Mon 30/11, Tue 01/12, Wed 02/12.
    assert selectors.legal_due(desk, at("28/11/2026", "09:00"), 3, DAYS) == at("02/12/2026", "17:00")
    # A same-day procedure received on it is due Monday at the close.
    assert selectors.legal_due(desk, at("28/11/2026", "09:00"), 4, HOURS) == at("30/11/2026", "17:00")
    # Received Fri 27/11 09:00 with 1 day: the Saturday is skipped → Mon 30/11.
    assert selectors.legal_due(desk, at("27/11/2026", "09:00"), 1, DAYS) == at("30/11/2026", "17:00")


def test_legal_due_costs_one_query_once_built(tree, django_assert_num_queries):
    desk = tree[2]
    selectors.legal_due(desk, RECEIVED, 3, DAYS)
    with django_assert_num_queries(1):  # the calendar revision
        assert selectors.legal_due(desk, RECEIVED, 3, DAYS) == WITHOUT_THURSDAY
