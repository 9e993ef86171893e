"""A clerk registers an incoming document from a scan in the browser: upload, the progress polled with htmx while
the worker reads it, the form pre-filled with the proposal beside the scan, confirm, registered. No page breaks its
Content-Security-Policy (the preview frame included)."""

import re

import pytest
from playwright.sync_api import expect

from apps.documents.models import IncomingDocument, Scan
from apps.documents.services import intake, ocr
from apps.documents.tests.scans import DECISION_LINES, text_pdf
from tests.e2e.conftest import sign_in
from tests.e2e.test_csp import watch

pytestmark = pytest.mark.e2e


def test_upload_follow_progress_confirm_and_register(page, site, tmp_path, monkeypatch):
    # The worker is this test: the upload only queues the job, the test runs it while the page polls.
    monkeypatch.setattr(intake, "enqueue_ocr", lambda *args: None)
    scan_file = tmp_path / "quyet-dinh-12.pdf"
    scan_file.write_bytes(text_pdf(DECISION_LINES))
    console = watch(page)
    sign_in(page, site, "vanthu.anphu")
    page.goto(f"{site}/can-bo/van-ban/?so=den")
    page.get_by_role("link", name="Vào sổ từ bản quét").click()
    page.get_by_label("Tệp bản quét").set_input_files(str(scan_file))
    page.get_by_role("button", name="Tải lên và nhận dạng").click()
    expect(page.get_by_role("status")).to_contain_text("Đang chờ đến lượt nhận dạng")
    ocr.run_scan_ocr(Scan.objects.get().pk)
    # the next poll sees the job done and reloads the page: the form, pre-filled, beside the scan
    expect(page.get_by_role("heading", name=re.compile("Vào sổ văn bản đến từ bản quét"))).to_be_visible(timeout=10_000)
    expect(page.get_by_label("Số, ký hiệu văn bản")).to_have_value("12/QĐ-UBND")
    expect(page.get_by_label("Cơ quan ban hành (tác giả)")).to_have_value("Ủy ban nhân dân tỉnh An Giang")
    expect(page.get_by_text("đề xuất từ bản quét").first).to_be_visible()
    expect(page.locator("iframe.scan-preview")).to_have_attribute("src", re.compile(r"/tep/$"))
    page.get_by_label("Trích yếu nội dung").fill("Công bố danh mục thủ tục hành chính lĩnh vực hộ tịch")
    page.get_by_role("button", name="Xác nhận và vào sổ").click()
    expect(page.get_by_text(re.compile("Đã vào sổ văn bản đến số 01"))).to_be_visible()
    document = IncomingDocument.objects.get()
    assert (document.number_symbol, document.source) == ("12/QĐ-UBND", "upload")
    assert page.evaluate("window.__cspViolations") == [] and console == []
