from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One state change, append-only. Rows are chained: `hash` covers the row and the previous row's hash.

    No foreign keys on purpose: the log must outlive what it talks about, and a cascade would be an UPDATE
    or DELETE, which the database refuses on this table (see apps.core.db).
    """

    seq = models.BigIntegerField(_("số thứ tự"), unique=True)
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor_id = models.BigIntegerField(_("người thực hiện (mã)"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    unit_id = models.BigIntegerField(_("đơn vị (mã)"), null=True, blank=True, db_index=True)
    unit_label = models.CharField(_("đơn vị"), max_length=255, blank=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_label = models.CharField(_("đối tượng"), max_length=255, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: plain SHA-256 (events written before the chain was keyed); 2: HMAC-SHA256 with the key `key_id`.
    hash_version = models.PositiveSmallIntegerField(default=1)
    key_id = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"


class AuditChainHead(models.Model):
    """The newest link of the chain (a single row). Appends lock it, so the chain never forks, and
    `audit_verify` compares it with the last row, so a deleted tail is found too."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class Notification(models.Model):
    """A message to a citizen or officer, kept so that staff can see what was sent and when."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The outbox: a message is due when `next_attempt_at` has passed (none: sent, or given up after MAX_ATTEMPTS).
    # A sender claims it by moving `next_attempt_at` a lease ahead, so a sender that dies leaves it due again.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="notification_object_idx"),
            models.Index(fields=["next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject or self.body[:40]}"


class JobLock(models.Model):
    """The lock of a periodic job, in the database so that it works with or without Redis. It expires: a worker
    killed while holding it disables the job at most until `expires_at` (or until a worker starts again on the same
    machine, see apps.core.jobs.release_stale_locks)."""

    name = models.CharField(max_length=100, unique=True)
    holder = models.CharField(max_length=200, blank=True)  # "host:pid:random" of the run holding it, "" when free
    acquired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("khóa tác vụ định kỳ")
        verbose_name_plural = _("khóa tác vụ định kỳ")

    def __str__(self) -> str:
        return f"{self.name}: {self.holder or '-'}"


class Sequence(models.Model):
    """Gap-free counters shared by every app (dossier codes per agency and day, book entries, slip and receipt
    numbers, feedback codes): see apps.core.numbering."""

    key = models.CharField(max_length=100, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "core_sequence"

    def __str__(self) -> str:
        return f"{self.key}={self.last}"
