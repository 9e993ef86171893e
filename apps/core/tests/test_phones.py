import pytest

from apps.core.phones import is_valid_phone, normalize_phone, same_phone


@pytest.mark.parametrize(
    "typed",
    ["0912345678", "+84912345678", "+84 912 345 678", "84912345678", "091.234.5678", "(091) 234-5678", "0912 345 678"],
)
def test_every_way_of_typing_a_number_is_the_same_number(typed):
    assert normalize_phone(typed) == "0912345678"
    assert same_phone(typed, "+84 91 234 56 78")


@pytest.mark.parametrize("number", ["0912345678", "02433123456", "0387654321"])
def test_mobile_and_landline_numbers_are_valid(number):
    assert is_valid_phone(number)


@pytest.mark.parametrize("number", ["", "12345", "0112345678", "091234567", "abc0912345678", "+1 202 555 0123"])
def test_other_strings_are_not_phone_numbers(number):
    assert not is_valid_phone(number)


def test_an_empty_phone_matches_nothing():
    assert not same_phone("", "")
