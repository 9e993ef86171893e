import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from apps.core.text import fold, normalize_multiline, normalize_text, search_terms


def test_normalize_makes_decomposed_vietnamese_nfc_and_trims_spaces():
    decomposed = unicodedata.normalize("NFD", "  Đăng   ký khai sinh ")
    assert decomposed != "Đăng ký khai sinh"
    assert normalize_text(decomposed) == "Đăng ký khai sinh"
    assert unicodedata.is_normalized("NFC", normalize_text(decomposed))


def test_fold_removes_marks_and_d_stroke():
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("ĐẶC KHU Hòn Ngọc") == "dac khu hon ngoc"
    assert fold(unicodedata.normalize("NFD", "Nghệ An")) == "nghe an"


def test_search_terms_split_folded_words():
    assert search_terms("  Đăng  KÝ ") == ["dang", "ky"]
    assert search_terms(None) == []


def test_multiline_keeps_line_breaks():
    assert normalize_multiline("Dòng 1  \r\nDòng 2\n") == "Dòng 1\nDòng 2"


@given(st.text())
def test_fold_is_idempotent_and_accent_free(value):
    folded = fold(value)
    assert fold(folded) == folded
    assert "đ" not in folded


@given(st.text())
def test_normalize_is_idempotent(value):
    assert normalize_text(normalize_text(value)) == normalize_text(value)
