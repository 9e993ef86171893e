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


UNIT_FIELDS = ("name", "short_name", "symbol", "kind", "level", "agency_code", "address", "phone", "email")


def unit_form(unit: Unit, **changes) -> dict:
    data = {name: getattr(unit, name) or "" for name in UNIT_FIELDS} | {"sort_order": unit.sort_order}
    return data | {"parent": unit.parent_id or "", "is_active": "on"} | changes


def an_phu_division(demo) -> Unit:
    return Unit.objects.get(parent=demo["H99.24"], name="Phòng Văn hóa - Xã hội")


def test_commune_administrator_cannot_move_a_unit_out_of_their_subtree(client, demo):
    admin = User.objects.get(username="quantri.anphu")
    client.force_login(admin)
    division = an_phu_division(demo)
    form = client.get(f"/admin/org/unit/{division.pk}/change/").content.decode()
    assert '<option value="">' not in form.split('name="parent"')[1].split("</select>")[0]  # no "no parent" choice
    for parent in ("", demo["H99.25"].pk):  # out of the tree, or into another commune
        response = client.post(f"/admin/org/unit/{division.pk}/change/", unit_form(division, parent=parent))
        assert response.status_code == 200 and "errornote" in response.content.decode()
        assert Unit.objects.get(pk=division.pk).parent_id == demo["H99.24"].pk
    assert not AuditEvent.objects.filter(action="org.unit.move").exists()
    assert client.get(f"/admin/org/unit/{division.pk}/change/").status_code == 200  # still in sight


def test_commune_administrator_moves_units_inside_their_subtree_only_below_their_own_unit(client, demo):
    client.force_login(User.objects.get(username="quantri.anphu"))
    commune, division = demo["H99.24"], an_phu_division(demo)
    office = Unit.objects.get(parent=commune, symbol="VP")
    response = client.post(f"/admin/org/unit/{division.pk}/change/", unit_form(division, parent=office.pk))
    assert response.status_code == 302, response.context["errors"]
    moved = Unit.objects.get(pk=division.pk)
    assert moved.parent == office and moved.path == f"{office.path}{division.pk}/" and moved.depth == office.depth + 1
    assert AuditEvent.objects.filter(action="org.unit.move", object_id=str(division.pk)).exists()
    response = client.post(f"/admin/org/unit/{commune.pk}/change/", unit_form(commune, parent=office.pk))
    assert Unit.objects.get(pk=commune.pk).parent_id == commune.parent_id  # their own unit stays where it hangs


def test_a_unit_cannot_be_moved_under_its_own_subtree(client, demo):
    client.force_login(User.objects.get(username="admin"))
    commune, division = demo["H99.24"], an_phu_division(demo)
    response = client.post(f"/admin/org/unit/{commune.pk}/change/", unit_form(commune, parent=division.pk))
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert Unit.objects.get(pk=commune.pk).parent_id == commune.parent_id


NEW_ROOT = {"name": "Ủy ban nhân dân tỉnh Mới", "short_name": "", "symbol": "UBND", "kind": "peoples_committee",
            "level": "province", "parent": "", "agency_code": "", "address": "", "phone": "", "email": "",
            "sort_order": 0, "is_active": "on"}  # fmt: skip


def test_only_a_superuser_creates_a_root_unit_and_nobody_gets_a_500(client, demo):
    client.force_login(User.objects.get(username="quantri.anphu"))
    response = client.post("/admin/org/unit/add/", NEW_ROOT)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Unit.objects.filter(name=NEW_ROOT["name"]).exists()
    client.force_login(User.objects.get(username="admin"))
    assert client.post("/admin/org/unit/add/", NEW_ROOT).status_code == 302
    root = Unit.objects.get(name=NEW_ROOT["name"])
    assert root.parent is None and root.path == f"/{root.pk}/" and root.depth == 0 and root.agency_code is None
    assert AuditEvent.objects.filter(action="org.unit.create", object_id=str(root.pk)).exists()
    assert NEW_ROOT["name"] in client.get("/admin/org/unit/").content.decode()


def new_staff(where: Unit, **changes) -> dict:
    return {"username": "vanthu.moi", "full_name": "Lê Văn Mới", "usable_password": "true",
            "password1": "Mk-an-toan-2026", "password2": "Mk-an-toan-2026", "unit": where.pk,
            "position": "Văn thư", "roles": ["clerical_officer"]} | changes  # fmt: skip


def test_commune_administrator_creates_staff_with_a_membership_in_one_step(client, demo):
    client.force_login(User.objects.get(username="quantri.anphu"))
    office = Unit.objects.get(parent=demo["H99.24"], symbol="VP")
    form = client.get("/admin/org/user/add/").content.decode()
    assert 'name="unit"' in form and 'name="roles"' in form and "Bình Minh" not in form
    response = client.post("/admin/org/user/add/", new_staff(office))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="vanthu.moi")
    membership = user.memberships.get()
    assert (membership.unit, membership.position, membership.end_date) == (office, "Văn thư", None)
    assert set(user.groups.values_list("name", flat=True)) == {"clerical_officer"} and user.check_password(
        "Mk-an-toan-2026"
    )
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(user.pk), str(membership.pk)]).values_list("action", flat=True)
    )
    assert {"org.staff.create", "org.membership.add", "org.staff.roles"} <= actions
    assert client.get(f"/admin/org/user/{user.pk}/change/").status_code == 200  # the new colleague is in sight
    assert "vanthu.moi" in client.get("/admin/org/user/").content.decode()


def test_commune_administrator_cannot_create_staff_outside_their_subtree_or_without_a_unit(client, demo):
    client.force_login(User.objects.get(username="quantri.anphu"))
    for changes in ({"unit": demo["H99.25"].pk}, {"unit": ""}):
        response = client.post("/admin/org/user/add/", new_staff(demo["H99.24"], **changes))
        assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not User.objects.filter(username="vanthu.moi").exists()


def test_commune_administrator_cannot_open_staff_outside_their_subtree(client, demo):
    client.force_login(User.objects.get(username="quantri.anphu"))
    other = User.objects.get(username="motcua.binhminh")
    assert client.get(f"/admin/org/user/{other.pk}/change/").status_code in (302, 404)
    response = client.post(f"/admin/org/user/{other.pk}/change/", {"username": "x", "full_name": "x"})
    assert response.status_code in (302, 404) and User.objects.get(pk=other.pk).full_name != "x"
