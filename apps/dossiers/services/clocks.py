"""The clocks of a dossier.

Two times are kept apart: the legal due time (the procedure's limit from receipt, plus the working time the clock
stood still for a supplement) and the appointment promised to the citizen (equal to it, until an apology moves
it). Lateness is always judged against the legal due time. Each step has its own budget on its unit's calendar;
each hand-over closes a BM.05 row as early / on time / late."""

import datetime as dt

from apps.calendar.selectors import calendar_for_unit, legal_calendar_for_unit, legal_due, timeliness
from apps.core.actors import staff_user
from apps.core.text import normalize_multiline
from apps.dossiers.models import Dossier, DossierStep, Outcome
from apps.procedures.models import Procedure, ProcedureStep
from apps.procedures.selectors import resolve_step_unit


def classify(finished: dt.datetime, due: dt.datetime) -> str:
    """Late after the due moment; early when done on an earlier day than the due day; else on time."""
    return Outcome(timeliness(finished, due))


def add_budget(unit, start: dt.datetime, amount, time_unit: str) -> dt.datetime:
    """A step's internal budget on its unit's working clock."""
    calendar = calendar_for_unit(unit)
    if time_unit == Procedure.TimeUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, float(amount))
    return calendar.add_working_days(start, float(amount))


def legal_due_from(dossier: Dossier, received_at: dt.datetime) -> dt.datetime:
    procedure = dossier.procedure
    return legal_due(dossier.desk, received_at, procedure.time_limit, procedure.time_unit)


def procedure_steps(dossier: Dossier) -> list[ProcedureStep]:
    return list(dossier.procedure.steps.order_by("order"))


def step_unit(dossier: Dossier, procedure_step: ProcedureStep):
    if procedure_step.kind == ProcedureStep.Kind.RECEIVE:
        return dossier.desk
    if procedure_step.kind == ProcedureStep.Kind.RETURN:
        return dossier.collection_desk
    return resolve_step_unit(procedure_step, dossier.filing_unit)


def open_step(dossier: Dossier, procedure_step: ProcedureStep, now: dt.datetime, assignee=None) -> DossierStep:
    unit = step_unit(dossier, procedure_step)
    step = DossierStep.objects.create(
        dossier=dossier, procedure_step=procedure_step, order=procedure_step.order, kind=procedure_step.kind,
        name=procedure_step.name, unit=unit, role=procedure_step.role, assignee=staff_user(assignee), started_at=now,
        due_at=add_budget(unit, now, procedure_step.budget, procedure_step.budget_unit),
    )  # fmt: skip
    dossier.current_step, dossier.current_unit, dossier.current_due_at = step, unit, step.due_at
    return step


def close_step(step: DossierStep, actor, now: dt.datetime, note: str = "") -> None:
    step.finished_at, step.finished_by = now, staff_user(actor)
    step.outcome = classify(now, step.due_at)
    step.note = normalize_multiline(note)
    step.save(update_fields=["finished_at", "finished_by", "outcome", "note"])


def leave_steps(dossier: Dossier) -> None:
    dossier.current_step = dossier.current_unit = dossier.current_due_at = None


def resume_after_pause(dossier: Dossier, now: dt.datetime) -> dt.datetime:
    """The citizen answered a supplement request: the legal due time, the appointment and the step's due time move
    on by the working time they stood still. Returns the moment the pause began."""
    paused_at = dossier.paused_at
    legal_calendar = legal_calendar_for_unit(dossier.desk)
    dossier.due_at = legal_calendar.extend_by_pause(dossier.due_at, paused_at, now)
    dossier.appointment_at = legal_calendar.extend_by_pause(dossier.appointment_at, paused_at, now)
    step = dossier.current_step
    step.due_at = calendar_for_unit(step.unit).extend_by_pause(step.due_at, paused_at, now)
    step.save(update_fields=["due_at"])
    dossier.current_due_at, dossier.paused_at = step.due_at, None
    return paused_at
