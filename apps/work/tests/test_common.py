"""The clock of the work app's deadlines, from the rule (Civil Code 2015 art. 147-148; Labour Code holidays)."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.errors import DomainError, PermissionDeniedError
from apps.work.services.common import due_after_working_days, end_of_working_day, previous_working_day
from apps.work.services.tasks import assign_task
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_a_deadline_date_ends_at_the_end_of_office_hours_of_that_day():
    w = world()
    assert end_of_working_day(w.commune, dt.date(2026, 3, 12)) == local(2026, 3, 12, 17, 0)


def test_a_deadline_on_a_holiday_is_refused_with_the_working_day_before_it():
    w = world()
    with pytest.raises(DomainError) as error:
        end_of_working_day(w.commune, dt.date(2026, 9, 2))  # National Day
    assert "không phải ngày làm việc" in error.value.message


def test_working_days_skip_the_assignment_day_and_the_weekend():
    w = world()
    # Thursday 26/02/2026 + 3 working days: Fri 27, Mon 2, Tue 3 March → Tuesday 17:00.
    assert due_after_working_days(w.commune, local(2026, 2, 26, 9, 0), 3) == local(2026, 3, 3, 17, 0)


def test_the_reminder_day_is_the_working_day_before_across_a_holiday():
    w = world()
    # 04/05/2026 (Monday) follows the 30/4 – 1/5 holidays and a weekend: the working day before is 29/04.
    assert previous_working_day(w.commune, dt.date(2026, 5, 4)) == dt.date(2026, 4, 29)


def test_only_a_leader_over_the_unit_assigns_it_a_task():
    w = world()
    now = local(2026, 3, 2, 9, 0)
    task = assign_task(actor=w.chairman, unit=w.culture, title="Rà soát hộ nghèo", working_days=5, now=now)
    assert task.assigner_unit == w.province and task.due_at == local(2026, 3, 9, 17, 0)
    assert task.remind_on == dt.date(2026, 3, 6)
    with pytest.raises(PermissionDeniedError):
        assign_task(actor=w.other_chairman, unit=w.culture, title="Sang xã khác", working_days=5, now=now)
    with pytest.raises(PermissionDeniedError):
        assign_task(actor=w.culture_officer, unit=w.culture, title="Tự giao", working_days=5, now=now)
