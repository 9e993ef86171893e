"""Citizens' feedback (phản ánh, kiến nghị — PAKN): hotline 1022 calls, web, e-mail and walk-in; categories with
their answer deadlines (also the Open311 services); answers, publication, ratings."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.choices import SatisfactionLevel
from apps.core.files import GeneratedName
from apps.core.text import fold
from apps.org.models import Unit


class Category(models.Model):
    """A kind of feedback, with its deadline. Also an Open311 service (service_code = code)."""

    class Group(models.TextChoices):
        PROCEDURE = "procedure", _("Hỏi đáp về thủ tục hành chính")
        CONDUCT = "conduct", _("Chậm trễ, gây phiền hà của cán bộ")
        REGULATION = "regulation", _("Vướng mắc về quy định hành chính")
        PROPOSAL = "proposal", _("Kiến nghị, đề xuất")
        OTHER = "other", _("Khác")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    group = models.CharField(_("nhóm"), max_length=20, choices=Group.choices)
    description = models.TextField(_("mô tả"), blank=True)
    answer_days = models.DecimalField(_("hạn trả lời (ngày làm việc)"), max_digits=4, decimal_places=1, default=5)
    keywords = models.CharField(_("từ khóa"), max_length=300, blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("loại phản ánh")
        verbose_name_plural = _("loại phản ánh")

    def __str__(self) -> str:
        return self.name


class Feedback(models.Model):
    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Tổng đài 1022")
        WEB = "web", _("Cổng thông tin")
        EMAIL = "email", _("Thư điện tử")
        WALK_IN = "walk_in", _("Trực tiếp")
        OPEN311 = "open311", _("Ứng dụng (Open311)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        ASSIGNED = "assigned", _("Đang xử lý")
        APPROVAL = "approval", _("Chờ lãnh đạo duyệt trả lời")
        FORWARDED = "forwarded", _("Đã chuyển cơ quan có thẩm quyền")
        ANSWERED = "answered", _("Đã trả lời")
        CLOSED = "closed", _("Đã kết thúc")

    # Not yet answered to the citizen (a draft waiting for the leader's approval included): these count as pending,
    # due and late. Forwarded outside is neither open nor answered: it left the system (Decree 20/2008).
    OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.APPROVAL)

    code = models.CharField(_("mã phản ánh"), max_length=30, unique=True)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("loại"))
    title = models.CharField(_("tiêu đề"), max_length=255)
    content = models.TextField(_("nội dung"))
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    about_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("đơn vị bị phản ánh")
    )
    address = models.CharField(_("địa điểm"), max_length=500, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Contact details: optional (anonymous allowed) and never shown in any public output.
    contact_name = models.CharField(_("họ tên người gửi"), max_length=150, blank=True)
    contact_phone = models.CharField(_("điện thoại"), max_length=20, blank=True, db_index=True)
    contact_email = models.EmailField(_("thư điện tử"), blank=True)
    open311_device_id = models.CharField(max_length=100, blank=True)
    open311_token = models.UUIDField(null=True, blank=True, unique=True)
    open311_client = models.ForeignKey(
        "feedback.Open311Key", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi tiếp nhận")
    )  # the unit running the hotline (the province's service centre)
    classify_due_at = models.DateTimeField(_("hạn phân loại, chuyển xử lý"))
    assigned_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback", verbose_name=_("đơn vị xử lý")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    forwarded_to = models.CharField(_("chuyển đến"), max_length=255, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    forward_note = models.TextField(_("thông báo chuyển"), blank=True)  # what the citizen is told; not an answer
    answer = models.TextField(_("nội dung trả lời"), blank=True)  # the draft while it waits for approval
    # An officer's answer in a unit whose answers need a leader's approval (FeedbackSettings) waits here: answered
    # (answered_at, on time or not, the citizen told) only once a leader over the unit approves it.
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(null=True, blank=True)
    publish_requested = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("ý kiến của lãnh đạo khi trả lại"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_on_time = models.BooleanField(null=True)
    # The secret of the rating link sent with the answer: only the sender rates (or with the phone they gave).
    rating_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    is_public = models.BooleanField(_("công khai"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    search_key = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [
            models.Index(fields=["assigned_unit", "status", "due_at"], name="feedback_queue_idx"),
            # The published answers, newest first (the public list): read in order, never sorted (issue 13).
            models.Index(
                fields=["-published_at", "-id"], condition=models.Q(is_public=True), name="feedback_published_idx"
            ),
            models.Index(fields=["received_at"], name="feedback_received_idx"),
            models.Index(fields=["answered_at"], name="feedback_answered_idx"),
            models.Index(fields=["status", "due_at"], name="feedback_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.code} {self.title} {self.content} {self.answer}")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class FeedbackSettings(models.Model):
    """A unit's rules for feedback. `answer_needs_approval`: an officer's answer waits for a leader over the unit
    before the citizen gets it (and before it is published). Units below inherit the nearest setting above them."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="feedback_settings", verbose_name=_("đơn vị")
    )
    answer_needs_approval = models.BooleanField(_("trả lời phải được lãnh đạo duyệt"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thiết lập phản ánh của đơn vị")
        verbose_name_plural = _("thiết lập phản ánh của đơn vị")

    def __str__(self) -> str:
        return str(self.unit)


class FeedbackAttachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=GeneratedName("feedback"))  # never the client's name
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class AnswerTemplate(models.Model):
    """Ready answers for the hotline operators and the units (the frequent questions)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="templates", null=True, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("mẫu trả lời")
        verbose_name_plural = _("mẫu trả lời")

    def __str__(self) -> str:
        return self.title


class FeedbackRating(models.Model):
    Level = SatisfactionLevel  # the same three levels as a dossier's rating: the satisfaction figures add them up

    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(_("mức độ hài lòng"), max_length=20, choices=Level.choices)
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.level}"


class Open311Key(models.Model):
    """An application allowed to post service requests through Open311 (its api_key)."""

    name = models.CharField(_("ứng dụng"), max_length=200)
    key = models.CharField(max_length=64, unique=True, editable=False)
    contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khóa Open311")
        verbose_name_plural = _("khóa Open311")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)
