import datetime as dt

import pytest
from django.utils import timezone

from apps.org import selectors, services
from apps.org.models import Role, Unit
from apps.org.tests.factories import UnitFactory, staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    root = UnitFactory(name="UBND tỉnh", level=Unit.Level.PROVINCE)
    communes = {}
    for name in ("Xã An Phú", "Xã Bình Minh"):
        commune = UnitFactory(name=name, parent=root)
        desk = UnitFactory(name=f"Một cửa {name}", kind=Unit.Kind.ONE_STOP_DESK, parent=commune)
        communes[name] = (commune, desk)
    return root, communes


def test_commune_staff_see_only_their_commune(province):
    root, communes = province
    an_phu, an_phu_desk = communes["Xã An Phú"]
    binh_minh, binh_minh_desk = communes["Xã Bình Minh"]
    clerk = staff_in(an_phu, Role.DESK_CLERK)
    staff_in(binh_minh_desk, Role.DESK_CLERK, username="motcua.binhminh")
    visible = set(selectors.units_visible_to(clerk))
    assert visible == {an_phu, an_phu_desk}
    assert not selectors.can_see_unit(clerk, binh_minh)
    assert not selectors.can_see_unit(clerk, root)
    assert "motcua.binhminh" not in set(selectors.staff_visible_to(clerk).values_list("username", flat=True))


def test_province_leader_sees_the_subtree(province):
    root, _communes = province
    leader = staff_in(root, Role.UNIT_LEADER)
    assert selectors.units_visible_to(leader).count() == 5


def test_explicit_grant_with_and_without_subtree(province):
    _root, communes = province
    an_phu, _ = communes["Xã An Phú"]
    binh_minh, binh_minh_desk = communes["Xã Bình Minh"]
    officer = staff_in(an_phu, Role.HANDLING_OFFICER)
    services.access_grant(actor=None, user=officer, unit=binh_minh, reason="Hỗ trợ", include_subtree=False)
    officer = type(officer).objects.get(pk=officer.pk)  # the scope is memoised per user object
    assert selectors.can_see_unit(officer, binh_minh) and not selectors.can_see_unit(officer, binh_minh_desk)


def test_expired_grant_and_ended_membership_give_nothing(province):
    _root, communes = province
    an_phu, _ = communes["Xã An Phú"]
    binh_minh, _ = communes["Xã Bình Minh"]
    officer = staff_in(an_phu, Role.HANDLING_OFFICER)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.access_grant(actor=None, user=officer, unit=binh_minh, reason="Hết hạn", valid_until=yesterday)
    services.membership_end(actor=None, membership=officer.memberships.get(), end_date=yesterday)
    officer = type(officer).objects.get(pk=officer.pk)
    assert selectors.units_visible_to(officer).count() == 0


def test_anonymous_sees_nothing(province):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.units_visible_to(AnonymousUser()).count() == 0


def test_scope_query_count_does_not_grow_with_units(province, django_assert_max_num_queries):
    root, _communes = province
    leader = staff_in(root, Role.UNIT_LEADER)
    for n in range(30):
        UnitFactory(name=f"Thêm {n}", parent=root)
    leader = type(leader).objects.get(pk=leader.pk)
    with django_assert_max_num_queries(3):
        names = [unit.parent.name if unit.parent else "" for unit in selectors.unit_list(leader)]
    assert len(names) == 35


def test_unit_search_is_accent_insensitive(province):
    root, _ = province
    leader = staff_in(root, Role.UNIT_LEADER)
    assert [u.name for u in selectors.unit_list(leader, query="mot cua an phu")] == ["Một cửa Xã An Phú"]
    assert [u.name for u in selectors.unit_list(leader, query="BÌNH minh", kind=Unit.Kind.PEOPLES_COMMITTEE)] == [
        "Xã Bình Minh"
    ]


def test_head_of_unit(province):
    root, communes = province
    an_phu, _ = communes["Xã An Phú"]
    chairman = staff_in(an_phu, Role.UNIT_LEADER, is_head=True)
    assert selectors.head_of(an_phu) == chairman
    assert selectors.head_of(root) is None
