"""The proposal read from a document's text, on the layout of Decree 30/2020/NĐ-CP, Appendix I (header with the
governing and issuing bodies, number and symbol, the date line, the type's name and the summary)."""

from apps.documents.services.proposal import initial_values, propose, type_of_symbol

DECISION = """ỦY BAN NHÂN DÂN
TỈNH AN GIANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/QĐ-UBND
An Giang, ngày 05 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc công bố danh mục thủ tục hành chính
lĩnh vực hộ tịch
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN GIANG
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2025;
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;
"""

# A department's official letter (công văn: no type name, the summary "V/v" under the number), as Tesseract gives
# two columns: the header and the motto on the same lines, Ð for Đ, the rule under the motto.
LETTER_AS_OCR = """UBND TỈNH AN GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TƯ PHÁP Độc lập - Tự do - Hạnh phúc
______
Số: 125/STP-VP An Giang, ngày 09 tháng 02 năm 2026
V/v hướng dẫn đăng ký khai sinh
cho trẻ em sinh ra ở nước ngoài
Kính gửi: Ủy ban nhân dân các xã, phường.
Thực hiện Công văn số 45/BTP-HTQTCT ngày 12 tháng 01 năm 2026 của Bộ Tư pháp;
"""


def values(text: str) -> dict:
    return initial_values(propose(text))


def test_a_provincial_decision():
    assert values(DECISION) == {
        "issuer_name": "Ủy ban nhân dân tỉnh An Giang",
        "number_symbol": "12/QĐ-UBND",
        "issued_date": "2026-03-05",
        "doc_type": "quyet_dinh",
        "summary": "Về việc công bố danh mục thủ tục hành chính lĩnh vực hộ tịch",
    }


def test_each_field_says_where_it_came_from_and_how_sure():
    proposal = propose(DECISION)
    assert proposal["number_symbol"]["line"] == "Số: 12/QĐ-UBND"
    assert proposal["issued_date"]["line"] == "An Giang, ngày 05 tháng 3 năm 2026"
    assert proposal["doc_type"]["line"] == "QUYẾT ĐỊNH"
    assert proposal["issuer_name"]["line"] == "ỦY BAN NHÂN DÂN\nTỈNH AN GIANG"
    assert all(0 < field["confidence"] <= 1 for field in proposal.values())


def test_an_official_letter_of_a_department_read_in_two_columns():
    assert values(LETTER_AS_OCR) == {
        "issuer_name": "Sở Tư pháp",  # the issuing body, not its governing committee
        "number_symbol": "125/STP-VP",
        "issued_date": "2026-02-09",
        "doc_type": "cong_van",  # no type abbreviation in the symbol
        "summary": "V/v hướng dẫn đăng ký khai sinh cho trẻ em sinh ra ở nước ngoài",
    }


def test_tesseract_eth_is_read_as_d_with_stroke():
    text = "ỦY BAN NHÂN DÂN\nXÃ AN PHÚ\nSố: 07/QÐ-UBND Xã An Phú, ngày 01 tháng 12 năm 2026\nQUYÉT ÐỊNH\n"
    found = values(text)
    assert found["number_symbol"] == "07/QĐ-UBND"
    assert found["issuer_name"] == "Ủy ban nhân dân xã An Phú"
    assert found["issued_date"] == "2026-12-01"
    assert found["doc_type"] == "quyet_dinh"  # "QUYÉT" (a misread ế) still matches the type's name, less sure
    assert propose(text)["doc_type"]["confidence"] < propose(DECISION)["doc_type"]["confidence"]


def test_number_without_colon_and_type_from_the_symbol():
    text = "UBND XÃ AN PHÚ\nSố 05/KH-UBND\nAn Phú, ngày 20 tháng 4 năm 2026\nVề việc tổ chức Tết Trung thu\n"
    found = propose(text)
    assert found["number_symbol"]["value"] == "05/KH-UBND"
    assert found["number_symbol"]["confidence"] < propose(DECISION)["number_symbol"]["confidence"]
    assert found["doc_type"]["value"] == "ke_hoach"  # KH: Kế hoạch (Appendix III)
    assert type_of_symbol("12/UBND-VP") == "cong_van"
    assert type_of_symbol("3/TTr-STP") == "to_trinh"
    assert type_of_symbol("3/QyĐ-UBND") == "quy_dinh"
    assert type_of_symbol("không có") is None


def test_titles_of_other_types():
    titles = [("KẾ HOẠCH", "ke_hoach"), ("BÁO CÁO", "bao_cao"), ("TỜ TRÌNH", "to_trinh"), ("GIẤY MỜI", "giay_moi"),
              ("THÔNG BÁO", "thong_bao"), ("NGHỊ QUYẾT", "nghi_quyet")]  # fmt: skip
    for title, doc_type in titles:
        text = f"SỞ Y TẾ\nSố: 3/XX-SYT\nAn Giang, ngày 02 tháng 01 năm 2026\n{title}\nVề việc thử\n"
        assert values(text)["doc_type"] == doc_type, title


def test_dates_and_numbers_cited_in_the_body_are_not_proposed():
    text = "SỞ Y TẾ\nQUYẾT ĐỊNH\nVề việc thử\nCăn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020;\n"
    found = values(text)
    assert "issued_date" not in found and "number_symbol" not in found
    assert found["issuer_name"] == "Sở Y tế"


def test_an_impossible_date_is_not_proposed():
    assert "issued_date" not in values("SỞ Y TẾ\nSố: 3/BC-SYT\nAn Giang, ngày 31 tháng 2 năm 2026\n")


def test_urgency_and_confidentiality_marks():
    base = "SỞ Y TẾ\nSố: 3/CV-SYT\nAn Giang, ngày 02 tháng 01 năm 2026\n"
    assert values("HỎA TỐC\n" + base)["urgency"] == "flash"
    assert values("HOẢ TỐC\n" + base)["urgency"] == "flash"
    assert values("THƯỢNG KHẨN\n" + base)["urgency"] == "very_urgent"
    assert values(base + "KHẨN\n")["urgency"] == "urgent"
    assert values("MẬT\n" + base)["confidentiality"] == "secret"
    assert values("TỐI MẬT\n" + base)["confidentiality"] == "top_secret"
    assert values("TUYỆT MẬT\n" + base)["confidentiality"] == "absolute_secret"
    stamped = propose("KHẨN\n" + base)["urgency"]
    assert stamped["confidence"] == 0.9 and stamped["line"] == "KHẨN"


def test_words_that_are_not_marks():
    text = (
        "SỞ Y TẾ\nSố: 3/QC-SYT\nAn Giang, ngày 02 tháng 01 năm 2026\nQUY CHẾ\nBẢO VỆ BÍ MẬT NHÀ NƯỚC\n"
        "Các đơn vị khẩn trương triển khai; giữ bí mật.\n"
    )
    found = values(text)
    assert "urgency" not in found and "confidentiality" not in found
    assert found["doc_type"] == "quy_che"


def test_nothing_readable_proposes_nothing():
    assert propose("") == {}
    assert propose("   \n\n ~~ \n") == {}


def test_stamps_above_or_inside_the_header_are_not_part_of_the_issuer():
    # as Tesseract read a stamped letter of a department (the stamps at the top left)
    read = (
        "KHẨN\nMẬT\nUBND TỈNH AN GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ TƯ PHÁP Độc lập - Tự do - Hạnh phúc\n"
        "Số: 125/STP-VP An Giang, ngày 09 tháng 02 năm 2026\nV/v hướng dẫn đăng ký khai sinh\n"
        "cho trẻ em sinh ra ở nước ngoài\nKính gửi: Ủy ban nhân dân các xã, phường.\n"
    )
    found = values(read)
    assert (found["issuer_name"], found["urgency"], found["confidentiality"]) == ("Sở Tư pháp", "urgent", "secret")
    between = "ỦY BAN NHÂN DÂN\nXÃ AN PHÚ\nHỎA TỐC\nSố: 07/UBND-VP\nAn Phú, ngày 01 tháng 12 năm 2026\n"
    assert values(between)["issuer_name"] == "Ủy ban nhân dân xã An Phú"
    assert values(between)["urgency"] == "flash"
