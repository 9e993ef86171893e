"""The reporting pages: the list, the new request with its field builder, the cycle with the aggregate and its
.xlsx cells, the unit's form (typed values survive an error, pre-filled marks shown), return / accept, the reminder
button, the menu entry; strangers get 404."""

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.models import Notification
from apps.work.models import Metric, ReportRequest, ReportSubmission
from apps.work.services import reporting
from apps.work.services.reporting import FieldSpec
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(w):
    return reporting.create_request(
        actor=w.chairman, from_unit=w.province, title="Báo cáo kết quả giải quyết TTHC",
        recipients=[w.commune, w.other_commune],
        fields=[FieldSpec("Hồ sơ tiếp nhận", "number", measure="hồ sơ", prefill=Metric.DOSSIERS_RECEIVED),
                FieldSpec("Kinh phí", "number", measure="triệu đồng"),
                FieldSpec("Đánh giá", "choice", choices=("Tốt", "Chưa tốt")),
                FieldSpec("Kiến nghị", "text", required=False)],
        frequency="month", due_day=20, starts_on=dt.date(2026, 11, 15), now=local(2026, 11, 20, 9),
    )  # fmt: skip


def sub_of(request, unit) -> ReportSubmission:
    return ReportSubmission.objects.get(cycle__request=request, unit=unit)


def form_data(request, **values) -> dict:
    f = {x.label: x.pk for x in request.fields.all()}
    return {f"field_{f[label]}": value for label, value in values.items()}


def test_the_list_shows_the_requests_and_the_reports_to_send_and_the_menu_has_an_entry():
    w = world()
    request = ask(w)
    page = client_for(w.commune_chairman).get(reverse("work:reports")).content.decode()
    assert request.title in page and reverse("work:report-submission", args=[sub_of(request, w.commune).pk]) in page
    assert reverse("work:report-new") not in client_for(w.other_officer).get(reverse("work:reports")).content.decode()
    assert reverse("work:report-new") in client_for(w.chairman).get(reverse("work:reports")).content.decode()
    assert "Báo cáo" in client_for(w.culture_officer).get(reverse("work:reports")).content.decode()
    assert f'href="{reverse("work:reports")}"' in client_for(w.chairman).get(reverse("work:reports")).content.decode()


@time_machine.travel(local(2026, 11, 20, 9), tick=False)
def test_a_leader_asks_for_a_report_with_the_field_builder():
    w = world()
    client = client_for(w.chairman)
    page = client.get(reverse("work:report-new"))
    assert page.status_code == 200 and "chi-tieu-4-label" in page.content.decode()
    data = {
        "title": "Báo cáo phòng chống dịch", "from_unit": w.province.pk, "kind": "periodic", "frequency": "month",
        "due_day": "20", "starts_on": "2026-11-15", "chi-tieu-TOTAL_FORMS": "2", "chi-tieu-INITIAL_FORMS": "0",
        "chi-tieu-0-label": "Số ca mắc", "chi-tieu-0-kind": "number", "chi-tieu-0-measure": "ca",
        "chi-tieu-0-required": "on", "chi-tieu-1-label": "Mức độ", "chi-tieu-1-kind": "choice",
        "chi-tieu-1-choices": "Cao; Thấp",
    }  # fmt: skip
    more = client.post(reverse("work:report-new"), {**data, "them-dong": "1"})
    assert more.status_code == 200 and "chi-tieu-4-label" in more.content.decode()
    assert "Số ca mắc" in more.content.decode() and not ReportRequest.objects.exists()
    wrong = client.post(reverse("work:report-new"), {**data, "chi-tieu-1-choices": "Cao"})
    assert wrong.status_code == 400 and "hai lựa chọn" in wrong.content.decode()
    assert "Báo cáo phòng chống dịch" in wrong.content.decode()
    response = client.post(reverse("work:report-new"), data)
    request = ReportRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("work:report", args=[request.pk])
    assert [(f.label, f.kind, f.measure, f.choices, f.required) for f in request.fields.all()] == [
        ("Số ca mắc", "number", "ca", [], True),
        ("Mức độ", "choice", "", ["Cao", "Thấp"], False),
    ]
    assert request.cycles.get().deadline == dt.date(2026, 12, 21)
    assert set(request.recipients.all()) == {w.office, w.justice, w.commune, w.other_commune}
    client.post(reverse("work:report-new"), {**data, "title": "Báo cáo văn hóa", "recipients": [w.culture.pk]})
    assert list(ReportRequest.objects.get(title="Báo cáo văn hóa").recipients.all()) == [w.culture]
    assert client_for(w.other_officer).get(reverse("work:report-new")).status_code == 404


def test_the_unit_fills_its_form_typed_values_survive_an_error_and_it_sends():
    w = world()
    request = ask(w)
    sub = sub_of(request, w.commune)
    url = reverse("work:report-submission", args=[sub.pk])
    client = client_for(w.commune_chairman)
    page = client.get(url).content.decode()
    assert "Lấy từ số liệu hệ thống" in page  # the dossiers received, 0 in the period, pre-filled and marked
    bad = client.post(url, {"hanh-dong": "luu", **form_data(request, **{"Hồ sơ tiếp nhận": "12", "Kinh phí": "abc",
                                                                        "Kiến nghị": "Tăng biên chế"})})  # fmt: skip
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Nhập một số" in text and 'value="abc"' in text and "Tăng biên chế" in text
    assert not sub.values.filter(text="Tăng biên chế").exists()
    missing = client.post(url, {"hanh-dong": "nop", **form_data(request, **{"Kinh phí": "3,5"})})
    assert missing.status_code == 400 and "Chỉ tiêu bắt buộc, chưa nhập." in missing.content.decode()
    typed = form_data(request, **{"Hồ sơ tiếp nhận": "12", "Kinh phí": "3,5", "Đánh giá": "Tốt"})
    with time_machine.travel(local(2026, 12, 18, 10), tick=False):
        sent = client_for(w.commune_chairman).post(url, {"hanh-dong": "nop", **typed})
    assert sent.status_code == 302 and sent.url == url
    sub.refresh_from_db()
    assert (sub.status, sub.outcome) == ("submitted", "early")
    assert "Nộp báo cáo" not in client.get(url).content.decode()
    assert client_for(w.other_chairman).get(url).status_code == 404
    assert client_for(w.other_chairman).post(url, {"hanh-dong": "luu"}).status_code == 404


def test_the_requester_returns_then_accepts_and_the_unit_cannot():
    w = world()
    request = ask(w)
    sub = sub_of(request, w.commune)
    reporting.save_values(
        actor=w.commune_chairman,
        submission=sub,
        values={x.pk: "1" if x.kind == "number" else "Tốt" for x in request.fields.all()},
    )
    reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 18, 9))
    url = reverse("work:report-submission", args=[sub.pk])
    refused = client_for(w.commune_chairman).post(url, {"hanh-dong": "tiep-nhan"})
    assert refused.status_code == 400
    sub.refresh_from_db()
    assert sub.status == "submitted"
    chairman = client_for(w.chairman)
    assert "Trả lại để hoàn thiện" in chairman.get(url).content.decode()
    assert chairman.post(url, {"hanh-dong": "tra-lai", "note": "Bổ sung kiến nghị"}).status_code == 302
    assert "Bổ sung kiến nghị" in client_for(w.commune_chairman).get(url).content.decode()
    reporting.submit_report(actor=w.commune_chairman, submission=sub, now=local(2026, 12, 19, 9))
    assert chairman.post(url, {"hanh-dong": "tiep-nhan"}).status_code == 302
    sub.refresh_from_db()
    assert sub.status == "accepted"


def sent(request, unit, actor, received, money, at):
    sub = sub_of(request, unit)
    values = form_data(request, **{"Hồ sơ tiếp nhận": received, "Kinh phí": money, "Đánh giá": "Tốt"})
    reporting.save_values(actor=actor, submission=sub, values={int(k[6:]): v for k, v in values.items()})
    reporting.submit_report(actor=actor, submission=sub, now=at)


def test_the_cycle_page_the_xlsx_cells_and_the_reminder_button():
    w = world()
    for user in (w.commune_chairman, w.other_chairman):
        user.email = f"{user.username}@thu.gov.vn"
        user.save(update_fields=["email"])
    request = ask(w)
    cycle = request.cycles.get()
    url = reverse("work:report-cycle", args=[cycle.pk])
    sent(request, w.commune, w.commune_chairman, "12", "2,5", local(2026, 12, 21, 17, 30))
    with time_machine.travel(local(2026, 12, 22, 9), tick=False):
        chairman = client_for(w.chairman)
        page = chairman.get(url).content.decode()
        workbook = load_workbook(io.BytesIO(chairman.get(url, {"xuat": "xlsx"}).content))
    assert "Ủy ban nhân dân xã An Phú" in page and "Quá hạn, chưa nộp" in page and "Tổng cộng" in page
    assert '<th scope="col">Kết quả thời hạn</th>' in page  # the column of "Quá hạn", not the deadline
    sheet = workbook.active
    assert sheet["A1"].value == "" or sheet["A1"].value is None
    assert sheet["A2"].value == "ỦY BAN NHÂN DÂN TỈNH THỬ"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in [c.value for c in sheet[1]]
    assert "Độc lập - Tự do - Hạnh phúc" in [c.value for c in sheet[2]]
    assert "15/11/2026" in sheet["A5"].value and "14/12/2026" in sheet["A5"].value and "21/12/2026" in sheet["A5"].value
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7)]
    assert rows[0] == ["STT", "Đơn vị báo cáo", "Trạng thái", "Nộp lúc", "Kết quả thời hạn", "Hồ sơ tiếp nhận (hồ sơ)",
                       "Kinh phí (triệu đồng)", "Đánh giá", "Kiến nghị"]  # fmt: skip
    assert rows[1] == [1, "Ủy ban nhân dân xã An Phú", "Đã nộp", "21/12/2026 17:30", "Quá hạn", 12, 2.5, "Tốt", None]
    assert rows[2][:5] == [2, "Ủy ban nhân dân xã Bình Minh", "Quá hạn, chưa nộp", None, None]
    assert rows[3] == [None, "Tổng cộng", "1/2 đơn vị đã nộp", None, "2 quá hạn", 12, 2.5, None, None]
    assert client_for(w.commune_chairman).get(url).status_code == 404
    assert client_for(w.other_chairman).get(url, {"xuat": "xlsx"}).status_code == 404
    assert client_for(w.commune_chairman).post(reverse("work:report-cycle-remind", args=[cycle.pk])).status_code == 404
    chairman = client_for(w.chairman)
    reminded = chairman.post(reverse("work:report-cycle-remind", args=[cycle.pk]), follow=True)
    assert "Đã nhắc 1 đơn vị" in reminded.content.decode()
    assert Notification.objects.filter(recipient=w.other_chairman.email).count() == 1
    assert not Notification.objects.filter(recipient=w.commune_chairman.email).exists()


def test_the_request_page_shows_cycles_to_the_requester_and_only_its_own_report_to_a_unit():
    w = world()
    request = ask(w)
    url = reverse("work:report", args=[request.pk])
    assert "Tháng 12/2026" in client_for(w.chairman).get(url).content.decode()
    page = client_for(w.other_chairman).get(url).content.decode()
    assert reverse("work:report-submission", args=[sub_of(request, w.other_commune).pk]) in page
    assert reverse("work:report-submission", args=[sub_of(request, w.commune).pk]) not in page
    assert reverse("work:report-cycle", args=[request.cycles.get().pk]) not in page
    own = reporting.create_request(actor=w.commune_chairman, from_unit=w.commune, title="Nội bộ xã",
                                   fields=[FieldSpec("Số liệu", "number")], frequency="month", due_day=20,
                                   now=local(2026, 11, 20, 9))  # fmt: skip
    assert client_for(w.other_chairman).get(reverse("work:report", args=[own.pk])).status_code == 404


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_file_sent_with_the_form_is_served_to_the_unit_and_the_requester_only():
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = world()
    request = reporting.create_request(actor=w.chairman, from_unit=w.province, title="Báo cáo kèm văn bản",
                                       recipients=[w.commune, w.other_commune],
                                       fields=[FieldSpec("Văn bản báo cáo", "file")], frequency="month", due_day=20,
                                       now=local(2026, 11, 20, 9))  # fmt: skip
    field = request.fields.get()
    sub = sub_of(request, w.commune)
    url = reverse("work:report-submission", args=[sub.pk])
    upload = SimpleUploadedFile("bao-cao-thang.pdf", PDF_BYTES, content_type="application/pdf")
    response = client_for(w.commune_chairman).post(url, {"hanh-dong": "luu", f"field_{field.pk}": upload})
    assert response.status_code == 302
    file_url = reverse("work:report-file", args=[sub.pk, field.pk])
    assert file_url in client_for(w.commune_chairman).get(url).content.decode()
    served = client_for(w.chairman).get(file_url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF_BYTES
    assert served["Content-Disposition"].startswith("attachment")
    assert client_for(w.other_chairman).get(file_url).status_code == 404
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = client_for(w.commune_chairman).post(url, {"hanh-dong": "luu", f"field_{field.pk}": fake})
    assert refused.status_code == 400 and sub.values.get().file_name == "bao-cao-thang.pdf"


def test_the_requester_stops_a_request_from_its_page():
    w = world()
    request = ask(w)
    url = reverse("work:report-close", args=[request.pk])
    assert client_for(w.other_chairman).post(url).status_code == 302  # refused with a message
    request.refresh_from_db()
    assert request.status == "active"
    assert url in client_for(w.chairman).get(reverse("work:report", args=[request.pk])).content.decode()
    client_for(w.chairman).post(url)
    request.refresh_from_db()
    assert request.status == "closed"
    assert client_for(w.culture_officer).post(url).status_code == 404


def test_the_cycle_page_takes_the_same_queries_for_more_units():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.org.models import Unit
    from apps.org.tests.factories import UnitFactory

    w = world()
    request = ask(w)
    cycle = request.cycles.get()
    client = client_for(w.chairman)
    url = reverse("work:report-cycle", args=[cycle.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        unit = UnitFactory(name=f"Ủy ban nhân dân xã Số {n}", parent=w.province, level=Unit.Level.COMMUNE)
        request.recipients.add(unit)
    for unit in request.recipients.exclude(pk__in=[w.commune.pk, w.other_commune.pk]):
        ReportSubmission.objects.create(cycle=cycle, unit=unit)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
