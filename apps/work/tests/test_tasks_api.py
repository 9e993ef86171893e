"""The tasks API: list and detail scoped (another commune gets 404), the assignment, each step with its status
code (403 for the wrong person, 409 for a step the status forbids), the follow-up JSON and its lists, the schema."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.work.models import Task
from apps.work.services import tasks as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(local(2026, 4, 28, 9), tick=False):  # Tuesday before the 30/4 – 1/5 holidays
        yield


@pytest.fixture
def w():
    return world()


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def give(w) -> Task:
    return services.assign_task(actor=w.chairman, unit=w.culture, assignee=w.culture_officer, title="Rà soát",
                                deadline=dt.date(2026, 5, 4))  # fmt: skip


def test_the_assigner_creates_a_task_and_the_holder_finds_it(w):
    response = api_for(w.chairman).post(reverse("v1:work-tasks"), {
        "title": "Báo cáo tình hình hộ nghèo", "unit": w.culture.pk, "assignee": w.culture_officer.pk,
        "working_days": 3, "priority": "high",
    }, format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    # Tuesday 28/04 + 3 working days: Wed 29/04, (30/04 – 03/05 off), Mon 04/05, Tue 05/05 → Tuesday 17:00.
    assert body["deadline"] == "2026-05-05" and body["original_deadline"] == "2026-05-05"
    mine = api_for(w.culture_officer).get(reverse("v1:work-tasks"), {"scope": "mine"}).json()
    assert [t["id"] for t in mine["results"]] == [body["id"]]


def test_a_commune_cannot_assign_or_read_across_to_another(w):
    response = api_for(w.other_chairman).post(reverse("v1:work-tasks"), {
        "title": "Sang xã khác", "unit": w.culture.pk, "working_days": 3}, format="json")  # fmt: skip
    assert response.status_code == 403 and response.json()["message"]
    task = give(w)
    stranger = api_for(w.other_officer)
    assert stranger.get(reverse("v1:work-task", args=[task.pk])).status_code == 404
    assert stranger.get(reverse("v1:work-tasks")).json()["results"] == []
    assert stranger.post(reverse("v1:work-task-progress", args=[task.pk]), {"note": "x", "percent": 10},
                         format="json").status_code == 404  # fmt: skip


def test_a_deadline_on_a_holiday_is_refused_with_a_message(w):
    response = api_for(w.chairman).post(reverse("v1:work-tasks"), {
        "title": "Việc", "unit": w.culture.pk, "deadline": "2026-04-30"}, format="json")  # fmt: skip
    assert response.status_code == 400 and "không phải ngày làm việc" in response.json()["message"]


def test_the_whole_journey_through_the_api(w):
    task = give(w)
    holder, assigner = api_for(w.culture_officer), api_for(w.chairman)
    url = lambda name: reverse(f"v1:work-task-{name}", args=[task.pk])  # noqa: E731
    upload = SimpleUploadedFile("bc.pdf", PDF_BYTES)
    response = holder.post(url("progress"), {"note": "Đã rà soát 3 thôn", "percent": "40", "file": upload},
                           format="multipart")  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["task"]["progress"] == 40 and len(response.json()["files"]) == 1
    file_url = response.json()["files"][0]["url"]
    assert holder.get(file_url).status_code == 200
    assert api_for(w.other_officer).get(file_url).status_code == 404
    assert holder.post(url("accept"), {}, format="json").status_code == 403  # not the assigner
    response = holder.post(
        url("extension"), {"proposed_deadline": "2026-05-06", "reason": "Chờ số liệu"}, format="json"
    )
    assert response.status_code == 200 and "decide_extension" not in response.json()["allowed_steps"]
    response = assigner.post(url("extension-decision"), {"approve": True, "granted_deadline": "2026-05-07"},
                             format="json")  # fmt: skip
    body = response.json()["task"]
    assert (body["deadline"], body["original_deadline"], body["extended"]) == ("2026-05-07", "2026-05-04", True)
    response = holder.post(url("complete"), {"product": "Báo cáo 12/BC-VHXH"}, format="json")
    assert response.json()["task"]["outcome"] == "early"
    assert holder.post(url("progress"), {"note": "Thêm", "percent": 100}, format="json").status_code == 409
    assert assigner.post(url("accept"), {"note": "Đạt"}, format="json").json()["task"]["status"] == "accepted"
    kinds = [e["kind"] for e in assigner.get(reverse("v1:work-task", args=[task.pk])).json()["timeline"]]
    assert kinds == ["assigned", "progress", "extension_requested", "extension_approved", "completed", "accepted"]


def test_return_reassign_and_cancel(w):
    task = give(w)
    assigner = api_for(w.chairman)
    url = lambda name: reverse(f"v1:work-task-{name}", args=[task.pk])  # noqa: E731
    assert assigner.post(url("return"), {"note": "Làm lại"}, format="json").status_code == 409  # not completed
    response = assigner.post(url("reassign"), {"unit": w.justice.pk, "assignee": w.justice_officer.pk}, format="json")
    assert response.json()["task"]["unit"] == w.justice.pk
    assert api_for(w.culture_officer).get(reverse("v1:work-task", args=[task.pk])).status_code == 404
    assert assigner.post(url("cancel"), {"reason": ""}, format="json").status_code == 400
    assert (
        assigner.post(url("cancel"), {"reason": "Không cần nữa"}, format="json").json()["task"]["status"] == "cancelled"
    )


def test_the_follow_up_json_and_its_lists(w):
    give(w)
    late = services.assign_task(actor=w.chairman, unit=w.other_commune, title="Quá hạn", deadline=dt.date(2026, 4, 28))
    with time_machine.travel(local(2026, 4, 29, 9), tick=False):
        body = api_for(w.chairman).get(reverse("v1:work-follow-up")).json()
        assert body["totals"]["open"] == 2 and body["totals"]["late"] == 1
        assert reverse("v1:work-follow-up") == "/api/v1/work/follow-up/"
        listed = api_for(w.chairman).get(reverse("v1:work-follow-up-tasks"), {"kind": "late"}).json()
        assert [t["id"] for t in listed["results"]] == [late.pk]
        commune = api_for(w.commune_chairman).get(reverse("v1:work-follow-up")).json()
        assert commune["totals"]["late"] == 0 and [u["unit_id"] for u in commune["units"]] == [w.culture.pk]
        assert api_for(w.commune_chairman).get(reverse("v1:work-follow-up-tasks"),
                                               {"kind": "late"}).json()["results"] == []  # fmt: skip
        assert api_for(w.chairman).get(reverse("v1:work-follow-up-tasks"), {"kind": "nope"}).status_code == 400


def test_the_task_endpoints_are_in_the_schema(w):
    schema = api_for(w.chairman).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for route in ("/api/v1/work/tasks/", "/api/v1/work/tasks/{id}/extension/decision/", "/api/v1/work/follow-up/"):
        assert route in text
