import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.feedback import services
from apps.feedback.models import Feedback
from apps.feedback.tests.factories import CONTACT, feedback_world

pytestmark = pytest.mark.django_db
PRIVATE = list(CONTACT.values())


@pytest.fixture
def fw():
    return feedback_world()


def web_feedback(fw, **extra) -> Feedback:
    return services.feedback_submit(
        channel="web", category=fw.question, title="Hỏi thủ tục đăng ký khai sinh",
        content="Con tôi sinh ở nơi khác, đăng ký khai sinh ở đâu?", contact=CONTACT, **extra,
    )  # fmt: skip


def answered(fw, *, publish: bool) -> Feedback:
    feedback = web_feedback(fw)
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    services.feedback_answer(
        actor=fw.officer, feedback=feedback, answer="Đăng ký tại Ủy ban nhân dân xã nơi cư trú của cha hoặc mẹ.",
        publish=publish,
    )  # fmt: skip
    feedback.refresh_from_db()
    return feedback


def assert_no_contact(text: str) -> None:
    assert not [value for value in PRIVATE if value in text], "contact details leaked"


def test_public_api_submission_anonymous_and_with_contact(fw):
    response = APIClient().post(
        "/api/v1/public/feedback",
        {"category": "hoi-dap-thu-tuc", "title": "Hỏi về lệ phí chứng thực", "content": "Lệ phí chứng thực bao nhiêu?",
         **CONTACT}, format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["code"].startswith("PA-") and response.json()["content"] is None
    assert_no_contact(response.content.decode())
    anonymous = APIClient().post(
        "/api/v1/public/feedback",
        {"category": "hoi-dap-thu-tuc", "title": "Không để tên", "content": "Phản ánh không để lại tên tuổi."},
        format="json",
    )
    assert anonymous.status_code == 201
    bad = APIClient().post("/api/v1/public/feedback", {"category": "khong-co", "title": "x", "content": "y"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"category"}


def test_public_outputs_never_carry_contact_details(fw):
    published, private = answered(fw, publish=True), answered(fw, publish=False)
    client, api = Client(), APIClient()
    pages = [
        client.get("/phan-anh/").content.decode(),
        client.get("/phan-anh/?q=khai+sinh").content.decode(),
        client.get(f"/phan-anh/{published.code}/").content.decode(),
        client.get(f"/phan-anh/{private.code}/").content.decode(),
        api.get("/api/v1/public/feedback").content.decode(),
        api.get(f"/api/v1/public/feedback/{published.code}").content.decode(),
        api.get(f"/api/v1/public/feedback/{private.code}").content.decode(),
    ]
    for text in pages:
        assert_no_contact(text)
    assert "nơi cư trú của cha hoặc mẹ" in pages[2] and "nơi cư trú của cha hoặc mẹ" not in pages[3]
    assert json.loads(pages[6])["answer"] is None and json.loads(pages[5])["answer"]


def test_published_answers_search_is_accent_insensitive(fw):
    answered(fw, publish=True)
    results = APIClient().get("/api/v1/public/feedback?q=dang ky khai sinh").json()["results"]
    assert [r["title"] for r in results] == ["Hỏi thủ tục đăng ký khai sinh"]
    assert APIClient().get("/api/v1/public/feedback?q=chung thuc").json()["results"] == []


def test_citizen_rates_and_reopens_from_the_page(fw):
    feedback = answered(fw, publish=True)
    client = Client()
    page = client.get(f"/phan-anh/{feedback.code}/")
    assert "Đánh giá câu trả lời" in page.content.decode()
    client.post(f"/phan-anh/{feedback.code}/", {"action": "rate", "level": "satisfied"})
    assert feedback.__class__.objects.get(pk=feedback.pk).rating.level == "satisfied"
    response = client.post(f"/phan-anh/{feedback.code}/", {"action": "reopen", "phone": "0900000000",
                                                           "reason": "Chưa rõ nơi đăng ký."})  # fmt: skip
    assert "không khớp" in response.content.decode()
    client.post(f"/phan-anh/{feedback.code}/", {"action": "reopen", "phone": CONTACT["contact_phone"],
                                                "reason": "Chưa rõ nơi đăng ký, đề nghị trả lời cụ thể."})  # fmt: skip
    assert Feedback.objects.get(pk=feedback.pk).status == Feedback.Status.ASSIGNED


def test_web_form_keeps_input_and_explains_errors(fw):
    response = Client().post("/phan-anh/gui/", {"category": fw.question.pk, "title": "Hỏi", "content": "ngắn",
                                                "contact_phone": "123"})  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 200 and "Số điện thoại không hợp lệ" in text and "ít nhất 5 ký tự" in text
    assert 'value="Hỏi"' in text
    form = {"category": fw.question.pk, "title": "Hỏi về chứng thực", "content": "Chứng thực ở đâu, mất bao lâu?"}
    ok = Client().post("/phan-anh/gui/", form, follow=True)
    assert "Đã nhận phản ánh" in ok.content.decode() and Feedback.objects.filter(channel="web").exists()


def test_operator_logs_a_call_and_finds_earlier_feedback_by_phone(fw):
    web_feedback(fw)
    client = Client()
    client.force_login(fw.operator)
    earlier = client.get("/can-bo/phan-anh/tong-dai/so-dien-thoai/?contact_phone=0987 654 321").content.decode()
    assert "Hỏi thủ tục đăng ký khai sinh" in earlier
    response = client.post("/can-bo/phan-anh/tong-dai/", {
        "contact_phone": "0987654321", "channel": "hotline", "category": fw.conduct.pk,
        "title": "Hồ sơ quá hẹn chưa trả", "content": "Hồ sơ của tôi quá hẹn ba ngày chưa có kết quả.",
    }, follow=True)  # fmt: skip
    assert "Đã ghi nhận phản ánh" in response.content.decode()
    call = Feedback.objects.get(channel="hotline")
    assert call.received_by == fw.operator and call.contact_phone == "0987654321"


def test_staff_pages_are_scoped_to_units(fw):
    feedback = web_feedback(fw)
    services.feedback_assign(actor=fw.operator, feedback=feedback, unit=fw.culture)
    own, other = Client(), Client()
    own.force_login(fw.officer)
    other.force_login(fw.other_officer)
    assert feedback.code in own.get("/can-bo/phan-anh/?scope=unit").content.decode()
    assert own.get(f"/can-bo/phan-anh/{feedback.code}/").status_code == 200
    assert feedback.code not in other.get("/can-bo/phan-anh/?scope=unit").content.decode()
    assert other.get(f"/can-bo/phan-anh/{feedback.code}/").status_code == 404
    assert other.post(f"/can-bo/phan-anh/{feedback.code}/thao-tac/answer/", {"answer": "x" * 20}).status_code == 404
    api = APIClient()
    api.force_authenticate(fw.other_officer)
    assert api.get(f"/api/v1/feedback/{feedback.code}/").status_code == 404
    assert api.post(f"/api/v1/feedback/{feedback.code}/answer/", {"answer": "x" * 20}).status_code == 404


def test_staff_api_workflow(fw):
    feedback = web_feedback(fw)
    operator, officer = APIClient(), APIClient()
    operator.force_authenticate(fw.operator)
    officer.force_authenticate(fw.officer)
    response = operator.post(f"/api/v1/feedback/{feedback.code}/assign/", {"unit": fw.culture.pk}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    refused = officer.post(f"/api/v1/feedback/{feedback.code}/forward/", {"to": "Sở Y tế"}, format="json")
    assert refused.status_code == 403
    done = officer.post(f"/api/v1/feedback/{feedback.code}/answer/",
                        {"answer": "Trả lời đầy đủ qua API.", "publish": True}, format="json")  # fmt: skip
    assert done.status_code == 200 and done.json()["is_public"] is True
    assert officer.get("/api/v1/feedback/?scope=answered").json()["count"] == 1
    again = officer.post(f"/api/v1/feedback/{feedback.code}/answer/", {"answer": "Trả lời lần nữa."}, format="json")
    assert again.status_code == 409


def test_attachments_are_checked_by_content_and_all_or_nothing(fw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.dossiers.tests.test_attachments import PDF

    form = {"category": "hoi-dap-thu-tuc", "title": "Gửi kèm ảnh chụp giấy hẹn", "content": "Giấy hẹn đã quá ngày."}
    refused = APIClient().post("/api/v1/public/feedback",
                               {**form, "files": [SimpleUploadedFile("hen.pdf", b"MZ\x90 not a pdf")]},
                               format="multipart")  # fmt: skip
    assert refused.status_code == 400 and not Feedback.objects.exists()
    accepted = APIClient().post("/api/v1/public/feedback", {**form, "files": [SimpleUploadedFile("hen.pdf", PDF)]},
                                format="multipart")  # fmt: skip
    assert accepted.status_code == 201
    feedback = Feedback.objects.get(code=accepted.json()["code"])
    assert list(feedback.attachments.values_list("name", "content_type")) == [("hen.pdf", "application/pdf")]
