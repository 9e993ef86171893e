"""A small province for register tests: two communes, each with its office (where the clerk sits) and a division."""

import datetime as dt
from dataclasses import dataclass

from apps.documents import services
from apps.org.models import Role, Unit
from apps.org.tests.factories import UnitFactory, staff_in


@dataclass
class World:
    province: Unit
    commune: Unit
    office: Unit
    culture: Unit
    other_commune: Unit
    clerk: object
    chairman: object
    officer: object
    other_clerk: object


def world() -> World:
    province = UnitFactory(
        name="Ủy ban nhân dân tỉnh Thử", level=Unit.Level.PROVINCE, symbol="UBND", agency_code="000.00.00.H98"
    )
    commune = UnitFactory(name="Ủy ban nhân dân xã An Phú", parent=province, symbol="UBND", agency_code="H98.21")
    office = UnitFactory(name="Văn phòng HĐND và UBND", kind=Unit.Kind.DEPARTMENT, parent=commune, symbol="VP")
    culture = UnitFactory(name="Phòng Văn hóa - Xã hội", kind=Unit.Kind.DEPARTMENT, parent=commune, symbol="VHXH")
    other_commune = UnitFactory(
        name="Ủy ban nhân dân xã Bình Minh", parent=province, symbol="UBND", agency_code="H98.22"
    )
    other_office = UnitFactory(name="Văn phòng", kind=Unit.Kind.DEPARTMENT, parent=other_commune, symbol="VP")
    return World(
        province=province, commune=commune, office=office, culture=culture, other_commune=other_commune,
        clerk=staff_in(office, Role.CLERICAL_OFFICER, username="vanthu"),
        chairman=staff_in(commune, Role.UNIT_LEADER, is_head=True, username="chutich"),
        # a member of the committee itself who sees its registers but keeps none
        officer=staff_in(commune, Role.HANDLING_OFFICER, username="chuyenvien"),
        other_clerk=staff_in(other_office, Role.CLERICAL_OFFICER, username="vanthu.khac"),
    )  # fmt: skip


def draft(
    w: World, *, doc_type="quyet_dinh", confidentiality="normal", drafting_unit=None, unit=None, now=None, actor=None
):
    return services.outgoing_draft(
        actor=actor or w.clerk, unit=unit or w.commune, doc_type=doc_type, summary="Về việc kiện toàn tổ công tác",
        signer_name="Nguyễn Văn An", signer_position="Chủ tịch", recipients="Như trên;\nLưu: VT.",
        confidentiality=confidentiality, drafting_unit=drafting_unit, now=now,
    )  # fmt: skip


def register_incoming(w: World, *, number_symbol="12/QĐ-STP", issuer="Sở Tư pháp", now, **extra):
    return services.incoming_register(
        actor=extra.pop("actor", w.clerk), unit=w.commune, issuer_name=issuer, number_symbol=number_symbol,
        issued_date=dt.date(2026, 3, 2), doc_type="quyet_dinh", summary="Về việc công bố thủ tục hành chính",
        now=now, **extra,
    )  # fmt: skip
