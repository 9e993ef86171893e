import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.core.models import Notification
from apps.feedback import services
from apps.feedback.models import Feedback, FeedbackRating
from apps.feedback.tests.factories import CONTACT, feedback_world
from apps.stats.models import FeedbackDay

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


def test_citizen_rates_with_the_phone_and_reopens_from_the_page(fw):
    feedback = answered(fw, publish=True)
    client = Client()
    page = client.get(f"/phan-anh/{feedback.code}/")
    assert "Đánh giá câu trả lời" in page.content.decode() and 'name="phone"' in page.content.decode()
    without_phone = client.post(f"/phan-anh/{feedback.code}/", {"action": "rate", "level": "not_satisfied"})
    assert "Trường này là bắt buộc" in without_phone.content.decode()
    someone_else = client.post(f"/phan-anh/{feedback.code}/", {"action": "rate", "level": "not_satisfied",
                                                               "phone": "0900000000"})  # fmt: skip
    assert "Chỉ người gửi phản ánh được đánh giá" in someone_else.content.decode()
    assert not FeedbackRating.objects.exists()
    client.post(f"/phan-anh/{feedback.code}/", {"action": "rate", "level": "satisfied", "phone": "+84 987 654 321"})
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
    earlier = client.post("/can-bo/phan-anh/tong-dai/so-dien-thoai/", {"contact_phone": "0987 654 321"})
    assert "Hỏi thủ tục đăng ký khai sinh" in earlier.content.decode()
    assert client.get("/can-bo/phan-anh/tong-dai/so-dien-thoai/?contact_phone=0987654321").status_code == 405
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


def test_unpublished_item_shows_code_status_and_dates_only(fw):
    received, private = web_feedback(fw, address="Số 5 ngõ Hoa Sứ"), answered(fw, publish=False)
    for feedback in (received, private):
        body = APIClient().get(f"/api/v1/public/feedback/{feedback.code}").json()
        shown = {name for name, value in body.items() if value is not None}
        assert shown <= {"code", "status", "status_label", "received_at", "due_at", "answered_at"}, shown
        page = Client().get(f"/phan-anh/{feedback.code}/").content.decode()
        assert feedback.title not in page and "Số 5 ngõ Hoa Sứ" not in page and fw.culture.name not in page
    published = APIClient().get(f"/api/v1/public/feedback/{answered(fw, publish=True).code}").json()
    assert published["title"] == "Hỏi thủ tục đăng ký khai sinh" and published["unit"] == fw.culture.name


def rating_api(code: str, **body):
    return APIClient().post(f"/api/v1/public/feedback/{code}/rating", {"level": "not_satisfied", **body},
                            format="json")  # fmt: skip


def ratings_counted() -> int:
    return sum(FeedbackDay.objects.values_list("feedback_ratings", flat=True))


def test_only_the_sender_rates_through_the_api(fw):
    feedback, other = answered(fw, publish=True), answered(fw, publish=True)
    code_alone = rating_api(feedback.code)  # anyone can read a code: it proves nothing
    assert code_alone.status_code == 403 and not FeedbackRating.objects.exists() and ratings_counted() == 0
    for proof in ({"phone": "0900000000"}, {"token": other.rating_token}, {"token": "", "phone": ""}):
        refused = rating_api(feedback.code, **proof)
        assert refused.status_code == 403, (proof, refused.content)
        assert refused.json()["code"] == "permission_denied"
        assert refused.json()["message"].startswith("Chỉ người gửi phản ánh được đánh giá")
    assert not FeedbackRating.objects.exists() and ratings_counted() == 0
    done = rating_api(feedback.code, level="satisfied", phone="0987.654.321")
    assert done.status_code == 201 and done.json() == {"level": "satisfied", "comment": ""}
    assert rating_api(other.code, token=other.rating_token).status_code == 201
    assert ratings_counted() == 2 and rating_api(feedback.code, phone="0987654321").status_code == 409


def test_the_answer_notice_carries_a_rating_link_for_the_sender_only(fw):
    anonymous_with_email = services.feedback_submit(
        channel="web", category=fw.question, title="Hỏi không để số điện thoại",
        content="Tôi chỉ để lại thư điện tử để nhận trả lời.", contact={"contact_email": "an.danh@example.vn"},
    )  # fmt: skip
    services.feedback_assign(actor=fw.operator, feedback=anonymous_with_email, unit=fw.culture)
    services.feedback_answer(actor=fw.officer, feedback=anonymous_with_email, answer="Trả lời riêng cho người gửi.")
    notice = Notification.objects.filter(recipient="an.danh@example.vn").order_by("pk").last()
    link = notice.body.rsplit(" ", 1)[1]
    path = link.removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/phan-anh/danh-gia/") and len(path.split("/")[3]) >= 40
    assert rating_api(anonymous_with_email.code, phone="").status_code == 403  # no phone: the link only
    client = Client()
    page = client.get(path).content.decode()
    assert "Trả lời riêng cho người gửi." in page and 'name="level"' in page  # the sender reads the private answer
    assert "Cảm ơn" in client.post(path, {"level": "very_satisfied"}).content.decode()
    assert FeedbackRating.objects.get().level == "very_satisfied" and ratings_counted() == 1
    assert "đã được đánh giá" in client.get(path).content.decode()
    forged = client.get(path[:-6] + "xxxxx/")
    assert forged.status_code == 403 and "không hợp lệ" in forged.content.decode()
