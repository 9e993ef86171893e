import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.core.actors import SYSTEM
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.dossiers import services
from apps.dossiers.models import Dossier, Outcome
from apps.dossiers.tests.factories import APPLICANT, world
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
S = Dossier.Status


@pytest.fixture
def w():
    return world()


def test_walk_in_receipt_gives_code_appointment_book_entry_and_first_step(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    assert re.fullmatch(r"H98\.01-261125-\d{4}", dossier.code)
    assert dossier.code.endswith("-0001") and dossier.status == S.RECEIVED
    # 3 working days counted from 13:30: Wed PM, Thu, Fri, Mon AM → Monday 30/11 11:30.
    assert dossier.appointment_at == at("30/11/2026", "17:00") == dossier.original_appointment_at == dossier.due_at
    assert (dossier.book_volume, dossier.book_entry) == (2026, 1)
    step = dossier.current_step
    assert (step.order, step.kind, step.unit, step.due_at) == (1, "receive", w.desk, at("25/11/2026", "17:00"))
    assert AuditEvent.objects.filter(action="dossiers.receive", object_id=str(dossier.pk)).exists()


def test_codes_follow_a_daily_sequence_per_agency(w):
    first, second = walk_in(w, at("25/11/2026", "09:00")), walk_in(w, at("25/11/2026", "10:00"))
    next_day = walk_in(w, at("26/11/2026", "08:00"))
    assert [first.code[-4:], second.code[-4:], next_day.code] == ["0001", "0002", "H98.01-261126-0001"]
    assert next_day.book_entry == 3  # the tracking book runs through the year


def test_missing_required_paper_refuses_receipt_and_keeps_nothing(w):
    with pytest.raises(DomainError, match="còn thiếu: Tờ khai") as error:
        services.dossier_receive_walk_in(
            actor=w.clerk,
            desk=w.desk,
            procedure=w.procedure,
            applicant=APPLICANT,
            provided_paper_ids=[],
            now=at("25/11/2026", "09:00"),
        )
    assert error.value.field == "papers"
    assert Dossier.objects.count() == 0
    assert walk_in(w, at("25/11/2026", "09:30")).code.endswith("-0001")  # no number was lost


@pytest.mark.parametrize(("field", "value", "message"), [
    ("applicant_id_number", "12345", "12 chữ số"),
    ("applicant_phone", "12345", "Số điện thoại"),
    ("applicant_email", "khong-hop-le", "thư điện tử"),
    ("applicant_name", " ", "họ tên"),
])  # fmt: skip
def test_applicant_is_validated_with_clear_messages(w, field, value, message):
    with pytest.raises(DomainError, match=message) as error:
        services.dossier_submit_online(
            procedure=w.procedure, filing_unit=w.commune, applicant={**APPLICANT, field: value}
        )
    assert error.value.field == field


def test_applicant_text_is_stored_nfc():
    import unicodedata

    from apps.dossiers.validation import clean_applicant

    cleaned = clean_applicant({**APPLICANT, "applicant_name": unicodedata.normalize("NFD", "  Nguyễn  Thị Lan ")})
    assert cleaned["applicant_name"] == "Nguyễn Thị Lan"


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def _travel(moment):
    return time_machine.travel(moment, tick=False)


def test_whole_journey_across_tet_with_step_outcomes(w):
    with _travel(at("13/02/2026", "09:00")):  # Friday before Tết
        dossier = services.dossier_submit_online(procedure=w.procedure, filing_unit=w.commune, applicant=APPLICANT)
        assert dossier.status == S.SUBMITTED and dossier.appointment_at is None
        services.dossier_receive(actor=w.clerk, dossier=dossier, provided_paper_ids=w.paper_ids())
    dossier.refresh_from_db()
    # The day of receipt is not counted (Civil Code art. 147–148); Tết 16–20/02 and the weekends are not working
    # days: Mon 23, Tue 24, Wed 25 — due at the end of office hours on Wednesday.
    assert dossier.appointment_at == at("25/02/2026", "17:00")
    with _travel(at("13/02/2026", "16:00")):
        services.dossier_forward(actor=w.clerk, dossier=dossier, note="Đủ hồ sơ")
    with _travel(at("24/02/2026", "10:00")):
        services.dossier_forward(actor=w.officer, dossier=dossier, note="Đủ điều kiện")
    with _travel(at("24/02/2026", "15:00")):
        services.dossier_forward(actor=w.chairman, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == S.READY and dossier.outcome == Outcome.EARLY
    with _travel(at("25/02/2026", "08:00")):
        services.dossier_return(actor=w.clerk, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == S.RETURNED and dossier.current_step is None
    steps = list(dossier.steps.order_by("order"))
    assert [(s.kind, s.unit, s.outcome) for s in steps] == [
        ("receive", w.desk, Outcome.ON_TIME),  # due Friday 17:00, handed over 16:00
        ("handle", w.culture, Outcome.ON_TIME),  # 1.5 days from Mon 23 07:30: due Tue 24/02 11:30, done 10:00
        ("approve", w.commune, Outcome.ON_TIME),  # from 13:30, half a day: due 17:00, done 15:00
        ("return", w.desk, Outcome.ON_TIME),
    ]
    assert steps[1].due_at == at("24/02/2026", "11:30")


def test_volunteer_saturday_receipt_starts_the_clock_on_monday(w):
    from apps.calendar.services import override_set

    override_set(actor=None, unit=w.desk, date=dt.date(2026, 11, 28), kind="service_day", note="Thứ Bảy tình nguyện")
    with _travel(at("28/11/2026", "09:00")):
        dossier = walk_in(w, timezone_now())
    # The desk is open on the Saturday, but legal time counts from Monday 07:30: 3 days → Wednesday 17:00.
    assert dossier.appointment_at == at("02/12/2026", "17:00")
    assert dossier.current_step.due_at == at("30/11/2026", "11:30")


def test_receipt_is_refused_while_the_internal_process_is_broken(w):
    w.procedure.steps.filter(kind="approve").delete()
    with pytest.raises(DomainError, match="Tổng thời gian các bước"):
        walk_in(w, at("25/11/2026", "09:00"))


def test_late_step_and_late_dossier(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "08:00"))
    services.dossier_forward(actor=w.officer, dossier=dossier, now=at("01/12/2026", "09:00"))
    services.dossier_forward(actor=w.chairman, dossier=dossier, now=at("01/12/2026", "10:00"))
    dossier.refresh_from_db()
    assert [s.outcome for s in dossier.steps.order_by("order")][:3] == [Outcome.LATE, Outcome.LATE, Outcome.ON_TIME]
    assert dossier.status == S.READY and dossier.outcome == Outcome.LATE


def test_supplement_stops_both_clocks(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))  # appointment Monday 30/11 11:30
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "13:30"))
    dossier.refresh_from_db()
    step_due = dossier.current_step.due_at
    slip = services.dossier_request_supplement(
        actor=w.officer,
        dossier=dossier,
        items="Bản sao giấy ly hôn",
        reason="Thiếu giấy tờ chứng minh",
        now=at("26/11/2026", "07:30"),
    )
    assert slip.number == "01/PBS-VHXH"
    dossier.refresh_from_db()
    assert dossier.status == S.SUPPLEMENT_REQUESTED
    # The citizen answers on Monday at 07:30: the clock stood still Thursday and Friday (2 working days).
    services.dossier_supplement_received(actor=w.clerk, dossier=dossier, now=at("30/11/2026", "07:30"))
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROGRESS and dossier.paused_at is None
    assert dossier.appointment_at == at("02/12/2026", "17:00") == dossier.due_at
    assert dossier.original_appointment_at == at("30/11/2026", "17:00")
    assert dossier.current_step.due_at > step_due
    assert dossier.slips.get().answered_at == at("30/11/2026", "07:30")


def test_online_dossier_needs_completion_then_is_received(w):
    dossier = services.dossier_submit_online(procedure=w.procedure, filing_unit=w.commune, applicant=APPLICANT)
    slip = services.dossier_request_completion(
        actor=w.clerk, dossier=dossier, items="Tờ khai có chữ ký", reason="Tờ khai chưa ký"
    )
    assert slip.number == "01/PBS-BPMC"
    dossier.refresh_from_db()
    assert dossier.status == S.NEEDS_COMPLETION and dossier.received_at is None
    services.dossier_resubmit(dossier=dossier)
    services.dossier_receive(actor=w.clerk, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED


def test_refusal_is_numbered_and_closes(w):
    dossier = services.dossier_submit_online(procedure=w.procedure, filing_unit=w.commune, applicant=APPLICANT)
    slip = services.dossier_refuse(actor=w.clerk, dossier=dossier, reason="Không thuộc thẩm quyền của xã")
    dossier.refresh_from_db()
    assert slip.number == "01/PTC-BPMC" and dossier.status == S.REFUSED and dossier.closed_at


def test_fee_must_be_paid_before_return(w):
    w.procedure.fee_vnd = 8000
    w.procedure.save()
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    for actor in (w.clerk, w.officer, w.chairman):
        services.dossier_forward(actor=actor, dossier=dossier, now=at("25/11/2026", "15:00"))
    with pytest.raises(DomainError, match=r"chưa nộp phí, lệ phí 8\.000 đồng"):
        services.dossier_return(actor=w.clerk, dossier=dossier)
    services.dossier_record_payment(actor=w.clerk, dossier=dossier)
    assert services.dossier_return(actor=w.clerk, dossier=dossier).status == S.RETURNED


# --- the transition table ----------------------------------------------------------------------------------

INPUTS = {"items": "x", "reason": "y", "note": "", "papers": None, "delivery": None}
FORBIDDEN = [
    (status, name) for status in S.values for name, action in services.ACTIONS.items() if status not in action.sources
]


@pytest.mark.parametrize(("status", "name"), FORBIDDEN)
def test_forbidden_moves_are_refused(w, status, name):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    dossier.refresh_from_db()
    with pytest.raises(ConflictError, match="Không thể"):
        services.ACTIONS[name].run(SYSTEM, dossier, INPUTS)
    dossier.refresh_from_db()
    assert dossier.status == status


def test_allowed_actions_are_those_the_api_and_pages_accept(w):
    """One table: every action offered to staff is one the API's and the pages' URLs take, and only when the
    status and the actor allow it."""
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    offered = {action.name for action in services.allowed_actions(dossier, w.clerk)}
    assert offered <= set(services.STAFF_ACTIONS)
    assert "forward" in offered and "receive" not in offered  # received at the desk: the clerk does step 1
    assert services.allowed_actions(dossier, w.other_clerk) == []  # another commune's desk sees no button
    services.dossier_forward(actor=w.clerk, dossier=dossier)
    dossier.refresh_from_db()
    assert "forward" not in {action.name for action in services.allowed_actions(dossier, w.clerk)}


# --- access ------------------------------------------------------------------------------------------------


def test_another_communes_staff_cannot_act(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    with pytest.raises(PermissionDeniedError):
        services.dossier_forward(actor=w.other_clerk, dossier=dossier)
    services.dossier_forward(actor=w.clerk, dossier=dossier)
    with pytest.raises(PermissionDeniedError, match="ngoài phạm vi"):
        services.dossier_forward(actor=w.other_officer, dossier=dossier)
    with pytest.raises(PermissionDeniedError):
        services.dossier_receive_walk_in(
            actor=w.other_clerk,
            desk=w.desk,
            procedure=w.procedure,
            applicant=APPLICANT,
            provided_paper_ids=w.paper_ids(),
        )


def test_a_step_is_done_by_its_role_or_a_leader_above(w):
    from apps.org.models import Role
    from apps.org.tests.factories import staff_in

    commune_officer = staff_in(w.commune, Role.HANDLING_OFFICER)  # sees the whole commune, but is no leader
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier)
    with pytest.raises(PermissionDeniedError, match="ngoài phạm vi"):
        services.dossier_forward(actor=w.clerk, dossier=dossier)  # the desk cannot do the division's work
    services.dossier_forward(actor=w.chairman, dossier=dossier)  # the chairman leads the commune: allowed
    with pytest.raises(PermissionDeniedError, match="Lãnh đạo đơn vị"):
        services.dossier_forward(actor=commune_officer, dossier=dossier)
    services.dossier_forward(actor=w.chairman, dossier=dossier)


# --- refusals and supplements by the 2025 rules --------------------------------------------------------------


def test_a_refusal_during_processing_is_the_result_and_counts_as_resolved(w):
    from apps.dossiers.models import Slip
    from apps.stats.models import DossierDay

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    slip = services.dossier_refuse(
        actor=w.officer, dossier=dossier, reason="Người yêu cầu không đủ điều kiện.", now=at("26/11/2026", "09:00")
    )
    dossier.refresh_from_db()
    assert slip.kind == Slip.Kind.REFUSAL and slip.unit == w.culture  # the competent unit's reasoned notice
    assert dossier.status == S.READY and dossier.result_is_refusal and dossier.current_unit == w.desk
    assert dossier.outcome in (Outcome.EARLY, Outcome.ON_TIME)  # decided before the legal due time
    services.dossier_return(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "10:00"))
    day = DossierDay.objects.get(unit=w.commune, day=dt.date(2026, 11, 26))
    assert (day.returned, day.returned_on_time) == (1, 1)


def test_a_supplement_is_requested_once_and_a_second_needs_a_leader_and_a_reason(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    services.dossier_request_supplement(
        actor=w.officer, dossier=dossier, items="Bản sao CCCD", reason="Bản chụp mờ", now=at("25/11/2026", "11:00")
    )
    services.dossier_supplement_received(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "09:00"))
    with pytest.raises(PermissionDeniedError, match="lãnh đạo"):
        services.dossier_request_supplement(
            actor=w.officer, dossier=dossier, items="Giấy khai sinh", reason="Thiếu", now=at("26/11/2026", "10:00")
        )
    with pytest.raises(DomainError, match="ghi lý do"):
        services.dossier_request_supplement(
            actor=w.chairman, dossier=dossier, items="Giấy khai sinh", reason="Thiếu", now=at("26/11/2026", "10:00")
        )
    slip = services.dossier_request_supplement(
        actor=w.chairman, dossier=dossier, items="Giấy khai sinh", reason="Thiếu",
        further_reason="Luật Hộ tịch yêu cầu đối chiếu bản chính", now=at("26/11/2026", "10:00"),
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="dossiers.request_supplement").order_by("-seq").first()
    assert slip.number and event.changes["further_reason"] == "Luật Hộ tịch yêu cầu đối chiếu bản chính"


def test_no_supplement_request_after_the_legal_due_time(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    due = Dossier.objects.get(pk=dossier.pk).due_at
    with pytest.raises(ConflictError, match="quá hạn"):
        services.dossier_request_supplement(
            actor=w.officer, dossier=dossier, items="x", reason="y", now=due + dt.timedelta(minutes=1)
        )


def test_the_citizen_is_told_at_each_step_with_links_to_the_real_site(w, settings):
    from apps.core.models import Notification

    settings.SITE_URL = "https://dichvucong.tinh.example.vn"
    site = settings.SITE_URL

    def last_sms() -> str:
        return Notification.objects.filter(channel="sms").order_by("-pk").first().body

    dossier = services.dossier_submit_online(
        procedure=w.procedure, filing_unit=w.commune, applicant=APPLICANT, now=at("25/11/2026", "08:00")
    )
    assert dossier.code in last_sms() and f"{site}/tra-cuu/?ma={dossier.code}" in last_sms()
    services.dossier_request_completion(
        actor=w.clerk, dossier=dossier, items="Bản sao CCCD", reason="Thiếu", now=at("25/11/2026", "08:30")
    )
    assert "Bản sao CCCD" in last_sms() and f"{site}/bo-sung/?ma={dossier.code}" in last_sms()
    services.dossier_resubmit(dossier=dossier, now=at("25/11/2026", "08:45"))
    services.dossier_receive(
        actor=w.clerk, dossier=dossier, provided_paper_ids=w.paper_ids(), now=at("25/11/2026", "09:00")
    )
    assert "17:00 ngày 30/11/2026" in last_sms()  # the appointment
    for actor in (w.clerk, w.officer, w.chairman):
        services.dossier_forward(actor=actor, dossier=dossier, now=at("26/11/2026", "09:00"))
    assert "đã có kết quả" in last_sms()
    services.dossier_return(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "10:00"))
    assert f"{site}/danh-gia/" in last_sms()
    emails = Notification.objects.filter(channel="email")
    assert emails.count() == Notification.objects.filter(channel="sms").count() == 5  # and by e-mail each time


# --- receipt regardless of administrative boundary (Decree 118/2025) ------------------------------------------


def test_a_desk_receives_for_another_commune_which_handles_it_and_the_result_returns_where_chosen(w):
    from apps.org.models import Role
    from apps.org.tests.factories import staff_in

    other_chairman = staff_in(w.other_commune, Role.UNIT_LEADER, is_head=True, username="chutich.khac")
    dossier = services.dossier_receive_walk_in(
        actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=w.paper_ids(),
        competent_unit=w.other_commune, return_desk=w.other_desk, now=at("25/11/2026", "09:00"),
    )  # fmt: skip
    assert dossier.code.startswith("H98.02-") and dossier.filing_unit == w.other_commune  # the competent agency
    assert dossier.desk == w.desk and dossier.current_unit == w.desk  # received, and first step, here
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    dossier.refresh_from_db()
    assert dossier.current_unit.parent == w.other_commune  # handled by the competent commune's division
    with pytest.raises(PermissionDeniedError):
        services.dossier_forward(actor=w.officer, dossier=dossier, now=at("25/11/2026", "11:00"))  # not his commune
    services.dossier_forward(actor=w.other_officer, dossier=dossier, now=at("25/11/2026", "11:00"))
    services.dossier_forward(actor=other_chairman, dossier=dossier, now=at("25/11/2026", "14:00"))
    dossier.refresh_from_db()
    assert dossier.status == S.READY and dossier.current_unit == w.other_desk  # returned where the citizen chose
    services.dossier_return(actor=w.other_clerk, dossier=dossier, now=at("26/11/2026", "09:00"))


def test_receipt_for_a_unit_outside_the_province_is_refused(w):
    from apps.org.models import Unit
    from apps.org.tests.factories import UnitFactory

    elsewhere = UnitFactory(name="Ủy ban nhân dân tỉnh Khác", level=Unit.Level.PROVINCE, agency_code="H99")
    commune = UnitFactory(name="Ủy ban nhân dân xã Xa", parent=elsewhere, agency_code="H99.01")
    with pytest.raises(DomainError, match="không thuộc tỉnh"):
        services.dossier_receive_walk_in(
            actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT,
            provided_paper_ids=w.paper_ids(), competent_unit=commune,
        )  # fmt: skip
    assert not Dossier.objects.exists()
