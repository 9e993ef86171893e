from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.audit import record_event
from apps.core.errors import DomainError
from apps.core.text import normalize_multiline, normalize_text
from apps.procedures.models import Field, Procedure, ProcedureStep, RequiredPaper

PROCEDURE_FIELDS = ["name", "level", "competent_unit_kind", "time_limit", "time_unit", "time_limit_text", "fee_vnd",
                    "fee_text", "online_level", "legal_basis", "result", "description", "is_active"]  # fmt: skip


def check_steps(procedure: Procedure) -> None:
    """The internal steps must share the procedure's time unit and add up exactly to its legal time limit."""
    steps = list(procedure.steps.order_by("order"))
    if not steps:
        raise DomainError(_("Thủ tục %(code)s chưa có quy trình nội bộ.") % {"code": procedure.code}, field="steps")
    wrong_unit = [s.name for s in steps if s.budget_unit != procedure.time_unit]
    if wrong_unit:
        raise DomainError(
            _("Các bước phải tính cùng đơn vị với thời hạn của thủ tục (%(unit)s): %(steps)s.")
            % {"unit": procedure.get_time_unit_display(), "steps": ", ".join(wrong_unit)},
            field="steps",
        )
    if procedure.time_unit == Procedure.TimeUnit.WORKING_DAYS:
        not_halves = [s.name for s in steps if (s.budget * 2) % 1]
        if not_halves:
            raise DomainError(
                _("Thời gian mỗi bước tính theo nửa ngày (0,5; 1; 1,5 …): %(steps)s.")
                % {"steps": ", ".join(not_halves)},
                field="steps",
            )
    total = sum(step.budget for step in steps)
    if total != procedure.time_limit:
        raise DomainError(
            _("Tổng thời gian các bước (%(total)s) phải bằng thời hạn giải quyết (%(limit)s).")
            % {"total": f"{total.normalize():f}", "limit": f"{procedure.time_limit.normalize():f}"},
            field="steps",
        )
    if steps[0].kind != ProcedureStep.Kind.RECEIVE or steps[-1].kind != ProcedureStep.Kind.RETURN:
        raise DomainError(
            _("Quy trình phải bắt đầu bằng bước tiếp nhận và kết thúc bằng bước trả kết quả."), field="steps"
        )


@transaction.atomic
def procedure_upsert(
    *, actor, code: str, field_name: str, papers: list[dict], steps: list[dict], **values
) -> Procedure:
    """Create or replace a procedure with its papers and steps (catalogue import, demo, admin)."""
    field, _created = Field.objects.get_or_create(name=normalize_text(field_name))
    clean = {name: normalize_text(value) if isinstance(value, str) and name not in {"legal_basis", "description"}
             else value for name, value in values.items()}  # fmt: skip
    for name in ("legal_basis", "description"):
        if name in clean:
            clean[name] = normalize_multiline(clean[name])
    procedure, created = Procedure.objects.update_or_create(code=code, defaults={"field": field, **clean})
    procedure.full_clean()
    procedure.papers.all().delete()
    RequiredPaper.objects.bulk_create(
        RequiredPaper(procedure=procedure, sort_order=index, **{**paper, "name": normalize_text(paper["name"])})
        for index, paper in enumerate(papers)
    )
    procedure.steps.all().delete()
    ProcedureStep.objects.bulk_create(
        ProcedureStep(procedure=procedure, order=index, budget_unit=procedure.time_unit, **step)
        for index, step in enumerate(steps, start=1)
    )
    check_steps(procedure)
    record_event(
        "procedures.procedure.create" if created else "procedures.procedure.update",
        actor=actor,
        obj=procedure,
        changes={"code": code, "name": procedure.name, "steps": len(steps)},
    )
    return procedure


def procedure_saved_in_admin(*, actor, procedure: Procedure, changed_fields, created: bool) -> str | None:
    """After the administration pages saved a procedure with its papers and steps: check its internal process and
    record the change. Returns the reason it cannot take new dossiers yet, if any."""
    try:
        check_steps(procedure)
        problem = None
    except DomainError as error:
        problem = error.message
    record_event(
        "procedures.procedure.create" if created else "procedures.procedure.update",
        actor=actor,
        obj=procedure,
        changes={"fields": list(changed_fields)},
    )
    return problem
