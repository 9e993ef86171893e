import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.org.models import Role

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _login(demo, username):
    from apps.org.models import User

    return User.objects.get(username=username)


def test_units_are_scoped_to_the_commune(demo):
    chairman = _login(demo, "chutich.anphu")
    names = [row["name"] for row in _client(chairman).get("/api/v1/units/?page_size=200").json()["results"]]
    assert "Ủy ban nhân dân xã An Phú" in names
    assert all("Bình Minh" not in name for name in names)
    assert len(names) == 5  # the commune and its four divisions
    clerk = _login(demo, "motcua.anphu")
    rows = _client(clerk).get("/api/v1/units/").json()["results"]
    assert [(row["name"], row["kind"]) for row in rows] == [("Bộ phận Một cửa", "one_stop_desk")]


def test_another_communes_unit_is_404_not_403(demo):
    clerk = _login(demo, "motcua.anphu")
    response = _client(clerk).get(f"/api/v1/units/{demo['H99.25'].pk}/")  # Xã Bình Minh
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy.", "errors": {}}


def test_staff_list_is_scoped_and_searchable_without_accents(demo):
    leader = _login(demo, "chutich.anphu")
    client = _client(leader)
    usernames = {row["username"] for row in client.get("/api/v1/staff/?page_size=200").json()["results"]}
    assert "motcua.anphu" in usernames and "motcua.binhminh" not in usernames
    other = client.get(f"/api/v1/staff/?unit={demo['H99.25'].pk}")
    assert other.status_code == 404


def test_me_shows_roles_and_units(demo):
    body = _client(_login(demo, "motcua.anphu")).get("/api/v1/me/").json()
    assert body["roles"] == [Role.DESK_CLERK]
    assert body["memberships"][0]["unit"]["kind"] == "one_stop_desk"


def test_token_auth_and_unauthenticated_error_format(demo):
    anonymous = APIClient()
    response = anonymous.get("/api/v1/units/")
    assert response.status_code in (401, 403)
    assert response.json()["message"] == "Bạn cần đăng nhập."
    user = _login(demo, "motcua.anphu")
    token = Token.objects.create(user=user)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert anonymous.get("/api/v1/units/").status_code == 200


def test_obtain_token_with_password(demo):
    response = APIClient().post("/api/v1/auth/token/", {"username": "motcua.anphu", "password": "congvu@2026"})
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_pagination_shape(demo):
    body = _client(_login(demo, "admin")).get("/api/v1/units/?page_size=10").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] > 10 and len(body["results"]) == 10


def test_openapi_schema_lists_the_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/units/", "/api/v1/calendar/deadline/", "/api/v1/me/"} <= set(schema["paths"])


def test_api_docs_page_serves_local_assets(client):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()


def test_throttling_answers_429_in_vietnamese(demo, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/minute"}
    original = UserRateThrottle.THROTTLE_RATES
    UserRateThrottle.THROTTLE_RATES = rates
    try:
        client = _client(_login(demo, "motcua.anphu"))
        statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    finally:
        UserRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("unit", ["true", "4.5e16", "abc"])
def test_staff_list_refuses_a_unit_that_is_not_a_number(demo, unit):
    response = _client(_login(demo, "chutich.anphu")).get(f"/api/v1/staff/?unit={unit}")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
