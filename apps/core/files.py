"""Uploads: the type is read from the content (magic bytes), never trusted from the name or the browser."""

import hashlib
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

from apps.core.errors import DomainError

ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def check_upload(uploaded, *, allowed: dict[str, str] = ALLOWED_TYPES, max_bytes: int = MAX_BYTES) -> CheckedFile:
    size = uploaded.size
    if size == 0:
        raise DomainError(_("Tệp %(name)s rỗng.") % {"name": uploaded.name}, field="files")
    if size > max_bytes:
        raise DomainError(_("Tệp %(name)s quá lớn (tối đa %(mb)d MB).") % {"name": uploaded.name,
                                                                          "mb": max_bytes // (1024 * 1024)},
                          field="files")  # fmt: skip
    uploaded.seek(0)
    kind = filetype.guess(uploaded.read(8192))
    if kind is None or kind.mime not in allowed:
        raise DomainError(
            _("Tệp %(name)s không đúng định dạng cho phép (%(types)s).")
            % {"name": uploaded.name, "types": ", ".join(allowed.values())},
            field="files",
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(kind.mime, size, digest.hexdigest())
