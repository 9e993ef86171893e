"""Handling of incoming documents (Decree 30/2020/NĐ-CP, art. 20-24): the leader's direction and the follow-up.

A leader over the receiving unit assigns the document: the lead (a unit or a person), co-handlers and those informed
(one party row each), an instruction and a deadline in working days. A new assignment (reassignment) supersedes the
current one; the old one is kept. The timeline keeps every step: assigned, forwarded, progress reported, reply
attached, done, reopened. The last progress and the reply are also kept on the assignment, so the follow-up register
(7 columns) reads one row per document."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.documents.models.files import DocumentFile
from apps.documents.models.registers import IncomingDocument, OutgoingDocument
from apps.org.models import Unit

__all__ = ["HandlingAssignment", "HandlingEvent", "HandlingParty"]


class HandlingAssignment(models.Model):
    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lãnh đạo giao"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("giao lúc"))
    instruction = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc"))
    # End of office hours of the last working day (the assignment day does not count); `deadline` is its date.
    due_at = models.DateTimeField(_("hạn xử lý (thời điểm)"))
    deadline = models.DateField(_("hạn xử lý"))
    # From this day on the deadline is near (its last working days): kept so that queues need no calendar lookup.
    due_soon_on = models.DateField(_("sắp đến hạn từ ngày"))
    last_progress = models.TextField(_("tiến độ"), blank=True)
    last_progress_at = models.DateTimeField(_("báo cáo tiến độ lúc"), null=True, blank=True)
    reply_outgoing = models.ForeignKey(
        OutgoingDocument, verbose_name=_("văn bản trả lời"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="answered_assignments",
    )  # fmt: skip
    reply_file = models.ForeignKey(
        DocumentFile, verbose_name=_("tệp trả lời"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    done_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("thay bằng phân công mới lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(superseded_at__isnull=True), name="doc_handling_one_current"
            )
        ]
        indexes = [models.Index(fields=["deadline"], name="doc_handling_deadline")]

    def __str__(self) -> str:
        return f"{self.document} — {self.deadline:%d/%m/%Y}"


class HandlingParty(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Chủ trì")
        CO_HANDLER = "co_handler", _("Phối hợp")
        INFORMED = "informed", _("Để biết")

    assignment = models.ForeignKey(HandlingAssignment, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a holder forwarded the document to this party (the forwarder stays a holder).
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("thêm lúc"))

    class Meta:
        verbose_name = _("đơn vị, người xử lý")
        verbose_name_plural = _("đơn vị, người xử lý")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, user__isnull=True) | Q(unit__isnull=True, user__isnull=False),
                name="doc_party_unit_or_user",
            )
        ]
        indexes = [
            models.Index(fields=["user", "assignment"], name="doc_party_user"),
            models.Index(fields=["unit", "assignment"], name="doc_party_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.holder_name}"

    @property
    def holder_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return self.unit.name


class HandlingEvent(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Giao xử lý")
        FORWARDED = "forwarded", _("Chuyển xử lý")
        PROGRESS = "progress", _("Báo cáo tiến độ")
        REPLY = "reply", _("Văn bản trả lời")
        DONE = "done", _("Hoàn thành")
        REOPENED = "reopened", _("Mở lại")

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="handling_events")
    assignment = models.ForeignKey(
        HandlingAssignment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("bước"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("lúc"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("nội dung"), blank=True)
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.ForeignKey(DocumentFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reply_outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("diễn biến xử lý")
        verbose_name_plural = _("diễn biến xử lý")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.at:%d/%m/%Y %H:%M}"
