import pytest
from django.core.exceptions import ValidationError

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.org import services
from apps.org.models import Role, Unit
from apps.org.tests.factories import UnitFactory, staff_in

pytestmark = pytest.mark.django_db


def test_unit_tree_of_any_depth_keeps_paths():
    root = UnitFactory(name="Tỉnh", level=Unit.Level.PROVINCE)
    chain = [root]
    for depth in range(1, 7):
        chain.append(UnitFactory(name=f"Cấp {depth}", parent=chain[-1]))
    deepest = chain[-1]
    assert deepest.depth == 6
    assert deepest.ancestor_ids == [u.pk for u in chain]


def test_create_normalises_and_audits():
    unit = services.unit_create(
        actor=None,
        parent=None,
        name="  Xã   Đông  Hòa ",
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        level=Unit.Level.COMMUNE,
        agency_code="h12.22",
    )
    assert unit.name == "Xã Đông Hòa" and unit.agency_code == "H12.22"
    event = AuditEvent.objects.get(action="org.unit.create", object_id=str(unit.pk))
    assert event.changes["name"] == "Xã Đông Hòa"


@pytest.mark.parametrize("code", ["H12..22", "h12 22", ".H12", "A" * 36, "H12-22"])
def test_invalid_agency_code_is_refused_with_a_clear_message(code):
    with pytest.raises(ValidationError) as error:
        services.unit_create(actor=None, parent=None, name="Đơn vị", kind=Unit.Kind.DEPARTMENT, agency_code=code)
    assert "Mã định danh điện tử không hợp lệ" in str(error.value)


@pytest.mark.parametrize("code", ["000.00.00.H12", "H12.22", "G01"])
def test_valid_agency_codes(code):
    assert (
        services.unit_create(
            actor=None, parent=None, name="Đơn vị", kind=Unit.Kind.DEPARTMENT, agency_code=code
        ).agency_code
        == code
    )


def test_move_rehangs_the_whole_subtree():
    province = UnitFactory(name="Tỉnh")
    district = UnitFactory(name="Huyện cũ", parent=province)
    commune = UnitFactory(name="Xã", parent=district)
    desk = UnitFactory(name="Một cửa", parent=commune)
    services.unit_move(actor=None, unit=commune, new_parent=province)
    desk.refresh_from_db()
    commune.refresh_from_db()
    assert commune.path == f"{province.path}{commune.pk}/" and commune.depth == 1
    assert desk.path == f"{commune.path}{desk.pk}/" and desk.depth == 2
    assert AuditEvent.objects.filter(action="org.unit.move", object_id=str(commune.pk)).exists()


def test_move_into_own_subtree_is_refused():
    parent = UnitFactory()
    child = UnitFactory(parent=parent)
    with pytest.raises(DomainError, match="chính nó"):
        services.unit_move(actor=None, unit=parent, new_parent=child)


def test_one_head_per_unit():
    unit = UnitFactory()
    staff_in(unit, Role.UNIT_LEADER, is_head=True)
    other = staff_in(UnitFactory(), Role.UNIT_LEADER)
    with pytest.raises(DomainError, match="đã có người đứng đầu"):
        services.membership_add(actor=None, user=other, unit=unit, is_head=True)


def test_commune_administrator_cannot_change_another_commune():
    commune_a, commune_b = UnitFactory(name="Xã A"), UnitFactory(name="Xã B")
    admin_a = staff_in(commune_a, Role.ADMINISTRATOR)
    services.unit_update(actor=admin_a, unit=commune_a, phone="0203 111 222")
    with pytest.raises(PermissionDeniedError):
        services.unit_update(actor=admin_a, unit=commune_b, phone="0")
    with pytest.raises(PermissionDeniedError):
        services.unit_create(actor=admin_a, parent=commune_b, name="Lén", kind=Unit.Kind.DEPARTMENT)


def test_non_administrator_cannot_change_the_organisation():
    commune = UnitFactory()
    clerk = staff_in(commune, Role.DESK_CLERK)
    with pytest.raises(PermissionDeniedError, match="quản trị"):
        services.unit_update(actor=clerk, unit=commune, name="Đổi tên")


def test_staff_create_with_roles_and_membership_is_audited():
    unit = UnitFactory()
    user = services.staff_create(
        actor=None,
        username="Motcua.Xa",
        full_name="Lê Thị Hoa",
        roles=[Role.DESK_CLERK],
        unit=unit,
        position="Công chức một cửa",
    )
    assert user.username == "motcua.xa" and not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {Role.DESK_CLERK}
    actions = set(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert {"org.staff.create", "org.staff.roles"} <= actions
    with pytest.raises(DomainError, match="đã có người dùng"):
        services.staff_create(actor=None, username="motcua.xa", full_name="Trùng")


def test_access_grant_needs_a_reason():
    unit = UnitFactory()
    user = staff_in(UnitFactory(), Role.HANDLING_OFFICER)
    with pytest.raises(DomainError, match="lý do"):
        services.access_grant(actor=None, user=user, unit=unit, reason="  ")
