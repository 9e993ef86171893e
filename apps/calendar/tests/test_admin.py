import datetime as dt

import pytest
from django.test import Client

from apps.calendar import selectors
from apps.calendar.models import CalendarOverride, CountingRule
from apps.core.models import AuditEvent
from apps.org.models import Role
from apps.org.tests.factories import UnitFactory, staff_in

pytestmark = pytest.mark.django_db
THURSDAY = dt.date(2026, 12, 3)


@pytest.fixture
def tree():
    province = UnitFactory(name="Tỉnh", level="province")
    commune = UnitFactory(name="Xã", parent=province)
    return province, commune


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_province_administrator_chooses_hour_precise_counting_in_the_admin(tree):
    province, commune = tree
    admin = staff_in(province, Role.ADMINISTRATOR, is_staff=True)
    response = _client(admin).post(
        "/admin/workcalendar/countingrule/add/", {"unit": province.pk, "method": "hour_precise"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CountingRule.objects.get(unit=province).updated_by == admin
    assert selectors.counting_method(commune) == "hour_precise"
    assert AuditEvent.objects.filter(action="calendar.counting_rule.set", actor_id=admin.pk).exists()


def test_commune_administrator_cannot_choose_for_the_province(tree):
    province, commune = tree
    response = _client(staff_in(commune, Role.ADMINISTRATOR, is_staff=True)).post(
        "/admin/workcalendar/countingrule/add/", {"unit": province.pk, "method": "hour_precise"}
    )
    assert response.status_code == 200 and not CountingRule.objects.exists()  # the form shows the refusal


def test_unit_day_off_in_the_admin_needs_a_basis_and_a_province_approval(tree):
    province, commune = tree
    commune_admin = _client(staff_in(commune, Role.ADMINISTRATOR, is_staff=True))
    form = {"unit": commune.pk, "date": "2026-12-03", "kind": "day_off", "note": "Bão", "legal_basis": ""}
    response = commune_admin.post("/admin/workcalendar/calendaroverride/add/", form)
    assert response.status_code == 200 and "căn cứ pháp lý" in response.content.decode()
    form["legal_basis"] = "Công điện 12/CĐ-UBND ngày 01/12/2026 của Chủ tịch UBND tỉnh"
    assert commune_admin.post("/admin/workcalendar/calendaroverride/add/", form).status_code == 302
    override = CalendarOverride.objects.get(unit=commune, date=THURSDAY)
    assert not override.counts_for_legal_limits

    action = {"action": "approve", "_selected_action": [override.pk]}
    response = commune_admin.post("/admin/workcalendar/calendaroverride/", action, follow=True)
    assert "Chỉ quản trị cấp tỉnh" in response.content.decode()
    override.refresh_from_db()
    assert override.approved_at is None

    province_admin = _client(staff_in(province, Role.ADMINISTRATOR, is_staff=True))
    province_admin.post("/admin/workcalendar/calendaroverride/", action, follow=True)
    override.refresh_from_db()
    assert override.counts_for_legal_limits
