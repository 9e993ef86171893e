"""Amounts in Vietnamese words, as a receipt writes them (expected values written by hand)."""

import pytest

from apps.payments.receipts import amount_in_words, number_in_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (25, "hai mươi lăm"),
        (101, "một trăm lẻ một"),
        (110, "một trăm mười"),
        (2_000, "hai nghìn"),
        (8_000, "tám nghìn"),
        (10_000, "mười nghìn"),
        (100_000, "một trăm nghìn"),
        (1_005, "một nghìn không trăm lẻ năm"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
        (2_015_000, "hai triệu không trăm mười lăm nghìn"),
        (1_000_000_000, "một tỷ"),
        (3_000_000_021, "ba tỷ không trăm hai mươi mốt"),
    ],
)
def test_number_in_words(number, words):
    assert number_in_words(number) == words


def test_amount_starts_with_a_capital_and_ends_with_dong():
    assert amount_in_words(50_000) == "Năm mươi nghìn đồng"
