"""Registering an incoming document from a scan: the page journey upload → progress → confirm → registered, the API,
who may see a scan, bad files refused, and the registration deadline (Decree 30/2020: the same day, at the latest the
next working day; urgent ones at once)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from apps.core.models import AuditEvent
from apps.documents.models import DocumentFile, IncomingDocument, Scan
from apps.documents.selectors import intake as intake_selectors
from apps.documents.services import intake, ocr
from apps.documents.tests.factories import world
from apps.documents.tests.scans import DECISION_LINES, text_pdf
from tests.helpers import at

pytestmark = pytest.mark.django_db
UPLOAD = "/can-bo/van-ban/den/ban-quet/"
SCAN_PDF = text_pdf(DECISION_LINES)  # a text layer: read as it is, no OCR run (fast); the OCR runs in test_ocr
PROPOSED = {"issuer_name": "Ủy ban nhân dân tỉnh An Giang", "number_symbol": "12/QĐ-UBND",
            "issued_date": "2026-03-05", "doc_type": "quyet_dinh",
            "summary": "Về việc công bố danh mục thủ tục hành chính lĩnh vực hộ tịch thuộc thẩm quyền giải quyết của "
                       "cấp xã"}  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_file(content: bytes = SCAN_PDF, name: str = "van-ban-den.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_from(proposed: dict, **extra) -> dict:
    return {**proposed, "urgency": "normal", "confidentiality": "normal", "note": "", **extra}


def test_upload_progress_confirm_registered(django_capture_on_commit_callbacks):
    w = world()
    clerk = client_for(w.clerk)
    registers = clerk.get(f"/can-bo/van-ban/?don-vi={w.commune.pk}&so=den").content.decode()
    assert f"{UPLOAD}?don-vi={w.commune.pk}" in registers and "Vào sổ từ bản quét" in registers
    with django_capture_on_commit_callbacks(execute=False) as queued:
        uploaded = clerk.post(f"{UPLOAD}?don-vi={w.commune.pk}", {"file": pdf_file()})
    scan = Scan.objects.get()
    assert uploaded.status_code == 302 and uploaded["Location"] == f"{UPLOAD}{scan.pk}/"
    # before the worker: the progress, polled with htmx
    waiting = clerk.get(uploaded["Location"]).content.decode()
    assert f'hx-get="{UPLOAD}{scan.pk}/tien-do/"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert "Đang chờ đến lượt nhận dạng" in waiting and "<progress" in waiting
    assert "Bản quét chờ vào sổ" in clerk.get(f"{UPLOAD}?don-vi={w.commune.pk}").content.decode()
    for callback in queued:  # the worker (huey runs inline in tests)
        callback()
    scan.refresh_from_db()
    assert scan.status == Scan.Status.DONE and scan.progress == 100
    assert clerk.get(f"{UPLOAD}{scan.pk}/tien-do/", headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    # the form pre-filled with the proposal, each proposed field marked, the scan beside it
    page = clerk.get(f"{UPLOAD}{scan.pk}/").content.decode()
    assert page.count("đề xuất từ bản quét") >= len(PROPOSED)
    assert 'value="12/QĐ-UBND"' in page and 'value="Ủy ban nhân dân tỉnh An Giang"' in page
    assert 'value="2026-03-05"' in page and '<option value="quyet_dinh" selected>' in page
    assert f'<iframe class="w-100 border rounded scan-preview" src="{UPLOAD}{scan.pk}/tep/"' in page
    preview = clerk.get(f"{UPLOAD}{scan.pk}/tep/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    # the clerk corrects the summary and registers
    registered = clerk.post(f"{UPLOAD}{scan.pk}/", form_from(PROPOSED, summary="Công bố thủ tục hộ tịch"))
    assert registered.status_code == 302
    document = IncomingDocument.objects.get()
    assert (document.number, document.number_symbol, document.source) == (1, "12/QĐ-UBND", "upload")
    assert document.issuer_name == "Ủy ban nhân dân tỉnh An Giang" and document.summary == "Công bố thủ tục hộ tịch"
    main = DocumentFile.objects.get(incoming=document)
    assert (main.kind, main.stage, main.content_type) == ("main", "received", "application/pdf")
    assert "thủ tục hành chính" in main.text and main.file.read() == SCAN_PDF
    scan.refresh_from_db()
    assert scan.incoming == document
    event = AuditEvent.objects.get(action="documents.scan.register")
    assert event.changes["corrected"] == ["summary"]
    assert "Không có bản quét nào chờ vào sổ." in clerk.get(f"{UPLOAD}?don-vi={w.commune.pk}").content.decode()
    again = clerk.post(f"{UPLOAD}{scan.pk}/", form_from(PROPOSED), follow=True)
    assert "đã được vào sổ với số đến 01" in again.content.decode() and IncomingDocument.objects.count() == 1


def test_the_same_document_scanned_twice_is_warned_then_confirmed():
    w = world()
    clerk = client_for(w.clerk)
    first, second = (intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file()) for _ in range(2))
    for scan in (first, second):
        ocr.run_scan_ocr(scan.pk)
    assert clerk.post(f"{UPLOAD}{first.pk}/", form_from(PROPOSED)).status_code == 302
    warned = clerk.post(f"{UPLOAD}{second.pk}/", form_from(PROPOSED)).content.decode()
    assert "Văn bản này đã được vào sổ" in warned and 'name="confirm_duplicate"' in warned
    assert 'value="12/QĐ-UBND"' in warned  # nothing the clerk typed is lost
    assert IncomingDocument.objects.count() == 1
    assert clerk.post(f"{UPLOAD}{second.pk}/", form_from(PROPOSED, confirm_duplicate="1")).status_code == 302
    assert IncomingDocument.objects.count() == 2


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_lost():
    w = world()
    clerk = client_for(w.clerk)
    url = f"{UPLOAD}?don-vi={w.commune.pk}"
    assert "Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG)." in clerk.post(url, {}).content.decode()
    text = clerk.post(url, {"file": pdf_file(b"Xin chao, day khong phai PDF", "gia.pdf")}).content.decode()
    assert "Tệp gia.pdf không đúng định dạng cho phép (PDF, JPEG, PNG)." in text
    assert "Tệp bản quét rỗng." in clerk.post(url, {"file": pdf_file(b"", "rong.pdf")}).content.decode()
    assert not Scan.objects.exists()
    scan = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file())
    ocr.run_scan_ocr(scan.pk)
    page = clerk.post(f"{UPLOAD}{scan.pk}/", form_from(PROPOSED, issued_date="2999-01-01")).content.decode()
    assert "Ngày văn bản không thể sau ngày đến." in page and 'value="Ủy ban nhân dân tỉnh An Giang"' in page
    blank = clerk.post(f"{UPLOAD}{scan.pk}/", form_from(PROPOSED, number_symbol="")).content.decode()
    assert "Trường này là bắt buộc." in blank
    assert not IncomingDocument.objects.exists()


def test_a_failed_ocr_shows_its_message_and_can_be_retried(django_capture_on_commit_callbacks):
    w = world()
    clerk = client_for(w.clerk)
    scan = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file(b"%PDF-1.4\n" + b"\x00" * 50))
    ocr.run_scan_ocr(scan.pk)
    page = clerk.get(f"{UPLOAD}{scan.pk}/").content.decode()
    assert "alert-danger" in page and "Nhận dạng lại" in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert clerk.post(f"{UPLOAD}{scan.pk}/nhan-dang-lai/").status_code == 302
    scan.refresh_from_db()
    assert scan.status == Scan.Status.QUEUED and len(queued) == 1


def test_only_the_units_register_keepers_see_scans():
    w = world()
    scan = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file())
    ocr.run_scan_ocr(scan.pk)
    Scan.objects.filter(pk=scan.pk).update(confidentiality="secret")
    assert client_for(w.chairman).get(f"{UPLOAD}{scan.pk}/").status_code == 200  # the unit's leader keeps it too
    for stranger in (w.officer, w.other_clerk):  # reads the registers but keeps none / another commune's clerk
        client = client_for(stranger)
        for url in (f"{UPLOAD}{scan.pk}/", f"{UPLOAD}{scan.pk}/tien-do/", f"{UPLOAD}{scan.pk}/tep/",
                    f"{UPLOAD}?don-vi={w.commune.pk}"):  # fmt: skip
            assert client.get(url).status_code == 404, (stranger, url)
        assert client.post(f"{UPLOAD}{scan.pk}/", form_from(PROPOSED)).status_code == 404
        assert intake_selectors.scan_for(stranger, scan.pk) is None
    assert Client().get(f"{UPLOAD}{scan.pk}/tep/").status_code == 302  # to the login
    with pytest.raises(intake.registers.PermissionDeniedError):
        intake.upload_scan(actor=w.officer, unit=w.commune, uploaded=pdf_file())


def test_registration_deadline_next_working_day_or_at_once_for_urgent_ones():
    w = world()
    friday = at("27/11/2026", "10:00")
    with time_machine.travel(friday, tick=False):
        normal = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file())
        urgent = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file())
        Scan.objects.filter(pk=urgent.pk).update(urgency="urgent")
        urgent.refresh_from_db()
    # received on Friday: the day of receipt does not count; the next working day is Monday, until office close
    assert intake_selectors.registration_deadline(normal) == at("30/11/2026", "17:00")
    assert intake_selectors.registration_deadline(urgent) == friday  # khẩn: at once
    with time_machine.travel(at("30/11/2026", "16:00"), tick=False):
        page = client_for(w.clerk).get(f"{UPLOAD}?don-vi={w.commune.pk}").content.decode()
        assert "phải vào sổ trước 17:00 30/11/2026" in page and "Khẩn: phải vào sổ ngay" in page
        assert page.count("Quá hạn vào sổ") == 1  # the urgent one only
    with time_machine.travel(at("01/12/2026", "08:00"), tick=False):
        assert client_for(w.clerk).get(f"{UPLOAD}?don-vi={w.commune.pk}").content.decode().count("Quá hạn vào sổ") == 2


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_upload_status_proposal_register(django_capture_on_commit_callbacks):
    w = world()
    api = api_for(w.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/documents/scans/", {"unit": w.commune.pk, "file": pdf_file()}, format="multipart")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    status = api.get(f"/api/v1/documents/scans/{pk}/").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert {name: field["value"] for name, field in status["proposal"].items()} == PROPOSED
    assert [row["id"] for row in api.get(f"/api/v1/documents/scans/?unit={w.commune.pk}").json()["results"]] == [pk]
    registered = api.post(f"/api/v1/documents/scans/{pk}/register/", PROPOSED, format="json")
    assert registered.status_code == 201 and registered.json()["number_symbol"] == "12/QĐ-UBND"
    assert IncomingDocument.objects.get().source == "upload"
    assert api_for(w.other_clerk).get(f"/api/v1/documents/scans/{pk}/").status_code == 404
    bad = api.post("/api/v1/documents/scans/", {"unit": w.commune.pk, "file": pdf_file(b"abc", "x.pdf")},
                   format="multipart")  # fmt: skip
    assert bad.status_code == 400 and "không đúng định dạng" in bad.json()["message"]
    again = api.post(f"/api/v1/documents/scans/{pk}/register/", PROPOSED, format="json")
    assert again.status_code == 409 and "đã được vào sổ với số đến 01" in again.json()["message"]
    wrong = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file())
    discarded = api.post(f"/api/v1/documents/scans/{wrong.pk}/discard/")
    assert discarded.status_code == 200 and discarded.json()["discarded_at"] is not None
    assert api.get(f"/api/v1/documents/scans/?unit={w.commune.pk}").json()["results"] == []
    schema = Client().get("/api/schema/").content.decode()
    assert "/api/v1/documents/scans/{id}/register/" in schema and "/api/v1/documents/scans/{id}/discard/" in schema


def test_the_sweep_ocrs_scans_the_queue_never_took_and_those_whose_worker_died():
    w = world()
    with time_machine.travel(at("27/11/2026", "10:00"), tick=False):
        lost, fresh = (intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file()) for _ in range(2))
        died = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file())
        Scan.objects.filter(pk=died.pk).update(status="running", started_at=at("27/11/2026", "10:00"))
    Scan.objects.filter(pk=fresh.pk).update(uploaded_at=at("27/11/2026", "10:29"))
    # 10:30: the lost one (queued 30 minutes); the fresh one may still be in the queue, the run is not 30 min old
    assert intake.run_waiting_ocr(now=at("27/11/2026", "10:30")) == 1
    assert Scan.objects.get(pk=lost.pk).status == "done"
    # 10:32: the run started at 10:00 died (over 30 minutes); the fresh one has waited over 2 minutes
    assert intake.run_waiting_ocr(now=at("27/11/2026", "10:32")) == 2
    assert set(Scan.objects.values_list("status", flat=True)) == {"done"}


def test_a_wrong_upload_is_set_aside_and_no_longer_waits():
    w = world()
    clerk = client_for(w.clerk)
    scan = intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=pdf_file())
    ocr.run_scan_ocr(scan.pk)
    assert client_for(w.other_clerk).post(f"{UPLOAD}{scan.pk}/bo/").status_code == 404
    done = clerk.post(f"{UPLOAD}{scan.pk}/bo/", follow=True).content.decode()
    assert "Đã bỏ bản quét van-ban-den.pdf." in done and "Không có bản quét nào chờ vào sổ." in done
    scan.refresh_from_db()
    assert scan.discarded_at is not None and scan.discarded_by == w.clerk
    assert clerk.post(f"{UPLOAD}{scan.pk}/", form_from(PROPOSED), follow=True).status_code == 200
    assert not IncomingDocument.objects.exists()  # a scan set aside is never registered
    with pytest.raises(intake.ConflictError):
        intake.register_scan(actor=w.clerk, scan=scan, **{**PROPOSED, "issued_date": dt.date(2026, 3, 5)})
    assert AuditEvent.objects.filter(action="documents.scan.discard").count() == 1
