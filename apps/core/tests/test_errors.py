"""Errors as people and API clients see them: one JSON shape under /api/, Vietnamese pages elsewhere, a 503 (never
a trace) while the database is down, 401 with WWW-Authenticate, a locked-out token request told so, and NUL
characters refused at the edge."""

from urllib.parse import urlencode

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from rest_framework.test import APIClient

from apps.core import health
from apps.org.models import User

pytestmark = pytest.mark.django_db

SECRET_HOST = "db-primary.internal.example"


def _assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"} and body["code"] == code
    assert isinstance(body["errors"], dict) and body["message"]
    return body


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails as it does when the server is unreachable (the message names the host)."""

    def unreachable(self, *args, **kwargs):
        raise OperationalError(f'connection to server at "{SECRET_HOST}" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", unreachable)


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


# --- database down ---------------------------------------------------------------------------------------


def test_a_page_answers_a_vietnamese_503_while_the_database_is_down(quiet_client, database_down):
    response = quiet_client.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response.has_header("Retry-After")
    html = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in html and "thử lại sau" in html
    assert SECRET_HOST not in html and "Traceback" not in html and "OperationalError" not in html


def test_a_staff_page_answers_503_while_the_database_is_down(quiet_client, database_down):
    quiet_client.cookies["sessionid"] = "a-session-that-must-be-read-from-the-database"
    response = quiet_client.get("/can-bo/ho-so/")
    assert response.status_code == 503 and "Hệ thống tạm thời gián đoạn" in response.content.decode()


def test_the_api_answers_the_error_shape_503_while_the_database_is_down(quiet_client, database_down):
    for path in ("/api/v1/public/feedback", "/api/v1/public/dossiers/HS-2026-000001", "/api/v1/dossiers/"):
        response = quiet_client.get(path, HTTP_AUTHORIZATION="Token " + "0" * 40)
        body = _assert_error_shape(response, 503, "database_unavailable")
        assert SECRET_HOST not in response.content.decode()
        assert "gián đoạn" in body["message"]


def test_healthz_names_the_failing_part_without_hosts_or_exception_text(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
    assert SECRET_HOST not in response.content.decode() and "OperationalError" not in response.content.decode()


def test_healthz_keeps_the_exception_in_the_log_only(client, monkeypatch, caplog):
    def queue_down():
        raise ConnectionError("redis at cache-1.internal.example:6379 unreachable")

    monkeypatch.setitem(health.CHECKS, "queue", queue_down)
    body = client.get("/healthz").json()
    assert body == {"status": "error", "checks": {"database": "ok", "queue": "error", "storage": "ok"}}
    assert "cache-1.internal.example" in caplog.text


# --- the one error shape on the API ----------------------------------------------------------------------


def test_an_unknown_api_url_answers_404_in_the_error_shape(client):
    body = _assert_error_shape(client.get("/api/v1/khong-co/"), 404, "not_found")
    assert body["message"] == "Không tìm thấy."
    _assert_error_shape(client.get("/api/v2/units/"), 404, "not_found")


def test_a_page_that_does_not_exist_is_a_vietnamese_page(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_wrong_method_answers_405_in_the_error_shape(client):
    body = _assert_error_shape(client.delete("/api/v1/public/feedback-categories"), 405, "method_not_allowed")
    assert body["message"] == "Phương thức không được hỗ trợ."
    _assert_error_shape(client.get("/api/v1/auth/token/"), 405, "method_not_allowed")


def test_an_exception_in_an_api_view_answers_500_in_the_error_shape(quiet_client, monkeypatch):
    from apps.feedback import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals: /srv/congvu/apps/feedback/selectors.py")

    monkeypatch.setattr(selectors, "published_answers", broken)
    response = quiet_client.get("/api/v1/public/feedback")
    body = _assert_error_shape(response, 500, "server_error")
    assert body["message"] == "Hệ thống gặp lỗi, vui lòng thử lại sau."
    assert "secret internals" not in response.content.decode()


def test_an_exception_in_a_page_answers_a_vietnamese_500_page(quiet_client, monkeypatch):
    from apps.portal import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "render", broken)
    response = quiet_client.get("/")
    assert response.status_code == 500 and "Hệ thống gặp lỗi" in response.content.decode()
    assert "secret internals" not in response.content.decode()


# --- authentication --------------------------------------------------------------------------------------


def test_an_unauthenticated_api_call_answers_401_with_www_authenticate(client):
    response = client.get("/api/v1/dossiers/")
    body = _assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert body["message"] == "Bạn cần đăng nhập."


def test_staff_still_use_the_api_with_their_session_and_csrf(demo):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="motcua.anphu"))
    assert client.get("/api/v1/me/").status_code == 200
    refused = client.post("/api/v1/calendar/deadline/", {}, format="json")  # a session write needs its CSRF token
    _assert_error_shape(refused, 403, "permission_denied")


def test_a_locked_out_token_request_says_it_is_locked_out(demo, settings):
    client = APIClient()
    wrong = {"username": "motcua.anphu", "password": "not-the-password"}
    answers = [client.post("/api/v1/auth/token/", wrong, format="json") for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [answer.status_code for answer in answers[:-1]] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = client.post("/api/v1/auth/token/", {**wrong, "password": "congvu@2026"}, format="json")
    body = _assert_error_shape(locked, 429, "locked_out")
    assert "khóa" in body["message"] and "30 phút" in body["message"]
    assert locked["Retry-After"] == str(30 * 60)
    assert "token" not in locked.json()


# --- NUL characters --------------------------------------------------------------------------------------

NUL_MESSAGE = "Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự rỗng NUL)."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/public/feedback?q=a%00b",
        "/api/v1/public/feedback?category=%00",
        "/api/v1/public/dossiers/HS%00",
        "/api/v1/public/feedback/PA%00",
    ],
)
def test_nul_in_a_query_or_path_answers_400_in_the_error_shape(client, path):
    body = _assert_error_shape(client.get(path), 400, "invalid")
    assert body["message"] == NUL_MESSAGE


def test_nul_in_a_json_body_answers_400_in_the_error_shape(client, demo):
    payload = '{"category": "x\\u0000", "title": "Đèn đường", "content": "Hỏng"}'
    response = client.post("/api/v1/public/feedback", payload, content_type="application/json")
    assert _assert_error_shape(response, 400, "invalid")["message"] == NUL_MESSAGE
    escaped_backslash = '{"category": "x\\\\u0000", "title": "Đèn", "content": "Hỏng"}'  # text "\u0000", no NUL
    response = client.post("/api/v1/public/feedback", escaped_backslash, content_type="application/json")
    assert response.json()["message"] != NUL_MESSAGE


def test_nul_in_a_form_answers_a_vietnamese_400_page(client):
    form = urlencode({"username": "a\x00b", "password": "x"})  # as a browser sends a form
    response = client.post("/tai-khoan/dang-nhap/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and NUL_MESSAGE in response.content.decode()


def test_nul_in_a_page_query_answers_a_vietnamese_400_page(client):
    response = client.get("/phan-anh/?q=%00")
    assert response.status_code == 400 and NUL_MESSAGE in response.content.decode()


def test_nul_in_a_multipart_field_answers_400_but_a_file_may_hold_nul_bytes(client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.feedback.models import Category

    category = Category.objects.filter(is_active=True).first().code
    fields = {"category": category, "title": "Đèn đường hỏng", "content": "Đèn đường trước nhà số 5 không sáng."}
    refused = client.post("/api/v1/public/feedback", {**fields, "procedure": "TT\x00"})  # multipart
    assert _assert_error_shape(refused, 400, "invalid")["message"] == NUL_MESSAGE
    photo = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "image/png")
    accepted = client.post("/api/v1/public/feedback", {**fields, "files": [photo]})
    assert accepted.status_code == 201, accepted.content
