"""Briefings (giao ban) and the leaders' weekly schedule (lịch công tác tuần).

A briefing is scheduled with an agenda and participants; attendance and minutes are recorded when it is held; its
conclusions (each with an owner and a deadline) are issued as a conclusion notice (thông báo kết luận) and each
becomes a task in one step. The weekly schedule lists the leaders' meetings, reception days and visits; a briefing
appears in it through its own entry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.org.models import Unit

__all__ = ["Briefing", "BriefingParticipant", "Conclusion", "ScheduleEntry"]


class Briefing(models.Model):
    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Giao ban tuần")
        MONTHLY = "monthly", _("Giao ban tháng")
        QUARTERLY = "quarterly", _("Giao ban quý")
        THEMATIC = "thematic", _("Họp chuyên đề")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Đã lên lịch")
        HELD = "held", _("Đã họp")
        CONCLUDED = "concluded", _("Đã ban hành thông báo kết luận")
        CANCELLED = "cancelled", _("Hủy")

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại cuộc họp"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("tên cuộc họp"), max_length=500)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    location = models.CharField(_("địa điểm"), max_length=300)
    chaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chủ trì"), on_delete=models.PROTECT, related_name="+"
    )
    agenda = models.TextField(_("nội dung, chương trình"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("biên bản"), blank=True)
    notice_number = models.CharField(_("số thông báo kết luận"), max_length=50, blank=True)
    # The notice as released in the agency's outgoing register (apps.documents; no cross-app foreign key).
    notice_document_id = models.PositiveBigIntegerField(_("văn bản thông báo"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("ban hành thông báo lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("cuộc họp giao ban")
        verbose_name_plural = _("cuộc họp giao ban")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="work_briefing_ends")
        ]
        indexes = [models.Index(fields=["unit", "starts_at"], name="work_briefing_unit_start")]

    def __str__(self) -> str:
        return self.title


class BriefingParticipant(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("có mặt"), null=True, blank=True)  # None: not recorded yet
    absence_reason = models.CharField(_("lý do vắng"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thành phần dự họp")
        verbose_name_plural = _("thành phần dự họp")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(unit__isnull=False), name="work_participant_someone"
            ),
            models.UniqueConstraint(fields=["briefing", "user"], name="work_participant_user_once"),
        ]

    def __str__(self) -> str:
        return str(self.user or self.unit)


class Conclusion(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="conclusions")
    order = models.PositiveSmallIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung kết luận"))
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị thực hiện"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("task", "người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết luận")
        verbose_name_plural = _("kết luận")
        ordering = ["briefing", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["briefing", "order"], name="work_conclusion_order_unique")]

    def __str__(self) -> str:
        return self.text[:80]


class ScheduleEntry(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Họp, làm việc")
        BRIEFING = "briefing", _("Giao ban")
        RECEPTION = "reception", _("Tiếp công dân")
        VISIT = "visit", _("Đi cơ sở, kiểm tra")
        OTHER = "other", _("Khác")

    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("lãnh đạo"), related_name="+")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("nội dung"), max_length=500)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    location = models.CharField(_("địa điểm"), max_length=300)
    participants = models.TextField(_("thành phần"), blank=True)
    preparing_unit = models.CharField(_("đơn vị chuẩn bị"), max_length=300, blank=True)
    is_public = models.BooleanField(_("công khai"), default=True)
    briefing = models.OneToOneField(
        Briefing, null=True, blank=True, on_delete=models.CASCADE, related_name="schedule_entry"
    )
    cancelled = models.BooleanField(_("hoãn, hủy"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lịch công tác")
        verbose_name_plural = _("lịch công tác")
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="work_entry_ends")]
        indexes = [models.Index(fields=["unit", "starts_at"], name="work_entry_unit_start")]

    def __str__(self) -> str:
        return self.title
