"""A small province for the work app's tests: the province committee with its chairman and office, two
departments, two communes (each with a chairman, a division with its head and an officer)."""

import datetime as dt
from dataclasses import dataclass

from apps.org.models import Role, Unit
from apps.org.tests.factories import MembershipFactory, UnitFactory, UserFactory


@dataclass
class World:
    province: Unit
    office: Unit
    justice: Unit
    commune: Unit
    culture: Unit
    other_commune: Unit
    chairman: object  # the province's chairman
    office_head: object
    justice_head: object
    justice_officer: object
    commune_chairman: object
    culture_head: object
    culture_officer: object
    other_chairman: object
    other_officer: object


def staff_in(unit: Unit, *roles: str, is_head: bool = False, **kwargs):
    """A member of staff whose membership started long ago, so that tests moving the clock back still see it."""
    user = UserFactory(roles=list(roles), **kwargs)
    MembershipFactory(user=user, unit=unit, is_head=is_head, start_date=dt.date(2020, 1, 1))
    return user


def world() -> World:
    province = UnitFactory(
        name="Ủy ban nhân dân tỉnh Thử", level=Unit.Level.PROVINCE, symbol="UBND", agency_code="000.00.00.H98"
    )
    office = UnitFactory(name="Văn phòng UBND tỉnh", kind=Unit.Kind.DEPARTMENT, parent=province, symbol="VP",
                         level=Unit.Level.PROVINCE, agency_code="H98.01")  # fmt: skip
    justice = UnitFactory(name="Sở Tư pháp", kind=Unit.Kind.DEPARTMENT, parent=province, symbol="STP",
                          level=Unit.Level.PROVINCE, agency_code="H98.02")  # fmt: skip
    commune = UnitFactory(name="Ủy ban nhân dân xã An Phú", parent=province, symbol="UBND", agency_code="H98.21")
    culture = UnitFactory(name="Phòng Văn hóa - Xã hội", kind=Unit.Kind.DEPARTMENT, parent=commune, symbol="VHXH")
    other_commune = UnitFactory(
        name="Ủy ban nhân dân xã Bình Minh", parent=province, symbol="UBND", agency_code="H98.22"
    )
    return World(
        province=province, office=office, justice=justice, commune=commune, culture=culture,
        other_commune=other_commune,
        chairman=staff_in(province, Role.UNIT_LEADER, is_head=True, username="chutich.tinh"),
        office_head=staff_in(office, Role.UNIT_LEADER, is_head=True, username="chanhvanphong"),
        justice_head=staff_in(justice, Role.UNIT_LEADER, is_head=True, username="giamdoc.stp"),
        justice_officer=staff_in(justice, Role.HANDLING_OFFICER, username="chuyenvien.stp"),
        commune_chairman=staff_in(commune, Role.UNIT_LEADER, is_head=True, username="chutich.anphu"),
        culture_head=staff_in(culture, Role.UNIT_LEADER, is_head=True, username="truongphong.anphu"),
        culture_officer=staff_in(culture, Role.HANDLING_OFFICER, username="chuyenvien.anphu"),
        other_chairman=staff_in(other_commune, Role.UNIT_LEADER, is_head=True, username="chutich.binhminh"),
        other_officer=staff_in(other_commune, Role.HANDLING_OFFICER, username="chuyenvien.binhminh"),
    )  # fmt: skip
