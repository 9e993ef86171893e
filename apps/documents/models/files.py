"""Files of official documents: the main file and attachments of an incoming document, and every version of an
outgoing one (drafts under review, the signed file, the released file with its number), all kept."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.files import GeneratedName
from apps.documents.models.registers import Confidentiality, IncomingDocument, OutgoingDocument, Urgency
from apps.org.models import Unit

__all__ = ["DocumentFile", "Scan"]


class DocumentFile(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("Văn bản")
        ATTACHMENT = "attachment", _("Phụ lục, tài liệu kèm theo")
        PROGRESS = "progress", _("Báo cáo tiến độ")
        REPLY = "reply", _("Văn bản trả lời")

    class Stage(models.TextChoices):
        """Which step of the document's life produced the file (an outgoing document's versions)."""

        DRAFT = "draft", _("Dự thảo")
        SIGNED = "signed", _("Đã ký")
        RELEASED = "released", _("Đã ban hành")
        RECEIVED = "received", _("Nhận đến")

    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("loại tệp"), max_length=20, choices=Kind.choices, default=Kind.MAIN)
    stage = models.CharField(_("bước"), max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    file = models.FileField(upload_to=GeneratedName("documents"))  # never the client's name
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("nội dung văn bản (lớp chữ)"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["version", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, outgoing__isnull=True)
                | Q(incoming__isnull=True, outgoing__isnull=False),
                name="doc_file_one_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


def ocr_pdf_name(instance, filename: str) -> str:
    """The OCR'd copy of a scan is always a PDF, whatever the scan was."""
    return f"documents/scans/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Scan(models.Model):
    """An uploaded PDF or image waiting to be registered as an incoming document: OCR'd in the worker (Vietnamese
    text layer), the number, symbol, date, issuer and summary proposed from its text for the clerk to confirm."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ nhận dạng")
        RUNNING = "running", _("Đang nhận dạng chữ")
        DONE = "done", _("Đã nhận dạng")
        FAILED = "failed", _("Nhận dạng không thành công")

    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=GeneratedName("documents/scans"))
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("bước"), max_length=100, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    text = models.TextField(_("nội dung nhận dạng"), blank=True)
    proposal = models.JSONField(_("đề xuất"), default=dict, blank=True)
    ocr_file = models.FileField(upload_to=ocr_pdf_name, blank=True)
    # Read from the scan's marks, then as the clerk confirmed them: they set the registration deadline and who sees it.
    urgency = models.CharField(_("độ khẩn"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        _("độ mật"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    started_at = models.DateTimeField(_("bắt đầu nhận dạng lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("nhận dạng xong lúc"), null=True, blank=True)
    # A wrong or duplicate upload is set aside (kept, with who and when), never registered.
    discarded_at = models.DateTimeField(_("bỏ lúc"), null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incoming = models.OneToOneField(
        IncomingDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="scan",
        verbose_name=_("văn bản đến"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("bản quét chờ vào sổ")
        verbose_name_plural = _("bản quét chờ vào sổ")
        indexes = [
            models.Index(fields=["unit", "incoming"], name="doc_scan_waiting"),
            models.Index(fields=["status", "uploaded_at"], name="doc_scan_status"),
        ]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="doc_scan_progress_max")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    @property
    def is_urgent(self) -> bool:
        return self.urgency != Urgency.NORMAL
