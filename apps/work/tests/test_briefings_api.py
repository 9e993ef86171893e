"""The briefings API: the whole path (schedule → minutes → conclusions → notice → tasks → PDF) and the scope (a
commune's briefing is 404 to another commune, a step it may not take is 403)."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from apps.work.models import Briefing, Task
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def create(w, client):
    return client.post(reverse("v1:work-briefings"), {
        "unit": w.commune.pk, "kind": "quarterly", "title": "Giao ban quý I", "location": "Hội trường UBND xã",
        "starts_at": "2026-03-10T08:00:00+07:00", "ends_at": "2026-03-10T11:00:00+07:00",
        "chaired_by": w.commune_chairman.pk, "agenda": "Kiểm điểm", "participant_users": [w.culture_head.pk],
        "participant_units": [w.culture.pk],
    }, format="json")  # fmt: skip


@time_machine.travel(local(2026, 3, 2, 9, 0), tick=False)
def test_from_scheduling_to_tasks_and_the_notice_pdf():
    w = world()
    chair = client_for(w.commune_chairman)
    response = create(w, chair)
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "planned" and len(response.json()["participants"]) == 2
    with time_machine.travel(local(2026, 3, 10, 11, 30), tick=False):
        response = chair.post(reverse("v1:work-briefing-minutes", args=[pk]), {"minutes": "Biên bản"}, format="json")
        assert response.json()["status"] == "held"
        participants = response.json()["participants"]
        marks = [{"participant": p["id"], "attended": p["unit"] is None, "absence_reason": "Đi công tác"}
                 for p in participants]  # fmt: skip
        response = chair.post(reverse("v1:work-briefing-attendance", args=[pk]), {"marks": marks}, format="json")
        assert response.status_code == 200
        assert sorted(p["attended"] for p in response.json()["participants"]) == [False, True]
        response = chair.post(reverse("v1:work-briefing-conclusions", args=[pk]), {
            "text": "Rà soát hồ sơ trễ hạn", "owner_unit": w.culture.pk, "owner_user": w.culture_officer.pk,
            "deadline": "2026-03-20",
        }, format="json")  # fmt: skip
        assert response.status_code == 201 and response.json()["order"] == 1
        holiday = chair.post(reverse("v1:work-briefing-conclusions", args=[pk]), {
            "text": "Báo cáo", "owner_unit": w.culture.pk, "deadline": "2026-04-30"}, format="json")  # fmt: skip
        assert holiday.status_code == 400 and "deadline" in holiday.json()["errors"]
        response = chair.post(reverse("v1:work-briefing-notice", args=[pk]))
        assert response.json()["notice_number"] == "01/TB-UBND"
        response = chair.post(reverse("v1:work-briefing-tasks", args=[pk]))
        assert response.status_code == 201 and len(response.json()) == 1
        assert chair.post(reverse("v1:work-briefing-tasks", args=[pk])).status_code == 409
        pdf = chair.get(reverse("v1:work-briefing-notice-pdf", args=[pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "01/TB-UBND" in text and "Rà soát hồ sơ trễ hạn" in text and "20/03/2026" in text
    task = Task.objects.get()
    assert task.conclusion.briefing_id == pk and task.assignee == w.culture_officer
    detail = chair.get(reverse("v1:work-briefing", args=[pk])).json()
    assert detail["conclusions"][0]["task"] == task.pk


@time_machine.travel(local(2026, 3, 2, 9, 0), tick=False)
def test_another_commune_gets_404_and_an_officer_403():
    w = world()
    pk = create(w, client_for(w.commune_chairman)).json()["id"]
    other = client_for(w.other_chairman)
    assert other.get(reverse("v1:work-briefing", args=[pk])).status_code == 404
    assert other.get(reverse("v1:work-briefings")).json()["results"] == []
    assert other.post(reverse("v1:work-briefing-cancel", args=[pk]), {"reason": "x"}).status_code == 404
    assert other.patch(reverse("v1:work-briefing", args=[pk]), {"title": "x"}, format="json").status_code == 404
    officer = client_for(w.culture_officer)  # sees the commune's briefings, may not change them
    assert officer.get(reverse("v1:work-briefing", args=[pk])).status_code == 200
    response = officer.post(reverse("v1:work-briefing-cancel", args=[pk]), {"reason": "x"}, format="json")
    assert response.status_code == 403
    response = client_for(w.other_chairman).post(reverse("v1:work-briefings"), {
        "unit": w.commune.pk, "kind": "weekly", "title": "Xâm phạm", "location": "x", "chaired_by": w.other_chairman.pk,
        "starts_at": "2026-03-10T08:00:00+07:00", "ends_at": "2026-03-10T09:00:00+07:00"}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert Briefing.objects.count() == 1


@time_machine.travel(local(2026, 3, 2, 9, 0), tick=False)
def test_edit_and_cancel_through_the_api():
    w = world()
    chair = client_for(w.commune_chairman)
    pk = create(w, chair).json()["id"]
    response = chair.patch(reverse("v1:work-briefing", args=[pk]), {"location": "Phòng họp 2"}, format="json")
    assert response.status_code == 200 and response.json()["location"] == "Phòng họp 2"
    assert len(response.json()["participants"]) == 2
    response = chair.post(reverse("v1:work-briefing-cancel", args=[pk]), {"reason": "Trùng lịch"}, format="json")
    assert response.json()["status"] == "cancelled"
    assert chair.get(reverse("v1:work-briefing-notice-pdf", args=[pk])).status_code == 404
    assert APIClient().get(reverse("v1:work-briefings")).status_code == 401
