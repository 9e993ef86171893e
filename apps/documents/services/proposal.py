"""What a scanned incoming document says about itself, read from its text layer for the clerk to confirm.

Pure: text in, proposal out. The layout is Decree 30/2020/NĐ-CP, Appendix I: at the top left the governing body and
the issuing body ("ỦY BAN NHÂN DÂN / TỈNH AN GIANG", "UBND TỈNH AN GIANG / SỞ TƯ PHÁP") with the number and symbol
under them ("Số: 12/QĐ-UBND", "Số 12/UBND-VP"); at the top right the national motto and the date line ("An Giang,
ngày 05 tháng 3 năm 2026"); then the type's name in capitals ("QUYẾT ĐỊNH") and the summary under it, or for an
official letter (no type name) the summary under its number ("V/v tăng cường …"). Urgency ("KHẨN", "THƯỢNG KHẨN",
"HỎA TỐC") and confidentiality ("MẬT", "TỐI MẬT", "TUYỆT MẬT") are stamped in capitals.

The proposal is a dict of fields, each {"value", "confidence" (0–1), "line" (the text it was read from)}; a field
not found is absent. OCR reads two columns side by side, so a header line often carries the motto or the date too."""

import datetime as dt
import re
import unicodedata

from apps.core.text import fold
from apps.documents.models import ABBREVIATIONS, Confidentiality, DocType, Urgency

FIELDS = ("issuer_name", "number_symbol", "issued_date", "doc_type", "summary", "urgency", "confidentiality")

# Letters Tesseract confuses with Đ/đ in Vietnamese text (Icelandic eth), and runs of the same letter it doubles.
_OCR_FIXES = str.maketrans({"Ð": "Đ", "ð": "đ", "|": "I"})
_MOTTO = re.compile(
    r"C[ỘO]NG\s+H[ÒO]À?A?\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM|"
    r"Đ[ộo]c\s+l[ậa]p\s*[-–—]\s*T[ựu]\s+do\s*[-–—]\s*H[ạa]nh\s+ph[úu]c",
    re.IGNORECASE,
)
_RULES = re.compile(r"[_‾¯]{2,}|-{3,}")
_NUMBER = re.compile(r"\bS[ốôo]\s*(:?)\s*(\d{1,5})\s*/\s*([0-9A-Za-zĐđ]+(?:\s?[-/.]\s?[0-9A-Za-zĐđ]+)*)")
_DATE = re.compile(r"(?:^|,\s*|\s)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_ABOUT = re.compile(r"^\s*V/[vV]\s*[:.]?\s*")
_BODY_START = re.compile(
    r"^(Căn cứ|Kính gửi|Thực hiện|Theo đề nghị|Xét đề nghị|Theo|Nơi nhận|Điều \d|\d+\.|[IVX]+\.)", re.IGNORECASE
)
_ORGAN_WORDS = (
    "ỦY BAN", "UỶ BAN", "UBND", "HỘI ĐỒNG", "HĐND", "SỞ", "BỘ", "BAN", "PHÒNG", "VĂN PHÒNG", "CỤC", "CHI CỤC",
    "TỔNG CỤC", "TRUNG TÂM", "TRƯỜNG", "CÔNG AN", "BỘ CHỈ HUY", "BỆNH VIỆN", "THANH TRA", "KHO BẠC", "TÒA ÁN",
    "VIỆN KIỂM SÁT", "ĐẢNG ỦY", "TỈNH ỦY", "MẶT TRẬN", "ĐOÀN", "BẢO HIỂM", "NGÂN HÀNG", "CHÍNH PHỦ", "THỦ TƯỚNG",
)  # fmt: skip
_PLACES = ("tỉnh", "thành phố", "xã", "phường", "huyện", "quận", "thị xã", "thị trấn", "đặc khu")
_URGENCY_MARKS = (
    (Urgency.FLASH, r"H[OỎ][ẢA]?\s*TỐC"), (Urgency.VERY_URGENT, r"THƯỢNG\s+KHẨN"), (Urgency.URGENT, r"KHẨN"),
)  # fmt: skip
_SECRET_MARKS = (
    (Confidentiality.ABSOLUTE_SECRET, r"TUYỆT\s+MẬT"), (Confidentiality.TOP_SECRET, r"TỐI\s+MẬT"),
    (Confidentiality.SECRET, r"(?<!BÍ\s)MẬT"),
)  # fmt: skip
_TYPE_BY_ABBREVIATION = {fold(abbr): doc_type for doc_type, abbr in ABBREVIATIONS.items() if abbr}
HEADER_LINES = 12  # the number, date and issuer sit in the first lines; the body cites other numbers and dates


def clean_text(text: str) -> str:
    """NFC, Tesseract's Ð read as Đ, the motto and the rules under the header removed, blank lines dropped."""
    text = unicodedata.normalize("NFC", text or "").translate(_OCR_FIXES)
    lines = (_RULES.sub(" ", _MOTTO.sub(" ", line)) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def _field(value, confidence: float, line: str) -> dict:
    return {"value": value, "confidence": round(confidence, 2), "line": line.strip()}


def _is_capitals(line: str) -> bool:
    letters = [char for char in line if char.isalpha()]
    return bool(letters) and all(char.isupper() for char in letters)


def header(lines: list[str]) -> list[str]:
    """The first lines, up to where the body starts ("Căn cứ …", "Kính gửi: …"), which cites other numbers."""
    taken = []
    for line in lines[:HEADER_LINES]:
        if _BODY_START.match(line):
            break
        taken.append(line)
    return taken


def find_number_symbol(lines: list[str]) -> dict | None:
    for line in header(lines):
        match = _NUMBER.search(line)
        if match:
            symbol = re.sub(r"\s", "", match.group(3))
            symbol = re.sub(r"ĐĐ+", "Đ", symbol)
            return _field(f"{match.group(2)}/{symbol}", 0.9 if match.group(1) else 0.8, line)
    return None


def find_issued_date(lines: list[str]) -> dict | None:
    """The date line of the header (a place, then "ngày … tháng … năm …"), not the dates the body cites."""
    for line in header(lines):
        for match in _DATE.finditer(line):
            day, month, year = (int(part) for part in match.groups())
            try:
                value = dt.date(year, month, day)
            except ValueError:
                continue
            return _field(value.isoformat(), 0.9 if "," in match.group(0) else 0.7, line)
    return None


def _type_of_title(line: str) -> tuple[DocType, float] | None:
    if not _is_capitals(line):
        return None
    for doc_type in DocType:
        label = str(doc_type.label)
        if line == label.upper():
            return doc_type, 0.9
    folded = fold(line)
    for doc_type in DocType:
        if folded == fold(str(doc_type.label)):
            return doc_type, 0.7
    return None


def find_title(lines: list[str]) -> tuple[int, dict] | None:
    """The line naming the type ("QUYẾT ĐỊNH"), with its index."""
    for index, line in enumerate(lines[: HEADER_LINES + 4]):
        found = _type_of_title(line)
        if found:
            return index, _field(found[0].value, found[1], line)
    return None


def type_of_symbol(number_symbol: str) -> DocType | None:
    """ "12/QĐ-UBND" → Quyết định; "12/UBND-VP" (no type abbreviation) → Công văn."""
    parts = number_symbol.split("/", 1)
    if len(parts) != 2 or not parts[1]:
        return None
    first = fold(parts[1].split("-")[0])
    return _TYPE_BY_ABBREVIATION.get(first, DocType.OFFICIAL_LETTER)


def _summary_lines(lines: list[str]) -> list[str]:
    taken = []
    for line in lines[:3]:
        if _BODY_START.match(line) or (_is_capitals(line) and taken) or _NUMBER.search(line):
            break
        taken.append(line)
    return taken


def find_summary(lines: list[str], title_index: int | None) -> dict | None:
    """ "V/v …" under the number (an official letter), else the line(s) under the type's name."""
    for index, line in enumerate(lines[:HEADER_LINES]):
        match = _ABOUT.match(line)
        if match:
            taken = [line[match.end() :], *_summary_lines(lines[index + 1 : index + 3])]
            text = " ".join(part for part in taken if part).strip()
            if text:
                return _field(f"V/v {text}", 0.8, "\n".join(lines[index : index + len(taken)]))
    if title_index is not None:
        taken = _summary_lines(lines[title_index + 1 :])
        if taken:
            return _field(" ".join(taken), 0.7, "\n".join(taken))
    return None


def _organ_name(words: str) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH AN GIANG" → "Ủy ban nhân dân tỉnh An Giang"; "SỞ TƯ PHÁP" → "Sở Tư pháp"."""
    lower = words.lower().replace("uỷ", "ủy")
    for abbreviation in ("ubnd", "hđnd"):
        lower = re.sub(rf"\b{abbreviation}\b", abbreviation.upper(), lower)
    result = lower[:1].upper() + lower[1:]
    first = result.split(" ", 1)[0].lower()
    if first in {"sở", "bộ", "phòng", "ban", "cục", "trường"} and " " in result:
        head, rest = result.split(" ", 1)
        result = f"{head} {rest[:1].upper()}{rest[1:]}"
    for place in _PLACES:
        result = re.sub(
            rf"(\b{place} )(.+)$", lambda m: m.group(1) + m.group(2).title(), result, count=1, flags=re.IGNORECASE
        )
    return result


def find_issuer(lines: list[str]) -> dict | None:
    """The last body named in the header's capitals before the number: the issuing body under its governing one."""
    organs: list[list[str]] = []
    for line in lines[:HEADER_LINES]:
        if _NUMBER.search(line) or _DATE.search(line) or _type_of_title(line):
            break
        if not _is_capitals(line) or _is_mark(line):
            continue
        starts_organ = any(line.startswith(word + " ") or line == word for word in _ORGAN_WORDS)
        if starts_organ or not organs:
            organs.append([line])
        else:
            organs[-1].append(line)
    if not organs:
        return None
    issuer = organs[-1]
    name = _organ_name(" ".join(issuer))
    return _field(name, 0.8 if len(organs) > 1 or issuer[0].startswith(_ORGAN_WORDS) else 0.5, "\n".join(issuer))


def _is_mark(line: str) -> bool:
    """A stamp alone on its line ("KHẨN", "MẬT"), not part of a body's name."""
    return any(re.fullmatch(pattern, line.strip()) for _value, pattern in (*_URGENCY_MARKS, *_SECRET_MARKS))


def _find_mark(lines: list[str], marks) -> dict | None:
    for value, pattern in marks:
        regex = re.compile(rf"(?<!\w){pattern}(?!\w)")
        for line in lines:
            if regex.search(line):
                alone = regex.fullmatch(line.strip()) is not None
                return _field(value.value, 0.9 if alone else 0.6, line)
    return None


def propose(text: str) -> dict:
    """The proposal for the registration form, from the document's text (see the module's docstring)."""
    lines = clean_text(text).split("\n")
    proposal: dict[str, dict] = {}
    number_symbol = find_number_symbol(lines)
    title = find_title(lines)
    found = {
        "issuer_name": find_issuer(lines),
        "number_symbol": number_symbol,
        "issued_date": find_issued_date(lines),
        "doc_type": title[1] if title else None,
        "summary": find_summary(lines, title[0] if title else None),
        "urgency": _find_mark(lines, _URGENCY_MARKS),
        "confidentiality": _find_mark(lines, _SECRET_MARKS),
    }
    if found["doc_type"] is None and number_symbol is not None:
        doc_type = type_of_symbol(number_symbol["value"])
        if doc_type is not None:
            found["doc_type"] = _field(doc_type.value, 0.6, number_symbol["line"])
    for name in FIELDS:
        if found[name] is not None:
            proposal[name] = found[name]
    return proposal


def initial_values(proposal: dict) -> dict:
    """The proposal's values only, as a form's initial data."""
    return {name: field["value"] for name, field in proposal.items() if isinstance(field, dict) and "value" in field}
