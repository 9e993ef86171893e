import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from apps.documents import services
from apps.documents.models import IncomingDocument, OutgoingDocument
from apps.documents.tests.factories import draft, world
from apps.portal.navigation import navigation_for

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def incoming_form(**extra):
    return {"issuer_name": "Sở Xây dựng", "number_symbol": "07/BC-SXD", "issued_date": TODAY.isoformat(),
            "doc_type": "bao_cao", "summary": "Báo cáo tình hình", "urgency": "urgent", "confidentiality": "normal",
            "note": "", **extra}  # fmt: skip


def test_registers_page_empty_state_and_menu():
    w = world()
    page = client_for(w.clerk).get("/can-bo/van-ban/")
    text = page.content.decode()
    assert page.status_code == 200 and w.commune.name in text
    assert "Chưa có văn bản đi nào được ban hành trong năm này." in text
    assert "Chưa có văn bản đến nào" in client_for(w.clerk).get("/can-bo/van-ban/?so=den").content.decode()
    assert any(item.url_name == "documents:registers" for item in navigation_for(w.clerk))
    assert not any(item.url_name == "documents:registers" for item in navigation_for(w.officer))
    assert client_for(w.other_clerk).get(f"/can-bo/van-ban/?don-vi={w.commune.pk}").status_code == 404
    assert Client().get("/can-bo/van-ban/").status_code == 302  # to the login


def test_draft_then_release_from_the_page():
    w = world()
    clerk = client_for(w.clerk)
    made = clerk.post(f"/can-bo/van-ban/di/du-thao/?don-vi={w.commune.pk}",
                      {"doc_type": "quyet_dinh", "summary": "Về việc thành lập tổ", "drafting_unit": w.office.pk,
                       "urgency": "normal", "confidentiality": "normal"})  # fmt: skip
    assert made.status_code == 302
    document = OutgoingDocument.objects.get()
    page = clerk.get(made["Location"]).content.decode()
    assert f"/can-bo/van-ban/di/{document.pk}/ban-hanh/" in page
    assert client_for(w.other_clerk).post(f"/can-bo/van-ban/di/{document.pk}/ban-hanh/").status_code == 404
    released = clerk.post(f"/can-bo/van-ban/di/{document.pk}/ban-hanh/", follow=True)
    assert "01/QĐ-UBND" in released.content.decode()
    document.refresh_from_db()
    assert document.status == "released"


def test_register_incoming_with_duplicate_warning_and_confirmation():
    w = world()
    clerk = client_for(w.clerk)
    url = f"/can-bo/van-ban/den/vao-so/?don-vi={w.commune.pk}"
    assert clerk.get(url).status_code == 200
    assert clerk.post(url, incoming_form()).status_code == 302
    warned = clerk.post(url, incoming_form())
    assert warned.status_code == 200 and "Văn bản này đã được vào sổ" in warned.content.decode()
    assert IncomingDocument.objects.count() == 1
    assert clerk.post(url, incoming_form(confirm_duplicate="1")).status_code == 302
    assert list(IncomingDocument.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    future = clerk.post(url, incoming_form(issued_date="2999-01-01", number_symbol="08/BC-SXD"))
    assert "Ngày văn bản không thể sau ngày đến." in future.content.decode()
    assert client_for(w.officer).get(url).status_code == 404  # reads, does not keep


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_registers_export_the_decree_30_columns():
    w = world()
    services.outgoing_release(actor=w.clerk, document=draft(w, doc_type="cong_van", drafting_unit=w.office))
    services.incoming_register(actor=w.clerk, unit=w.commune, issuer_name="=HYPERLINK(\"x\")", number_symbol="07/BC",
                               issued_date=TODAY, doc_type="bao_cao", summary="Báo cáo")  # fmt: skip
    clerk = client_for(w.clerk)
    outgoing = sheet_of(clerk.get(f"/can-bo/van-ban/?don-vi={w.commune.pk}&so=di&nam={YEAR}&xuat=xlsx"))
    headers = [cell.value for cell in outgoing[2]]
    assert headers == ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
                       "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển",
                       "Ký nhận", "Ghi chú"]  # fmt: skip
    assert outgoing["A3"].value == "01/UBND-VP" and outgoing["F3"].value == w.office.name
    incoming = sheet_of(clerk.get(f"/can-bo/van-ban/?don-vi={w.commune.pk}&so=den&nam={YEAR}&xuat=xlsx"))
    assert [cell.value for cell in incoming[2]] == ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng",
                                                    "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận",
                                                    "Ngày chuyển", "Ký nhận", "Ghi chú"]  # fmt: skip
    assert incoming["B3"].value == "01" and incoming["C3"].data_type == "s"  # a formula stays text
