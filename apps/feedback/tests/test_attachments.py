"""Staff open a feedback's attachments from its page; only staff who may see that feedback."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.dossiers.tests.test_attachments import PDF
from apps.feedback import services
from apps.feedback.tests.factories import CONTACT, feedback_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    fw = feedback_world()
    feedback = services.feedback_submit(
        channel="web", category=fw.question, title="Hỏi về giấy xác nhận", content="Cần những giấy tờ gì?",
        contact=CONTACT, files=[SimpleUploadedFile("ảnh chụp giấy tờ.pdf", PDF)],
    )  # fmt: skip
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    return fw, feedback, feedback.attachments.get()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_who_see_the_feedback_open_its_attachment_from_its_page(sent):
    fw, feedback, attachment = sent
    client = logged_in(fw.officer)
    url = f"/can-bo/phan-anh/{feedback.code}/tep/{attachment.pk}/"
    assert f'href="{url}"' in client.get(f"/can-bo/phan-anh/{feedback.code}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert "inline" in response["Content-Disposition"]


def test_an_attachment_is_404_outside_the_scope_anonymous_or_under_another_feedback(sent):
    fw, feedback, attachment = sent
    url = f"/can-bo/phan-anh/{feedback.code}/tep/{attachment.pk}/"
    assert logged_in(fw.other_officer).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    other = services.feedback_submit(
        channel="web", category=fw.question, title="Câu hỏi khác", content="Một câu hỏi khác nữa."
    )
    services.feedback_assign(actor=fw.operator, feedback=other, unit=fw.culture)
    assert logged_in(fw.officer).get(f"/can-bo/phan-anh/{other.code}/tep/{attachment.pk}/").status_code == 404
