"""The demo province's year of work (issue 12, point 8) is believable and keeps the rules the services keep: every
task has its assignment event, deadlines fall at the end of office hours of a working day, outcomes agree with the
due moments, extensions keep the original deadline, report cycles follow the periods of Decree 09/2019, commitments
of ended quarters are judged from the figures, and loading again adds nothing. Expected values are worked out here
from the rules, not by calling the generator's own helpers."""

import datetime as dt
import io
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from apps.demo.documents import generate_document_year
from apps.demo.work import generate_work_year
from apps.documents.models import IncomingDocument
from apps.org.models import Unit, User
from apps.work.models import (
    Briefing,
    BriefingParticipant,
    Commitment,
    CommitmentTarget,
    ExtensionRequest,
    Metric,
    ProgramItem,
    ReportCycle,
    ReportRequest,
    ReportSubmission,
    ReportValue,
    ScheduleEntry,
    Task,
    TaskEvent,
    WorkProgram,
)
from apps.work.selectors.scope import led_units_q, visible_units_q

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 25, 17, 30, tzinfo=VN)  # a Wednesday after office hours
TODAY = NOW.date()
MONDAY = dt.date(2026, 11, 23)
OFFICE_END = dt.time(17, 0)  # the default office hours end at 17:00 (07:30-11:30, 13:30-17:00)
# Days off of the demo year on weekdays (Labour Code 2019, art. 112, with the days the Government moved or swapped,
# as the `holidays` package gives them for 2026): Tết, Hùng Kings (Sunday 26/4/2026 → Monday), 30/4, 1/5, National
# Day with the adjacent day, 24 November; the Saturdays worked in exchange count as working days.
DAYS_OFF = {
    dt.date(2025, 1, 1), *(dt.date(2025, 1, d) for d in range(27, 32)), dt.date(2025, 4, 7), dt.date(2025, 4, 30),
    dt.date(2025, 5, 1), dt.date(2025, 5, 2), dt.date(2025, 9, 1), dt.date(2025, 9, 2),
    dt.date(2026, 1, 1), *(dt.date(2026, 2, d) for d in range(16, 21)), dt.date(2026, 4, 27), dt.date(2026, 4, 30),
    dt.date(2026, 5, 1), dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2026, 9, 2), dt.date(2026, 11, 24),
}  # fmt: skip
SATURDAYS_WORKED = {dt.date(2025, 4, 26), dt.date(2026, 8, 22)}


@pytest.fixture
def year(settings, tmp_path):
    settings.EXCHANGE_DIR = tmp_path / "exchange"
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo", history=300, documents=False, work=False, stdout=io.StringIO())
        generate_document_year(days=20, seed=7, file_days=0)
        summary = generate_work_year(seed=11)
    return summary


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(VN)


def is_plain_working_day(day: dt.date) -> bool:
    return day in SATURDAYS_WORKED or (day.weekday() < 5 and day not in DAYS_OFF)


def outcome_by_rule(finished: dt.datetime, due: dt.datetime) -> str:
    """Early / on time / late as for dossiers: late after the due moment, early on an earlier local day."""
    if finished > due:
        return "late"
    return "early" if local(finished).date() < local(due).date() else "on_time"


def check_programmes_tasks_commitments_reports_briefings_and_a_week(year):
    assert not year.skipped
    assert 300 <= Task.objects.count() <= 600
    assert year.tasks == Task.objects.count()
    root = Unit.objects.get(agency_code="000.00.00.H99")
    anphu = Unit.objects.get(agency_code="H99.24")
    for unit in (root, anphu, Unit.objects.get(agency_code="H99.02"), Unit.objects.get(agency_code="H99.05")):
        kinds = Counter(WorkProgram.objects.filter(unit=unit, year=2026).values_list("kind", flat=True))
        assert kinds == {"year": 1, "quarter": 4, "month": 11}  # every period of 2026 begun by 25 November
        assert not WorkProgram.objects.filter(unit=unit).exclude(status="approved").exists()
    # a month's items drawn from the quarter's, the quarter's from the year's: same content, lead unit, deadline
    drawn = ProgramItem.objects.filter(source_item__isnull=False).select_related("source_item")
    assert drawn.exists()
    for item in drawn:
        assert (item.title, item.lead_unit_id, item.deadline) == (
            item.source_item.title,
            item.source_item.lead_unit_id,
            item.source_item.deadline,
        )
    sources = Counter(Task.objects.values_list("source", flat=True))
    assert set(sources) == {"program", "briefing", "document", "direct"}
    assert Task.objects.filter(assigned_by__username="chutich.tinh").count() > 100
    assert Task.objects.filter(assigned_by__username="chutich.anphu").exists()
    # two quarterly briefings, held, with attendance, minutes and conclusions that became tasks
    quarterly = Briefing.objects.filter(kind="quarterly")
    assert quarterly.count() == 2
    for briefing in quarterly:
        assert briefing.status == "concluded" and briefing.minutes and briefing.notice_number
        attendance = Counter(BriefingParticipant.objects.filter(briefing=briefing).values_list("attended", flat=True))
        assert attendance[True] >= 3 and None not in attendance
        conclusions = list(briefing.conclusions.all())
        assert conclusions and all(Task.objects.filter(conclusion=c, source="briefing").exists() for c in conclusions)
    # this week's schedule of both chairmen: meetings, a reception day, a visit, a briefing
    week = ScheduleEntry.objects.filter(starts_at__date__gte=MONDAY, starts_at__date__lte=MONDAY + dt.timedelta(6))
    for username in ("chutich.tinh", "chutich.anphu"):
        kinds = set(week.filter(leaders__username=username).values_list("kind", flat=True))
        assert {"meeting", "reception", "visit"} <= kinds
    assert week.filter(kind="briefing", leaders__username="chutich.anphu", briefing__isnull=False).exists()
    # commitments: division heads to the commune chairman, department heads to the province chairman
    assert Commitment.objects.filter(signer__username="truongphong.anphu", superior__username="chutich.anphu").exists()
    assert Commitment.objects.filter(signer__username="giamdoc.stp", superior__username="chutich.tinh").exists()
    assert Commitment.objects.filter(kind="charter", is_public=True, unit=anphu).exists()
    # both report requests go to every commune
    communes = set(Unit.objects.filter(parent=root, level="commune").values_list("pk", flat=True))
    assert len(communes) == 12
    for request in ReportRequest.objects.all():
        assert set(request.recipients.values_list("pk", flat=True)) == communes
        assert set(request.fields.values_list("kind", flat=True)) == {"number", "text", "choice"}


def check_every_task_has_its_assignment_event_and_its_deadline_on_a_working_day():
    tasks = list(Task.objects.all())
    assigned = {event.task_id: event for event in TaskEvent.objects.filter(kind="assigned").order_by("pk")}
    assert (
        Counter(TaskEvent.objects.filter(kind="assigned").values_list("task_id", flat=True)).most_common(1)[0][1] == 1
    )
    for task in tasks:
        event = assigned[task.pk]
        assert (event.actor_id, event.at, event.new_due_at) == (task.assigned_by_id, task.assigned_at,
                                                                 task.original_due_at)  # fmt: skip
        for day, due in ((task.deadline, task.due_at), (task.original_deadline, task.original_due_at)):
            assert is_plain_working_day(day), task
            assert local(due).date() == day and local(due).time() == OFFICE_END
        assert task.remind_on < task.deadline and is_plain_working_day(task.remind_on)
        assert all(
            not is_plain_working_day(task.remind_on + dt.timedelta(days=n))
            for n in range(1, (task.deadline - task.remind_on).days)
        )  # the working day just before
        assert local(task.assigned_at).date() < task.original_deadline <= task.deadline
        assert task.assigned_at <= NOW
        assert TaskEvent.objects.filter(task=task, at__gt=NOW).count() == 0


def check_outcomes_agree_with_the_due_moments_and_the_mix_is_realistic():
    finished = Task.objects.filter(completed_at__isnull=False)
    for task in finished:
        assert task.outcome == outcome_by_rule(task.completed_at, task.due_at), task
        assert task.status in ("completed", "accepted") and task.progress == 100
        assert task.completed_at <= NOW
        if task.status == "accepted":
            assert task.completed_at < task.accepted_at <= NOW and task.accepted_by_id == task.assigned_by_id
    outcomes = Counter(finished.values_list("outcome", flat=True))
    assert outcomes["early"] and outcomes["on_time"] and outcomes["late"]
    assert outcomes["late"] < outcomes["early"] + outcomes["on_time"]
    open_tasks = Task.objects.filter(status__in=("assigned", "in_progress"))
    assert not open_tasks.exclude(outcome="").exists() and not open_tasks.filter(completed_at__isnull=False).exists()
    late_now = open_tasks.filter(due_at__lt=NOW)
    assert 1 <= late_now.count() <= 25
    # the assigner was told once, the next working morning after the deadline passed (today's at 07:00 at the latest)
    for task in late_now.filter(due_at__lt=dt.datetime(2026, 11, 24, 17, 0, tzinfo=VN)):
        assert task.late_notice_sent_at is not None and task.late_notice_sent_at > task.due_at
        assert TaskEvent.objects.filter(task=task, kind="late_notice").count() == 1
    this_week = open_tasks.filter(due_at__gte=NOW, deadline__lte=MONDAY + dt.timedelta(days=4))
    assert this_week.count() >= 3
    assert Task.objects.filter(assigned_by__username="chutich.tinh", due_at__gte=NOW, deadline__lte=MONDAY
                               + dt.timedelta(days=4), status__in=("assigned", "in_progress")).exists()  # fmt: skip


def check_extended_tasks_keep_the_original_deadline_beside_an_approved_request():
    extended = Task.objects.filter(extended=True)
    assert extended.count() >= 5
    for task in extended:
        assert task.original_deadline < task.deadline
        request = ExtensionRequest.objects.get(task=task, status="approved")
        assert request.granted_deadline == task.deadline and request.decided_by_id == task.assigned_by_id
        assert task.assigned_at < request.requested_at < request.decided_at <= NOW
        assert request.requested_at < task.original_due_at  # asked before the deadline ran out
        approved = TaskEvent.objects.get(task=task, kind="extension_approved")
        assert (approved.old_due_at, approved.new_due_at) == (task.original_due_at, task.due_at)
        assert TaskEvent.objects.filter(task=task, kind="extension_requested").count() == 1
    for task in Task.objects.filter(extended=False):
        assert (task.deadline, task.due_at) == (task.original_deadline, task.original_due_at)
    refused = ExtensionRequest.objects.filter(status="refused")
    assert refused.exists() and not refused.filter(task__extended=True).exists()


def check_tasks_from_incoming_documents_name_a_document_of_the_assigning_unit():
    from_documents = Task.objects.filter(source="document")
    assert from_documents.exists()
    for task in from_documents:
        document = IncomingDocument.objects.get(pk=task.incoming_document_id)
        assert document.unit_id == task.assigner_unit_id
        assert document.number_symbol in task.document_reference
        assert f"{document.issued_date:%d/%m/%Y}" in task.document_reference
        assert document.received_at < task.assigned_at


def decree_09_month(day_in_end_month: dt.date) -> tuple[dt.date, dt.date]:
    end = day_in_end_month.replace(day=14)
    before = end.replace(day=1) - dt.timedelta(days=1)
    return before.replace(day=15), end


def check_report_cycles_follow_decree_09_and_submissions_are_judged_by_their_due_moment():
    monthly = ReportRequest.objects.get(frequency="month")
    quarterly = ReportRequest.objects.get(frequency="quarter")
    months = list(ReportCycle.objects.filter(request=monthly).order_by("period_start"))
    # 2026: January's figures 15/12/2025-14/01/2026 … December's 15/11-14/12 (begun on 15/11)
    assert [c.period_end for c in months] == [dt.date(2026, m, 14) for m in range(1, 13)]
    for cycle in months:
        assert (cycle.period_start, cycle.period_end) == decree_09_month(cycle.period_end)
    quarters = list(ReportCycle.objects.filter(request=quarterly).order_by("period_start"))
    assert [(c.period_start, c.period_end) for c in quarters] == [
        (dt.date(2025, 12, 15), dt.date(2026, 3, 14)),
        (dt.date(2026, 3, 15), dt.date(2026, 6, 14)),
        (dt.date(2026, 6, 15), dt.date(2026, 9, 14)),
        (dt.date(2026, 9, 15), dt.date(2026, 12, 14)),
    ]
    for cycle in months + quarters:
        # due the 20th of the month the figures end in, moved to the next working day
        twentieth = cycle.period_end.replace(day=20)
        assert cycle.deadline >= twentieth and is_plain_working_day(cycle.deadline)
        assert all(
            not is_plain_working_day(twentieth + dt.timedelta(n)) for n in range((cycle.deadline - twentieth).days)
        )
        assert local(cycle.due_at).date() == cycle.deadline and local(cycle.due_at).time() == OFFICE_END
    submissions = ReportSubmission.objects.select_related("cycle", "unit")
    for submission in submissions.filter(submitted_at__isnull=False):
        assert submission.outcome == outcome_by_rule(submission.submitted_at, submission.cycle.due_at)
        assert submission.submitted_at > local_midnight_after(submission.cycle.period_end)
        assert submission.submitted_at <= NOW
    late = submissions.filter(outcome="late")
    assert set(late.values_list("unit__agency_code", flat=True)) == {"H99.26"}  # Xã Hòa Lạc only
    past = [c for c in months if c.due_at < NOW]
    assert submissions.filter(cycle=past[-1]).count() == 11  # Hòa Lạc has not submitted the last one due
    assert all(submissions.filter(cycle=c).count() == 12 for c in past[:-1])
    returned = submissions.exclude(returned_note="")
    assert returned.count() >= 1 and set(returned.values_list("status", flat=True)) == {"accepted"}
    # December's figures run to 14/12: nobody can report them yet
    assert not submissions.filter(cycle=months[-1]).exists()
    # figures the system knows are pre-filled and marked
    prefilled = ReportValue.objects.filter(prefilled=True, field__prefill=Metric.DOSSIERS_RECEIVED)
    assert prefilled.exists() and not prefilled.filter(number__isnull=True).exists()


def local_midnight_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=VN)


def check_commitments_of_ended_quarters_are_judged_from_the_tasks_and_figures():
    evaluated = Commitment.objects.filter(status="evaluated")
    assert set(evaluated.values_list("period_kind", "number").distinct()) == {("quarter", 1), ("quarter", 2),
                                                                               ("quarter", 3)}  # fmt: skip
    assert not Commitment.objects.filter(period_kind="year").exclude(status="signed").exists()
    for commitment in evaluated:
        targets = list(commitment.targets.all())
        for target in targets:
            if target.metric and target.actual_value is not None:
                holds = (target.actual_value >= target.target_value if target.comparison == "gte"
                         else target.actual_value <= target.target_value)  # fmt: skip
                assert target.met is holds
        broken = any(t.met is False for t in targets)
        assert commitment.result == ("broken" if broken else "kept")
    # the tasks' on-time rate of a division for the third quarter, counted here from its tasks
    division = User.objects.get(username="truongphong.anphu").memberships.get().unit
    start = dt.datetime(2026, 7, 1, tzinfo=VN)
    end = dt.datetime(2026, 10, 1, tzinfo=VN)
    done = Task.objects.filter(unit__path__startswith=division.path, completed_at__gte=start, completed_at__lt=end)
    target = CommitmentTarget.objects.get(
        commitment__signer__username="truongphong.anphu", commitment__period_kind="quarter",
        commitment__number=3, metric=Metric.TASKS_ON_TIME_RATE,
    )  # fmt: skip
    if done.exists():
        expected = Decimal(done.exclude(outcome="late").count() * 100) / done.count()
        assert target.actual_value == expected.quantize(Decimal("0.01"), ROUND_HALF_UP)
    else:
        assert target.actual_value is None


def check_generating_again_adds_nothing():
    counts = (Task.objects.count(), WorkProgram.objects.count(), ReportSubmission.objects.count())
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert generate_work_year(seed=11).skipped
    assert (Task.objects.count(), WorkProgram.objects.count(), ReportSubmission.objects.count()) == counts
    assert timezone.is_aware(Task.objects.first().due_at)


# One year loaded per test (about 15 s): the checks are grouped by what they look at.


def test_the_year_is_whole_and_loading_again_adds_nothing(year):
    check_programmes_tasks_commitments_reports_briefings_and_a_week(year)
    check_tasks_from_incoming_documents_name_a_document_of_the_assigning_unit()
    check_generating_again_adds_nothing()


def check_a_commune_sees_none_of_another_communes_tasks():
    """The year's tasks fall inside the leaders' scope as the work app writes it: Bình Minh's chairman leads and sees
    none of An Phú's tasks, An Phú's none of the others', the province's chairman all of them."""
    anphu = Unit.objects.get(agency_code="H99.24")
    in_anphu = Task.objects.filter(unit__path__startswith=anphu.path)
    assert in_anphu.count() > 50
    binhminh = User.objects.get(username="chutich.binhminh")
    assert not Task.objects.filter(led_units_q(binhminh)).filter(pk__in=in_anphu).exists()
    assert not Task.objects.filter(visible_units_q(binhminh)).filter(pk__in=in_anphu).exists()
    chairman = User.objects.get(username="chutich.anphu")
    assert set(Task.objects.filter(led_units_q(chairman)).values_list("pk", flat=True)) == set(
        in_anphu.values_list("pk", flat=True)
    )
    assert Task.objects.filter(led_units_q(User.objects.get(username="chutich.tinh"))).count() == Task.objects.count()


def check_a_task_is_reported_done_only_after_every_other_step_and_in_office_hours():
    """The timeline reads in order: nothing (an extension asked for, progress) after the completion but its
    acceptance; steps by people happen in the working day, never at night (06:00-20:00 local)."""
    events = TaskEvent.objects.exclude(kind__in=[TaskEvent.Kind.REMINDED, TaskEvent.Kind.LATE_NOTICE])
    by_task: dict[int, list[TaskEvent]] = {}
    for event in events.order_by("at", "pk"):
        by_task.setdefault(event.task_id, []).append(event)
    for timeline in by_task.values():
        kinds = [event.kind for event in timeline]
        if TaskEvent.Kind.COMPLETED in kinds:
            assert kinds.index(TaskEvent.Kind.COMPLETED) >= len(kinds) - 2, kinds
        for event in timeline:
            local = timezone.localtime(event.at).time()
            assert dt.time(6, 0) <= local <= dt.time(20, 0), (event.kind, event.at)


def test_tasks_keep_the_rules_of_the_services(year):
    check_a_commune_sees_none_of_another_communes_tasks()
    check_every_task_has_its_assignment_event_and_its_deadline_on_a_working_day()
    check_outcomes_agree_with_the_due_moments_and_the_mix_is_realistic()
    check_extended_tasks_keep_the_original_deadline_beside_an_approved_request()
    check_a_task_is_reported_done_only_after_every_other_step_and_in_office_hours()


def test_reports_and_commitments_follow_decree_09_and_the_figures(year):
    check_report_cycles_follow_decree_09_and_submissions_are_judged_by_their_due_moment()
    check_commitments_of_ended_quarters_are_judged_from_the_tasks_and_figures()


def test_the_load_generator_writes_tasks_and_submissions_that_keep_the_rules(settings, tmp_path):
    settings.EXCHANGE_DIR = tmp_path / "exchange"
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo", stdout=io.StringIO())
        call_command("generate_work_load", tasks=3000, submissions=700, days=400, batch=1000, now=NOW,
                     stdout=io.StringIO())  # fmt: skip
    tasks = Task.objects.all()
    assert tasks.count() == 3000 and ReportSubmission.objects.count() == 700
    assert TaskEvent.objects.filter(kind="assigned").values("task").distinct().count() == 3000
    root = Unit.objects.get(agency_code="000.00.00.H99")
    assert tasks.filter(assigner_unit=root).count() > 1000  # half from the province's chairman
    assert tasks.values("unit").distinct().count() > 30 and tasks.values("assignee").distinct().count() > 20
    open_late = tasks.filter(status__in=("assigned", "in_progress"), due_at__lt=NOW)
    assert open_late.count() > 100 and tasks.filter(outcome="late").count() > 100
    for task in tasks.filter(completed_at__isnull=False)[:500]:
        assert task.outcome == outcome_by_rule(task.completed_at, task.due_at)
        assert task.completed_at <= NOW and is_plain_working_day(task.deadline)
    for task in tasks.filter(extended=True)[:50]:
        assert task.original_deadline < task.deadline
        assert ExtensionRequest.objects.filter(task=task, status="approved", granted_deadline=task.deadline).exists()
    for submission in ReportSubmission.objects.filter(submitted_at__isnull=False).select_related("cycle")[:300]:
        assert submission.outcome == outcome_by_rule(submission.submitted_at, submission.cycle.due_at)
        start, end = submission.cycle.period_start, submission.cycle.period_end
        assert (start, end) == decree_09_month(end)
