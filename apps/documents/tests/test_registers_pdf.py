"""The three registers as PDF in the columns of Decree 30/2020/NĐ-CP, Appendix IV (outgoing 10, incoming 10,
follow-up 7): landscape A4, the national heading, the register's title, unit and year, the header row on every page.
Read back with pypdf."""

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from apps.documents import exports, services
from apps.documents.models import IncomingDocument
from apps.documents.services import handling
from apps.documents.tests.factories import draft, world
from apps.documents.tests.test_handling import HandlingWorld
from tests.helpers import at

pytestmark = pytest.mark.django_db
A4_LONG, A4_SHORT = 841.89, 595.28

# Decree 30/2020, Appendix IV: the columns of each register, written out from the decree (not from exports.py).
OUTGOING = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
            "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận",
            "Ghi chú"]  # fmt: skip
INCOMING = ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
            "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]  # fmt: skip
FOLLOW_UP = ["Số đến", "Tên loại, số, ký hiệu, ngày tháng, tác giả và trích yếu nội dung văn bản",
             "Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời",
             "Ghi chú"]  # fmt: skip


def pages_of(pdf: bytes) -> list[tuple[str, object]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(" ".join((page.extract_text() or "").split()), page.mediabox) for page in reader.pages]


def words_of(text: str) -> list[str]:
    return text.replace(",", " ").split()


def has_columns(page: str, headers: list[str]) -> bool:
    """Every word of every column title is on the page (a title may wrap over lines inside its cell)."""
    words = set(words_of(page))
    return all(word in words for header in headers for word in words_of(header))


def assert_register(pdf: bytes, title: str, unit_name: str, year: int, headers: list[str]) -> list[str]:
    pages = pages_of(pdf)
    assert pages
    for text, box in pages:
        assert (float(box.width), float(box.height)) == pytest.approx((A4_LONG, A4_SHORT), abs=1)  # landscape A4
        assert has_columns(text, headers)  # the header row is repeated on every page
    first = pages[0][0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert title in first and unit_name in first and f"năm {year}" in first
    return [text for text, _box in pages]


def test_outgoing_register_pdf():
    w = world()
    services.outgoing_release(actor=w.clerk, document=draft(w, doc_type="cong_van", drafting_unit=w.office))
    year = timezone.localdate().year
    documents = services.selectors.outgoing_register(w.clerk, w.commune, year)
    pages = assert_register(exports.outgoing_pdf(w.commune, year, documents), "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
                            w.commune.name, year, OUTGOING)  # fmt: skip
    assert "01/UBND-VP" in pages[0] and "Nguyễn Văn An" in pages[0]
    response = Client()
    response.force_login(w.clerk)
    download = response.get(f"/can-bo/van-ban/?don-vi={w.commune.pk}&so=di&nam={year}&xuat=pdf")
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    assert 'filename="so-van-ban-di-' in download["Content-Disposition"]


def test_incoming_register_pdf_repeats_the_header_on_every_page():
    w = world()
    received = at("02/03/2026", "09:00")
    IncomingDocument.objects.bulk_create([
        IncomingDocument(unit=w.commune, year=2026, number=n, issuer_name="Sở Nội vụ", number_symbol=f"{n}/SNV-VP",
                         issued_date=dt.date(2026, 3, 1), doc_type="cong_van", summary=f"Về việc thứ {n}",
                         received_at=received)
        for n in range(1, 81)
    ])  # fmt: skip
    documents = services.selectors.incoming_register(w.clerk, w.commune, 2026)
    pages = assert_register(exports.incoming_pdf(w.commune, 2026, documents), "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
                            w.commune.name, 2026, INCOMING)  # fmt: skip
    assert len(pages) >= 2
    assert not has_columns(pages[1], OUTGOING) and not has_columns(pages[1], FOLLOW_UP)  # the check can fail
    assert "80/SNV-VP" in pages[-1] and "Sở Nội vụ" in pages[0]


def test_follow_up_register_pdf_and_its_empty_state():
    h = HandlingWorld()
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        document, _ = services.incoming_register(
            actor=h.w.clerk, unit=h.w.commune, issuer_name="Sở Tài chính", number_symbol="15/STC-NS",
            issued_date=dt.date(2026, 4, 20), doc_type="cong_van", summary="Về việc lập dự toán",
        )  # fmt: skip
        handling.assign(actor=h.w.chairman, document=document, lead=h.w.culture, working_days=3)
        reply = services.outgoing_release(actor=h.w.clerk, document=draft(h.w, doc_type="cong_van"))
        handling.attach_reply(actor=h.culture_officer, document=document, outgoing=reply)
    register = handling.handling_selectors.follow_up_register(h.w.clerk, h.w.commune, 2026)
    pages = assert_register(exports.follow_up_pdf(h.w.commune, 2026, register), "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
                            h.w.commune.name, 2026, FOLLOW_UP)  # fmt: skip
    assert "15/STC-NS" in pages[0] and "04/05/2026" in pages[0] and reply.symbol in pages[0]
    assert h.w.culture.name in pages[0]
    empty = pages_of(exports.follow_up_pdf(h.w.commune, 2025, register.none()))
    assert "Chưa có văn bản đến nào được giao xử lý trong năm này." in empty[0][0]
    client = Client()
    client.force_login(h.w.clerk)
    download = client.get(f"/can-bo/van-ban/theo-doi/?don-vi={h.w.commune.pk}&nam=2026&xuat=pdf")
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
