import pytest

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import Notification
from apps.dossiers import services
from apps.dossiers.links import code_from_rating_token, rating_token
from apps.dossiers.models import Apology, Dossier, Rating
from apps.dossiers.tests.factories import world
from apps.org.models import Role
from apps.org.tests.factories import staff_in
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


@pytest.fixture
def late_at_culture(w):
    """Received Wed 25/11 09:00 (due Mon 30/11 17:00); the division still holds it on Friday afternoon."""
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    return dossier


def test_on_track_dossier_needs_no_apology(w, late_at_culture):
    assert services.sweep_late_dossiers(now=at("26/11/2026", "09:00")) == 0


def test_sweep_drafts_one_apology_for_the_unit_holding_the_dossier(w, late_at_culture):
    # Due Mon 30/11 17:00; the handle step was due Thu 26/11 17:00, then the approval needs half a day (a session).
    # On Friday morning, idle one more working day (to Mon 09:00), the approval still fits before Monday 17:00; on
    # Friday at 14:00, idle one more working day (to Mon 14:00), it no longer does: the draft is made then, with
    # more than a working day left (the old sweep waited until the last morning, hours before the due time).
    assert services.sweep_late_dossiers(now=at("26/11/2026", "14:00")) == 0
    assert services.sweep_late_dossiers(now=at("27/11/2026", "09:00")) == 0
    assert services.sweep_late_dossiers(now=at("27/11/2026", "14:00")) == 1
    apology = Apology.objects.get()
    assert apology.unit == w.culture and apology.status == Apology.Status.DRAFT
    assert apology.proposed_appointment_at > apology.original_appointment_at
    assert services.sweep_late_dossiers(now=at("27/11/2026", "15:00")) == 0  # idempotent


def test_at_risk_is_found_at_least_a_working_day_ahead(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))  # due Mon 30/11 17:00
    # Still at the desk on Friday morning: 1.5 + 0.5 days of work cannot fit before Monday 17:00.
    assert services.needs_apology(Dossier.objects.get(pk=dossier.pk), at("27/11/2026", "08:00"))


def test_head_signs_then_the_citizen_is_told_and_the_date_moves_once(
    w, late_at_culture, django_capture_on_commit_callbacks
):
    head = staff_in(w.culture, Role.UNIT_LEADER, is_head=True, username="truongphong")
    apology = services.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "14:00"))
    with pytest.raises(PermissionDeniedError, match="người đứng đầu Phòng Văn hóa"):
        services.apology_approve(actor=w.officer, apology=apology, now=at("27/11/2026", "15:00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.apology_approve(
            actor=head, apology=apology, new_appointment_at=at("02/12/2026", "17:00"), now=at("27/11/2026", "15:00")
        )
    dossier = Dossier.objects.get(pk=late_at_culture.pk)
    assert dossier.appointment_at == at("02/12/2026", "17:00") and dossier.rescheduled
    assert dossier.original_appointment_at == at("30/11/2026", "17:00")
    apology.refresh_from_db()
    assert apology.number == "01/PXL-VHXH" and apology.approved_by == head
    sms = Notification.objects.get(channel="sms", body__contains="xin lỗi")
    assert sms.status == Notification.Status.SENT and "17:00 ngày 02/12/2026" in sms.body
    assert Notification.objects.get(channel="email", body__contains="xin lỗi").status == Notification.Status.SENT
    with pytest.raises(ConflictError, match=r"một lần"):
        services.apology_approve(actor=head, apology=apology, now=at("27/11/2026", "16:00"))


def test_a_second_reschedule_is_refused_with_a_clear_message(w, late_at_culture):
    apology = services.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "14:00"))
    services.apology_approve(actor=_superuser(), apology=apology, now=at("27/11/2026", "15:00"))
    Apology.objects.filter(pk=apology.pk).delete()  # even if the first slip were gone, the dossier remembers
    with pytest.raises(ConflictError, match="đã được hẹn lại một lần; không được hẹn lại lần nữa"):
        services.apology_draft(dossier=late_at_culture, now=at("02/12/2026", "08:00"))


def test_new_date_must_be_later(w, late_at_culture):
    apology = services.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "14:00"))
    with pytest.raises(DomainError, match="sau ngày hẹn cũ"):
        services.apology_approve(
            actor=_superuser(),
            apology=apology,
            new_appointment_at=at("28/11/2026", "10:00"),
            now=at("27/11/2026", "15:00"),
        )


def _superuser():
    from apps.org.models import User

    return User.objects.create_superuser("sieuquantri", password="x")


def _returned(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    for actor in (w.clerk, w.officer, w.chairman):
        services.dossier_forward(actor=actor, dossier=dossier, now=at("25/11/2026", "15:00"))
    return services.dossier_return(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "08:00"))


def test_rating_once_after_return(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _returned(w)
    sms = Notification.objects.get(channel="sms", body__contains="/danh-gia/")
    token = sms.body.rsplit("/danh-gia/", 1)[1].strip("/")
    assert code_from_rating_token(token) == dossier.code
    services.rating_submit(dossier=dossier, overall="very_satisfied", politeness="satisfied", timeliness="satisfied")
    with pytest.raises(ConflictError, match="chỉ đánh giá một lần"):
        services.rating_submit(dossier=dossier, overall="satisfied", politeness="satisfied", timeliness="satisfied")
    assert Rating.objects.count() == 1


def test_rating_before_return_or_with_a_forged_link_is_refused(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    with pytest.raises(ConflictError, match="sau khi đã nhận kết quả"):
        services.rating_submit(dossier=dossier, overall="satisfied", politeness="satisfied", timeliness="satisfied")
    with pytest.raises(PermissionDeniedError):
        code_from_rating_token(rating_token(dossier.code)[:-2] + "xx")


# --- the legal record: the legal due time stays, whatever the apology promised ----------------------------------


def test_a_rescheduled_dossier_finished_after_its_legal_due_time_is_late_everywhere(w, late_at_culture):
    from apps.calendar.selectors import calendar_for_unit
    from apps.stats.models import DossierDay

    head = staff_in(w.culture, Role.UNIT_LEADER, is_head=True, username="truongphong")
    apology = services.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "14:00"))
    services.apology_approve(
        actor=head, apology=apology, new_appointment_at=at("07/12/2026", "17:00"), now=at("27/11/2026", "15:00")
    )
    dossier = Dossier.objects.get(pk=late_at_culture.pk)
    assert dossier.appointment_at == at("07/12/2026", "17:00")
    assert dossier.due_at == apology.original_appointment_at  # the apology moved the promise, not the law
    # Finished one working day after the legal due time: well before the new appointment, and still late.
    finish = calendar_for_unit(w.desk).add_working_days(dossier.due_at, 1)
    assert finish < dossier.appointment_at
    services.dossier_forward(actor=w.officer, dossier=dossier, now=finish)
    services.dossier_forward(actor=w.chairman, dossier=dossier, now=finish)
    services.dossier_return(actor=w.clerk, dossier=dossier, now=finish)
    dossier.refresh_from_db()
    assert dossier.outcome == "late"
    returned_day = DossierDay.objects.get(unit=w.commune, day=finish.astimezone(dossier.due_at.tzinfo).date())
    assert (returned_day.returned, returned_day.returned_on_time) == (1, 0)


def test_the_apology_is_drafted_at_least_a_working_day_before_the_legal_due_time(w):
    """The sweep runs every 30 minutes; a dossier left untouched at the handling division must get its draft while
    a full working day remains before the due time, so the head can sign it in time."""
    import datetime as dt

    from apps.calendar.selectors import calendar_for_unit

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    due = Dossier.objects.get(pk=dossier.pk).due_at
    moment = at("25/11/2026", "10:30")
    while not Apology.objects.exists() and moment < due:
        services.sweep_late_dossiers(now=moment)
        moment += dt.timedelta(minutes=30)
    apology = Apology.objects.get()
    assert calendar_for_unit(w.desk).working_days_between(apology.drafted_at, due) >= 1
    assert apology.drafted_at > at("25/11/2026", "10:30")  # not at once: the division had time to do its work


def test_heads_sign_several_apologies_at_once_and_a_late_signature_is_flagged(w, late_at_culture):
    head = staff_in(w.culture, Role.UNIT_LEADER, is_head=True, username="truongphong2")
    other = walk_in(w, at("25/11/2026", "09:30"))
    services.dossier_forward(actor=w.clerk, dossier=other, now=at("25/11/2026", "10:00"))
    first = services.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "09:00"))
    second = services.apology_draft(dossier=other, now=at("27/11/2026", "09:00"))
    after_due = Dossier.objects.get(pk=other.pk).due_at + __import__("datetime").timedelta(hours=1)
    signed, refused = services.apology_approve_many(actor=head, apologies=[first, second], now=after_due)
    assert (len(signed), refused) == (2, [])
    assert all(apology.signed_late() for apology in signed)  # signed after the due time they apologise for
    assert Dossier.objects.filter(rescheduled=True).count() == 2
    from apps.stats.selectors import Period, apology_figures

    assert apology_figures(w.province, Period("year", 2026)) == {"signed": 2, "signed_late": 2}  # in the figures
    signed_again, refused_again = services.apology_approve_many(actor=head, apologies=[first], now=after_due)
    assert signed_again == [] and "một lần" in refused_again[0]
