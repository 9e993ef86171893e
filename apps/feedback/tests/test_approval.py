"""Forwarding outside is not answering (status, queues and figures); an officer's answer waits for a leader's approval
where the unit asks for it (a per-unit setting, inherited down the tree); only a leader over the unit approves or
returns it; only the sender rates an answer."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent, Notification
from apps.feedback import selectors, services
from apps.feedback.models import Feedback, FeedbackSettings
from apps.feedback.tests.factories import feedback_world
from apps.feedback.tests.test_services import at, call
from apps.org.models import Role
from apps.org.tests.factories import staff_in
from apps.stats.models import FeedbackDay

pytestmark = pytest.mark.django_db
S = Feedback.Status
ANSWER = "Ông/Bà mang căn cước đến Bộ phận Một cửa xã để được cấp giấy xác nhận trong ngày."


@pytest.fixture
def fw():
    world = feedback_world()
    for user in (world.chairman, world.officer):
        user.email = f"{user.username}@anphu.example.vn"
        user.save(update_fields=["email"])
    return world


def counted(column: str) -> int:
    return sum(FeedbackDay.objects.values_list(column, flat=True))


def assigned(fw, when=None) -> Feedback:
    feedback = call(fw, when or at("27/11/2026", "09:00"))
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture, now=at("27/11/2026", "09:05"))
    feedback.refresh_from_db()
    return feedback


def needing_approval(fw) -> None:
    services.feedback_settings_set(actor=fw.chairman, unit=fw.commune, answer_needs_approval=True)


def actions_of(feedback: Feedback) -> list[str]:
    events = AuditEvent.objects.filter(object_id=str(feedback.pk), action__startswith="feedback.")
    events = events.exclude(action="feedback.settings").order_by("pk")  # another object with the same id
    return list(events.values_list("action", flat=True))


# --- forwarding outside is not answering ------------------------------------------------------------------


def test_forwarding_outside_is_neither_answered_nor_answered_on_time(fw):
    forwarded = call(fw, at("27/11/2026", "09:00"))
    services.feedback_forward(actor=fw.operator, feedback=forwarded, to="Công an tỉnh", now=at("27/11/2026", "10:00"))
    ours = assigned(fw)
    services.feedback_answer(actor=fw.officer, feedback=ours, answer=ANSWER, now=at("30/11/2026", "09:00"))
    forwarded.refresh_from_db()
    assert forwarded.status == S.FORWARDED and forwarded.answered_at is None and forwarded.answered_on_time is None
    # The rule: answered = items whose answer reached the citizen; one of the two was answered, on time.
    assert counted("feedback_received") == 2
    assert counted("feedback_answered") == 1 and counted("feedback_on_time") == 1
    services.feedback_close(actor=fw.operator, feedback=forwarded, now=at("27/11/2026", "11:00"))
    assert counted("feedback_answered") == 1  # closing a forwarded item does not make it answered either
    answered = selectors.feedback_queue(fw.operator, scope="answered")
    assert list(answered) == [ours]
    assert list(selectors.feedback_queue(fw.operator, scope="forwarded")) == [Feedback.objects.get(pk=forwarded.pk)]


def test_a_forwarded_item_cannot_be_rated_nor_reopened_as_if_answered(fw):
    feedback = call(fw, at("27/11/2026", "09:00"))
    services.feedback_forward(actor=fw.operator, feedback=feedback, to="Sở Y tế", now=at("27/11/2026", "10:00"))
    services.feedback_close(actor=fw.operator, feedback=feedback, now=at("27/11/2026", "11:00"))
    with pytest.raises(ConflictError):
        services.feedback_rate(feedback=feedback, level="satisfied", phone="0987654321")
    with pytest.raises(ConflictError):
        services.feedback_reopen(feedback=feedback, phone="0987654321", reason="Tôi chưa nhận được trả lời nào.")
    assert counted("feedback_ratings") == 0


# --- approval of answers ----------------------------------------------------------------------------------


def test_an_officers_answer_waits_for_the_leader_then_goes_out_when_approved(fw):
    needing_approval(fw)
    feedback = assigned(fw)
    sms_before = Notification.objects.filter(channel="sms").count()
    services.feedback_answer(
        actor=fw.officer, feedback=feedback, answer=ANSWER, publish=True, now=at("30/11/2026", "09:00")
    )
    feedback.refresh_from_db()
    assert feedback.status == S.APPROVAL and feedback.answered_at is None and not feedback.is_public
    assert feedback.drafted_by == fw.officer and feedback.is_open  # still pending: the deadline runs on
    assert Notification.objects.filter(channel="sms").count() == sms_before  # the citizen is not told yet
    assert counted("feedback_answered") == 0
    assert services.allowed_actions(fw.chairman, feedback) == ["approve", "return"]
    assert "approve" not in services.allowed_actions(fw.officer, feedback)
    assert feedback in selectors.feedback_queue(fw.chairman, scope="approval")

    services.feedback_approve(actor=fw.chairman, feedback=feedback, now=at("01/12/2026", "10:00"))
    feedback.refresh_from_db()
    assert feedback.status == S.ANSWERED and feedback.answered_at == at("01/12/2026", "10:00")
    assert feedback.answered_by == fw.officer and feedback.approved_by == fw.chairman
    assert feedback.answered_on_time is True and feedback.is_public  # the officer asked to publish
    sms = Notification.objects.filter(channel="sms").order_by("pk").last()
    assert feedback.code in sms.body and feedback.rating_token in sms.body
    assert counted("feedback_answered") == 1 and counted("feedback_on_time") == 1
    assert actions_of(feedback) == ["feedback.submit", "feedback.assign", "feedback.answer_submit",
                                    "feedback.approve"]  # fmt: skip


def test_an_answer_approved_after_the_deadline_is_late_even_if_written_in_time(fw):
    needing_approval(fw)
    feedback = assigned(fw)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer=ANSWER, now=feedback.due_at - dt.timedelta(
        hours=2))  # fmt: skip
    services.feedback_approve(actor=fw.chairman, feedback=feedback, now=feedback.due_at + dt.timedelta(days=1))
    feedback.refresh_from_db()
    assert feedback.answered_on_time is False  # the citizen got it after the deadline
    assert counted("feedback_answered") == 1 and counted("feedback_on_time") == 0


def test_a_late_waiting_answer_is_escalated_to_the_leader(fw):
    needing_approval(fw)
    feedback = assigned(fw)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer=ANSWER, now=at("30/11/2026", "09:00"))
    counts = services.remind_and_escalate(now=Feedback.objects.get(pk=feedback.pk).due_at + dt.timedelta(hours=1))
    assert counts["escalated"] == 1
    assert Notification.objects.filter(recipient=fw.chairman.email, body__contains="quá hạn").exists()


def test_the_leader_returns_the_answer_with_a_comment_and_the_officer_resubmits(fw):
    needing_approval(fw)
    feedback = assigned(fw)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer=ANSWER, now=at("30/11/2026", "09:00"))
    with pytest.raises(DomainError) as error:
        services.feedback_return(actor=fw.chairman, feedback=feedback, comment="  ")
    assert error.value.field == "comment"
    services.feedback_return(actor=fw.chairman, feedback=feedback, comment="Ghi rõ căn cứ pháp lý.")
    feedback.refresh_from_db()
    assert feedback.status == S.ASSIGNED and feedback.answer == ANSWER and feedback.answered_at is None
    assert feedback.return_comment == "Ghi rõ căn cứ pháp lý."
    assert Notification.objects.filter(recipient=fw.officer.email, body__contains="Ghi rõ căn cứ pháp lý.").exists()
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer=ANSWER + " Căn cứ Nghị định 123/2015.")
    assert Feedback.objects.get(pk=feedback.pk).status == S.APPROVAL
    assert actions_of(feedback)[-3:] == ["feedback.answer_submit", "feedback.return", "feedback.answer_submit"]


def test_only_a_leader_over_the_unit_approves_or_returns(fw):
    needing_approval(fw)
    feedback = assigned(fw)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer=ANSWER)
    feedback.refresh_from_db()
    other_leader = staff_in(fw.other_commune, Role.UNIT_LEADER, username="chutich.khac")
    for actor in (fw.officer, fw.other_officer, other_leader, fw.centre_head, fw.operator):
        with pytest.raises(PermissionDeniedError):
            services.feedback_approve(actor=actor, feedback=feedback)
        with pytest.raises(PermissionDeniedError):
            services.feedback_return(actor=actor, feedback=feedback, comment="Sửa lại câu trả lời.")
        assert services.allowed_actions(actor, feedback) == []
    assert Feedback.objects.get(pk=feedback.pk).status == S.APPROVAL
    with pytest.raises(ConflictError):  # approving needs an answer waiting
        services.feedback_approve(actor=fw.chairman, feedback=assigned(fw))


def test_the_setting_is_inherited_overridden_below_and_a_leaders_answer_goes_out_directly(fw):
    assert services.answer_needs_approval(fw.culture) is False  # no setting anywhere
    needing_approval(fw)
    assert services.answer_needs_approval(fw.culture) is True and services.answer_needs_approval(fw.commune) is True
    assert services.answer_needs_approval(fw.other_desk) is False
    own = assigned(fw)
    services.feedback_answer(actor=fw.chairman, feedback=own, answer=ANSWER)  # the leader answers himself
    assert Feedback.objects.get(pk=own.pk).status == S.ANSWERED
    services.feedback_settings_set(actor=fw.chairman, unit=fw.culture, answer_needs_approval=False)
    assert services.answer_needs_approval(fw.culture) is False
    direct = assigned(fw)
    services.feedback_answer(actor=fw.officer, feedback=direct, answer=ANSWER)
    assert Feedback.objects.get(pk=direct.pk).status == S.ANSWERED
    assert AuditEvent.objects.filter(action="feedback.settings").count() == 2


def test_only_a_leader_over_the_unit_or_its_administrator_changes_the_setting(fw):
    other_leader = staff_in(fw.other_commune, Role.UNIT_LEADER, username="chutich.khac")
    for actor in (fw.officer, other_leader, fw.centre_head, fw.other_officer):
        with pytest.raises(PermissionDeniedError):
            services.feedback_settings_set(actor=actor, unit=fw.commune, answer_needs_approval=True)
    assert not FeedbackSettings.objects.exists()
    admin = staff_in(fw.commune, Role.ADMINISTRATOR, username="quantri.xa")
    services.feedback_settings_set(actor=admin, unit=fw.culture, answer_needs_approval=True)
    with pytest.raises(PermissionDeniedError):
        services.feedback_settings_set(actor=admin, unit=fw.other_commune, answer_needs_approval=True)


# --- API and pages ----------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_settings_and_approval_with_units_that_cannot_cross(fw):
    url = f"/api/v1/feedback-settings/{fw.commune.pk}/"
    assert api(fw.chairman).get(url).json() == {"unit": fw.commune.pk, "answer_needs_approval": False,
                                                 "inherited": True}  # fmt: skip
    culture_url = f"/api/v1/feedback-settings/{fw.culture.pk}/"
    refused = api(fw.officer).put(culture_url, {"answer_needs_approval": False}, format="json")  # his own division
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api(fw.officer).put(url, {"answer_needs_approval": True}, format="json").status_code == 404  # above him
    other_leader = staff_in(fw.other_commune, Role.UNIT_LEADER, username="chutich.khac")
    assert api(other_leader).put(url, {"answer_needs_approval": True}, format="json").status_code == 404
    done = api(fw.chairman).put(url, {"answer_needs_approval": True}, format="json")
    assert done.status_code == 200 and done.json()["answer_needs_approval"] is True
    culture = api(fw.officer).get(culture_url).json()
    assert culture["answer_needs_approval"] is True and culture["inherited"] is True

    feedback = assigned(fw)
    base = f"/api/v1/feedback/{feedback.code}"
    answered = api(fw.officer).post(f"{base}/answer/", {"answer": ANSWER, "publish": True}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "approval"
    assert answered.json()["answered_at"] is None and answered.json()["drafted_by"] == fw.officer.username
    assert api(fw.officer).post(f"{base}/approve/", {}, format="json").status_code == 403
    assert api(other_leader).post(f"{base}/approve/", {}, format="json").status_code == 404  # not even visible
    empty = api(fw.chairman).post(f"{base}/return/", {"comment": ""}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"]["comment"]
    approved = api(fw.chairman).post(f"{base}/approve/", {"publish": False}, format="json")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "answered" and body["approved_by"] == fw.chairman.username and not body["is_public"]


def test_staff_page_shows_the_waiting_answer_and_the_leaders_buttons(fw):
    needing_approval(fw)
    feedback = assigned(fw)
    officer, chairman = Client(), Client()
    officer.force_login(fw.officer)
    chairman.force_login(fw.chairman)
    page = officer.get(f"/can-bo/phan-anh/{feedback.code}/").content.decode()
    assert "Trình lãnh đạo duyệt" in page
    officer.post(f"/can-bo/phan-anh/{feedback.code}/thao-tac/answer/", {"answer": ANSWER, "publish": "on"})
    page = chairman.get(f"/can-bo/phan-anh/{feedback.code}/").content.decode()
    assert "Dự thảo trả lời chờ lãnh đạo duyệt" in page and "Duyệt và gửi người dân" in page and "Trả lại" in page
    assert "Duyệt và gửi người dân" not in officer.get(f"/can-bo/phan-anh/{feedback.code}/").content.decode()
    assert "Chờ duyệt trả lời" in chairman.get("/can-bo/phan-anh/?scope=approval").content.decode()
    chairman.post(f"/can-bo/phan-anh/{feedback.code}/thao-tac/return/", {"comment": "Bổ sung căn cứ."})
    feedback.refresh_from_db()
    assert feedback.status == S.ASSIGNED and "Bổ sung căn cứ." in officer.get(
        f"/can-bo/phan-anh/{feedback.code}/").content.decode()  # fmt: skip
    officer.post(f"/can-bo/phan-anh/{feedback.code}/thao-tac/answer/", {"answer": ANSWER})
    chairman.post(f"/can-bo/phan-anh/{feedback.code}/thao-tac/approve/", {"publish": "on"})
    feedback.refresh_from_db()
    assert feedback.status == S.ANSWERED and feedback.is_public and feedback.approved_by == fw.chairman


def test_the_leader_sets_approval_on_the_settings_page_and_an_officer_cannot(fw):
    chairman, officer = Client(), Client()
    chairman.force_login(fw.chairman)
    officer.force_login(fw.officer)
    assert officer.get("/can-bo/phan-anh/thiet-lap/").status_code == 404
    assert "/can-bo/phan-anh/thiet-lap/" in chairman.get("/can-bo/phan-anh/").content.decode()
    page = chairman.get("/can-bo/phan-anh/thiet-lap/").content.decode()
    assert fw.commune.name in page and "Trả lời phải được lãnh đạo duyệt" in page
    crossing = chairman.post(
        "/can-bo/phan-anh/thiet-lap/", {"unit": fw.other_commune.pk, "answer_needs_approval": "on"}
    )
    assert crossing.status_code == 404 and not FeedbackSettings.objects.exists()
    chairman.post("/can-bo/phan-anh/thiet-lap/", {"unit": fw.commune.pk, "answer_needs_approval": "on"})
    assert services.answer_needs_approval(fw.culture) is True
    assert AuditEvent.objects.filter(action="feedback.settings", actor_id=fw.chairman.pk).count() == 1


def test_queue_tabs_follow_the_language_of_each_request(fw):
    client = Client()
    client.force_login(fw.chairman)
    assert "Chờ duyệt trả lời" in client.get("/can-bo/phan-anh/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/can-bo/phan-anh/").content.decode()
    assert "Chờ phân loại" not in english and "Được giao cho tôi" not in english


# --- only the sender rates (built in issue 4: verified here, not rebuilt) --------------------------------


def test_only_the_sender_rates_an_approved_answer(fw):
    needing_approval(fw)
    feedback = assigned(fw)
    services.feedback_answer(actor=fw.officer, feedback=feedback, answer=ANSWER, publish=True)
    staff = api(fw.chairman)  # a logged-in leader is not the sender
    url = f"/api/v1/public/feedback/{feedback.code}/rating"
    assert staff.post(url, {"level": "satisfied"}, format="json").status_code == 409  # no answer yet
    services.feedback_approve(actor=fw.chairman, feedback=feedback)
    feedback.refresh_from_db()
    assert staff.post(url, {"level": "very_satisfied"}, format="json").status_code == 403
    assert APIClient().post(url, {"level": "satisfied", "phone": "0911111111"}, format="json").status_code == 403
    rated = APIClient().post(url, {"level": "satisfied", "token": feedback.rating_token}, format="json")
    assert rated.status_code == 201 and counted("feedback_ratings") == 1
    again = APIClient().post(url, {"level": "not_satisfied", "phone": "0987654321"}, format="json")
    assert again.status_code == 409


def test_catalogue_edits_go_through_a_service_that_only_a_superuser_passes_and_audits(db):
    from apps.core.models import AuditEvent
    from apps.feedback.models import Category
    from apps.feedback.services import catalogue_entry_save
    from apps.org.models import Role
    from apps.org.tests.factories import UnitFactory, UserFactory, staff_in

    category = Category(name="Môi trường", code="MT", answer_days=10)
    officer = staff_in(UnitFactory(), Role.UNIT_LEADER)
    with pytest.raises(PermissionDeniedError):
        catalogue_entry_save(actor=officer, entry=category, changed_fields=["name"], created=True)
    assert not Category.objects.filter(code="MT").exists()
    admin = UserFactory(is_superuser=True, is_staff=True)
    catalogue_entry_save(actor=admin, entry=category, changed_fields=["name"], created=True)
    assert AuditEvent.objects.filter(action="feedback.category.create", object_id=str(category.pk)).exists()
