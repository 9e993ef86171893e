"""OCR of scans made in the test: a Vietnamese official document rendered to an image, OCR'd with OCRmyPDF and
Tesseract's `vie` model, its words found with their diacritics and the registration proposed from them."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from apps.documents.models import Scan
from apps.documents.services import intake, ocr
from apps.documents.tests.factories import world
from apps.documents.tests.scans import DECISION_LINES, scanned_png, text_pdf

pytestmark = pytest.mark.django_db


def upload(w, content: bytes, name: str) -> Scan:
    return intake.upload_scan(actor=w.clerk, unit=w.commune, uploaded=SimpleUploadedFile(name, content))


@pytest.mark.slow
def test_a_scanned_page_gets_a_vietnamese_text_layer_and_a_proposal(monkeypatch):
    w = world()
    scan = upload(w, scanned_png(marks=("HỎA TỐC",)), "quet.png")
    steps = []
    real_save = ocr._save_progress
    monkeypatch.setattr(ocr, "_save_progress", lambda pk, step, percent: (steps.append((step, percent)),
                                                                          real_save(pk, step, percent)))  # fmt: skip
    started = time.monotonic()
    scan = ocr.run_scan_ocr(scan.pk)
    seconds = time.monotonic() - started
    print(f"OCR of one A4 page (300 dpi, vie): {seconds:.1f} s")
    assert scan.status == Scan.Status.DONE and scan.progress == 100
    for words in ["ỦY BAN NHÂN DÂN", "QUYẾT ĐỊNH", "công bố danh mục thủ tục hành chính", "thẩm quyền giải quyết",
                  "Chính phủ", "Giám đốc Sở Tư pháp", "HỎA TỐC"]:  # fmt: skip
        assert words in scan.text, words
    assert {name: field["value"] for name, field in scan.proposal.items()} == {
        "issuer_name": "Ủy ban nhân dân tỉnh An Giang",
        "number_symbol": "12/QĐ-UBND",
        "issued_date": "2026-03-05",
        "doc_type": "quyet_dinh",
        "summary": "Về việc công bố danh mục thủ tục hành chính lĩnh vực hộ tịch thuộc thẩm quyền giải quyết của "
        "cấp xã",
        "urgency": "flash",
    }
    assert scan.urgency == "flash"
    # the OCR'd copy is a PDF whose text layer has the words
    with scan.ocr_file.open("rb") as stored:
        layer = PdfReader(stored).pages[0].extract_text()
    assert "QUYẾT ĐỊNH" in layer
    # progress went up through OCRmyPDF's steps, never backwards
    percents = [percent for _step, percent in steps]
    assert percents == sorted(percents) and any(step == "Đang nhận dạng chữ" for step, _p in steps)


def test_a_pdf_with_a_text_layer_is_not_ocrd_again(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("OCR ran on a PDF that has text")

    monkeypatch.setattr("ocrmypdf.ocr", refuse)
    w = world()
    content = text_pdf(DECISION_LINES)
    scan = ocr.run_scan_ocr(upload(w, content, "van-ban.pdf").pk)
    assert scan.status == Scan.Status.DONE
    assert "công bố danh mục thủ tục hành chính" in scan.text
    assert scan.proposal["number_symbol"]["value"] == "12/QĐ-UBND"
    with scan.ocr_file.open("rb") as stored:
        assert stored.read() == content  # kept as it is
    assert scan.step == "Tệp đã có lớp chữ, không cần nhận dạng lại"


@pytest.mark.slow
def test_redo_reads_the_text_again_from_the_images():
    w = world()
    scan = ocr.run_scan_ocr(upload(w, scanned_png(), "quet.png").pk)
    scan = intake.retry_ocr(actor=w.clerk, scan=scan, redo=True)
    scan = ocr.run_scan_ocr(scan.pk, redo=True)
    assert scan.status == Scan.Status.DONE and "QUYẾT ĐỊNH" in scan.text


def test_a_file_ocrmypdf_cannot_read_fails_with_a_vietnamese_message():
    w = world()
    broken = b"%PDF-1.7\n" + b"\x00garbage" * 100
    scan = ocr.run_scan_ocr(upload(w, broken, "hong.pdf").pk)
    assert scan.status == Scan.Status.FAILED
    assert scan.error.startswith(("Tệp bị hỏng", "Không nhận dạng được"))


def test_the_job_runs_once():
    w = world()
    scan = upload(w, text_pdf(DECISION_LINES), "van-ban.pdf")
    assert ocr.run_scan_ocr(scan.pk) is not None
    assert ocr.run_scan_ocr(scan.pk) is None  # a second delivery of the same job finds it done


def scanned_pdf_after_a_typed_page() -> bytes:
    """Two pages: one typed (a text layer), one scanned (an image only), as a scanner's PDF appended to a letter."""
    scanned = io.BytesIO()
    Image.open(io.BytesIO(scanned_png())).save(scanned, format="PDF", resolution=300)
    writer = PdfWriter()
    for source in (io.BytesIO(text_pdf(["Phiếu chuyển văn bản, trang có sẵn chữ"])), scanned):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    merged = io.BytesIO()
    writer.write(merged)
    return merged.getvalue()


@pytest.mark.slow
def test_in_a_pdf_only_the_pages_without_text_are_ocrd():
    w = world()
    scan = ocr.run_scan_ocr(upload(w, scanned_pdf_after_a_typed_page(), "phieu-chuyen.pdf").pk)
    assert scan.status == Scan.Status.DONE and scan.step == "Đã nhận dạng xong"
    with scan.ocr_file.open("rb") as stored:
        typed, scanned = (page.extract_text() for page in PdfReader(stored).pages)
    assert typed.strip() == "Phiếu chuyển văn bản, trang có sẵn chữ"  # kept, not OCR'd again
    assert "QUYẾT ĐỊNH" in scanned and "công bố danh mục thủ tục hành chính" in scanned
