import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.dossiers import documents, services
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, world
from apps.org.models import Role, Unit
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


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
        # 3 working days from Wednesday 25/11, the day of receipt not counted (Civil Code 2015, art. 147-148):
        # Thursday, Friday, Monday 30/11, until the end of its office hours.
        "17 giờ 00 phút, ngày 30/11/2026",
        "Quyển số: 2026, Số thứ tự: 1",
    ):
        assert expected in text, expected
    assert "người được ủy quyền" not in text.lower()


def test_bm01_receipt_number_and_the_authorised_persons_particulars(w):
    walk_in(w, at("25/11/2026", "08:00"))
    dossier = walk_in(w, at("25/11/2026", "09:00"))  # the desk's second entry of 2026
    Dossier.objects.filter(pk=dossier.pk).update(
        representative="Trần Văn Bình", representative_id_number="001085009876",
        representative_phone="0987654321", representative_address="Xóm Tây, xã An Phú",
    )  # fmt: skip
    dossier.refresh_from_db()
    text = text_of(documents.receipt_pdf(dossier))
    assert "Số: 02/2026" in text  # the book entry, with the leading zero of Decree 30/2020
    for expected in ("Người được ủy quyền: Trần Văn Bình", "Số định danh cá nhân: 001085009876",
                     "Địa chỉ: Xóm Tây, xã An Phú", "Số điện thoại: 0987654321"):  # fmt: skip
        assert expected in text, expected
    # The applicant's own particulars stay: the authorised person files for them.
    assert APPLICANT["applicant_id_number"] in text and APPLICANT["applicant_phone"] in text


@pytest.mark.parametrize(
    ("today", "words"),
    [
        ("05/01/2026", "ngày 05 tháng 01 năm 2026"),
        ("05/02/2026", "ngày 05 tháng 02 năm 2026"),
        ("16/03/2026", "ngày 16 tháng 3 năm 2026"),
        ("21/12/2026", "ngày 21 tháng 12 năm 2026"),
    ],
)
def test_forms_date_line_follows_decree_30(w, today, words):
    with time_machine.travel(at(today, "09:00"), tick=False):
        dossier = walk_in(w, at(today, "09:00"))
        assert words in text_of(documents.receipt_pdf(dossier))
        assert words in text_of(documents.tracking_book_pdf(w.desk, dossier.received_at.date(), dt.date(2026, 12, 31)))


def test_bm02_bm03_slips_carry_the_applicants_contacts_and_the_code(w):
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
    contacts = ("Số điện thoại: 0912345678", "Thư điện tử: lan@example.vn", "Địa chỉ: Thôn Đông, xã An Phú")
    assert all(item in text for item in contacts) and dossier.code in text
    other = walk_in(w, at("25/11/2026", "09:30"))
    refusal = services.dossier_refuse(actor=w.clerk, dossier=other, reason="Không thuộc thẩm quyền giải quyết")
    text = text_of(documents.slip_pdf(refusal))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Không thuộc thẩm quyền giải quyết" in text
    assert f"Mã hồ sơ: {other.code}" in text and all(item in text for item in contacts)


def test_bm04_apology_and_bm05_control_slip(w):
    from apps.org.models import User

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    apology = services.apology_draft(dossier=dossier, now=at("30/11/2026", "09:00"))
    text = text_of(documents.apology_pdf(apology))
    assert "(chưa ký)" in text
    admin = User.objects.create_superuser("quantri.test", password="x", full_name="Lê Văn Thủ")
    apology = services.apology_approve(
        actor=admin, apology=apology, new_appointment_at=at("02/12/2026", "17:00"), now=at("30/11/2026", "09:30")
    )
    text = text_of(documents.apology_pdf(apology))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text and "Số: 01/PXL-VHXH" in text
    assert "đề nghị gia hạn thời gian giải quyết hồ sơ đến 17 giờ 00 phút, ngày 02/12/2026" in text
    assert "17 giờ 00 phút, ngày 30/11/2026" in text and apology.reason.split()[0] in text
    assert "Lê Văn Thủ" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text and "Kính gửi: Nguyễn Thị Lan" in text
    dossier.refresh_from_db()
    text = text_of(documents.control_slip_pdf(dossier))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Giao: Bộ phận Một cửa" in text and "Nhận: Phòng Văn hóa - Xã hội" in text and "Đúng hạn" in text
    assert "Số: 01/2026" in text and "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 25/11/2026" in text
    assert "Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 30/11/2026" in text
    assert "hẹn lại: 17 giờ 00 phút, ngày 02/12/2026" in text


def test_bm05_first_row_is_the_receipt_at_the_desk_and_every_row_names_its_receiver(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))  # nobody picked yet
    rows = documents.control_rows(dossier)
    first = rows[0]
    assert (first["giver_unit"], first["receiver_unit"], first["at"]) == ("Người nộp hồ sơ", "Bộ phận Một cửa",
                                                                          dossier.received_at)  # fmt: skip
    assert (first["giver"], first["receiver"]) == ("Nguyễn Thị Lan", w.clerk.get_full_name())
    handover = rows[1]
    assert (handover["giver_unit"], handover["receiver_unit"]) == ("Bộ phận Một cửa", "Phòng Văn hóa - Xã hội")
    # No officer has the dossier yet: the receiving unit is the receiver.
    assert handover["giver"] == w.clerk.get_full_name() and handover["receiver"] == "Phòng Văn hóa - Xã hội"
    assert all(row["receiver"] for row in rows)
    text = text_of(documents.control_slip_pdf(dossier))
    assert "1. Giao: Người nộp hồ sơ Nhận: Bộ phận Một cửa" in text
    assert f"Người nhận: {w.clerk.get_full_name()}" in text and "Người nhận: Phòng Văn hóa - Xã hội" in text


def test_bm06_tracking_book_pdf_and_xlsx(w):
    first = walk_in(w, at("24/11/2026", "09:00"))
    second = walk_in(w, at("25/11/2026", "09:00"))
    start, end = dt.date(2026, 11, 25), dt.date(2026, 11, 25)
    text = text_of(documents.tracking_book_pdf(w.desk, start, end))
    assert "SỔ THEO DÕI HỒ SƠ" in text and second.code in text and first.code not in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nguyễn Thị Lan" in text and "Trang 1/1" in text
    sheet = load_workbook(io.BytesIO(documents.tracking_book_xlsx(w.desk, dt.date(2026, 11, 1), end))).active
    assert sheet["B2"].value == "Mã hồ sơ"
    assert [sheet.cell(row=r, column=2).value for r in (3, 4)] == [first.code, second.code]


def test_bm06_an_empty_period_says_so(w):
    text = text_of(documents.tracking_book_pdf(w.desk, dt.date(2026, 1, 1), dt.date(2026, 1, 31)))
    assert "Không có hồ sơ trong thời gian này." in text


def test_bm06_book_day_bounds_are_local_days(w):
    early = walk_in(w, at("25/11/2026", "07:30"))  # 00:30 UTC: still 25/11 in Hà Nội
    rows = documents.tracking_book_rows(w.desk, dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    assert [row[1] for row in rows] == [early.code]
    assert documents.tracking_book_rows(w.desk, dt.date(2026, 11, 24), dt.date(2026, 11, 24)) == []


def authentication_procedure():
    from apps.procedures.models import Procedure
    from apps.procedures.services import procedure_upsert

    return procedure_upsert(
        actor=None, code="2.000815", field_name="Chứng thực", name="Chứng thực bản sao từ bản chính",
        level=Unit.Level.COMMUNE, time_limit=Decimal("1"), time_unit=Procedure.TimeUnit.WORKING_DAYS, fee_vnd=0,
        online_level=Procedure.OnlineLevel.PARTIAL, papers=[{"name": "Bản chính giấy tờ"}],
        steps=[{"kind": "receive", "name": "Tiếp nhận", "role": Role.DESK_CLERK, "division_symbol": "BPMC",
                "budget": Decimal("0.5")},
               {"kind": "return", "name": "Trả kết quả", "role": Role.DESK_CLERK, "division_symbol": "BPMC",
                "budget": Decimal("0.5")}],
    )  # fmt: skip


def test_bm06_one_book_per_field_when_the_province_keeps_them_so(w, settings):
    procedure = authentication_procedure()
    civil = walk_in(w, at("25/11/2026", "09:00"))
    certified = services.dossier_receive_walk_in(
        actor=w.clerk, desk=w.desk, procedure=procedure, applicant=APPLICANT | {"applicant_name": "Phạm Thị Hoa"},
        provided_paper_ids=list(procedure.papers.values_list("pk", flat=True)), now=at("25/11/2026", "10:00"),
    )  # fmt: skip
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    settings.TRACKING_BOOK_PER_FIELD = False
    assert [field for field, _rows in documents.tracking_books(w.desk, start, end)] == [""]
    assert documents.tracking_book_key(w.desk.pk, 2026, procedure.field_id) == f"book:{w.desk.pk}:2026"

    settings.TRACKING_BOOK_PER_FIELD = True
    books = documents.tracking_books(w.desk, start, end)
    assert [(field, [row[1] for row in rows]) for field, rows in books] == [
        ("Chứng thực", [certified.code]), ("Hộ tịch", [civil.code])]  # fmt: skip
    assert documents.tracking_book_key(w.desk.pk, 2026, procedure.field_id) == (
        f"book:{w.desk.pk}:2026:field:{procedure.field_id}"
    )
    pages = pages_of(documents.tracking_book_pdf(w.desk, start, end))
    assert len(pages) == 2  # each book starts on its own page, under its own title
    assert "Lĩnh vực: Chứng thực" in pages[0] and certified.code in pages[0] and civil.code not in pages[0]
    assert "Lĩnh vực: Hộ tịch" in pages[1] and civil.code in pages[1] and certified.code not in pages[1]
    workbook = load_workbook(io.BytesIO(documents.tracking_book_xlsx(w.desk, start, end)))
    assert workbook.sheetnames == ["Chứng thực", "Hộ tịch"]
    assert workbook["Hộ tịch"]["B3"].value == civil.code and workbook["Chứng thực"]["B3"].value == certified.code


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
