"""The handling pages and API: the incoming document page with its forms, the file preview, the queues with their
counts, the follow-up register (.xlsx); strangers get 404 and typed values survive an error."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from apps.documents.models import DocumentFile, HandlingAssignment
from apps.documents.services import handling
from apps.documents.tests.test_handling import PDF_BYTES, HandlingWorld
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def h():
    return HandlingWorld()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_of(response) -> str:
    return response.content.decode()


def test_the_leader_assigns_from_the_document_page(h):
    document = h.incoming()
    url = f"/can-bo/van-ban/den/{document.pk}/"
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        chairman = client_for(h.w.chairman)
        shown = page_of(chairman.get(url))
        assert document.number_symbol in shown and 'name="hanh-dong" value="assign"' in shown
        assert "documents/_signature_check.html" not in shown  # the slot renders nothing yet
        bad = chairman.post(url, {"hanh-dong": "assign", "giao-lead": f"u:{h.w.culture.pk}",
                                  "giao-working_days": "0", "giao-instruction": "Khẩn trương tham mưu"})  # fmt: skip
        assert bad.status_code == 400
        assert "Thời hạn xử lý là số ngày làm việc từ 1 đến 180." in page_of(bad)
        assert "Khẩn trương tham mưu" in page_of(bad)  # nothing typed is lost
        outside = chairman.post(url, {"hanh-dong": "assign", "giao-lead": f"p:{h.w.other_clerk.pk}",
                                      "giao-working_days": "3"})  # fmt: skip
        assert outside.status_code == 400 and "Hãy chọn một lựa chọn hợp lệ" in page_of(outside)
        done = chairman.post(url, {"hanh-dong": "assign", "giao-lead": f"u:{h.w.culture.pk}",
                                   "giao-co_handlers": [f"p:{h.office_officer.pk}"], "giao-working_days": "3",
                                   "giao-instruction": "Khẩn trương tham mưu"}, follow=True)  # fmt: skip
    assert "Đã giao xử lý; hạn xử lý ngày 04/05/2026." in page_of(done)
    assignment = HandlingAssignment.objects.get()
    assert [(p.role, p.unit_id or p.user_id) for p in assignment.parties.all()] == [
        ("lead", h.w.culture.pk), ("co_handler", h.office_officer.pk)
    ]  # fmt: skip


def test_holders_act_from_the_page_and_strangers_see_nothing(h):
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        document = h.incoming()
        handling.assign(actor=h.w.chairman, document=document, lead=h.w.culture, informed=[h.w.officer],
                        working_days=3)  # fmt: skip
    url = f"/can-bo/van-ban/den/{document.pk}/"
    officer = client_for(h.culture_officer)
    shown = page_of(officer.get(url))
    assert 'value="progress"' in shown and 'value="done"' in shown and 'value="assign"' not in shown
    upload = SimpleUploadedFile("tien-do.pdf", PDF_BYTES, content_type="application/pdf")
    sent = officer.post(url, {"hanh-dong": "progress", "tien-do-text": "Đã dự thảo", "tien-do-file": upload})
    assert sent.status_code == 302
    stored = DocumentFile.objects.get(kind="progress")
    preview = officer.get(f"/can-bo/van-ban/den/{document.pk}/tep/{stored.pk}/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert b"".join(preview.streaming_content) == PDF_BYTES
    timeline = page_of(officer.get(url))
    assert (
        "Đã dự thảo" in timeline
        and f'<iframe class="w-100 border rounded" height="600" src="{url}tep/{stored.pk}/"' in timeline
    )
    # the informed one reads, the step is refused; strangers get 404 for the page and the file
    informed = client_for(h.w.officer)
    assert 'value="progress"' not in page_of(informed.get(url))
    refused = informed.post(url, {"hanh-dong": "progress", "tien-do-text": "Tôi báo cáo"}, follow=True)
    assert "Bạn không thể làm bước này với văn bản này." in page_of(refused)
    for stranger in (h.w.other_clerk, h.other_leader, h.culture_head.__class__.objects.get(username="chuyenvien.vp")):
        assert client_for(stranger).get(url).status_code == 404
        assert client_for(stranger).get(f"{url}tep/{stored.pk}/").status_code == 404
    assert Client().get(url).status_code == 302


def test_queues_and_their_counts(h):
    document = h.incoming(urgency="flash")
    chairman = client_for(h.w.chairman)
    waiting = page_of(chairman.get("/can-bo/van-ban/cho-y-kien/"))
    assert f"/can-bo/van-ban/den/{document.pk}/" in waiting and "Hỏa tốc" in waiting
    assert 'Chờ cho ý kiến <span class="badge text-bg-warning">1</span>' in waiting
    assert "Không có văn bản nào chờ bạn cho ý kiến." in page_of(
        client_for(h.other_leader).get("/can-bo/van-ban/cho-y-kien/")
    )
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        handling.assign(actor=h.w.chairman, document=document, lead=h.culture_officer, working_days=3)
    with time_machine.travel(at("05/05/2026", "10:00"), tick=False):
        mine = page_of(client_for(h.culture_officer).get("/can-bo/van-ban/xu-ly/"))
    assert f"/can-bo/van-ban/den/{document.pk}/" in mine and "04/05/2026" in mine and "Quá hạn" in mine
    assert '<span class="badge text-bg-danger">1 quá hạn</span>' in mine
    assert "Không có văn bản nào đang chờ bạn xử lý." in page_of(
        client_for(h.w.other_clerk).get("/can-bo/van-ban/xu-ly/")
    )


def test_follow_up_register_page_and_xlsx(h):
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        document = h.incoming()
        handling.assign(actor=h.w.chairman, document=document, lead=h.w.culture, working_days=3)
        handling.report_progress(actor=h.culture_officer, document=document, text="Đang xin ý kiến")
    clerk = client_for(h.w.clerk)
    page = page_of(clerk.get(f"/can-bo/van-ban/theo-doi/?don-vi={h.w.commune.pk}&nam=2026"))
    assert h.w.culture.name in page and "04/05/2026" in page and "Đang xin ý kiến" in page
    sheet = load_workbook(io.BytesIO(clerk.get(
        f"/can-bo/van-ban/theo-doi/?don-vi={h.w.commune.pk}&nam=2026&xuat=xlsx").content)).active  # fmt: skip
    assert [cell.value for cell in sheet[2]] == [
        "Số đến", "Tên loại, số, ký hiệu, ngày tháng, tác giả và trích yếu nội dung văn bản", "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú",
    ]  # fmt: skip
    assert sheet["A3"].value == "01" and sheet["C3"].value == h.w.culture.name and sheet["D3"].value == "04/05/2026"
    assert sheet["E3"].value == "24/04/2026: Đang xin ý kiến"
    assert "12/QĐ-STP" in sheet["B3"].value and "Sở Tư pháp" in sheet["B3"].value
    register = page_of(clerk.get(f"/can-bo/van-ban/?don-vi={h.w.commune.pk}&so=den&nam=2026"))
    assert f'href="/can-bo/van-ban/den/{document.pk}/"' in register
    assert f"<td>{h.w.culture.name}</td>" in register  # the incoming register's "assignee" column
    incoming = load_workbook(io.BytesIO(clerk.get(
        f"/can-bo/van-ban/?don-vi={h.w.commune.pk}&so=den&nam=2026&xuat=xlsx").content)).active  # fmt: skip
    assert (incoming["G3"].value, incoming["H3"].value) == (h.w.culture.name, "24/04/2026")  # assignee, forwarded
    assert client_for(h.w.other_clerk).get(f"/can-bo/van-ban/theo-doi/?don-vi={h.w.commune.pk}").status_code == 404


def test_api_handling_end_to_end(h):
    document = h.incoming()
    base = f"/api/v1/documents/incoming/{document.pk}/"
    assert api_for(h.w.other_clerk).get(base).status_code == 404
    assert api_for(h.w.clerk).post(f"{base}assign/", {"lead_unit": h.w.culture.pk, "working_days": 3},
                                   format="json").status_code == 403  # fmt: skip
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        preview = api_for(h.w.chairman).get(f"{base}deadline/?working_days=3")
        assert preview.json()["deadline"] == "2026-05-04"
        direction = {"lead_unit": h.w.culture.pk, "working_days": 3, "informed_users": [h.w.officer.pk]}
        made = api_for(h.w.chairman).post(f"{base}assign/", direction, format="json")
    assert made.status_code == 201 and made.json()["deadline"] == "2026-05-04"
    officer = api_for(h.culture_officer)
    assert officer.post(f"{base}progress/", {"text": "Đang làm"}, format="json").status_code == 201
    assert api_for(h.w.officer).post(f"{base}done/", {}, format="json").status_code == 403
    mine = officer.get("/api/v1/documents/my-handling/").json()
    assert [row["document"]["id"] for row in mine["results"]] == [document.pk]
    assert officer.post(f"{base}done/", {"note": "Xong"}, format="json").status_code == 200
    body = officer.get(base).json()
    assert body["document"]["handling_status"] == "done"
    assert [event["kind"] for event in body["timeline"]] == ["assigned", "progress", "done"]
    register = api_for(h.w.clerk).get(f"/api/v1/documents/follow-up/?unit={h.w.commune.pk}&year=2026").json()
    assert register["results"][0]["deadline_state"] == "done_late"  # closed today, after 04/05/2026
    schema = api_for(h.w.clerk).get("/api/schema/").content.decode()
    for path in ("/api/v1/documents/incoming/{id}/assign/", "/api/v1/documents/awaiting-direction/",
                 "/api/v1/documents/follow-up/"):  # fmt: skip
        assert path in schema


def test_the_incoming_page_shows_the_received_pdfs_signature_check(h):
    from apps.documents.services import signing
    from apps.documents.tests.test_signing import MOMENT, decision_pdf, leader_certificate

    signing.authority_ensure(actor=None, name="CA tỉnh Thử", organisation="Ủy ban nhân dân tỉnh Thử",
                             valid_from=MOMENT - dt.timedelta(days=30))  # fmt: skip
    with time_machine.travel(MOMENT, tick=False):
        signed = signing.sign_pdf(decision_pdf(), leader_certificate(h.w))
    altered = bytearray(signed)
    altered[altered.index(b"stream") + 40] ^= 0x01  # a byte of the signed content changed after signing
    document = h.incoming()
    for name, data in (("da-ky.pdf", signed), ("bi-sua.pdf", bytes(altered))):
        DocumentFile.objects.create(
            incoming=document, kind=DocumentFile.Kind.MAIN, stage=DocumentFile.Stage.RECEIVED, name=name,
            content_type="application/pdf", size=len(data), sha256="0" * 64, uploaded_at=MOMENT,
            file=SimpleUploadedFile(name, data, content_type="application/pdf"),
        )  # fmt: skip
    shown = page_of(client_for(h.w.chairman).get(f"/can-bo/van-ban/den/{document.pk}/"))
    assert shown.count('data-verdict="valid"') == 1  # the intact one, signed by a certificate of this CA
    assert 'data-verdict="invalid"' in shown  # the altered one
    assert "Nguyễn Văn An" in shown  # the signer named on the certificate
