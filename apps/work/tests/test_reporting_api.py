"""The reporting API: create a request, list and read it from both sides, a cycle's status and totals, fill and
submit a unit's report (errors per field, nothing written), return / accept, remind; strangers get 404."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.work.models import ReportRequest, ReportSubmission, ReportValue
from apps.work.services import reporting
from apps.work.services.reporting import FieldSpec
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ask(w):
    return reporting.create_request(
        actor=w.chairman, from_unit=w.province, title="Báo cáo tháng", recipients=[w.commune, w.other_commune],
        fields=[FieldSpec("Hồ sơ tiếp nhận", "number"), FieldSpec("Ghi chú", "text", required=False)],
        frequency="month", due_day=20, starts_on=dt.date(2026, 11, 15), now=local(2026, 11, 20, 9),
    )  # fmt: skip


def ids(request) -> dict[str, int]:
    return {f.label: f.pk for f in request.fields.all()}


@time_machine.travel(local(2026, 11, 20, 9), tick=False)
def test_a_leader_creates_a_request_through_the_api():
    w = world()
    body = {
        "title": "Báo cáo quý", "from_unit": w.province.pk, "kind": "periodic", "frequency": "quarter", "due_day": 18,
        "starts_on": "2027-01-01",
        "fields": [{"label": "Số vụ việc", "kind": "number", "measure": "vụ"},
                   {"label": "Đánh giá", "kind": "choice", "choices": ["Tốt", "Khá"], "required": False}],
    }  # fmt: skip
    assert api_for(w.commune_chairman).post(reverse("v1:work-reports"), body, format="json").status_code == 403
    response = api_for(w.chairman).post(reverse("v1:work-reports"), body, format="json")
    assert response.status_code == 201, response.json()
    request = ReportRequest.objects.get()
    assert request.recipients.count() == 4  # the units directly under the province
    assert [f.label for f in request.fields.all()] == ["Số vụ việc", "Đánh giá"]
    wrong = api_for(w.chairman).post(reverse("v1:work-reports"), {**body, "frequency": ""}, format="json")
    assert wrong.status_code == 400 and wrong.json()["errors"] == {
        "frequency": ["Chọn kỳ báo cáo: tháng, quý, 6 tháng hoặc năm."]
    }


def test_both_sides_read_a_request_and_a_commune_never_reads_anothers_report():
    w = world()
    request = ask(w)
    mine = ReportSubmission.objects.get(cycle__request=request, unit=w.commune)
    theirs = ReportSubmission.objects.get(cycle__request=request, unit=w.other_commune)
    detail = api_for(w.chairman).get(reverse("v1:work-report", args=[request.pk])).json()
    assert [c["label"] for c in detail["cycles"]] == ["Tháng 12/2026"] and detail["submissions"] == []
    seen = api_for(w.other_officer).get(reverse("v1:work-report", args=[request.pk])).json()
    assert seen["cycles"] == [] and [s["id"] for s in seen["submissions"]] == [theirs.pk]
    assert [r["id"] for r in api_for(w.other_officer).get(reverse("v1:work-reports")).json()["results"]] == [request.pk]
    other = api_for(w.other_chairman)
    assert other.get(reverse("v1:work-report-submission", args=[mine.pk])).status_code == 404
    assert other.patch(reverse("v1:work-report-submission", args=[mine.pk]), {"values": {}},
                       format="json").status_code == 404  # fmt: skip
    assert other.post(reverse("v1:work-report-submit", args=[mine.pk])).status_code == 404
    assert other.get(reverse("v1:work-report-cycle", args=[request.cycles.get().pk])).status_code == 404
    assert [s["id"] for s in other.get(reverse("v1:work-report-submissions")).json()["results"]] == [theirs.pk]


def test_a_unit_fills_and_sends_and_the_requester_returns_accepts_and_sees_the_totals():
    w = world()
    request = ask(w)
    f = ids(request)
    sub = ReportSubmission.objects.get(cycle__request=request, unit=w.commune)
    url = reverse("v1:work-report-submission", args=[sub.pk])
    unit = api_for(w.commune_chairman)
    bad = unit.patch(url, {"values": {str(f["Hồ sơ tiếp nhận"]): "mười", str(f["Ghi chú"]): "Ổn"}}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"] == {f"field_{f['Hồ sơ tiếp nhận']}": ["Nhập một số, ví dụ 1.234 hoặc 12,5."]}
    assert not ReportValue.objects.filter(submission=sub).exists()
    assert unit.post(reverse("v1:work-report-submit", args=[sub.pk])).status_code == 400
    good = unit.patch(url, {"values": {str(f["Hồ sơ tiếp nhận"]): "1.234", str(f["Ghi chú"]): "Ổn"}}, format="json")
    assert good.status_code == 200
    assert {v["field"]: v["number"] for v in good.json()["values"]}[f["Hồ sơ tiếp nhận"]] == "1234.00"
    with time_machine.travel(local(2026, 12, 21, 16, 0), tick=False):
        sent = unit.post(reverse("v1:work-report-submit", args=[sub.pk]))
    assert (sent.status_code, sent.json()["status"], sent.json()["outcome"]) == (200, "submitted", "on_time")
    note = {"note": "Thiếu số liệu tháng 11"}
    assert unit.post(reverse("v1:work-report-return", args=[sub.pk]), note, format="json").status_code == 403
    chairman = api_for(w.chairman)
    cycle = chairman.get(reverse("v1:work-report-cycle", args=[sub.cycle_id])).json()
    assert cycle["totals"] == [{"field": f["Hồ sơ tiếp nhận"], "label": "Hồ sơ tiếp nhận", "measure": "",
                                "total": "1234.00"}]  # fmt: skip
    assert {s["unit"]: s["state"] for s in cycle["submissions"]} == {w.commune.pk: "submitted",
                                                                     w.other_commune.pk: "missing"}  # fmt: skip
    returned = chairman.post(reverse("v1:work-report-return", args=[sub.pk]), note, format="json")
    assert returned.json()["status"] == "returned"
    assert chairman.get(reverse("v1:work-report-cycle", args=[sub.cycle_id])).json()["totals"][0]["total"] is None
    assert unit.post(reverse("v1:work-report-submit", args=[sub.pk])).json()["outcome"] == "on_time"
    assert chairman.post(reverse("v1:work-report-accept", args=[sub.pk])).json()["status"] == "accepted"
    assert chairman.post(reverse("v1:work-report-accept", args=[sub.pk])).status_code == 409
    assert ReportValue.objects.get(submission=sub, field_id=f["Hồ sơ tiếp nhận"]).number == Decimal("1234")


def test_the_requester_reminds_through_the_api():
    w = world()
    request = ask(w)
    cycle = request.cycles.get()
    assert api_for(w.commune_chairman).post(reverse("v1:work-report-cycle-remind", args=[cycle.pk])).status_code == 404
    assert api_for(w.chairman).post(reverse("v1:work-report-cycle-remind", args=[cycle.pk])).json() == {"reminded": 2}


def test_a_file_value_goes_as_multipart():
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = world()
    request = reporting.create_request(actor=w.chairman, from_unit=w.province, title="Báo cáo kèm văn bản",
                                       recipients=[w.commune], frequency="month", due_day=20,
                                       fields=[FieldSpec("Văn bản", "file"), FieldSpec("Số vụ", "number")],
                                       now=local(2026, 11, 20, 9))  # fmt: skip
    f = ids(request)
    sub = ReportSubmission.objects.get(cycle__request=request)
    upload = SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = api_for(w.commune_chairman).patch(
        reverse("v1:work-report-submission", args=[sub.pk]),
        {f"field_{f['Văn bản']}": upload, f"field_{f['Số vụ']}": "3"}, format="multipart",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    values = {v["field"]: v for v in response.json()["values"]}
    assert values[f["Văn bản"]]["file_name"] == "bc.pdf" and values[f["Số vụ"]]["number"] == "3.00"


def test_a_body_of_the_wrong_shape_is_refused_not_a_server_error():
    w = world()
    request = ask(w)
    sub = ReportSubmission.objects.get(cycle__request=request, unit=w.commune)
    url = reverse("v1:work-report-submission", args=[sub.pk])
    client = api_for(w.commune_chairman)
    assert client.patch(url, [1, 2], format="json").status_code == 200  # nothing to write
    assert client.patch(url, {"values": {"x": "1", "999999": "2"}}, format="json").status_code == 200
    assert client.patch(url, {"values": {str(request.fields.first().pk): {"a": 1}}}, format="json").status_code == 400
    assert not ReportValue.objects.filter(submission=sub, prefilled=False).exists()
