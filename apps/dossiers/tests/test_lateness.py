import pytest

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import Notification
from apps.dossiers import lateness, services
from apps.dossiers.links import code_from_rating_token, rating_token
from apps.dossiers.models import Apology, Dossier, Rating
from apps.dossiers.tests.factories import world
from apps.dossiers.tests.test_services import at, walk_in
from apps.org.models import Role
from apps.org.tests.factories import staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


@pytest.fixture
def late_at_culture(w):
    """Received Wed 25/11 09:00 (appointment Mon 30/11 11:30); the division still holds it on Friday afternoon."""
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    return dossier


def test_on_track_dossier_needs_no_apology(w, late_at_culture):
    assert lateness.sweep_late_dossiers(now=at("26/11/2026", "09:00")) == 0


def test_sweep_drafts_one_apology_for_the_unit_holding_the_dossier(w, late_at_culture):
    # The handle step was due Thu 26/11 17:00. On Friday afternoon the approval could still fit on Monday morning;
    # on Monday at 09:00 it cannot (half a day from the next session ends at 17:00, after the 11:30 appointment).
    assert lateness.sweep_late_dossiers(now=at("27/11/2026", "14:00")) == 0
    assert lateness.sweep_late_dossiers(now=at("30/11/2026", "09:00")) == 1
    apology = Apology.objects.get()
    assert apology.unit == w.culture and apology.status == Apology.Status.DRAFT
    assert "quá hạn" in apology.reason
    assert apology.proposed_appointment_at > apology.original_appointment_at
    assert lateness.sweep_late_dossiers(now=at("30/11/2026", "10:00")) == 0  # idempotent


def test_at_risk_is_found_at_least_a_working_day_ahead(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))  # appointment Mon 30/11 11:30
    # Still at the desk on Friday morning: 1.5 + 0.5 days of work cannot fit before Monday 11:30.
    assert lateness.needs_apology(Dossier.objects.get(pk=dossier.pk), at("27/11/2026", "08:00"))


def test_head_signs_then_the_citizen_is_told_and_the_date_moves_once(
    w, late_at_culture, django_capture_on_commit_callbacks
):
    head = staff_in(w.culture, Role.UNIT_LEADER, is_head=True, username="truongphong")
    apology = lateness.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "14:00"))
    with pytest.raises(PermissionDeniedError, match="người đứng đầu Phòng Văn hóa"):
        lateness.apology_approve(actor=w.officer, apology=apology, now=at("27/11/2026", "15:00"))
    with django_capture_on_commit_callbacks(execute=True):
        lateness.apology_approve(
            actor=head, apology=apology, new_appointment_at=at("02/12/2026", "17:00"), now=at("27/11/2026", "15:00")
        )
    dossier = Dossier.objects.get(pk=late_at_culture.pk)
    assert dossier.appointment_at == at("02/12/2026", "17:00") and dossier.rescheduled
    assert dossier.original_appointment_at == at("30/11/2026", "11:30")
    apology.refresh_from_db()
    assert apology.number == "01/PXL-VHXH" and apology.approved_by == head
    sms = Notification.objects.get(channel="sms")
    assert sms.status == Notification.Status.SENT and "17:00 ngày 02/12/2026" in sms.body
    assert Notification.objects.get(channel="email").status == Notification.Status.SENT
    with pytest.raises(ConflictError, match=r"một lần"):
        lateness.apology_approve(actor=head, apology=apology, now=at("27/11/2026", "16:00"))


def test_a_second_reschedule_is_refused_with_a_clear_message(w, late_at_culture):
    apology = lateness.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "14:00"))
    lateness.apology_approve(actor=_superuser(), apology=apology, now=at("27/11/2026", "15:00"))
    Apology.objects.filter(pk=apology.pk).delete()  # even if the first slip were gone, the dossier remembers
    with pytest.raises(ConflictError, match="đã được hẹn lại một lần; không được hẹn lại lần nữa"):
        lateness.apology_draft(dossier=late_at_culture, now=at("02/12/2026", "08:00"))


def test_new_date_must_be_later(w, late_at_culture):
    apology = lateness.apology_draft(dossier=late_at_culture, now=at("27/11/2026", "14:00"))
    with pytest.raises(DomainError, match="sau ngày hẹn cũ"):
        lateness.apology_approve(
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
    sms = Notification.objects.get(channel="sms")
    token = sms.body.rsplit("/danh-gia/", 1)[1].strip("/")
    assert code_from_rating_token(token) == dossier.code
    lateness.rating_submit(dossier=dossier, overall="very_satisfied", politeness="satisfied", timeliness="satisfied")
    with pytest.raises(ConflictError, match="chỉ đánh giá một lần"):
        lateness.rating_submit(dossier=dossier, overall="satisfied", politeness="satisfied", timeliness="satisfied")
    assert Rating.objects.count() == 1


def test_rating_before_return_or_with_a_forged_link_is_refused(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    with pytest.raises(ConflictError, match="sau khi đã nhận kết quả"):
        lateness.rating_submit(dossier=dossier, overall="satisfied", politeness="satisfied", timeliness="satisfied")
    with pytest.raises(PermissionDeniedError):
        code_from_rating_token(rating_token(dossier.code)[:-2] + "xx")
