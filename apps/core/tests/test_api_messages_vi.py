"""Every API error speaks Vietnamese when the request is in Vietnamese (the default): DRF's own field, pagination
and request messages included, not only ours. The expected texts are the project's wording of each rule
(apps/core/locale_vi_drf.py); the check that no English slipped through is independent of that table."""

import re

import pytest
from rest_framework.test import APIClient

from apps.dossiers.tests.factories import world

pytestmark = pytest.mark.django_db

# Words that appear in DRF's English messages and never in a Vietnamese sentence.
ENGLISH = re.compile(
    r"\b(This|field|required|valid|Ensure|Invalid|page|Not found|number|integer|object|does not exist|Expected|"
    r"boolean|choice|characters|Incorrect|Datetime|dictionary|Malformed|credentials)\b",
    re.IGNORECASE,
)


@pytest.fixture
def w():
    return world()


@pytest.fixture
def staff(w):
    client = APIClient()
    client.force_authenticate(w.officer)
    return client


def _messages(response) -> list[str]:
    body = response.json()
    assert set(body) == {"code", "message", "errors"}, body
    return [body["message"], *(text for texts in body["errors"].values() for text in texts)]


def _assert_vietnamese(response, status: int) -> dict:
    assert response.status_code == status, response.content
    english = [text for text in _messages(response) if ENGLISH.search(text)]
    assert not english, english
    return response.json()["errors"]


def test_a_missing_required_field_and_a_bad_number_are_told_in_vietnamese(w):
    response = APIClient().post(
        "/api/v1/public/feedback", {"latitude": "abc", "longitude": "1", "title": "x" * 300}, format="json"
    )
    errors = _assert_vietnamese(response, 400)
    assert errors["category"] == ["Trường này là bắt buộc."]
    assert errors["content"] == ["Trường này là bắt buộc."]
    assert errors["latitude"] == ["Vui lòng nhập một số hợp lệ."]
    assert errors["title"] == ["Trường này không được dài quá 255 ký tự."]


def test_an_unknown_choice_and_an_unknown_object_are_told_in_vietnamese(w):
    response = APIClient().post(
        "/api/v1/public/feedback", {"category": "khong-co", "title": "Tiêu đề", "content": "Nội dung"}, format="json"
    )
    assert _assert_vietnamese(response, 400)["category"] == ["Không tìm thấy đối tượng có code=khong-co."]
    rate = APIClient().post("/api/v1/public/feedback/PA-000000-0001/rating", {"level": "tuyet"}, format="json")
    assert _assert_vietnamese(rate, 400)["level"] == ["“tuyet” không phải là lựa chọn hợp lệ."]


def test_a_bad_integer_in_a_query_and_an_invalid_page_are_told_in_vietnamese(staff):
    errors = _assert_vietnamese(staff.get("/api/v1/staff/", {"unit": "abc"}), 400)
    assert errors["unit"] == ["Vui lòng nhập một số nguyên hợp lệ."]
    page = staff.get("/api/v1/units/", {"page": 999})
    _assert_vietnamese(page, 404)
    assert page.json()["message"] == "Trang không hợp lệ."
    assert staff.get("/api/v1/units/", {"page": "abc"}).json()["message"] == "Trang không hợp lệ."


def test_wrong_types_a_bad_date_and_a_bad_boolean_are_told_in_vietnamese(w, staff):
    response = staff.post("/api/v1/calendar/deadline/", {"unit": "abc", "start": "hôm qua", "days": "x"}, format="json")
    errors = _assert_vietnamese(response, 400)
    assert errors["unit"] == ["Sai kiểu dữ liệu: cần mã số (khóa chính), nhận được str."]
    assert errors["start"][0].startswith("Ngày giờ sai định dạng. Dùng một trong các định dạng sau:")
    assert errors["days"] == ["Vui lòng nhập một số hợp lệ."]
    missing = staff.post("/api/v1/calendar/deadline/", {"unit": 999999, "start": "2026-11-27T09:00:00+07:00",
                                                         "days": 1}, format="json")  # fmt: skip
    assert _assert_vietnamese(missing, 400)["unit"] == ["Không có đối tượng có mã số “999999”."]


def test_a_body_that_is_not_an_object_and_a_malformed_body_are_told_in_vietnamese(staff):
    listed = staff.post("/api/v1/calendar/deadline/", [1, 2], format="json")
    assert _assert_vietnamese(listed, 400)["non_field_errors"] == [
        "Dữ liệu không hợp lệ: cần một đối tượng, nhận được list."
    ]
    broken = staff.post("/api/v1/calendar/deadline/", "{not json", content_type="application/json")
    _assert_vietnamese(broken, 400)


def test_not_found_and_not_authenticated_are_told_in_vietnamese(w, staff):
    _assert_vietnamese(staff.get("/api/v1/units/999999/"), 404)
    _assert_vietnamese(APIClient().get("/api/v1/units/"), 401)
    token = APIClient().post("/api/v1/auth/token/", {"username": "motcua"}, format="json")
    assert _assert_vietnamese(token, 400)["password"] == ["Trường này là bắt buộc."]


def test_english_stays_english_when_the_person_chose_it(staff):
    staff.cookies["django_language"] = "en"
    response = staff.get("/api/v1/staff/", {"unit": "abc"})
    assert response.status_code == 400 and "Vui lòng" not in response.content.decode()
