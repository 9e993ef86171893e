"""The fast table PDF of long books: every row once, the header on every page, Vietnamese text searchable."""

import io

from pypdf import PdfReader

from apps.core.pdf_table import Column, Heading, Section, _Writer, table_pdf

HEADING = Heading(issuer_parent="Ủy ban nhân dân xã An Phú", issuer="Bộ phận Một cửa",
                  place_date="An Phú, ngày 05 tháng 01 năm 2026")  # fmt: skip
COLUMNS = [Column("STT", 1), Column("Mã hồ sơ", 3), Column("Tên cá nhân, tổ chức", 4), Column("Ghi chú", 4)]


def pages(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_vietnamese_text_comes_back_out_of_the_pdf():
    name = "Nguyễn Thị Ánh Tuyết, Lương Văn Đức, Phạm Thị Hường, ỷ ỹ ự ậ ộ"
    section = Section("Sổ theo dõi hồ sơ", "", [["1", "A", name, ""]])
    text = pages(table_pdf(heading=HEADING, columns=COLUMNS, sections=[section]))
    assert len(text) == 1
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN XÃ AN PHÚ",
                     "An Phú, ngày 05 tháng 01 năm 2026", "SỔ THEO DÕI HỒ SƠ", "Nguyễn Thị Ánh Tuyết",
                     "ỷ ỹ ự ậ ộ"):  # fmt: skip
        assert expected in text[0], expected


def test_a_long_book_keeps_every_row_once_and_repeats_the_header_on_each_page():
    rows = [[str(n), f"H98.01-260105-{n:04d}", f"Người nộp số {n}", "ghi chú " * (n % 7)] for n in range(1, 401)]
    text = pages(table_pdf(heading=HEADING, columns=COLUMNS, sections=[Section("Sổ theo dõi hồ sơ", "", rows)]))
    assert len(text) > 5
    assert all("Mã hồ sơ" in page and "Tên cá nhân, tổ chức" in page for page in text)
    assert all(page.endswith(f"Trang {number}/{len(text)}") for number, page in enumerate(text, start=1))
    whole = " ".join(text)
    assert all(whole.count(f"H98.01-260105-{n:04d} ") == 1 for n in range(1, 401))
    assert "CỘNG HÒA" in text[0] and "CỘNG HÒA" not in text[1]  # the heading opens the book only


def test_each_section_starts_on_a_new_page_under_the_heading():
    sections = [Section("Sổ theo dõi hồ sơ", "Lĩnh vực: Hộ tịch", [["1", "A-1", "Lan", ""]]),
                Section("Sổ theo dõi hồ sơ", "Lĩnh vực: Chứng thực", [["1", "B-1", "Hoa", ""]])]  # fmt: skip
    text = pages(table_pdf(heading=HEADING, columns=COLUMNS, sections=sections))
    assert len(text) == 2
    assert "Lĩnh vực: Hộ tịch" in text[0] and "A-1" in text[0] and "CỘNG HÒA" in text[0]
    assert "Lĩnh vực: Chứng thực" in text[1] and "B-1" in text[1] and "CỘNG HÒA" in text[1]


def test_wrapping_fits_the_column_and_cuts_a_long_code_after_a_separator():
    writer = _Writer(landscape=True, font_size=9)
    font = writer.fonts["regular"]
    width = font.width("H98.01-261125-", 9) + 1
    assert writer.wrap("H98.01-261125-0001", width) == ["H98.01-261125-", "0001"]
    lines = writer.wrap("Cấp Giấy xác nhận tình trạng hôn nhân cho công dân cư trú trong nước", 80)
    assert len(lines) > 1 and all(font.width(line, 9) <= 80 for line in lines)
    assert " ".join(lines) == "Cấp Giấy xác nhận tình trạng hôn nhân cho công dân cư trú trong nước"
    assert writer.wrap("", 80) == [""]
