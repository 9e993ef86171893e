"""The programmes' API: a unit's people draft, the head approves, the month is drawn and a task made; another
commune gets 404 on what it may not see and 403 on what it may not do; errors carry the Vietnamese reason."""

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.work.models import ProgramItem, Task, WorkProgram
from apps.work.tests.factories import world
from tests.helpers import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/work/programs/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def item_body(w, **overrides) -> dict:
    body = {"title": "Tổ chức Ngày hội Đại đoàn kết", "lead_unit": w.culture.pk,
            "person_in_charge": w.culture_officer.pk, "co_handlers": [w.commune.pk], "product_kind": "plan",
            "product": "Kế hoạch tổ chức", "deadline": "2026-03-10"}  # fmt: skip
    return {**body, **overrides}


@pytest.fixture
def w():
    with time_machine.travel(at("05/01/2026", "09:00"), tick=False):
        yield world()


def test_the_year_goes_from_draft_to_a_task(w):
    officer, chairman = api_for(w.culture_officer), api_for(w.commune_chairman)
    response = officer.post(BASE, {"unit": w.commune.pk, "kind": "year", "year": 2026}, format="json")
    assert response.status_code == 201, response.json()
    program = response.json()
    assert (program["title"], program["status"], program["period"]) == (
        "Chương trình công tác năm 2026", "draft", "năm 2026"
    )  # fmt: skip
    again = officer.post(BASE, {"unit": w.commune.pk, "kind": "year", "year": 2026}, format="json")
    assert again.status_code == 409 and "đã có chương trình công tác năm 2026" in again.json()["message"]

    pk = program["id"]
    added = officer.post(f"{BASE}{pk}/items/", item_body(w), format="json")
    assert added.status_code == 201, added.json()
    item = added.json()
    assert item["due_at"].startswith("2026-03-10T17:00:00") and item["co_handler_names"] == [w.commune.name]
    second = officer.post(f"{BASE}{pk}/items/", item_body(w, title="Tổng kết năm", deadline="2026-12-15"),
                          format="json").json()  # fmt: skip
    holiday = officer.post(f"{BASE}{pk}/items/", item_body(w, deadline="2026-04-30"), format="json")
    assert holiday.status_code == 400 and "không phải ngày làm việc" in holiday.json()["errors"]["deadline"][0]

    edited = officer.put(f"{BASE}items/{second['id']}/", item_body(w, title="Tổng kết công tác năm",
                                                                   deadline="2026-12-16"), format="json")  # fmt: skip
    assert edited.status_code == 200 and edited.json()["title"] == "Tổng kết công tác năm"
    reordered = officer.post(f"{BASE}{pk}/reorder/", {"items": [second["id"], item["id"]]}, format="json")
    assert [i["id"] for i in reordered.json()["items"]] == [second["id"], item["id"]]

    assert officer.post(f"{BASE}{pk}/submit/").json()["status"] == "submitted"
    refused = officer.post(f"{BASE}{pk}/approve/")
    assert refused.status_code == 403 and "thủ trưởng" in refused.json()["message"].lower()
    assert chairman.post(f"{BASE}{pk}/return/", {}, format="json").status_code == 400  # a note is needed
    back = chairman.post(f"{BASE}{pk}/return/", {"note": "Thêm sản phẩm"}, format="json").json()
    assert (back["status"], back["note"]) == ("draft", "Thêm sản phẩm")
    officer.post(f"{BASE}{pk}/submit/")
    approved = chairman.post(f"{BASE}{pk}/approve/").json()
    assert approved["status"] == "approved" and approved["approved_by_name"] == w.commune_chairman.get_full_name()
    assert officer.delete(f"{BASE}items/{item['id']}/").status_code == 409  # approved: no more edits

    status = officer.post(f"{BASE}items/{second['id']}/status/", {"status": "in_progress"}, format="json")
    assert status.status_code == 200 and status.json()["status_label"] == "Đang thực hiện"
    assert officer.post(f"{BASE}items/{item['id']}/task/").status_code == 403  # officers do not assign
    task = chairman.post(f"{BASE}items/{item['id']}/task/")
    assert task.status_code == 201, task.json()
    assert task.json()["deadline"] == "2026-03-10" and task.json()["assignee"] == w.culture_officer.pk
    assert Task.objects.get().program_item_id == item["id"]
    detail = officer.get(f"{BASE}{pk}/").json()
    assert {i["id"]: i["has_task"] for i in detail["items"]} == {item["id"]: True, second["id"]: False}


def test_the_month_is_drawn_through_the_api(w):
    officer, chairman = api_for(w.culture_officer), api_for(w.commune_chairman)
    pk = officer.post(BASE, {"unit": w.commune.pk, "kind": "year", "year": 2026}, format="json").json()["id"]
    march = officer.post(f"{BASE}{pk}/items/", item_body(w), format="json").json()
    officer.post(f"{BASE}{pk}/items/", item_body(w, title="Tháng 4", deadline="2026-04-10"), format="json")
    officer.post(f"{BASE}{pk}/submit/")
    chairman.post(f"{BASE}{pk}/approve/")
    drawn = officer.post(f"{BASE}draw-month/", {"unit": w.commune.pk, "year": 2026, "month": 3}, format="json")
    assert drawn.status_code == 200, drawn.json()
    body = drawn.json()
    assert body["added"] == 1 and body["program"]["kind"] == "month" and body["program"]["number"] == 3
    assert [i["source_item"] for i in body["program"]["items"]] == [march["id"]]
    assert officer.post(f"{BASE}draw-month/", {"unit": w.commune.pk, "year": 2026, "month": 3},
                        format="json").json()["added"] == 0  # fmt: skip


def test_the_list_filters_by_unit_year_and_kind(w):
    officer = api_for(w.culture_officer)
    for kind, number in (("year", 1), ("quarter", 1), ("month", 2)):
        officer.post(BASE, {"unit": w.commune.pk, "kind": kind, "year": 2026, "number": number}, format="json")
    officer.post(BASE, {"unit": w.commune.pk, "kind": "year", "year": 2025}, format="json")
    rows = officer.get(BASE, {"unit": w.commune.pk, "year": 2026}).json()["results"]
    assert sorted(r["kind"] for r in rows) == ["month", "quarter", "year"]
    assert [r["year"] for r in officer.get(BASE, {"kind": "year"}).json()["results"]] == [2026, 2025]
    assert officer.get(BASE, {"unit": "x"}).json()["results"] == []


def test_another_commune_neither_sees_nor_touches_the_programme(w):
    officer = api_for(w.culture_officer)
    pk = officer.post(BASE, {"unit": w.commune.pk, "kind": "year", "year": 2026}, format="json").json()["id"]
    item = officer.post(f"{BASE}{pk}/items/", item_body(w), format="json").json()
    for stranger in (w.other_officer, w.other_chairman):
        them = api_for(stranger)
        assert them.get(BASE).json()["results"] == []
        assert them.get(BASE, {"unit": w.commune.pk}).json()["results"] == []
        assert them.get(f"{BASE}{pk}/").status_code == 404
        assert them.post(f"{BASE}{pk}/items/", item_body(w), format="json").status_code == 404
        assert them.put(f"{BASE}items/{item['id']}/", item_body(w), format="json").status_code == 404
        assert them.delete(f"{BASE}items/{item['id']}/").status_code == 404
        assert them.post(f"{BASE}{pk}/submit/").status_code == 404
        assert them.post(f"{BASE}{pk}/approve/").status_code == 404
        assert them.post(f"{BASE}{pk}/return/", {"note": "x"}, format="json").status_code == 404
        assert them.post(f"{BASE}items/{item['id']}/status/", {"status": "done"}, format="json").status_code == 404
        assert them.post(f"{BASE}items/{item['id']}/task/").status_code == 404
        created = them.post(BASE, {"unit": w.commune.pk, "kind": "quarter", "year": 2026, "number": 1}, format="json")
        assert created.status_code == 403
        drawn = them.post(f"{BASE}draw-month/", {"unit": w.commune.pk, "year": 2026, "month": 3}, format="json")
        assert drawn.status_code == 403
    assert WorkProgram.objects.count() == 1 and ProgramItem.objects.get().title == item["title"]
    assert api_for(w.other_officer).post(f"{BASE}{pk}/items/", item_body(w), format="json").status_code == 404


def test_anonymous_callers_are_refused(w):
    assert APIClient().get(BASE).status_code in (401, 403)


def test_the_schema_lists_the_programme_routes(w):
    schema = api_for(w.culture_officer).get("/api/schema/", {"format": "json"}).json()
    for route in ("/api/v1/work/programs/", "/api/v1/work/programs/{id}/", "/api/v1/work/programs/draw-month/",
                  "/api/v1/work/programs/items/{id}/task/"):  # fmt: skip
        assert route in schema["paths"], route
