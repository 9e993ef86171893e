"""The search index of official documents and the log of their openings.

One SearchEntry per document of either register (kind in / out): the metadata the filters and the result list need,
and the text searched (number/symbol, issuer, summary, the text layer of the document's files). The full-text
machinery is per database and lives in migration 0003_search, outside the model:

- PostgreSQL: a `search_vector` tsvector column generated from the text with the `congvu_vi` configuration (`simple`
  with `unaccent` first, so "quyet dinh dat dai" matches "Quyết định … đất đai"), GIN-indexed;
- SQLite: an FTS5 table `documents_search_fts` (rowid = the entry's id) holding the folded text (apps.core.text.fold:
  no marks, đ → d), written by apps.documents.services.search beside the entry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.documents.models.registers import Confidentiality, DocType, Urgency
from apps.org.models import Unit

__all__ = ["DocumentAccess", "DocumentKind", "SearchEntry"]


class DocumentKind(models.TextChoices):
    INCOMING = "in", _("Văn bản đến")
    OUTGOING = "out", _("Văn bản đi")


class SearchEntry(models.Model):
    kind = models.CharField(_("sổ"), max_length=3, choices=DocumentKind.choices)
    document_id = models.BigIntegerField(_("mã văn bản"))
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị giữ sổ"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    doc_type = models.CharField(_("loại văn bản"), max_length=30, choices=DocType.choices)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    issuer_key = models.CharField(max_length=255, blank=True, editable=False)  # folded: the issuer filter
    urgency = models.CharField(_("độ khẩn"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    # the outgoing document's status or the incoming one's handling status
    status = models.CharField(_("trạng thái"), max_length=20)
    confidentiality = models.CharField(
        _("độ mật"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    date = models.DateField(_("ngày"), null=True, blank=True)  # released / received; drafts: created
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    summary = models.TextField(_("trích yếu nội dung"))
    body = models.TextField(_("nội dung văn bản"), blank=True)

    class Meta:
        verbose_name = _("mục tìm kiếm văn bản")
        verbose_name_plural = _("mục tìm kiếm văn bản")
        constraints = [models.UniqueConstraint(fields=["kind", "document_id"], name="doc_search_one_per_document")]
        indexes = [models.Index(fields=["issuer_key", "year"], name="doc_search_issuer")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number_symbol} — {self.summary[:80]}"


class DocumentAccess(models.Model):
    """One opening of a document (Decree 30: every access is logged); one INSERT, outside the audit chain."""

    class Via(models.TextChoices):
        PAGE = "page", _("Trang")
        API = "api", _("API")
        DOWNLOAD = "download", _("Tải tệp")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("sổ"), max_length=3, choices=DocumentKind.choices)
    document_id = models.BigIntegerField(_("mã văn bản"))
    at = models.DateTimeField(_("lúc"))
    via = models.CharField(_("qua"), max_length=10, choices=Via.choices)

    class Meta:
        verbose_name = _("lượt mở văn bản")
        verbose_name_plural = _("lượt mở văn bản")
        indexes = [models.Index(fields=["kind", "document_id", "-at"], name="doc_access_document")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}:{self.document_id} {self.at:%Y-%m-%d %H:%M} ({self.via})"
