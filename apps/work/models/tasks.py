"""Tasks (nhiệm vụ) assigned by a leader to a unit or a person.

A task comes from a programme item, a briefing conclusion, an incoming document or directly. Its deadline is a
moment on the holder unit's working-day clock (apps.calendar): the end of office hours of the last working day.
The holder reports progress (with files), may ask for an extension that the assigner approves or refuses (the
original deadline is kept beside the new one), reports completion with the product, and the assigner accepts it
or returns it. Completion is judged early / on time / late against the deadline in force, as for dossiers.
`remind_on` (the working day before the deadline) and the two `*_sent_at` marks let the worker remind the holder
and tell the assigner exactly once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.files import GeneratedName
from apps.org.models import Unit
from apps.work.models.common import Outcome

__all__ = ["ExtensionRequest", "Task", "TaskEvent", "TaskFile"]


class Task(models.Model):
    class Source(models.TextChoices):
        DIRECT = "direct", _("Giao trực tiếp")
        PROGRAM = "program", pgettext_lazy("task source", "Chương trình công tác")
        BRIEFING = "briefing", _("Kết luận giao ban")
        DOCUMENT = "document", _("Văn bản đến")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Bình thường")
        HIGH = "high", _("Quan trọng")
        URGENT = "urgent", _("Khẩn")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Mới giao")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        COMPLETED = "completed", _("Chờ nghiệm thu")
        ACCEPTED = "accepted", _("Đã hoàn thành")
        CANCELLED = "cancelled", _("Đã thu hồi")

    OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)

    title = models.CharField(_("tên nhiệm vụ"), max_length=500)
    description = models.TextField(_("nội dung, yêu cầu"), blank=True)
    source = models.CharField(_("nguồn giao"), max_length=10, choices=Source.choices, default=Source.DIRECT)
    program_item = models.ForeignKey(
        "work.ProgramItem", verbose_name=_("nội dung chương trình"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks",
    )  # fmt: skip
    conclusion = models.OneToOneField(
        "work.Conclusion", verbose_name=_("kết luận giao ban"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="task",
    )  # fmt: skip
    # An incoming document of apps.documents (read through its selectors; no cross-app foreign key) and the
    # reference as people write it ("Công văn 125/UBND-VP ngày 03/03/2026").
    incoming_document_id = models.PositiveBigIntegerField(_("văn bản đến"), null=True, blank=True)
    document_reference = models.CharField(_("căn cứ văn bản"), max_length=300, blank=True)
    priority = models.CharField(_("mức độ"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)

    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người giao"), on_delete=models.PROTECT, related_name="+"
    )
    assigner_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị giao"), on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(pgettext_lazy("task", "giao lúc"))
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("task", "người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip

    original_deadline = models.DateField(_("thời hạn ban đầu"))
    original_due_at = models.DateTimeField(_("hạn ban đầu (thời điểm)"))
    deadline = models.DateField(_("thời hạn"))
    due_at = models.DateTimeField(_("hạn (thời điểm)"))
    remind_on = models.DateField(_("nhắc việc ngày"))
    extended = models.BooleanField(_("đã gia hạn"), default=False)

    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.ASSIGNED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    last_progress = models.TextField(_("báo cáo tiến độ gần nhất"), blank=True)
    last_progress_at = models.DateTimeField(_("báo cáo lúc"), null=True, blank=True)
    completed_at = models.DateTimeField(_("báo cáo hoàn thành lúc"), null=True, blank=True)
    product = models.TextField(_("sản phẩm"), blank=True)
    outcome = models.CharField(_("kết quả thời hạn"), max_length=10, choices=Outcome.choices, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("nghiệm thu lúc"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    late_notice_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="work_task_progress_percent"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="work_task_unit_status_due"),
            models.Index(fields=["assignee", "status", "due_at"], name="work_task_assignee_status"),
            models.Index(fields=["assigner_unit", "status", "due_at"], name="work_task_assigner_status"),
            models.Index(fields=["unit", "outcome", "completed_at"], name="work_task_unit_outcome"),
            models.Index(fields=["status", "remind_on"], name="work_task_status_remind"),
            # The leader's follow-up (selectors.tasks.follow_up, follow_up_tasks): its counts read only the index
            # of the open tasks and that of the tasks finished late, and its lists of open tasks walk the deadlines
            # in order. Partial: SQLite uses one only when the query repeats its condition word for word (the
            # selectors filter on `status IN OPEN_STATUSES`, in this order, and `outcome = 'late'`).
            models.Index(
                fields=["unit", "status", "due_at", "deadline", "assignee"],
                condition=Q(status__in=["assigned", "in_progress"]),
                name="work_task_open_followup",
            ),
            models.Index(
                fields=["due_at", "id"], condition=Q(status__in=["assigned", "in_progress"]), name="work_task_open_due"
            ),
            models.Index(
                fields=["unit", "completed_at", "assignee"], condition=Q(outcome="late"), name="work_task_late_followup"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class TaskFile(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=GeneratedName("work/tasks"))  # never the client's name
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tệp của nhiệm vụ")
        verbose_name_plural = _("tệp của nhiệm vụ")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class TaskEvent(models.Model):
    """The task's timeline: every step, with who and when."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("task event", "Giao nhiệm vụ")
        PROGRESS = "progress", pgettext_lazy("task event", "Báo cáo tiến độ")
        EXTENSION_REQUESTED = "extension_requested", pgettext_lazy("task event", "Xin gia hạn")
        EXTENSION_APPROVED = "extension_approved", pgettext_lazy("task event", "Đồng ý gia hạn")
        EXTENSION_REFUSED = "extension_refused", pgettext_lazy("task event", "Không đồng ý gia hạn")
        COMPLETED = "completed", pgettext_lazy("task event", "Báo cáo hoàn thành")
        ACCEPTED = "accepted", pgettext_lazy("task event", "Nghiệm thu")
        RETURNED = "returned", pgettext_lazy("task event", "Trả lại, yêu cầu làm tiếp")
        REASSIGNED = "reassigned", pgettext_lazy("task event", "Giao lại")
        CANCELLED = "cancelled", pgettext_lazy("task event", "Thu hồi")
        REMINDED = "reminded", pgettext_lazy("task event", "Nhắc hạn")
        LATE_NOTICE = "late_notice", pgettext_lazy("task event", "Báo quá hạn cho người giao")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    file = models.ForeignKey(TaskFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("diễn biến nhiệm vụ")
        verbose_name_plural = _("diễn biến nhiệm vụ")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task} — {self.get_kind_display()}"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        APPROVED = "approved", pgettext_lazy("extension", "Đồng ý")
        REFUSED = "refused", pgettext_lazy("extension", "Không đồng ý")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("lý do"))
    proposed_deadline = models.DateField(_("thời hạn đề nghị"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    granted_deadline = models.DateField(_("thời hạn được gia hạn"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(status="pending"), name="work_one_pending_extension")
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.proposed_deadline:%d/%m/%Y}"
