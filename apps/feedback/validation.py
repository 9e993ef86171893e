"""Contact details of a feedback sender: all optional (anonymous feedback is allowed), validated when given."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.phones import is_valid_phone, normalize_phone
from apps.core.text import normalize_text


def clean_contact(data: dict) -> dict:
    cleaned = {
        "contact_name": normalize_text(data.get("contact_name"))[:150],
        "contact_phone": normalize_phone(data.get("contact_phone")),
        "contact_email": normalize_text(data.get("contact_email")).lower(),
    }
    if cleaned["contact_phone"] and not is_valid_phone(cleaned["contact_phone"]):
        raise DomainError(_("Số điện thoại không hợp lệ (ví dụ 0912345678)."), field="contact_phone")
    if cleaned["contact_email"]:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError as error:
            raise DomainError(_("Địa chỉ thư điện tử không hợp lệ."), field="contact_email") from error
    return cleaned
