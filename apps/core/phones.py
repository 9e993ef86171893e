"""The one phone normaliser: a Vietnamese number typed as +84 91…, 84-91…, 091.234.5678 or 0912 345 678 is
stored and compared as 0912345678, so the same citizen is found however the number was typed."""

import re

# Mobile (03, 05, 07, 08, 09) and landline (02) numbers after normalisation: 10 or 11 digits starting with 0.
PHONE = re.compile(r"^0[235789]\d{8,9}$")
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalize_phone(value: str | None) -> str:
    phone = _SEPARATORS.sub("", value or "")
    if phone.startswith("+84"):
        return "0" + phone[3:]
    if phone.startswith("84") and len(phone) in (11, 12):
        return "0" + phone[2:]
    return phone


def is_valid_phone(value: str | None) -> bool:
    return bool(PHONE.match(normalize_phone(value)))


def same_phone(a: str | None, b: str | None) -> bool:
    first, second = normalize_phone(a), normalize_phone(b)
    return bool(first) and first == second
