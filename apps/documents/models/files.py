"""Files of official documents: the main file and attachments of an incoming document, and every version of an
outgoing one (drafts under review, the signed file, the released file with its number), all kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.files import GeneratedName
from apps.documents.models.registers import IncomingDocument, OutgoingDocument

__all__ = ["DocumentFile"]


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
