"""Long tables (tracking books, registers) straight to PDF, fast.

WeasyPrint lays out every table cell as a CSS box with Pango: about 12 ms per row of eleven cells, so the BM.06
book of a commune's year (5,000 rows) took a minute (see bench/tracking_book_pdf.py). A book is a fixed grid of
plain text, so it needs none of CSS: this module measures the text with the font's own advance widths (fontTools),
wraps it into fixed columns, cuts pages, repeats the header row on each page, and writes the PDF with pydyf
(both libraries are WeasyPrint's own dependencies). The fonts are embedded as subsets with a ToUnicode map, so the
text can be searched and copied. Vietnamese arrives in NFC (apps.core.text), whose letters are all precomposed
glyphs of Liberation Serif / DejaVu Serif: no shaping is needed.
"""

import hashlib
import io
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MM = 72 / 25.4
A4 = (595.28, 841.89)
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
# Times New Roman's metric twin first (the forms' face), then DejaVu Serif. Liberation before 2.0 (Debian's
# fonts-liberation) lacks the Vietnamese letters with two marks (ộ, ậ, …): a font is taken only if it has them all.
VIETNAMESE = "ăâđêôơưĂÂĐÊÔƠƯ" + "".join(chr(code) for code in range(0x1EA0, 0x1EFA))
FONT_FILES = {
    "regular": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "italic": ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
}


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the table's width (any unit: the shares are normalised)
    align: str = "left"  # left | center


@dataclass
class Heading:
    """The national heading of every official form (Decree 30/2020, Appendix I)."""

    issuer_parent: str
    issuer: str
    place_date: str
    number: str = ""


@dataclass
class Section:
    """One book: its title lines and rows. Each section starts on a new page under the national heading."""

    title: str
    subtitle: str = ""
    rows: Sequence[Sequence[str]] = field(default_factory=list)
    empty_text: str = ""


def _covers_vietnamese(path: Path) -> bool:
    from fontTools.ttLib import TTFont

    try:
        cmap = TTFont(str(path), lazy=True).getBestCmap()
    except Exception:  # an unreadable font file is only a candidate less
        return False
    return all(ord(char) in cmap for char in VIETNAMESE)


@lru_cache(maxsize=8)
def find_font(style: str) -> str:
    for name in FONT_FILES[style]:
        for folder in FONT_DIRS:
            for found in sorted(Path(folder).rglob(name)) if Path(folder).is_dir() else ():
                if _covers_vietnamese(found):
                    return str(found)
    raise FileNotFoundError(
        f"No font with Vietnamese letters ({style}): install fonts-dejavu-core or fonts-liberation2"
    )


class _Font:
    """A TrueType font: advance widths per character, glyph ids for the content stream, the glyphs used."""

    def __init__(self, path: str, resource: str):
        from fontTools.ttLib import TTFont

        self.path, self.resource = path, resource
        font = TTFont(path, lazy=True)
        self.units = font["head"].unitsPerEm
        self.ascent = font["hhea"].ascent / self.units
        self.descent = font["hhea"].descent / self.units
        head = font["head"]
        self.bbox = [round(v * 1000 / self.units) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.postscript = (font["name"].getDebugName(6) or Path(path).stem).replace(" ", "")
        self.cap_height = getattr(font["OS/2"], "sCapHeight", 0) or font["hhea"].ascent * 0.7
        cmap, metrics, order = font.getBestCmap(), font["hmtx"].metrics, font.getGlyphOrder()
        gid = {name: index for index, name in enumerate(order)}
        self._glyph = {code: (gid[name], metrics[name][0]) for code, name in cmap.items()}
        self._notdef = (0, metrics[order[0]][0])
        self.widths: dict[int, int] = {}  # glyph id -> advance in font units, for the glyphs used
        self.unicode: dict[int, str] = {}
        self._hex: dict[str, str] = {}
        self._advance: dict[str, float] = {}

    def _char(self, char: str) -> tuple[int, int]:
        glyph, advance = self._glyph.get(ord(char), self._notdef)
        self._hex[char] = f"{glyph:04x}"
        self._advance[char] = advance / self.units
        self.widths[glyph] = advance
        self.unicode.setdefault(glyph, char)
        return glyph, advance

    def width(self, text: str, size: float) -> float:
        advance = self._advance
        total = 0.0
        for char in text:
            if char not in advance:
                self._char(char)
            total += advance[char]
        return total * size

    def encode(self, text: str) -> str:
        hexes = self._hex
        for char in text:
            if char not in hexes:
                self._char(char)
        return "".join(hexes[char] for char in text)

    def embed(self, pdf) -> object:
        """The Type 0 font dictionary with the subset (glyph ids kept) and its ToUnicode map."""
        import pydyf
        from fontTools import subset
        from fontTools.ttLib import TTFont

        options = subset.Options()
        options.retain_gids, options.hinting, options.notdef_outline = True, False, True
        options.layout_features, options.name_IDs = [], [1, 2, 3, 4, 6]
        options.drop_tables += ["FFTM"]  # FontForge's time stamps: fontTools warns it cannot subset them
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted({0, *self.widths}))
        font = TTFont(self.path)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        data = buffer.getvalue()
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(data).digest()[:6])
        base = f"/{tag}+{self.postscript}"
        file = pydyf.Stream([data], {"Length1": len(data)}, compress=True)
        pdf.add_object(file)
        descriptor = pydyf.Dictionary({
            "Type": "/FontDescriptor", "FontName": base, "Flags": 32, "FontBBox": pydyf.Array(self.bbox),
            "ItalicAngle": 0, "Ascent": round(self.ascent * 1000), "Descent": round(self.descent * 1000),
            "CapHeight": round(self.cap_height * 1000 / self.units), "StemV": 80, "FontFile2": file.reference,
        })  # fmt: skip
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for glyph in sorted(self.widths):
            widths.extend([glyph, pydyf.Array([round(self.widths[glyph] * 1000 / self.units)])])
        cid = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": base,
            "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                               "Ordering": pydyf.String("Identity"), "Supplement": 0}),
            "FontDescriptor": descriptor.reference, "W": widths, "CIDToGIDMap": "/Identity",
        })  # fmt: skip
        pdf.add_object(cid)
        to_unicode = pydyf.Stream([_to_unicode_cmap(self.unicode).encode("ascii")], compress=True)
        pdf.add_object(to_unicode)
        font_dict = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid.reference]), "ToUnicode": to_unicode.reference,
        })  # fmt: skip
        pdf.add_object(font_dict)
        return font_dict


def _to_unicode_cmap(mapping: dict[int, str]) -> str:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]  # fmt: skip
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{glyph:04x}> <{char.encode('utf-16-be').hex()}>" for glyph, char in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def _clean(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


class _Writer:
    def __init__(self, landscape: bool, font_size: float):
        self.width, self.height = (A4[1], A4[0]) if landscape else A4
        self.left, self.right, self.top, self.bottom = 25 * MM, 15 * MM, 18 * MM, 18 * MM
        self.size, self.leading, self.pad = font_size, font_size * 1.2, 2.5
        self.fonts = {style: _Font(find_font(style), f"F{index}") for index, style in
                      enumerate(("regular", "bold", "italic"), start=1)}  # fmt: skip
        self.pages: list[list[str]] = []
        self.ops: list[str] = []

    # drawing primitives -------------------------------------------------------------------------------------
    def new_page(self) -> float:
        self.ops = ["0.6 w"]
        self.pages.append(self.ops)
        return self.height - self.top

    def text(self, x: float, baseline: float, text: str, style: str = "regular", size: float | None = None):
        font = self.fonts[style]
        self.ops.append(f"BT /{font.resource} {size or self.size:g} Tf {x:.2f} {baseline:.2f} Td "
                        f"<{font.encode(text)}> Tj ET")  # fmt: skip

    def centred(self, centre: float, baseline: float, text: str, style: str = "regular", size: float = 0):
        size = size or self.size
        self.text(centre - self.fonts[style].width(text, size) / 2, baseline, text, style, size)

    def line(self, x1: float, y1: float, x2: float, y2: float):
        self.ops.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    def wrap(self, text: str, width: float, style: str = "regular", size: float | None = None) -> list[str]:
        size, font = size or self.size, self.fonts[style]
        lines, current = [], ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if font.width(candidate, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            while font.width(word, size) > width and len(word) > 1:  # a word wider than the column: cut it
                cut = len(word) - 1
                while cut > 1 and font.width(word[:cut], size) > width:
                    cut -= 1
                breaks = [index + 1 for index in range(cut) if word[index] in "-/.,;"]
                cut = breaks[-1] if breaks else cut  # a code cuts after its separator: H12.22-260114-/0007
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        if current or not lines:
            lines.append(current)
        return lines

    # blocks -------------------------------------------------------------------------------------------------
    def heading(self, heading: Heading, y: float) -> float:
        usable = self.width - self.left - self.right
        left_c, right_c = self.left + usable * 0.21, self.left + usable * 0.72
        size = 12
        left_y = y - size
        for line in (heading.issuer_parent.upper(), heading.issuer.upper()):
            if line:
                self.centred(left_c, left_y, line, "bold", size)
                left_y -= size * 1.25
        rule = left_y + size * 1.25 - 7  # under the last line, clear of its descenders
        self.line(left_c - 30, rule, left_c + 30, rule)
        if heading.number:
            self.centred(left_c, left_y - 4, heading.number, "regular", size)
            left_y -= size * 1.25
        right_y = y - size
        self.centred(right_c, right_y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", size)
        right_y -= size * 1.25
        self.centred(right_c, right_y, "Độc lập - Tự do - Hạnh phúc", "bold", size + 1)
        self.line(right_c - 80, right_y - 7, right_c + 80, right_y - 7)
        right_y -= size * 1.9
        if heading.place_date:
            self.centred(right_c, right_y, heading.place_date, "italic", size)
        return min(left_y, right_y) - size

    def section_title(self, section: Section, y: float) -> float:
        centre = self.left + (self.width - self.left - self.right) / 2
        y -= 14
        self.centred(centre, y, section.title.upper(), "bold", 14)
        y -= 16
        if section.subtitle:
            self.centred(centre, y, section.subtitle, "italic", 12)
            y -= 16
        return y - 4

    def row(self, y: float, cells: list[list[str]], xs: list[float], columns, style: str) -> float:
        height = max(len(lines) for lines in cells) * self.leading + 2 * self.pad
        font = self.fonts[style]
        first = y - self.pad - font.ascent * self.size
        for lines, x0, x1, column in zip(cells, xs, xs[1:], columns, strict=False):
            for index, line in enumerate(lines):
                if not line:
                    continue
                baseline = first - index * self.leading
                if column.align == "center":
                    self.centred((x0 + x1) / 2, baseline, line, style)
                else:
                    self.text(x0 + self.pad, baseline, line, style)
        return height

    def grid(self, top: float, bottom: float, xs: list[float], row_lines: list[float]):
        for x in xs:
            self.line(x, top, x, bottom)
        for y in (top, *row_lines):
            self.line(xs[0], y, xs[-1], y)

    def table(self, section: Section, columns: Sequence[Column], y: float):
        usable = self.width - self.left - self.right
        total = sum(column.width for column in columns)
        xs = [self.left]
        for column in columns:
            xs.append(xs[-1] + usable * column.width / total)
        inner = [x1 - x0 - 2 * self.pad for x0, x1 in itertools.pairwise(xs)]
        header = [self.wrap(_clean(c.title), w, "bold") for c, w in zip(columns, inner, strict=True)]
        header_columns = [Column(c.title, c.width, "center") for c in columns]
        floor = self.bottom + 14  # room for the page number

        def start(top: float) -> tuple[float, list[float]]:
            height = self.row(top, header, xs, header_columns, "bold")
            return top - height, [top - height]

        table_top = y
        y, lines = start(y)
        if not section.rows and section.empty_text:  # one cell across the table
            wide = [xs[0], xs[-1]]
            height = self.row(y, [self.wrap(_clean(section.empty_text), wide[1] - wide[0])], wide,
                              [Column("", 1, "center")], "regular")  # fmt: skip
            self.grid(table_top, y, xs, lines)
            self.grid(y, y - height, wide, [y - height])
            return
        for raw in section.rows:
            cells = [self.wrap(_clean(value), w) for value, w in zip(raw, inner, strict=False)]
            cells += [[""]] * (len(columns) - len(cells))
            height = max(len(c) for c in cells) * self.leading + 2 * self.pad
            if y - height < floor and len(lines) > 1:
                self.grid(table_top, y, xs, lines)
                table_top = self.new_page()
                y, lines = start(table_top)
            self.row(y, cells, xs, columns, "regular")
            y -= height
            lines.append(y)
        self.grid(table_top, y, xs, lines)

    def finish(self, title: str) -> bytes:
        import pydyf

        total = len(self.pages)
        centre = self.left + (self.width - self.left - self.right) / 2
        for number, ops in enumerate(self.pages, start=1):
            self.ops = ops
            self.centred(centre, self.bottom - 4, f"Trang {number}/{total}", "regular", 9)
        pdf = pydyf.PDF()
        fonts = pydyf.Dictionary()
        for font in self.fonts.values():
            if font.widths:
                fonts[font.resource] = font.embed(pdf).reference
        resources = pydyf.Dictionary({"Font": fonts})
        pdf.add_object(resources)
        for ops in self.pages:
            content = pydyf.Stream(["\n".join(ops).encode("ascii")], compress=True)
            pdf.add_object(content)
            box = pydyf.Array([0, 0, self.width, self.height])
            pdf.add_page(pydyf.Dictionary({
                "Type": "/Page", "Parent": pdf.pages.reference, "MediaBox": box, "Contents": content.reference,
                "Resources": resources.reference,
            }))  # fmt: skip
        pdf.info["Title"] = pydyf.String(title)
        pdf.info["Producer"] = pydyf.String("Cong vu")
        output = io.BytesIO()
        pdf.write(output, compress=True)
        return output.getvalue()


def table_pdf(
    *,
    heading: Heading,
    columns: Sequence[Column],
    sections: Sequence[Section],
    title: str = "",
    landscape: bool = True,
    font_size: float = 10,
) -> bytes:
    """A PDF of one or more books: each on new pages, under the national heading, its header row on every page."""
    writer = _Writer(landscape, font_size)
    for section in sections:
        y = writer.new_page()
        y = writer.heading(heading, y)
        y = writer.section_title(section, y)
        writer.table(section, columns, y)
    return writer.finish(title or (sections[0].title if sections else ""))
