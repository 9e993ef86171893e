"""The weekly schedule API: a unit's week for staff who see it (404 for another commune), add / edit / cancel by a
leader or the clerical officer of the unit (403 for others)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.org.models import Role
from apps.work.models import ScheduleEntry
from apps.work.tests.factories import staff_in, world

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(w, **overrides) -> dict:
    data = {
        "unit": w.commune.pk, "kind": "reception", "title": "Tiếp công dân định kỳ", "location": "Trụ sở tiếp dân",
        "starts_at": "2026-03-12T07:30:00+07:00", "ends_at": "2026-03-12T11:30:00+07:00",
        "leaders": [w.commune_chairman.pk], "participants": "Thanh tra xã", "is_public": True,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_clerical_officer_adds_and_the_week_lists_it():
    w = world()
    clerk = staff_in(w.commune, Role.CLERICAL_OFFICER, username="vanthu.anphu")
    response = client_for(clerk).post(reverse("v1:work-schedule"), body(w), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["leaders"][0]["name"] == w.commune_chairman.full_name
    week = client_for(w.culture_head).get(reverse("v1:work-schedule"), {"unit": w.commune.pk, "week": "2026-03-15"})
    # the culture division's head sees only their own division's subtree, not the commune committee
    assert week.status_code == 404
    week = client_for(w.commune_chairman).get(reverse("v1:work-schedule"), {"unit": w.commune.pk, "week": "2026-03-15"})
    assert week.status_code == 200
    assert week.json()["week_start"] == "2026-03-09" and week.json()["week_end"] == "2026-03-15"
    assert [e["title"] for e in week.json()["entries"]] == ["Tiếp công dân định kỳ"]
    assert week.json()["entries"][0]["starts_at"] == "2026-03-12T07:30:00+07:00"


def test_another_commune_can_neither_read_nor_write_it():
    w = world()
    pk = client_for(w.commune_chairman).post(reverse("v1:work-schedule"), body(w), format="json").json()["id"]
    other = client_for(w.other_chairman)
    assert other.get(reverse("v1:work-schedule"), {"unit": w.commune.pk}).status_code == 404
    assert other.get(reverse("v1:work-schedule-entry", args=[pk])).status_code == 404
    assert other.patch(reverse("v1:work-schedule-entry", args=[pk]), {"title": "x"}, format="json").status_code == 404
    assert other.post(reverse("v1:work-schedule-entry-cancel", args=[pk])).status_code == 404
    response = other.post(reverse("v1:work-schedule"), body(w, leaders=[w.other_chairman.pk]), format="json")
    assert response.status_code == 403
    assert ScheduleEntry.objects.count() == 1


def test_edit_cancel_and_refusals():
    w = world()
    chair = client_for(w.commune_chairman)
    pk = chair.post(reverse("v1:work-schedule"), body(w), format="json").json()["id"]
    response = chair.patch(reverse("v1:work-schedule-entry", args=[pk]), {"location": "Hội trường"}, format="json")
    assert response.status_code == 200 and response.json()["location"] == "Hội trường"
    response = chair.patch(reverse("v1:work-schedule-entry", args=[pk]), {"leaders": [w.other_chairman.pk]},
                           format="json")  # fmt: skip
    assert response.status_code == 400 and "leaders" in response.json()["errors"]
    response = chair.post(reverse("v1:work-schedule-entry-cancel", args=[pk]), {"reason": "Hoãn"}, format="json")
    assert response.json()["cancelled"] is True
    assert chair.post(reverse("v1:work-schedule-entry-cancel", args=[pk])).status_code == 409
    response = chair.post(reverse("v1:work-schedule"), body(w, kind="briefing"), format="json")
    assert response.status_code == 400
    assert chair.get(reverse("v1:work-schedule"), {"unit": w.commune.pk, "week": "khong"}).status_code == 400


def test_out_of_range_weeks_and_periods_are_refused_not_crashed():
    w = world()
    chair = client_for(w.commune_chairman)
    for week in ("9999-12-31", "0001-01-01"):
        response = chair.get(reverse("v1:work-schedule"), {"unit": w.commune.pk, "week": week})
        assert response.status_code == 400 and "week" in response.json()["errors"]
    far = body(w, starts_at="9999-12-31T08:00:00+07:00", ends_at="9999-12-31T09:00:00+07:00")
    response = chair.post(reverse("v1:work-schedule"), far, format="json")
    assert response.status_code == 400
    response = chair.post(reverse("v1:work-schedule"), body(w, ends_at="2026-05-12T11:30:00+07:00"), format="json")
    assert response.status_code == 400 and "ends_at" in response.json()["errors"]  # two months long
