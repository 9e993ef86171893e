"""Applicant data: NFC-normalised, validated, with Vietnamese messages tied to the field."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.text import normalize_text

PHONE = re.compile(r"^(0|\+84)(3|5|7|8|9|2)\d{8,9}$")
CITIZEN_ID = re.compile(r"^\d{12}$")  # căn cước: 12 digits
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def clean_applicant(data: dict) -> dict:
    kind = data.get("applicant_kind") or "person"
    cleaned = {
        "applicant_kind": kind,
        "applicant_name": normalize_text(data.get("applicant_name")),
        "applicant_id_number": re.sub(r"\s", "", data.get("applicant_id_number") or ""),
        "applicant_phone": re.sub(r"[\s.\-()]", "", data.get("applicant_phone") or ""),
        "applicant_email": normalize_text(data.get("applicant_email")).lower(),
        "applicant_address": normalize_text(data.get("applicant_address")),
        "representative": normalize_text(data.get("representative")),
    }
    if kind not in ("person", "organisation"):
        raise DomainError(_("Loại người nộp không hợp lệ."), field="applicant_kind")
    if len(cleaned["applicant_name"]) < 2:
        raise DomainError(_("Hãy nhập họ tên người nộp (hoặc tên tổ chức)."), field="applicant_name")
    if kind == "person" and not CITIZEN_ID.match(cleaned["applicant_id_number"]):
        raise DomainError(_("Số định danh cá nhân (căn cước) gồm đúng 12 chữ số."), field="applicant_id_number")
    if kind == "organisation" and not TAX_CODE.match(cleaned["applicant_id_number"]):
        raise DomainError(
            _("Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, dấu gạch và 3 chữ số)."), field="applicant_id_number"
        )
    if not PHONE.match(cleaned["applicant_phone"]):
        raise DomainError(_("Số điện thoại không hợp lệ (ví dụ 0912345678)."), field="applicant_phone")
    if cleaned["applicant_email"]:
        try:
            validate_email(cleaned["applicant_email"])
        except ValidationError as error:
            raise DomainError(_("Địa chỉ thư điện tử không hợp lệ."), field="applicant_email") from error
    if len(cleaned["applicant_address"]) < 5:
        raise DomainError(_("Hãy nhập địa chỉ liên hệ."), field="applicant_address")
    return cleaned
