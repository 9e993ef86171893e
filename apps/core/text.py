"""Vietnamese text: NFC normalisation of input and accent folding for search.

Some keyboards (and macOS) send Vietnamese decomposed (NFD): "ế" as "e" + two combining marks. Everything we
store is NFC so that equal words compare equal. Search compares folded forms: no marks, "đ" → "d", lower case,
single spaces, so "dang ky khai sinh" finds "Đăng ký khai sinh".
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "ð": "d"})


def normalize_text(value: str | None) -> str:
    """NFC, trimmed, inner runs of white space made one space. None becomes ''."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def normalize_multiline(value: str | None) -> str:
    """NFC and trimmed, keeping line breaks (for letters, answers, notes)."""
    if not value:
        return ""
    lines = (unicodedata.normalize("NFC", line).rstrip() for line in value.replace("\r\n", "\n").split("\n"))
    return "\n".join(lines).strip()


def fold(value: str | None) -> str:
    """Accent-free, lower-case, single-spaced form used for search keys and comparisons."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value.lower().translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().translate(_FOLD_EXTRA)
    return _SPACES.sub(" ", stripped).strip()


def search_terms(query: str | None) -> list[str]:
    """Folded words of a search box, for AND-matching against a folded search column."""
    return [term for term in fold(query).split(" ") if term]
