import pytest

from apps.core.models import AuditEvent
from apps.org.models import Unit, User

pytestmark = pytest.mark.django_db


def test_commune_administrator_admin_is_scoped(client, demo):
    client.force_login(User.objects.get(username="quantri.anphu"))
    page = client.get("/admin/org/unit/").content.decode()
    assert "Phòng Văn hóa - Xã hội" in page and "Bình Minh" not in page
    other = demo["H99.25"]
    assert client.get(f"/admin/org/unit/{other.pk}/change/").status_code in (302, 404)
    staff_page = client.get("/admin/org/user/").content.decode()
    assert "motcua.anphu" in staff_page and "motcua.binhminh" not in staff_page


def test_admin_edit_goes_through_the_service_and_is_audited(client, demo):
    client.force_login(User.objects.get(username="quantri.anphu"))
    unit = demo["H99.24"]
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "symbol": "UBND",
        "kind": unit.kind,
        "level": unit.level,
        "parent": unit.parent_id,
        "agency_code": unit.agency_code,
        "address": "Thôn 1",
        "phone": "0203 888 999",
        "email": "",
        "sort_order": 0,
        "is_active": "on",
    }
    response = client.post(f"/admin/org/unit/{unit.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=unit.pk).phone == "0203 888 999"
    event = AuditEvent.objects.filter(action="org.unit.update", object_id=str(unit.pk)).latest("seq")
    assert event.changes["phone"] == ["", "0203 888 999"] and event.actor_label == "quantri.anphu"


def test_desk_clerk_has_no_admin(client, demo):
    client.force_login(User.objects.get(username="motcua.anphu"))
    assert client.get("/admin/org/unit/").status_code == 302


def test_admin_search_is_accent_insensitive(client, demo):
    client.force_login(User.objects.get(username="admin"))
    page = client.get("/admin/org/unit/?q=hoa+lac").content.decode()
    assert "Ủy ban nhân dân xã Hòa Lạc" in page and "An Phú" not in page
