"""Applicant data: NFC-normalised, validated, with Vietnamese messages tied to the field."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.phones import is_valid_phone, normalize_phone
from apps.core.text import normalize_text

CITIZEN_ID = re.compile(r"^\d{12}$")  # căn cước: 12 digits
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def clean_applicant(data: dict) -> dict:
    kind = data.get("applicant_kind") or "person"
    cleaned = {
        "applicant_kind": kind,
        "applicant_name": normalize_text(data.get("applicant_name")),
        "applicant_id_number": re.sub(r"\s", "", data.get("applicant_id_number") or ""),
        "applicant_phone": normalize_phone(data.get("applicant_phone")),
        "applicant_email": normalize_text(data.get("applicant_email")).lower(),
        "applicant_address": normalize_text(data.get("applicant_address")),
        "representative": normalize_text(data.get("representative")),
        "representative_id_number": re.sub(r"\s", "", data.get("representative_id_number") or ""),
        "representative_phone": normalize_phone(data.get("representative_phone")),
        "representative_address": normalize_text(data.get("representative_address")),
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
    if not is_valid_phone(cleaned["applicant_phone"]):
        raise DomainError(_("Số điện thoại không hợp lệ (ví dụ 0912345678)."), field="applicant_phone")
    if cleaned["applicant_email"]:
        try:
            validate_email(cleaned["applicant_email"])
        except ValidationError as error:
            raise DomainError(_("Địa chỉ thư điện tử không hợp lệ."), field="applicant_email") from error
    if len(cleaned["applicant_address"]) < 5:
        raise DomainError(_("Hãy nhập địa chỉ liên hệ."), field="applicant_address")
    _check_representative(cleaned)
    return cleaned


def _check_representative(cleaned: dict) -> None:
    """The authorised person's details (BM.01) are optional, but checked when given, and need the person's name."""
    details = ("representative_id_number", "representative_phone", "representative_address")
    if any(cleaned[name] for name in details) and len(cleaned["representative"]) < 2:
        raise DomainError(_("Hãy nhập họ tên người được ủy quyền."), field="representative")
    if cleaned["representative_id_number"] and not CITIZEN_ID.match(cleaned["representative_id_number"]):
        raise DomainError(_("Số định danh cá nhân (căn cước) gồm đúng 12 chữ số."), field="representative_id_number")
    if cleaned["representative_phone"] and not is_valid_phone(cleaned["representative_phone"]):
        raise DomainError(_("Số điện thoại không hợp lệ (ví dụ 0912345678)."), field="representative_phone")
