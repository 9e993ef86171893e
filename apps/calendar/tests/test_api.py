import pytest
from rest_framework.test import APIClient

from apps.org.models import User

pytestmark = pytest.mark.django_db


def _client(username):
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def test_deadline_in_days_and_hours(demo):
    client = _client("motcua.anphu")
    desk = User.objects.get(username="motcua.anphu").memberships.get().unit
    body = client.post(
        "/api/v1/calendar/deadline/", {"unit": desk.pk, "start": "2026-02-13T09:00:00+07:00", "days": "1"}
    ).json()
    assert body == {"clock_start": "2026-02-13T13:30:00+07:00", "deadline": "2026-02-23T11:30:00+07:00"}
    body = client.post(
        "/api/v1/calendar/deadline/", {"unit": desk.pk, "start": "2026-11-25T09:00:00+07:00", "hours": "4"}
    ).json()
    assert body["deadline"] == "2026-11-25T15:00:00+07:00"


def test_deadline_validation_messages(demo):
    client = _client("motcua.anphu")
    desk = User.objects.get(username="motcua.anphu").memberships.get().unit
    response = client.post(
        "/api/v1/calendar/deadline/", {"unit": desk.pk, "start": "2026-11-25T09:00:00+07:00", "days": "1.3"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["message"] == "Dữ liệu không hợp lệ."
    assert "days" in response.json()["errors"]
    response = client.post("/api/v1/calendar/deadline/", {"unit": desk.pk, "start": "2026-11-25T09:00:00+07:00"})
    assert response.json()["errors"]["non_field_errors"] == ["Nhập số ngày hoặc số giờ làm việc (một trong hai)."]


def test_cannot_compute_or_write_for_another_commune(demo):
    client = _client("chutich.anphu")
    other = demo["H99.25"]
    response = client.post(
        "/api/v1/calendar/deadline/", {"unit": other.pk, "start": "2026-11-25T09:00:00+07:00", "days": "1"}
    )
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    response = client.post("/api/v1/calendar/overrides/", {"unit": other.pk, "date": "2026-11-30", "kind": "day_off"})
    assert response.status_code == 400
    assert client.get(f"/api/v1/calendar/units/{other.pk}/days/?year=2026&month=11").status_code == 404


def test_leader_adds_and_removes_an_override(demo):
    client = _client("chutich.anphu")
    commune = demo["H99.24"]
    response = client.post(
        "/api/v1/calendar/overrides/",
        {"unit": commune.pk, "date": "2026-11-30", "kind": "day_off", "note": "Bão số 9"},
    )
    assert response.status_code == 201, response.json()
    days = client.get(f"/api/v1/calendar/units/{commune.pk}/days/?year=2026&month=11").json()
    assert {"date": "2026-11-30", "working": False, "open": False, "reason": "day_off"} in days
    assert client.delete(f"/api/v1/calendar/overrides/{response.json()['id']}/").status_code == 204


def test_desk_clerk_cannot_change_the_calendar(demo):
    client = _client("motcua.anphu")
    desk = User.objects.get(username="motcua.anphu").memberships.get().unit
    response = client.post("/api/v1/calendar/overrides/", {"unit": desk.pk, "date": "2026-11-30", "kind": "day_off"})
    assert response.status_code == 403
    assert response.json()["message"].startswith("Chỉ lãnh đạo đơn vị")
