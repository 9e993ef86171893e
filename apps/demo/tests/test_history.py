"""The generated year is believable: office hours, old dossiers closed, a few late ones with signed apologies,
staff in post from the start, and daily counts that match the records."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from apps.calendar.selectors import calendar_for_unit, office_hours_of
from apps.core.models import AuditEvent
from apps.dossiers import services
from apps.dossiers.models import Apology, Dossier, DossierStep, Outcome, Slip
from apps.feedback.models import Feedback
from apps.org.models import Membership, Unit, User
from apps.procedures.models import Procedure

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 19, 45, tzinfo=VN)  # a Friday evening: nothing may happen after office hours


@pytest.fixture
def year():
    """`make demo` in small: the demo province with 300 dossiers and 50 feedback items over the year to NOW."""
    with time_machine.travel(NOW, tick=False):
        call_command("load_demo", history=300, stdout=io.StringIO())
    return NOW


def in_office_hours(unit: Unit, moment: dt.datetime) -> bool:
    """Inside a session of a day the unit's desk is open, by apps.calendar (its office hours and working days)."""
    local = timezone.localtime(moment)
    hours = office_hours_of(unit)
    t = local.time()
    return calendar_for_unit(unit).is_open_for_service(local.date()) and (
        hours.morning_start <= t <= hours.morning_end or hours.afternoon_start <= t <= hours.afternoon_end
    )


def test_every_hand_over_and_result_is_in_office_hours(year):
    dossiers = list(Dossier.objects.select_related("desk"))
    moments = [(d.desk, d.code, field, getattr(d, field)) for d in dossiers
               for field in ("received_at", "ready_at", "returned_at", "closed_at")]  # fmt: skip
    steps = DossierStep.objects.filter(finished_at__isnull=False).select_related("dossier__desk")
    moments += [(s.dossier.desk, s.dossier.code, f"step {s.order}", s.finished_at) for s in steps]
    for apology in Apology.objects.select_related("dossier__desk"):
        moments += [(apology.dossier.desk, apology.dossier.code, "BM.04 drafted", apology.drafted_at),
                    (apology.dossier.desk, apology.dossier.code, "BM.04 signed", apology.approved_at)]  # fmt: skip
    moments += [(s.dossier.desk, s.dossier.code, s.kind, s.issued_at) for s in Slip.objects.select_related("dossier")]
    answered = Feedback.objects.filter(answered_at__isnull=False).select_related("assigned_unit")
    moments += [(f.assigned_unit, f.code, "answer", f.answered_at) for f in answered]
    checked = [(unit, code, what, moment) for unit, code, what, moment in moments if moment is not None]
    outside = [(code, what, timezone.localtime(moment)) for unit, code, what, moment in checked
               if not in_office_hours(unit, moment)]  # fmt: skip
    assert len(checked) > 1500 and outside == []
    assert all(moment <= NOW for *_rest, moment in checked)


def test_old_dossiers_are_closed_and_the_open_ones_are_recent(year):
    # The longest a dossier can stay open: the catalogue's longest limit (15 working days) plus a supplement the
    # citizen answers within 8 working days plus an overrun of at most 6 working days: 29 working days, under
    # 45 calendar days. Everything received before that is closed.
    assert Dossier.objects.count() == 300
    open_dossiers = Dossier.objects.filter(status__in=(*Dossier.OPEN_STATUSES, Dossier.Status.SUBMITTED))
    assert open_dossiers.exists()
    assert not open_dossiers.filter(Q(received_at__lt=NOW - dt.timedelta(days=45)) | Q(
        submitted_at__lt=NOW - dt.timedelta(days=45))).exists()  # fmt: skip
    first = Dossier.objects.order_by("received_at").first()
    assert first.received_at < NOW - dt.timedelta(days=330) and not first.is_open
    waiting = Dossier.objects.filter(status=Dossier.Status.SUBMITTED)
    assert all(d.channel == "online" and d.received_at is None for d in waiting)
    for dossier in Dossier.objects.filter(status__in=Dossier.OPEN_STATUSES).select_related("current_step"):
        assert dossier.current_step.finished_at is None and dossier.current_step.dossier_id == dossier.pk
    assert not Feedback.objects.filter(status__in=Feedback.OPEN_STATUSES,
                                       received_at__lt=NOW - dt.timedelta(days=45)).exists()  # fmt: skip


def test_a_few_dossiers_are_late_against_their_legal_due_time(year):
    judged = Dossier.objects.exclude(ready_at=None)
    assert judged.count() > 250
    for dossier in judged:  # the law: late when the result is ready after the legal due time, whatever the appointment
        assert (dossier.outcome == Outcome.LATE) == (dossier.ready_at > dossier.due_at), dossier.code
    late = judged.filter(outcome=Outcome.LATE).count()
    assert 0.01 <= late / judged.count() <= 0.03  # about 2 %, as the province's figures are


def test_apologies_are_signed_by_the_head_and_move_the_appointment_once(year):
    signed = Apology.objects.filter(status=Apology.Status.APPROVED).select_related("dossier", "unit")
    assert signed.exists()
    assert Dossier.objects.filter(rescheduled=True).count() == signed.count()
    for apology in signed:
        dossier = apology.dossier
        assert re.fullmatch(r"\d{2,}/PXL-[A-ZĐ]+", apology.number)
        assert Membership.objects.filter(user=apology.approved_by, unit=apology.unit, is_head=True).exists()
        assert apology.drafted_at < apology.approved_at
        assert dossier.rescheduled and dossier.appointment_at == apology.new_appointment_at
        assert apology.new_appointment_at > apology.original_appointment_at == dossier.original_appointment_at
        if dossier.ready_at and dossier.ready_at > dossier.due_at:  # an apology excuses nothing
            assert dossier.outcome == Outcome.LATE
    numbers = [(a.unit_id, timezone.localtime(a.approved_at).year, a.number) for a in signed]  # yearly series
    assert len(set(numbers)) == len(numbers)


def test_staff_were_in_post_before_the_first_dossier(year):
    first_day = timezone.localtime(Dossier.objects.order_by("submitted_at").first().submitted_at).date()
    demo_staff = Membership.objects.filter(user__username__in=["motcua.anphu", "chuyenvien.anphu", "chutich.anphu"])
    assert demo_staff.count() == 3 and all(m.start_date <= first_day for m in demo_staff)
    acts = [(d.received_by_id, d.desk_id, d.received_at) for d in Dossier.objects.exclude(received_at=None)]
    acts += [(s.finished_by_id, s.unit_id, s.finished_at) for s in DossierStep.objects.exclude(finished_at=None)]
    assert all(user_id for user_id, _unit, _at in acts)  # someone did each step
    for user_id, unit_id, moment in acts:
        membership = Membership.objects.get(user_id=user_id, unit_id=unit_id)
        assert membership.start_date <= timezone.localtime(moment).date()


def test_daily_counts_match_the_records_and_the_generation_is_audited(year):
    call_command("rebuild_stats", check=True, stdout=io.StringIO())  # raises CommandError on any difference
    event = AuditEvent.objects.filter(action="demo.history.generate").get()
    assert event.changes["dossiers"] == 300 and event.changes["feedback"] == 50


def test_supplements_and_refusals_leave_their_written_slips(year):
    for slip in Slip.objects.select_related("dossier"):
        suffix = "PBS" if slip.kind == Slip.Kind.SUPPLEMENT else "PTC"
        assert re.fullmatch(rf"\d{{2,}}/{suffix}-[A-ZĐ]+", slip.number)
    refused = Dossier.objects.filter(status=Dossier.Status.REFUSED)
    assert all(d.slips.filter(kind=Slip.Kind.REFUSAL).exists() for d in refused)
    waiting = Dossier.objects.filter(status=Dossier.Status.SUPPLEMENT_REQUESTED)
    assert all(d.paused_at and d.slips.filter(kind=Slip.Kind.SUPPLEMENT, answered_at=None).exists() for d in waiting)


def test_generated_dossiers_are_consistent_and_live_codes_continue(demo):
    call_command("generate_load_data", dossiers=300, days=60, batch=100, stdout=io.StringIO())
    assert Dossier.objects.count() == 300
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(set(codes)) == 300
    returned = Dossier.objects.filter(status="returned").first()
    assert returned.steps.count() == 4 and returned.outcome and returned.returned_at >= returned.received_at
    assert not DossierStep.objects.filter(dossier__status="submitted").exists()
    clerk = User.objects.get(username="motcua.anphu")
    procedure = Procedure.objects.get(code="1.004873")
    fresh = services.dossier_receive_walk_in(
        actor=clerk, desk=clerk.memberships.get().unit, procedure=procedure,
        applicant={"applicant_name": "Lê Văn Hùng", "applicant_id_number": "001080054321",
                   "applicant_phone": "0987654321", "applicant_address": "Thôn Tây, xã An Phú"},
        provided_paper_ids=list(procedure.papers.filter(optional=False).values_list("pk", flat=True)),
    )  # fmt: skip
    assert fresh.code not in codes and fresh.pk > max(Dossier.objects.exclude(pk=fresh.pk).values_list("pk", flat=True))


def test_the_legal_due_time_is_the_dossiers_apps_own(year):
    """The generator counts the legal due time as receipt does (apps.dossiers.services.clocks)."""
    from apps.dossiers.services.clocks import legal_due_from

    unpaused = Dossier.objects.exclude(received_at=None).exclude(slips__kind=Slip.Kind.SUPPLEMENT)
    unpaused = unpaused.select_related("desk", "procedure")
    assert unpaused.count() > 250
    assert all(d.due_at == legal_due_from(d, d.received_at) for d in unpaused)
