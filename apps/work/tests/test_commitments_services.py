"""Commitments: drafting, targets, signing, review and the result at the end of the period, checked against the
stats figures built from real dossier records (recounted into the daily tables as the services do) and daily rows.
Every expected rate is computed by hand from the records the test writes."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.dossiers.models import Apology
from apps.stats.models import FeedbackDay
from apps.work import tasks as work_tasks
from apps.work.models import Commitment, Metric, Task
from apps.work.selectors import commitments as selectors
from apps.work.services import commitments as services
from apps.work.services.tasks import assign_task
from apps.work.tests.commitments_helpers import GTE, LTE, charter, local, returned_dossiers, signed
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def test_period_days_are_calendar_periods():
    assert selectors.period_days("year", 2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert selectors.period_days("half", 2026, 2) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert selectors.period_days("quarter", 2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert selectors.period_days("month", 2028, 2) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))  # leap year


def test_nineteen_of_twenty_returned_on_time_keeps_a_95_per_cent_commitment():
    w = world()
    commitment = charter(w)
    services.add_target(actor=w.commune_chairman, commitment=commitment, text="Giải quyết đúng hạn ≥ 95%",
                        metric=Metric.DOSSIER_ON_TIME_RATE, comparison=GTE, target_value="95")  # fmt: skip
    signed(commitment)
    returned_dossiers(w.commune, dt.date(2026, 2, 10), on_time=15, early=4, late=1)  # 19 of 20 in time
    # Outside the quarter: late on 31/12/2025 and on 01/04/2026, in a sub-unit: counted (the subtree).
    returned_dossiers(w.commune, dt.date(2025, 12, 31), late=3)
    returned_dossiers(w.commune, dt.date(2026, 4, 1), late=3)
    with time_machine.travel(local(2026, 4, 1, 0, 30)):
        assert services.evaluate_ended_commitments() == 1
    commitment.refresh_from_db()
    target = commitment.targets.get()
    assert target.actual_value == Decimal("95.00") and target.met is True
    assert commitment.status == Commitment.Status.EVALUATED and commitment.result == Commitment.Result.KEPT
    assert commitment.evaluated_by is None


def test_eighteen_of_twenty_breaks_it_and_the_sub_units_count():
    w = world()
    commitment = charter(w)
    services.add_target(actor=w.commune_chairman, commitment=commitment, text="Đúng hạn ≥ 95%",
                        metric=Metric.DOSSIER_ON_TIME_RATE, comparison=GTE, target_value=95)  # fmt: skip
    services.add_target(actor=w.commune_chairman, commitment=commitment, text="Không quá 2 hồ sơ trễ hạn",
                        metric=Metric.LATE_DOSSIERS, comparison=LTE, target_value=2)  # fmt: skip
    signed(commitment)
    returned_dossiers(w.commune, dt.date(2026, 1, 20), on_time=10, late=1)
    returned_dossiers(w.culture, dt.date(2026, 3, 31), on_time=8, late=1)  # the division is in the commune
    returned_dossiers(w.other_commune, dt.date(2026, 3, 2), late=5)  # another commune: never counted
    with time_machine.travel(local(2026, 4, 1, 0, 30)):
        commitment = services.evaluate_commitment(actor=None, commitment=commitment)
    rate, late = commitment.targets.order_by("order")
    assert (rate.actual_value, rate.met) == (Decimal("90.00"), False)  # 18 of 20
    assert (late.actual_value, late.met) == (Decimal("2"), True)  # 2 ≤ 2
    assert commitment.result == Commitment.Result.BROKEN


def test_apologies_and_feedback_from_the_daily_rows():
    w = world()
    commitment = charter(w, period_kind="month", number=3)
    add = services.add_target
    add(actor=w.commune_chairman, commitment=commitment, text="Không quá 1 phiếu xin lỗi",
        metric=Metric.APOLOGIES_ISSUED, comparison=LTE, target_value=1)  # fmt: skip
    add(actor=w.commune_chairman, commitment=commitment, text="Trả lời phản ánh đúng hạn ≥ 80%",
        metric=Metric.FEEDBACK_ON_TIME_RATE, comparison=GTE, target_value="80")  # fmt: skip
    signed(commitment)
    late = returned_dossiers(w.commune, dt.date(2026, 3, 10), late=2)
    for dossier, approved in zip(late, (local(2026, 3, 5, 9), local(2026, 2, 27, 9)), strict=True):
        Apology.objects.create(dossier=dossier, unit=w.commune, reason="Chậm thẩm định",
                               original_appointment_at=dossier.due_at, proposed_appointment_at=dossier.due_at,
                               drafted_at=approved, approved_at=approved, status="approved")  # fmt: skip
    FeedbackDay.objects.create(unit=w.culture, day=dt.date(2026, 3, 3), feedback_answered=3, feedback_on_time=2)
    FeedbackDay.objects.create(unit=w.commune, day=dt.date(2026, 3, 31), feedback_answered=2, feedback_on_time=2)
    FeedbackDay.objects.create(unit=w.commune, day=dt.date(2026, 4, 1), feedback_answered=5)  # April
    with time_machine.travel(local(2026, 4, 2, 8)):
        services.evaluate_ended_commitments()
    apologies, feedback = commitment.targets.order_by("order")
    assert (apologies.actual_value, apologies.met) == (Decimal("1"), True)  # the February one is outside
    assert (feedback.actual_value, feedback.met) == (Decimal("80.00"), True)  # 4 of 5 answered on time


def test_a_free_target_waits_for_the_superiors_review():
    w = world()
    commitment = charter(w)
    services.add_target(actor=w.commune_chairman, commitment=commitment, text="Đúng hạn ≥ 90%",
                        metric=Metric.DOSSIER_ON_TIME_RATE, comparison=GTE, target_value=90)  # fmt: skip
    free = services.add_target(actor=w.commune_chairman, commitment=commitment,
                               text="Không để xảy ra phiền hà, sách nhiễu")  # fmt: skip
    signed(commitment)
    returned_dossiers(w.commune, dt.date(2026, 3, 3), on_time=9, late=1)  # 90.00% ≥ 90
    with time_machine.travel(local(2026, 4, 1, 8)):
        commitment = services.evaluate_commitment(actor=w.chairman, commitment=commitment, note="Đánh giá quý I")
        assert commitment.status == Commitment.Status.EVALUATED and commitment.result == ""
        with pytest.raises(PermissionDeniedError):
            services.review_target(actor=w.commune_chairman, target=free, met=True)
        services.review_target(actor=w.chairman, target=free, met=False, note="Có 1 phản ánh về thái độ")
    commitment.refresh_from_db()
    assert commitment.result == Commitment.Result.BROKEN and commitment.evaluated_by == w.chairman
    free.refresh_from_db()
    assert free.met is False and free.review_note == "Có 1 phản ánh về thái độ"
    with pytest.raises(ConflictError):
        services.review_target(actor=w.chairman, target=free, met=True)


def test_a_rate_without_any_dossier_is_left_to_the_superior():
    w = world()
    commitment = charter(w)
    target = services.add_target(actor=w.commune_chairman, commitment=commitment, text="Đúng hạn 100%",
                                 metric=Metric.DOSSIER_ON_TIME_RATE, comparison=GTE, target_value=100)  # fmt: skip
    signed(commitment)
    with time_machine.travel(local(2026, 4, 1, 8)):
        commitment = services.evaluate_commitment(actor=None, commitment=commitment)
        target.refresh_from_db()
        assert target.actual_value is None and target.met is None and commitment.result == ""
        services.review_target(actor=w.chairman, target=target, met=True, note="Không phát sinh hồ sơ")
    commitment.refresh_from_db()
    assert commitment.result == Commitment.Result.KEPT


def test_the_job_evaluates_once_and_not_before_the_period_ends():
    w = world()
    commitment = charter(w)
    services.add_target(actor=w.commune_chairman, commitment=commitment, text="Đúng hạn ≥ 95%",
                        metric=Metric.DOSSIER_ON_TIME_RATE, comparison=GTE, target_value=95)  # fmt: skip
    signed(commitment)
    returned_dossiers(w.commune, dt.date(2026, 2, 2), on_time=20)
    with time_machine.travel(local(2026, 3, 31, 23, 59)):  # still the last day of the quarter
        assert work_tasks.evaluate_ended_commitments.call_local() == 0
        with pytest.raises(DomainError):
            services.evaluate_commitment(actor=w.chairman, commitment=commitment)
    with time_machine.travel(local(2026, 4, 1, 0, 30)):
        assert work_tasks.evaluate_ended_commitments.call_local() == 1
        assert work_tasks.evaluate_ended_commitments.call_local() == 0
        with pytest.raises(ConflictError):
            services.evaluate_commitment(actor=w.chairman, commitment=commitment)
    assert AuditEvent.objects.filter(action="work.commitment.evaluated").count() == 1
    assert AuditEvent.objects.filter(action="work.commitment.concluded").count() == 1
    commitment.refresh_from_db()
    assert commitment.result == Commitment.Result.KEPT


def test_who_signs_to_whom():
    w = world()
    # A division head signs to the commune chairman; the chairman of another commune is no superior of it.
    services.draft_commitment(
        actor=w.culture_head,
        unit=w.culture,
        superior=w.commune_chairman,
        kind=Commitment.Kind.TASKS,
        title="Cam kết năm 2026",
        period_kind="year",
        year=2026,
    )
    with pytest.raises(DomainError):
        services.draft_commitment(actor=w.culture_head, unit=w.culture, superior=w.other_chairman,
                                  kind="tasks", title="Sai cấp trên", period_kind="year", year=2026)  # fmt: skip
    with pytest.raises(PermissionDeniedError):  # not a member of that commune
        services.draft_commitment(actor=w.other_officer, unit=w.culture, superior=w.commune_chairman,
                                  kind="conduct", title="Không phải cán bộ", period_kind="year", year=2026)  # fmt: skip
    with pytest.raises(DomainError):  # a task commitment is the head's
        services.draft_commitment(
            actor=w.culture_officer,
            unit=w.culture,
            superior=w.commune_chairman,
            kind="tasks",
            title="Không phải trưởng phòng",
            period_kind="year",
            year=2026,
        )
    conduct = services.draft_commitment(
        actor=w.culture_officer,
        unit=w.culture,
        superior=w.culture_head,
        kind="conduct",
        title="Tu dưỡng, rèn luyện",
        period_kind="year",
        year=2026,
    )
    assert conduct.superior == w.culture_head
    with pytest.raises(DomainError):  # a head signs to a leader above the unit, not to himself
        services.draft_commitment(actor=w.culture_head, unit=w.culture, superior=w.culture_head,
                                  kind="tasks", title="Tự cam kết", period_kind="year", year=2026)  # fmt: skip
    with pytest.raises(DomainError):
        services.draft_commitment(actor=w.culture_head, unit=w.culture, superior=w.commune_chairman,
                                  kind="tasks", title="Quý 5", period_kind="quarter", year=2026, number=5)  # fmt: skip


def test_targets_are_checked_and_frozen_by_the_signature():
    w = world()
    commitment = charter(w)
    add = services.add_target
    with pytest.raises(DomainError):
        add(actor=w.commune_chairman, commitment=commitment, text="Trên 100%", metric=Metric.SATISFACTION,
            comparison=GTE, target_value="100.5")  # fmt: skip
    with pytest.raises(DomainError):
        add(actor=w.commune_chairman, commitment=commitment, text="Nửa hồ sơ", metric=Metric.LATE_DOSSIERS,
            comparison=LTE, target_value="0.5")  # fmt: skip
    with pytest.raises(DomainError):
        add(actor=w.commune_chairman, commitment=commitment, text="Thiếu so sánh", metric=Metric.SATISFACTION,
            target_value=90)  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        add(actor=w.chairman, commitment=commitment, text="Cấp trên tự thêm")
    with pytest.raises(DomainError):  # no target yet
        signed(commitment)
    target = add(actor=w.commune_chairman, commitment=commitment, text="Hài lòng ≥ 90%",
                 metric=Metric.SATISFACTION, comparison=GTE, target_value=90)  # fmt: skip
    extra = add(actor=w.commune_chairman, commitment=commitment, text="Tạm")
    services.edit_target(actor=w.commune_chairman, target=target, text="Hài lòng ≥ 92%",
                         metric=Metric.SATISFACTION, comparison=GTE, target_value=92)  # fmt: skip
    services.remove_target(actor=w.commune_chairman, target=extra)
    with pytest.raises(PermissionDeniedError):
        services.sign_commitment(actor=w.chairman, commitment=commitment)
    signed(commitment)
    with pytest.raises(ConflictError):
        add(actor=w.commune_chairman, commitment=commitment, text="Sau khi ký")
    with pytest.raises(ConflictError):
        services.edit_target(actor=w.commune_chairman, target=target, text="Sửa sau khi ký")
    with pytest.raises(ConflictError):
        services.remove_target(actor=w.commune_chairman, target=target)
    with pytest.raises(ConflictError):
        signed(commitment)
    assert list(commitment.targets.values_list("text", "target_value")) == [("Hài lòng ≥ 92%", Decimal("92.00"))]
    actions = list(
        AuditEvent.objects.filter(action__startswith="work.commitment.").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["work.commitment.drafted", "work.commitment.target_added", "work.commitment.target_added",
                       "work.commitment.target_edited", "work.commitment.target_removed",
                       "work.commitment.signed"]  # fmt: skip


def test_only_the_superior_makes_a_signed_charter_public():
    w = world()
    commitment = charter(w)
    services.add_target(actor=w.commune_chairman, commitment=commitment, text="Thân thiện, đúng hẹn")
    with pytest.raises(ConflictError):
        services.set_public(actor=w.chairman, commitment=commitment, is_public=True)
    signed(commitment)
    with pytest.raises(PermissionDeniedError):
        services.set_public(actor=w.commune_chairman, commitment=commitment, is_public=True)
    assert services.set_public(actor=w.chairman, commitment=commitment, is_public=True).is_public
    tasks = services.draft_commitment(actor=w.culture_head, unit=w.culture, superior=w.commune_chairman,
                                      kind="tasks", title="Nhiệm vụ", period_kind="year", year=2026)  # fmt: skip
    services.add_target(actor=w.culture_head, commitment=tasks, text="Hoàn thành kế hoạch")
    signed(tasks)
    with pytest.raises(DomainError):
        services.set_public(actor=w.commune_chairman, commitment=tasks, is_public=True)
    assert AuditEvent.objects.filter(action="work.commitment.published").count() == 1


def test_the_tasks_on_time_rate_counts_the_tasks_done_and_those_left_overdue_in_the_period():
    w = world()
    commitment = services.draft_commitment(actor=w.culture_head, unit=w.culture, superior=w.commune_chairman,
                                           kind="tasks", title="Nhiệm vụ quý I", period_kind="quarter", year=2026,
                                           number=1, now=local(2026, 1, 2, 9))  # fmt: skip
    services.add_target(actor=w.culture_head, commitment=commitment, text="Nhiệm vụ đúng hạn ≥ 70%",
                        metric=Metric.TASKS_ON_TIME_RATE, comparison=GTE, target_value=70)  # fmt: skip
    signed(commitment)
    done = [("accepted", "early", local(2026, 1, 20, 9)), ("completed", "on_time", local(2026, 3, 31, 16)),
            ("accepted", "late", local(2026, 2, 10, 9)),
            ("cancelled", "late", local(2026, 2, 11, 9)),  # withdrawn after its report: not done
            ("in_progress", "late", local(2026, 2, 12, 9)),  # returned for rework: not done
            ("accepted", "late", local(2026, 4, 1, 9))]  # after the quarter  # fmt: skip
    for status, outcome, completed_at in done:
        task = assign_task(actor=w.commune_chairman, unit=w.culture, title=f"Nhiệm vụ {outcome}",
                           working_days=5, now=local(2026, 1, 5, 9))  # fmt: skip
        Task.objects.filter(pk=task.pk).update(status=status, outcome=outcome, completed_at=completed_at)
    with time_machine.travel(local(2026, 4, 1, 0, 30)):
        services.evaluate_ended_commitments()
    target = commitment.targets.get()
    # Every task was due 12/01/2026 17:00 (5 working days from 05/01). Done in the quarter: 3 (early, on time, late),
    # 2 of them in time. Due in the quarter and not done at its end: the one returned for rework and the one done
    # only on 01/04 — late as well (the withdrawn one counts for nothing). 2 of 5 = 40.00 %.
    assert (target.actual_value, target.met) == (Decimal("40.00"), False)


def test_another_communes_leaders_take_no_step_on_it():
    w = world()
    commitment = charter(w)
    target = services.add_target(actor=w.commune_chairman, commitment=commitment, text="Đúng hẹn")
    with pytest.raises(PermissionDeniedError):
        services.add_target(actor=w.other_chairman, commitment=commitment, text="Xã khác thêm")
    with pytest.raises(PermissionDeniedError):
        services.sign_commitment(actor=w.other_chairman, commitment=commitment)
    signed(commitment)
    with time_machine.travel(local(2026, 4, 1, 8)):
        for step in (
            lambda: services.review_target(actor=w.other_chairman, target=target, met=True),
            lambda: services.evaluate_commitment(actor=w.other_chairman, commitment=commitment),
            lambda: services.set_public(actor=w.other_chairman, commitment=commitment, is_public=True),
            lambda: services.evaluate_commitment(actor=w.commune_chairman, commitment=commitment),  # not his own
        ):
            with pytest.raises(PermissionDeniedError):
                step()
    commitment.refresh_from_db()
    assert (commitment.status, commitment.is_public) == (Commitment.Status.SIGNED, False)
