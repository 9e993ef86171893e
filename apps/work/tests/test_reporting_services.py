"""The reporting regime's writes: cycles of Decree 09/2019 computed by hand from the calendar (2026-2027), the
form's typed values, submission, timeliness with the clock moved, return and acceptance, pre-fill against
hand-made figures, reminders sent once."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent, Notification
from apps.org.models import Unit
from apps.procedures.models import Field, Procedure
from apps.stats.models import DossierDay
from apps.work.models import Metric, ReportCycle, ReportField, ReportRequest, ReportSubmission, Task
from apps.work.services import reporting
from apps.work.services.reporting import FieldSpec, ReportValuesInvalid
from apps.work.services.tasks import assign_task
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def form() -> list[FieldSpec]:
    return [
        FieldSpec("Số hồ sơ tiếp nhận", "number", measure="hồ sơ", prefill=Metric.DOSSIERS_RECEIVED),
        FieldSpec("Kinh phí đã chi", "number", measure="triệu đồng"),
        FieldSpec("Đánh giá chung", "choice", choices=("Tốt", "Khá", "Trung bình")),
        FieldSpec("Khó khăn, vướng mắc", "text", required=False),
    ]


def monthly(w, *, due_day=20, now=None, starts_on=dt.date(2026, 11, 15), frequency="month", **kwargs):
    kwargs.setdefault("recipients", [w.commune, w.other_commune])
    return reporting.create_request(
        actor=w.chairman, from_unit=w.province, title="Báo cáo công tác cải cách hành chính", fields=form(),
        frequency=frequency, due_day=due_day, starts_on=starts_on,
        now=now or local(2026, 11, 20, 9, 0), **kwargs,
    )  # fmt: skip


def cycles_of(request) -> list[tuple]:
    return [
        (c.label, c.period_start, c.period_end, c.deadline, c.due_at)
        for c in ReportCycle.objects.filter(request=request).order_by("period_start")
    ]


def fields_of(request) -> dict[str, ReportField]:
    return {f.label: f for f in request.fields.all()}


def submission(request, unit, period_start=dt.date(2026, 11, 15)) -> ReportSubmission:
    return ReportSubmission.objects.get(cycle__request=request, cycle__period_start=period_start, unit=unit)


def fill(request, sub, actor, **overrides):
    f = fields_of(request)
    values = {f["Số hồ sơ tiếp nhận"].pk: "12", f["Kinh phí đã chi"].pk: "1.250,5", f["Đánh giá chung"].pk: "Tốt"}
    values.update(overrides)
    return reporting.save_values(actor=actor, submission=sub, values=values)


# --- cycles -------------------------------------------------------------------------------------------------


def test_monthly_cycles_across_the_year_end_follow_decree_09_and_the_working_days():
    w = world()
    request = monthly(w)
    # December 2026: figures 15/11–14/12; the 20th is a Sunday → Monday 21/12/2026, end of office hours.
    assert cycles_of(request) == [
        ("Tháng 12/2026", dt.date(2026, 11, 15), dt.date(2026, 12, 14), dt.date(2026, 12, 21),
         local(2026, 12, 21, 17, 0)),
    ]  # fmt: skip
    reporting.open_due_cycles(request, now=local(2026, 12, 15, 0, 5))
    # January 2027: figures 15/12/2026–14/01/2027, due Wednesday 20/01/2027.
    assert cycles_of(request)[1] == (
        "Tháng 01/2027",
        dt.date(2026, 12, 15),
        dt.date(2027, 1, 14),
        dt.date(2027, 1, 20),
        local(2027, 1, 20, 17, 0),
    )
    assert ReportSubmission.objects.filter(cycle__request=request, status="draft").count() == 4


def test_opening_cycles_twice_opens_each_period_once():
    w = world()
    request = monthly(w)
    assert len(reporting.open_due_cycles(request, now=local(2027, 1, 16, 0, 5))) == 2  # January and February
    assert reporting.open_due_cycles(request, now=local(2027, 1, 16, 0, 5)) == []
    assert reporting.open_all_due_cycles(now=local(2027, 1, 16, 0, 5)) == 0
    assert ReportCycle.objects.filter(request=request).count() == 3
    assert ReportSubmission.objects.filter(cycle__request=request).count() == 6


def test_a_due_day_up_to_the_14th_falls_in_the_next_month_and_skips_new_year():
    w = world()
    # Due day 5: the December figures close on 14/12, due Tuesday 05/01/2027.
    assert cycles_of(monthly(w, due_day=5))[0][3] == dt.date(2027, 1, 5)
    # Due day 1: 01/01/2027 is New Year's Day (Friday), then a weekend → Monday 04/01/2027.
    assert cycles_of(monthly(w, due_day=1))[0][3] == dt.date(2027, 1, 4)


def test_a_due_day_past_the_end_of_a_short_month_is_its_last_day_then_the_next_working_day():
    w = world()
    request = monthly(w, due_day=31, starts_on=dt.date(2027, 1, 15), now=local(2027, 1, 20, 9, 0))
    # February 2027: figures 15/01–14/02; 31 → 28/02/2027, a Sunday → Monday 01/03/2027.
    assert cycles_of(request)[0][1:4] == (dt.date(2027, 1, 15), dt.date(2027, 2, 14), dt.date(2027, 3, 1))


def test_quarter_half_year_and_year_periods():
    w = world()
    quarter = monthly(w, frequency="quarter", due_day=18, starts_on=dt.date(2027, 1, 1), now=local(2027, 1, 5, 9))
    # Quarter I/2027: 15/12/2026–14/03/2027, due Thursday 18/03/2027.
    assert cycles_of(quarter)[0][:4] == ("Quý I/2027", dt.date(2026, 12, 15), dt.date(2027, 3, 14),
                                         dt.date(2027, 3, 18))  # fmt: skip
    half = monthly(w, frequency="half", due_day=20, starts_on=dt.date(2027, 1, 1), now=local(2027, 1, 5, 9))
    # The half-year: 15/12/2026–14/06/2027; 20/06/2027 is a Sunday → Monday 21/06/2027.
    assert cycles_of(half)[0][:4] == ("6 tháng đầu năm 2027", dt.date(2026, 12, 15), dt.date(2027, 6, 14),
                                      dt.date(2027, 6, 21))  # fmt: skip
    year = monthly(w, frequency="year", due_day=20, starts_on=dt.date(2026, 1, 1), now=local(2026, 1, 5, 9))
    # The year 2026: 15/12/2025–14/12/2026, due Monday 21/12/2026.
    assert cycles_of(year)[0][:4] == ("Năm 2026", dt.date(2025, 12, 15), dt.date(2026, 12, 14), dt.date(2026, 12, 21))
    # The next half-year opens only when its period begins.
    assert reporting.open_due_cycles(half, now=local(2027, 12, 14, 9)) == []
    assert len(reporting.open_due_cycles(half, now=local(2027, 12, 15, 9))) == 1


def test_an_ad_hoc_request_has_one_cycle_due_on_its_date():
    w = world()
    request = reporting.create_request(
        actor=w.chairman, from_unit=w.province, title="Báo cáo thiệt hại do bão", fields=form(),
        kind=ReportRequest.Kind.AD_HOC, starts_on=dt.date(2026, 11, 1), deadline=dt.date(2026, 11, 27),
        now=local(2026, 11, 23, 9),
    )  # fmt: skip
    assert cycles_of(request) == [("Đột xuất", dt.date(2026, 11, 1), dt.date(2026, 11, 23), dt.date(2026, 11, 27),
                                   local(2026, 11, 27, 17, 0))]  # fmt: skip
    # The units directly under the province are asked by default, not the communes' own divisions.
    assert {s.unit for s in ReportSubmission.objects.filter(cycle__request=request)} == {
        w.office,
        w.justice,
        w.commune,
        w.other_commune,
    }
    with pytest.raises(DomainError) as error:
        reporting.create_request(
            actor=w.chairman, from_unit=w.province, title="Báo cáo", fields=form(), kind="ad_hoc",
            deadline=dt.date(2026, 11, 28), now=local(2026, 11, 23, 9),
        )  # fmt: skip
    assert "không phải ngày làm việc" in error.value.message
    with pytest.raises(DomainError) as error:
        reporting.create_request(
            actor=w.chairman, from_unit=w.province, title="Báo cáo", fields=form(), kind="ad_hoc",
            ends_on=dt.date(2026, 11, 30), deadline=dt.date(2026, 11, 27), now=local(2026, 11, 23, 9),
        )  # fmt: skip
    assert error.value.field == "ends_on"


def test_only_a_leader_of_the_requesting_unit_asks_and_only_units_under_it():
    w = world()
    with pytest.raises(PermissionDeniedError):
        reporting.create_request(actor=w.commune_chairman, from_unit=w.province, title="X", fields=form(),
                                 frequency="month", due_day=20, now=local(2026, 11, 20, 9))  # fmt: skip
    with pytest.raises(DomainError) as error:
        reporting.create_request(actor=w.commune_chairman, from_unit=w.commune, title="X", fields=form(),
                                 recipients=[w.other_commune], frequency="month", due_day=20,
                                 now=local(2026, 11, 20, 9))  # fmt: skip
    assert "không phải đơn vị trực thuộc" in error.value.message
    with pytest.raises(DomainError) as error:
        reporting.create_request(actor=w.chairman, from_unit=w.province, title="X",
                                 fields=[FieldSpec("Mức độ", "choice", choices=("Có",))], frequency="month",
                                 due_day=20, now=local(2026, 11, 20, 9))  # fmt: skip
    assert "hai lựa chọn" in error.value.message
    assert not ReportRequest.objects.exists()
    request = reporting.create_request(actor=w.commune_chairman, from_unit=w.commune, title="Báo cáo văn hóa",
                                       fields=form(), frequency="month", due_day=20,
                                       now=local(2026, 11, 20, 9))  # fmt: skip
    assert [s.unit for s in ReportSubmission.objects.filter(cycle__request=request)] == [w.culture]
    assert AuditEvent.objects.filter(action="work.report_request.created").count() == 1


# --- filling and submitting ---------------------------------------------------------------------------------


def test_values_are_checked_by_type_and_a_wrong_one_writes_nothing():
    w = world()
    request = monthly(w)
    f = fields_of(request)
    sub = submission(request, w.commune)
    with pytest.raises(ReportValuesInvalid) as error:
        reporting.save_values(actor=w.commune_chairman, submission=sub, values={
            f["Kinh phí đã chi"].pk: "một triệu", f["Đánh giá chung"].pk: "Xuất sắc",
            f["Khó khăn, vướng mắc"].pk: "Thiếu cán bộ",
        })  # fmt: skip
    assert error.value.errors == {f["Kinh phí đã chi"].pk: "Nhập một số, ví dụ 1.234 hoặc 12,5.",
                                  f["Đánh giá chung"].pk: "Chọn một trong các lựa chọn đã cho."}  # fmt: skip
    assert not sub.values.filter(field=f["Khó khăn, vướng mắc"]).exists()
    fill(request, sub, w.commune_chairman)
    values = {v.field.label: v for v in sub.values.select_related("field")}
    assert values["Kinh phí đã chi"].number == Decimal("1250.50")
    assert values["Số hồ sơ tiếp nhận"].number == 12 and not values["Số hồ sơ tiếp nhận"].prefilled
    assert values["Đánh giá chung"].text == "Tốt"
    reporting.save_values(actor=w.commune_chairman, submission=sub, values={f["Kinh phí đã chi"].pk: "1.234"})
    assert sub.values.get(field=f["Kinh phí đã chi"]).number == 1234


def test_a_file_field_takes_a_pdf_checked_by_its_content():
    w = world()
    request = reporting.create_request(actor=w.chairman, from_unit=w.province, title="Báo cáo kèm tệp",
                                       fields=[FieldSpec("Báo cáo bằng văn bản", "file")], recipients=[w.commune],
                                       frequency="month", due_day=20, now=local(2026, 11, 20, 9))  # fmt: skip
    field = request.fields.get()
    sub = submission(request, w.commune)
    with pytest.raises(ReportValuesInvalid):
        reporting.save_values(actor=w.commune_chairman, submission=sub, values={},
                              files={field.pk: SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf")})  # fmt: skip
    reporting.save_values(actor=w.commune_chairman, submission=sub, values={},
                          files={field.pk: SimpleUploadedFile("bao-cao.pdf", PDF_BYTES)})  # fmt: skip
    value = sub.values.get()
    assert value.file_name == "bao-cao.pdf" and value.content_type == "application/pdf"
    assert value.file.name.startswith("work/reports/") and value.file.name.endswith(".pdf")


def test_submitting_needs_the_required_fields_and_judges_timeliness_at_the_first_sending():
    w = world()
    request = monthly(w)
    sub = submission(request, w.commune)
    with pytest.raises(ReportValuesInvalid) as error:
        reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 18, 9))
    assert set(error.value.errors) == {fields_of(request)[label].pk for label in ("Kinh phí đã chi", "Đánh giá chung")}
    fill(request, sub, w.commune_chairman)
    # Due Monday 21/12/2026 17:00: sent 17:30 that day is late.
    sub = reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 21, 17, 30))
    assert (sub.status, sub.outcome, sub.submitted_by) == ("submitted", "late", w.commune_chairman)
    with pytest.raises(ConflictError):
        fill(request, sub, w.commune_chairman)
    sub = reporting.return_report(actor=w.chairman, submission=sub, note="Số kinh phí chưa khớp",
                                  now=local(2026, 12, 22, 9))  # fmt: skip
    assert (sub.status, sub.returned_note) == ("returned", "Số kinh phí chưa khớp")
    fill(request, sub, w.commune_chairman)  # unchanged: nothing written, no event
    reporting.save_values(actor=w.commune_chairman, submission=sub,
                          values={fields_of(request)["Kinh phí đã chi"].pk: "1.300"})  # fmt: skip
    sub = reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 22, 10))
    assert (sub.status, sub.outcome) == ("submitted", "late")  # the first sending counts
    sub = reporting.accept_report(actor=w.chairman, submission=sub, now=local(2026, 12, 22, 11))
    assert (sub.status, sub.decided_by) == ("accepted", w.chairman)
    actions = list(AuditEvent.objects.filter(object_id=str(sub.pk), action__startswith="work.report.")
                   .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert actions == ["work.report.saved", "work.report.submitted", "work.report.returned", "work.report.saved",
                       "work.report.resubmitted", "work.report.accepted"]  # fmt: skip


@pytest.mark.parametrize(
    ("sent", "outcome"),
    [((2026, 12, 18, 16, 0), "early"), ((2026, 12, 21, 9, 0), "on_time"), ((2026, 12, 21, 17, 0), "on_time"),
     ((2026, 12, 21, 17, 1), "late")],
)  # fmt: skip
def test_timeliness_against_the_end_of_office_hours_of_the_due_day(sent, outcome):
    w = world()
    request = monthly(w)
    sub = fill(request, submission(request, w.commune), w.commune_chairman)
    assert reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(*sent)).outcome == outcome


def test_only_the_unit_fills_its_report_and_only_the_requester_returns_or_accepts_it():
    w = world()
    request = monthly(w)
    sub = submission(request, w.commune)
    for stranger in (w.other_chairman, w.other_officer, w.culture_officer, w.justice_head, w.chairman):
        with pytest.raises(PermissionDeniedError):
            fill(request, sub, stranger)
    fill(request, sub, w.commune_chairman)
    reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 18, 9))
    for not_requester in (w.commune_chairman, w.other_chairman):
        with pytest.raises(PermissionDeniedError):
            reporting.accept_report(actor=not_requester, submission=sub)
    with pytest.raises(DomainError):
        reporting.return_report(actor=w.chairman, submission=sub, note="  ")


# --- pre-fill -----------------------------------------------------------------------------------------------


def dossiers_received(unit: Unit, day: dt.date, count: int) -> None:
    procedure = Procedure.objects.first() or Procedure.objects.create(
        code="1.000001", name="Đăng ký khai sinh", field=Field.objects.create(name="Hộ tịch"),
        level=Unit.Level.COMMUNE, time_limit=1, time_unit="working_days", online_level="none",
    )  # fmt: skip
    DossierDay.objects.create(unit=unit, procedure=procedure, day=day, received=count)


def finished_task(w, unit, completed: dt.datetime, outcome: str) -> None:
    task = assign_task(actor=w.chairman, unit=unit, title="Rà soát", working_days=3, now=local(2026, 11, 2, 9))
    Task.objects.filter(pk=task.pk).update(completed_at=completed, outcome=outcome, status=Task.Status.ACCEPTED)


def test_numbers_the_system_knows_are_pre_filled_for_the_cycles_period_and_marked():
    w = world()
    # December 2026 figures: 15/11–14/12, the commune with its division.
    dossiers_received(w.commune, dt.date(2026, 11, 15), 3)
    dossiers_received(w.culture, dt.date(2026, 12, 14), 2)
    dossiers_received(w.commune, dt.date(2026, 11, 14), 40)  # the November period
    dossiers_received(w.commune, dt.date(2026, 12, 15), 50)  # the January period
    dossiers_received(w.other_commune, dt.date(2026, 12, 1), 9)
    finished_task(w, w.commune, local(2026, 11, 20, 10), "on_time")
    finished_task(w, w.culture, local(2026, 12, 14, 16), "early")
    finished_task(w, w.commune, local(2026, 12, 1, 10), "late")
    finished_task(w, w.commune, local(2026, 12, 15, 10), "late")  # after the period
    request = reporting.create_request(
        actor=w.chairman, from_unit=w.province, title="Báo cáo số liệu", recipients=[w.commune, w.other_commune],
        fields=[FieldSpec("Hồ sơ tiếp nhận", "number", prefill=Metric.DOSSIERS_RECEIVED),
                FieldSpec("Tỷ lệ nhiệm vụ đúng hạn", "number", measure="%", prefill=Metric.TASKS_ON_TIME_RATE),
                FieldSpec("Ghi chú", "text", required=False)],
        frequency="month", due_day=20, starts_on=dt.date(2026, 11, 15), now=local(2026, 11, 20, 9),
    )  # fmt: skip
    f = fields_of(request)
    sub = submission(request, w.commune)
    values = {v.field_id: v for v in sub.values.all()}
    assert values[f["Hồ sơ tiếp nhận"].pk].number == 5 and values[f["Hồ sơ tiếp nhận"].pk].prefilled
    # Two of three tasks done in the period were not late: 66.67 %.
    assert values[f["Tỷ lệ nhiệm vụ đúng hạn"].pk].number == Decimal("66.67")
    assert values[f["Tỷ lệ nhiệm vụ đúng hạn"].pk].prefilled
    other = {v.field_id: v.number for v in submission(request, w.other_commune).values.all()}
    assert other == {f["Hồ sơ tiếp nhận"].pk: 9}  # no task done: no rate
    # The unit corrects a figure: it is its own now, and a refresh keeps it.
    reporting.save_values(actor=w.commune_chairman, submission=sub, values={f["Hồ sơ tiếp nhận"].pk: "6"})
    dossiers_received(w.commune, dt.date(2026, 12, 2), 4)
    finished_task(w, w.commune, local(2026, 12, 2, 10), "late")
    assert reporting.refresh_prefilled(actor=w.commune_chairman, submission=sub) == ["Tỷ lệ nhiệm vụ đúng hạn"]
    values = {v.field_id: v for v in sub.values.all()}
    assert (values[f["Hồ sơ tiếp nhận"].pk].number, values[f["Hồ sơ tiếp nhận"].pk].prefilled) == (6, False)
    assert values[f["Tỷ lệ nhiệm vụ đúng hạn"].pk].number == Decimal("50.00")  # 2 of 4


# --- reminders ----------------------------------------------------------------------------------------------


def with_email(*users) -> None:
    for user in users:
        user.email = f"{user.username}@thu.gov.vn"
        user.save(update_fields=["email"])


def mails_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user.email).order_by("pk"))


def test_a_reminder_goes_once_a_working_day_before_to_units_that_have_not_sent():
    w = world()
    with_email(w.commune_chairman, w.other_chairman, w.other_officer, w.chairman)
    request = monthly(w)
    sub = fill(request, submission(request, w.commune), w.commune_chairman)
    # Due Monday 21/12/2026: the working day before is Friday 18/12.
    assert reporting.send_due_reminders(now=local(2026, 12, 17, 16, 0)) == 0
    reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 17, 16, 30))
    assert reporting.send_due_reminders(now=local(2026, 12, 18, 7, 0)) == 1
    assert reporting.send_due_reminders(now=local(2026, 12, 18, 13, 0)) == 0
    assert reporting.send_due_reminders(now=local(2026, 12, 21, 7, 0)) == 0
    assert mails_to(w.commune_chairman) == []
    assert len(mails_to(w.other_chairman)) == 1 and len(mails_to(w.other_officer)) == 1
    assert "21/12/2026" in mails_to(w.other_chairman)[0].body


def test_once_late_the_unit_and_a_summary_to_the_requester_are_told_once():
    w = world()
    with_email(w.commune_chairman, w.other_chairman, w.chairman)
    request = monthly(w)
    assert reporting.send_late_notices(now=local(2026, 12, 21, 17, 0)) == 0
    assert reporting.send_late_notices(now=local(2026, 12, 21, 17, 15)) == 2
    assert reporting.send_late_notices(now=local(2026, 12, 21, 18, 15)) == 0
    assert len(mails_to(w.other_chairman)) == 1 and len(mails_to(w.commune_chairman)) == 1
    summary = mails_to(w.chairman)
    assert len(summary) == 1 and "xã An Phú" in summary[0].body and "xã Bình Minh" in summary[0].body
    assert ReportSubmission.objects.filter(cycle__request=request, late_notice_sent_at__isnull=False).count() == 2


def test_the_requester_reminds_now_every_unit_not_sent():
    w = world()
    with_email(w.commune_chairman, w.other_chairman)
    request = monthly(w)
    cycle = request.cycles.get()
    sub = fill(request, submission(request, w.commune), w.commune_chairman)
    reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 1, 9))
    with pytest.raises(PermissionDeniedError):
        reporting.remind_now(actor=w.commune_chairman, cycle=cycle)
    assert reporting.remind_now(actor=w.chairman, cycle=cycle, now=local(2026, 12, 2, 9)) == 1
    assert len(mails_to(w.other_chairman)) == 1 and mails_to(w.commune_chairman) == []


def test_a_start_too_far_back_or_ahead_is_refused():
    w = world()
    for starts_on in (dt.date(2025, 11, 1), dt.date(2029, 1, 1)):
        with pytest.raises(DomainError) as error:
            monthly(w, starts_on=starts_on)
        assert error.value.field == "starts_on"


def test_a_request_made_late_in_the_year_does_not_ask_for_the_months_already_due():
    w = world()
    request = monthly(w, starts_on=dt.date(2026, 1, 1), now=local(2026, 11, 23, 9))
    # November's cycle (15/10–14/11) was due Friday 20/11, before the request: only December's is opened.
    assert [c[0] for c in cycles_of(request)] == ["Tháng 12/2026"]


def test_the_jobs_open_cycles_remind_and_tell_late_once():
    from apps.work import tasks

    w = world()
    with_email(w.commune_chairman, w.chairman)
    request = monthly(w, recipients=None)
    with time_machine.travel(local(2026, 12, 15, 0, 5), tick=False):
        assert tasks.open_report_cycles.call_local() == 1
        assert tasks.open_report_cycles.call_local() == 0
    with time_machine.travel(local(2026, 12, 18, 7, 0), tick=False):
        assert tasks.remind_reports.call_local() == 4
        assert tasks.remind_reports.call_local() == 0
    with time_machine.travel(local(2026, 12, 21, 18, 15), tick=False):
        assert tasks.report_late_notices.call_local() == 4
        assert tasks.report_late_notices.call_local() == 0
    assert ReportCycle.objects.filter(request=request).count() == 2
    assert len(mails_to(w.chairman)) == 1 and len(mails_to(w.commune_chairman)) == 2


def test_once_the_period_closes_the_drafts_figures_are_read_again_and_typed_numbers_kept():
    w = world()
    request = monthly(w)  # opened 20/11/2026, in the middle of the figures period 15/11–14/12
    f = fields_of(request)
    mine, theirs = submission(request, w.commune), submission(request, w.other_commune)
    assert mine.values.get(field=f["Số hồ sơ tiếp nhận"]).number == 0
    dossiers_received(w.commune, dt.date(2026, 12, 10), 8)
    dossiers_received(w.other_commune, dt.date(2026, 12, 14), 6)
    reporting.save_values(actor=w.other_chairman, submission=theirs, values={f["Số hồ sơ tiếp nhận"].pk: "7"})
    assert reporting.refresh_closed_periods(now=local(2026, 12, 14, 23, 0)) == 0  # the period has not closed
    assert reporting.refresh_closed_periods(now=local(2026, 12, 15, 0, 35)) == 2
    assert (mine.values.get(field=f["Số hồ sơ tiếp nhận"]).number, theirs.values.get(
        field=f["Số hồ sơ tiếp nhận"]).number) == (8, 7)  # fmt: skip
    assert mine.values.get(field=f["Số hồ sơ tiếp nhận"]).prefilled
    assert reporting.refresh_closed_periods(now=local(2026, 12, 21, 17, 30)) == 0  # past due


def test_a_closed_request_opens_no_more_cycles():
    w = world()
    request = monthly(w)
    with pytest.raises(PermissionDeniedError):
        reporting.close_request(actor=w.commune_chairman, request=request)
    request = reporting.close_request(actor=w.chairman, request=request)
    assert reporting.open_due_cycles(request, now=local(2027, 3, 1, 0, 5)) == []
    assert reporting.open_all_due_cycles(now=local(2027, 3, 1, 0, 5)) == 0
    with pytest.raises(ConflictError):
        reporting.close_request(actor=w.chairman, request=request)
    assert AuditEvent.objects.filter(action="work.report_request.closed").count() == 1
