"""Scans made in the tests: a Vietnamese official document rendered to a PNG with Pillow and DejaVu (as a scanner
would give it, no text layer), or to a PDF with a text layer (WeasyPrint, as a file made on a computer)."""

import io
from html import escape

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
A4_300DPI = (2480, 3508)

# (x centre or None for the left margin, y, text, bold, size) on an A4 page at 300 dpi, laid out as Decree 30.
DECISION_LAYOUT = [
    (620, 250, "ỦY BAN NHÂN DÂN", False, 44), (620, 310, "TỈNH AN GIANG", True, 44),
    (1750, 250, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, 44), (1750, 310, "Độc lập - Tự do - Hạnh phúc", True, 44),
    (620, 420, "Số: 12/QĐ-UBND", False, 44), (1750, 420, "An Giang, ngày 05 tháng 3 năm 2026", False, 44),
    (1240, 650, "QUYẾT ĐỊNH", True, 56),
    (1240, 740, "Về việc công bố danh mục thủ tục hành chính", True, 44),
    (1240, 800, "lĩnh vực hộ tịch thuộc thẩm quyền giải quyết của cấp xã", True, 44),
    (1240, 950, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", True, 44),
    (None, 1100, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2025;", False, 44),
    (None, 1180, "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;", False, 44),
    (None, 1260, "Theo đề nghị của Giám đốc Sở Tư pháp.", False, 44),
]  # fmt: skip


def scanned_png(layout=DECISION_LAYOUT, *, marks: tuple[str, ...] = ()) -> bytes:
    """A grey-scale 300 dpi A4 page; `marks` ("HỎA TỐC", "MẬT") are stamped in capitals at the top left."""
    image = Image.new("L", A4_300DPI, 255)
    draw = ImageDraw.Draw(image)
    lines = [*layout, *((None, 100 + 70 * i, mark, True, 48) for i, mark in enumerate(marks))]
    for x, y, text, bold, size in lines:
        font = ImageFont.truetype(BOLD if bold else FONT, size)
        left = 250 if x is None else x - draw.textlength(text, font=font) / 2
        draw.text((left, y), text, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A PDF with a text layer (one paragraph per line)."""
    from weasyprint import HTML

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


DECISION_LINES = [text for _x, _y, text, _bold, _size in DECISION_LAYOUT]
