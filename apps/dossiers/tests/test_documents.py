import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.dossiers import documents, lateness, services
from apps.dossiers.tests.factories import APPLICANT, world
from apps.dossiers.tests.test_services import at, walk_in

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def w():
    return world()


def test_bm01_receipt_has_the_heading_code_applicant_and_appointment(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    text = text_of(documents.receipt_pdf(dossier))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        dossier.code,
        "Nguyễn Thị Lan",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "09 giờ 00 phút, ngày 25/11/2026",
        "11 giờ 30 phút, ngày 30/11/2026",
        "Quyển số: 2026, Số thứ tự: 1",
    ):
        assert expected in text, expected


def test_bm02_bm03_slips(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    slip = services.dossier_request_supplement(
        actor=w.officer,
        dossier=dossier,
        items="Bản sao trích lục ly hôn",
        reason="Chưa chứng minh được tình trạng hôn nhân trước đây",
    )
    text = text_of(documents.slip_pdf(slip))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Số: 01/PBS-VHXH" in text
    assert "Bản sao trích lục ly hôn" in text
    other = walk_in(w, at("25/11/2026", "09:30"))
    refusal = services.dossier_refuse(actor=w.clerk, dossier=other, reason="Không thuộc thẩm quyền giải quyết")
    text = text_of(documents.slip_pdf(refusal))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Không thuộc thẩm quyền giải quyết" in text


def test_bm04_apology_and_bm05_control_slip(w):
    from apps.org.models import User

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    apology = lateness.apology_draft(dossier=dossier, now=at("30/11/2026", "09:00"))
    admin = User.objects.create_superuser("quantri.test", password="x")
    apology = lateness.apology_approve(
        actor=admin, apology=apology, new_appointment_at=at("02/12/2026", "17:00"), now=at("30/11/2026", "09:30")
    )
    text = text_of(documents.apology_pdf(apology))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Số: 01/PXL-VHXH" in text
    assert "17 giờ 00 phút, ngày 02/12/2026" in text and "11 giờ 30 phút, ngày 30/11/2026" in text
    text = text_of(documents.control_slip_pdf(dossier))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Giao: Bộ phận Một cửa" in text and "Nhận: Phòng Văn hóa - Xã hội" in text and "Đúng hạn" in text


def test_bm06_tracking_book_pdf_and_xlsx(w):
    first = walk_in(w, at("24/11/2026", "09:00"))
    second = walk_in(w, at("25/11/2026", "09:00"))
    start, end = dt.date(2026, 11, 25), dt.date(2026, 11, 25)
    text = text_of(documents.tracking_book_pdf(w.desk, start, end))
    assert "SỔ THEO DÕI HỒ SƠ" in text and second.code in text and first.code not in text
    sheet = load_workbook(io.BytesIO(documents.tracking_book_xlsx(w.desk, dt.date(2026, 11, 1), end))).active
    assert sheet["B2"].value == "Mã hồ sơ"
    assert [sheet.cell(row=r, column=2).value for r in (3, 4)] == [first.code, second.code]


HOSTILE_NAMES = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]


def test_bm06_xlsx_writes_applicant_input_that_looks_like_a_formula_as_text(client, w):
    for hour, name in enumerate(HOSTILE_NAMES, start=8):
        services.dossier_receive_walk_in(
            actor=w.clerk, desk=w.desk, procedure=w.procedure, provided_paper_ids=w.paper_ids(),
            applicant=APPLICANT | {"applicant_name": name, "applicant_address": "=1+1 thôn Đông"},
            now=at("25/11/2026", f"{hour:02d}:00"),
        )  # fmt: skip
    client.force_login(w.clerk)
    export = client.get("/can-bo/ho-so/so-theo-doi/?start=2026-11-01&end=2026-11-30&format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert [sheet.cell(row=r, column=4).value for r in range(3, 7)] == HOSTILE_NAMES
    assert sheet["E3"].value == f"=1+1 thôn Đông; {APPLICANT['applicant_phone']}"
