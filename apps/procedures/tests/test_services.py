from decimal import Decimal

import pytest

from apps.core.errors import DomainError
from apps.dossiers.tests.factories import certificate_procedure, commune_with_divisions
from apps.org.models import Role, Unit
from apps.org.tests.factories import UnitFactory
from apps.procedures import selectors
from apps.procedures.models import ProcedureStep
from apps.procedures.services import procedure_upsert

pytestmark = pytest.mark.django_db


def _steps(*budgets):
    kinds = ["receive"] + ["handle"] * (len(budgets) - 2) + ["return"]
    return [
        {"kind": kind, "name": f"Bước {n}", "role": Role.HANDLING_OFFICER, "budget": Decimal(budget)}
        for n, (kind, budget) in enumerate(zip(kinds, budgets, strict=True), start=1)
    ]


def _upsert(steps, limit="3"):
    return procedure_upsert(
        actor=None,
        code="2.000815",
        field_name="Chứng thực",
        name="Chứng thực bản sao",
        level=Unit.Level.COMMUNE,
        time_limit=Decimal(limit),
        time_unit="working_days",
        online_level="partial",
        papers=[{"name": "Bản chính"}],
        steps=steps,
    )


def test_steps_must_add_up_to_the_legal_limit():
    with pytest.raises(DomainError, match=r"Tổng thời gian các bước \(2.5\) phải bằng thời hạn giải quyết \(3\)"):
        _upsert(_steps("0.5", "1.5", "0.5"))
    assert _upsert(_steps("0.5", "2", "0.5")).steps.count() == 3


def test_day_budgets_are_half_days_and_the_process_starts_and_ends_at_the_desk():
    with pytest.raises(DomainError, match="nửa ngày"):
        _upsert(_steps("0.25", "2.25", "0.5"))
    wrong_order = _steps("0.5", "2", "0.5")
    wrong_order[0]["kind"] = "handle"
    with pytest.raises(DomainError, match="bắt đầu bằng bước tiếp nhận"):
        _upsert(wrong_order)


def test_upsert_replaces_and_audits():
    first = _upsert(_steps("0.5", "2", "0.5"))
    second = _upsert(_steps("0.5", "1", "1", "0.5"))
    assert first.pk == second.pk and second.steps.count() == 4


def test_search_is_accent_insensitive_and_filters():
    certificate_procedure()
    _upsert(_steps("0.5", "2", "0.5"))
    assert [p.code for p in selectors.procedure_search(query="tinh trang hon nhan")] == ["1.004873"]
    assert [p.code for p in selectors.procedure_search(query="2.000815")] == ["2.000815"]
    assert selectors.procedure_search(level=Unit.Level.PROVINCE).count() == 0


def test_step_units_resolve_relative_to_where_the_dossier_is_filed():
    province = UnitFactory(name="UBND tỉnh", level=Unit.Level.PROVINCE)
    justice = UnitFactory(
        name="Sở Tư pháp", parent=province, kind=Unit.Kind.DEPARTMENT, symbol="STP", level=Unit.Level.PROVINCE
    )
    commune, _desk, culture = commune_with_divisions(province, "xã An Phú", "H97.01")
    step = ProcedureStep(name="Thẩm định", scope="filing", division_symbol="VHXH")
    assert selectors.resolve_step_unit(step, commune) == culture
    assert selectors.resolve_step_unit(ProcedureStep(name="Ký", scope="filing"), commune) == commune
    assert (
        selectors.resolve_step_unit(ProcedureStep(name="Sở", scope="province", division_symbol="STP"), commune)
        == justice
    )
    with pytest.raises(DomainError, match="chưa có phòng, ban ký hiệu KT"):
        selectors.resolve_step_unit(ProcedureStep(name="Kinh tế", scope="filing", division_symbol="KT"), commune)
