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
    # Hour-precise (step budgets): from 13:30 Friday, Tết 16–20/02 → Monday 23/02 11:30. The law (Civil Code
    # art. 147–148): Friday is not counted, Tết and the weekend are not working days → Monday 23/02 17:00.
    assert body == {
        "clock_start": "2026-02-13T13:30:00+07:00",
        "deadline": "2026-02-23T11:30:00+07:00",
        "legal_due": "2026-02-23T17:00:00+07:00",
    }
    body = client.post(
        "/api/v1/calendar/deadline/", {"unit": desk.pk, "start": "2026-11-25T09:00:00+07:00", "hours": "4"}
    ).json()
    # 4 hours: 09:00 + 2.5 h to 11:30 + 1.5 h from 13:30; the law: a same-day procedure, due at the close.
    assert body["deadline"] == "2026-11-25T15:00:00+07:00" and body["legal_due"] == "2026-11-25T17:00:00+07:00"


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
    assert response.status_code == 400 and "legal_basis" in response.json()["errors"]
    response = client.post(
        "/api/v1/calendar/overrides/",
        {"unit": commune.pk, "date": "2026-11-30", "kind": "day_off", "note": "Bão số 9",
         "legal_basis": "Công điện 12/CĐ-UBND ngày 29/11/2026 của Chủ tịch UBND tỉnh"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    # The desk closes; the legal limits wait for a province administrator's approval.
    assert response.json()["counts_for_legal_limits"] is False and response.json()["approved_at"] is None
    days = client.get(f"/api/v1/calendar/units/{commune.pk}/days/?year=2026&month=11").json()
    assert {"date": "2026-11-30", "working": False, "open": False, "reason": "day_off"} in days
    assert client.delete(f"/api/v1/calendar/overrides/{response.json()['id']}/").status_code == 204


def test_desk_clerk_cannot_change_the_calendar(demo):
    client = _client("motcua.anphu")
    desk = User.objects.get(username="motcua.anphu").memberships.get().unit
    response = client.post("/api/v1/calendar/overrides/", {"unit": desk.pk, "date": "2026-11-30", "kind": "day_off"})
    assert response.status_code == 403
    assert response.json()["message"].startswith("Chỉ lãnh đạo đơn vị")


OUT_OF_RANGE = "Lịch chỉ tính được các năm từ 1901 đến 2100."  # the lunar holiday tables cover 1901–2100


@pytest.mark.parametrize(
    "year, message",
    [("99999", OUT_OF_RANGE), ("1900", OUT_OF_RANGE), ("2101", OUT_OF_RANGE), ("0", OUT_OF_RANGE),
     ("-5", OUT_OF_RANGE), ("²", "Năm không hợp lệ."), ("nam", "Năm không hợp lệ.")],
)  # fmt: skip
def test_a_month_outside_the_known_years_is_refused_in_vietnamese(demo, year, message):
    client = _client("chutich.anphu")
    response = client.get(f"/api/v1/calendar/units/{demo['H99.24'].pk}/days/?year={year}&month=1")
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["year"] == [message]


def test_the_first_and_last_known_years_are_answered(demo):
    client = _client("chutich.anphu")
    unit = demo["H99.24"].pk
    first = client.get(f"/api/v1/calendar/units/{unit}/days/?year=1901&month=1").json()
    last = client.get(f"/api/v1/calendar/units/{unit}/days/?year=2100&month=12").json()
    assert first[0]["date"] == "1901-01-01" and last[-1]["date"] == "2100-12-31"


@pytest.mark.parametrize("month", ["0", "13", "x"])
def test_a_month_number_outside_1_to_12_is_refused(demo, month):
    response = _client("chutich.anphu").get(f"/api/v1/calendar/units/{demo['H99.24'].pk}/days/?year=2026&month={month}")
    assert response.status_code == 400 and response.json()["errors"]["month"] == ["Tháng phải từ 1 đến 12."]


@pytest.mark.parametrize("year", ["99999", "²"])
def test_overrides_of_a_year_outside_the_known_years_are_refused(demo, year):
    response = _client("chutich.anphu").get(f"/api/v1/calendar/overrides/?year={year}")
    assert response.status_code == 400 and "year" in response.json()["errors"]


@pytest.mark.parametrize(
    "start, amount",
    [("0001-01-01T09:00:00+07:00", {"days": "1"}), ("9999-12-31T09:00:00+07:00", {"days": "1"}),
     ("2100-12-30T09:00:00+07:00", {"days": "10"}), ("2100-12-31T09:00:00+07:00", {"hours": "9999"})],
)  # fmt: skip
def test_a_deadline_outside_the_known_years_is_refused(demo, start, amount):
    client = _client("motcua.anphu")
    desk = User.objects.get(username="motcua.anphu").memberships.get().unit
    response = client.post("/api/v1/calendar/deadline/", {"unit": desk.pk, "start": start, **amount})
    assert response.status_code == 400, response.content
    assert [OUT_OF_RANGE] in response.json()["errors"].values()
