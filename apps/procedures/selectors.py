from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.text import search_terms
from apps.org.models import Unit
from apps.org.selectors import unit_ancestors
from apps.procedures.models import Field, Procedure, ProcedureStep, RequiredPaper


def procedure_search(
    *, query: str = "", field_id: int | None = None, level: str = "", online_level: str = ""
) -> QuerySet[Procedure]:
    """Active procedures matching every folded word of `query` (code or name), with the filters."""
    procedures = Procedure.objects.filter(is_active=True).select_related("field")
    for term in search_terms(query):
        procedures = procedures.filter(search_key__contains=term)
    if field_id:
        procedures = procedures.filter(field_id=field_id)
    if level:
        procedures = procedures.filter(level=level)
    if online_level:
        procedures = procedures.filter(online_level=online_level)
    return procedures.order_by("field__sort_order", "field__name", "name")


def fields_in_use() -> QuerySet[Field]:
    return Field.objects.filter(procedures__is_active=True).distinct().order_by("sort_order", "name")


def procedure_detail(code: str) -> Procedure:
    queryset = (
        Procedure.objects.filter(is_active=True)
        .select_related("field")
        .prefetch_related(
            Prefetch("papers", queryset=RequiredPaper.objects.order_by("sort_order", "pk")),
            Prefetch("steps", queryset=ProcedureStep.objects.select_related("fixed_unit").order_by("order")),
        )
    )
    return get_object_or_404(queryset, code=code)


def procedures_for_unit(unit: Unit) -> QuerySet[Procedure]:
    """What a desk of this unit's level may receive."""
    return Procedure.objects.filter(is_active=True, level=unit.level).select_related("field").order_by("name")


def _base_unit(step: ProcedureStep, filing_unit: Unit) -> Unit:
    if step.scope == ProcedureStep.Scope.FIXED:
        return step.fixed_unit
    if step.scope == ProcedureStep.Scope.PROVINCE:
        for ancestor in unit_ancestors(filing_unit):
            if ancestor.level == Unit.Level.PROVINCE and ancestor.kind == Unit.Kind.PEOPLES_COMMITTEE:
                return ancestor
        raise DomainError(_("Không xác định được Ủy ban nhân dân tỉnh của %(unit)s.") % {"unit": filing_unit})
    return filing_unit


def resolve_step_unit(step: ProcedureStep, filing_unit: Unit) -> Unit:
    """The unit that performs `step` for a dossier filed with `filing_unit` (a commune or province committee)."""
    base = _base_unit(step, filing_unit)
    if not step.division_symbol:
        return base
    division = base.children.filter(symbol=step.division_symbol, is_active=True).order_by("sort_order", "pk").first()
    if division is None:
        raise DomainError(
            _("%(unit)s chưa có phòng, ban ký hiệu %(symbol)s để thực hiện bước “%(step)s”.")
            % {"unit": base, "symbol": step.division_symbol, "step": step.name}
        )
    return division
