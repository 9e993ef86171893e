"""Uploads: the type is read from the content (magic bytes), never trusted from the name or the browser."""

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass

import filetype
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from apps.core.errors import DomainError

ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_BYTES = 10 * 1024 * 1024
# All the files of one submission together; settings.MAX_REQUEST_BODY leaves room above it for the form fields.
MAX_SET_BYTES = 25 * 1024 * 1024


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


def check_upload_set(files) -> None:
    """The files sent together stay under the request body limit (a larger request is refused before it is read)."""
    total = sum(uploaded.size for uploaded in files)
    if total > MAX_SET_BYTES:
        raise DomainError(
            _("Các tệp gửi kèm quá lớn (tổng cộng tối đa %(mb)d MB).") % {"mb": MAX_SET_BYTES // (1024 * 1024)},
            field="files",
        )


def display_name(name: str) -> str:
    """The client's file name, kept only to show: last path part, NFC, no control characters, at most 255."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in unicodedata.normalize("NFC", name) if unicodedata.category(char)[0] != "C")
    return name.strip()[:255] or _("tệp đính kèm")


@deconstructible
class GeneratedName:
    """`upload_to` that never uses the client's file name: folder/yyyy/mm/<uuid>.<extension of the detected type>.
    The model instance must carry the `content_type` found by `check_upload`."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = EXTENSIONS.get(instance.content_type, "bin")
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and other.folder == self.folder
