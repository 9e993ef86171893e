"""A small province for dossier tests: one commune with its desk and divisions, a procedure of four steps."""

from dataclasses import dataclass
from decimal import Decimal

from apps.org.models import Role, Unit
from apps.org.tests.factories import UnitFactory, staff_in
from apps.procedures.models import Procedure, RequiredPaper
from apps.procedures.services import procedure_upsert

APPLICANT = {
    "applicant_name": "Nguyễn Thị Lan",
    "applicant_id_number": "001190012345",
    "applicant_phone": "0912345678",
    "applicant_email": "lan@example.vn",
    "applicant_address": "Thôn Đông, xã An Phú",
}


@dataclass
class World:
    province: Unit
    commune: Unit
    desk: Unit
    culture: Unit
    other_commune: Unit
    other_desk: Unit
    procedure: Procedure
    clerk: object
    officer: object
    chairman: object
    other_clerk: object
    other_officer: object

    def paper_ids(self) -> list[int]:
        return list(RequiredPaper.objects.filter(procedure=self.procedure).values_list("pk", flat=True))


def commune_with_divisions(province: Unit, name: str, code: str) -> tuple[Unit, Unit, Unit]:
    commune = UnitFactory(name=f"Ủy ban nhân dân {name}", parent=province, agency_code=code, symbol="UBND")
    desk = UnitFactory(name="Bộ phận Một cửa", kind=Unit.Kind.ONE_STOP_DESK, parent=commune, symbol="BPMC")
    culture = UnitFactory(name="Phòng Văn hóa - Xã hội", kind=Unit.Kind.DEPARTMENT, parent=commune, symbol="VHXH")
    return commune, desk, culture


def certificate_procedure(days: str = "3", unit: str = Procedure.TimeUnit.WORKING_DAYS) -> Procedure:
    total = Decimal(days)
    return procedure_upsert(
        actor=None, code="1.004873", field_name="Hộ tịch",
        name="Cấp Giấy xác nhận tình trạng hôn nhân", level=Unit.Level.COMMUNE, time_limit=total, time_unit=unit,
        fee_vnd=0, online_level=Procedure.OnlineLevel.FULL,
        papers=[{"name": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"},
                {"name": "Giấy tờ chứng minh đã ly hôn", "optional": True}],
        steps=[
            {"kind": "receive", "name": "Tiếp nhận hồ sơ", "role": Role.DESK_CLERK, "division_symbol": "BPMC",
             "budget": total / 6},
            {"kind": "handle", "name": "Thẩm định", "role": Role.HANDLING_OFFICER, "division_symbol": "VHXH",
             "budget": total / 2},
            {"kind": "approve", "name": "Chủ tịch ký", "role": Role.UNIT_LEADER, "budget": total / 6},
            {"kind": "return", "name": "Trả kết quả", "role": Role.DESK_CLERK, "division_symbol": "BPMC",
             "budget": total / 6},
        ],
    )  # fmt: skip


def world() -> World:
    province = UnitFactory(name="Ủy ban nhân dân tỉnh Thử", level=Unit.Level.PROVINCE, agency_code="H98")
    commune, desk, culture = commune_with_divisions(province, "xã An Phú", "H98.01")
    other_commune, other_desk, other_culture = commune_with_divisions(province, "xã Bình Minh", "H98.02")
    return World(
        province=province, commune=commune, desk=desk, culture=culture, other_commune=other_commune,
        other_desk=other_desk, procedure=certificate_procedure(),
        clerk=staff_in(desk, Role.DESK_CLERK, username="motcua"),
        officer=staff_in(culture, Role.HANDLING_OFFICER, username="chuyenvien"),
        chairman=staff_in(commune, Role.UNIT_LEADER, is_head=True, username="chutich"),
        other_clerk=staff_in(other_desk, Role.DESK_CLERK, username="motcua.khac"),
        other_officer=staff_in(other_culture, Role.HANDLING_OFFICER, username="chuyenvien.khac"),
    )  # fmt: skip


def receive_concurrently(w: World, threads: int, per_thread: int) -> list[str]:
    """Walk-in receipts at one desk from many threads at once (each with its own connection); their codes."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from apps.dossiers import services

    paper_ids = w.paper_ids()

    def receive_some(_index):
        try:
            return [
                services.dossier_receive_walk_in(
                    actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=paper_ids
                ).code
                for _ in range(per_thread)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [code for batch in pool.map(receive_some, range(threads)) for code in batch]
