import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.dossiers import services
from apps.dossiers.models import Dossier, Outcome
from apps.dossiers.tests.factories import APPLICANT, world

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
S = Dossier.Status


def at(day: str, hhmm: str = "08:00") -> dt.datetime:
    return dt.datetime.strptime(f"{day} {hhmm}", "%d/%m/%Y %H:%M").replace(tzinfo=TZ)


@pytest.fixture
def w():
    return world()


def walk_in(w, moment: dt.datetime) -> Dossier:
    return services.dossier_receive_walk_in(
        actor=w.clerk,
        desk=w.desk,
        procedure=w.procedure,
        applicant=APPLICANT,
        provided_paper_ids=w.paper_ids(),
        now=moment,
    )


def test_walk_in_receipt_gives_code_appointment_book_entry_and_first_step(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    assert re.fullmatch(r"H98\.01-261125-\d{4}", dossier.code)
    assert dossier.code.endswith("-0001") and dossier.status == S.RECEIVED
    # 3 working days counted from 13:30: Wed PM, Thu, Fri, Mon AM → Monday 30/11 11:30.
    assert dossier.appointment_at == at("30/11/2026", "11:30") == dossier.original_appointment_at
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
    # From 13:30 Friday: Fri PM, then Tết 16–20/02 and the weekend, then Mon 23 – Wed 25 AM.
    assert dossier.appointment_at == at("25/02/2026", "11:30")
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
    assert dossier.appointment_at == at("02/12/2026", "11:30")
    assert dossier.original_appointment_at == at("30/11/2026", "11:30")
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

ACTIONS = {
    "receive": lambda d: services.dossier_receive(actor=None, dossier=d),
    "request_completion": lambda d: services.dossier_request_completion(actor=None, dossier=d, items="x", reason="y"),
    "resubmit": lambda d: services.dossier_resubmit(dossier=d),
    "refuse": lambda d: services.dossier_refuse(actor=None, dossier=d, reason="y"),
    "forward": lambda d: services.dossier_forward(actor=None, dossier=d),
    "request_supplement": lambda d: services.dossier_request_supplement(actor=None, dossier=d, items="x", reason="y"),
    "supplement_received": lambda d: services.dossier_supplement_received(actor=None, dossier=d),
    "return_result": lambda d: services.dossier_return(actor=None, dossier=d),
    "withdraw": lambda d: services.dossier_withdraw(actor=None, dossier=d, reason="y"),
}
FORBIDDEN = [
    (status, action)
    for status in S.values
    for action, (sources, _target) in services.TRANSITIONS.items()
    if status not in sources
]


def test_every_action_has_a_caller():
    assert set(ACTIONS) == set(services.TRANSITIONS)


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_forbidden_moves_are_refused(w, status, action):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    dossier.refresh_from_db()
    with pytest.raises(ConflictError, match="Không thể"):
        ACTIONS[action](dossier)
    dossier.refresh_from_db()
    assert dossier.status == status


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
