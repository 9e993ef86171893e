"""The exchange between agencies (edXML, QCVN 102:2016): peers, the directory of organs, the outbox (every signed
message waiting for delivery, with its attempts), the sender's record per recipient with the statuses sent back,
the receiver's inbox of arrived documents, and the hash-chained log of every message in or out."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.documents.models.registers import IncomingDocument, OutgoingDocument
from apps.org.models import Unit

__all__ = [
    "Dispatch",
    "DispatchStatus",
    "ExchangeLogEntry",
    "ExchangeLogHead",
    "ExchangeOrgan",
    "ExchangePeer",
    "InboxDocument",
    "OutboxMessage",
]


class ExchangePeer(models.Model):
    """Another installation: its agency id (the TraceHeader OrganId of what it signs), address and certificate."""

    identifier = models.CharField(_("mã định danh"), max_length=35, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    base_url = models.URLField(_("địa chỉ"), max_length=300)
    certificate_pem = models.TextField(_("chứng thư số (PEM)"))
    is_active = models.BooleanField(_("đang liên thông"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hệ thống liên thông")
        verbose_name_plural = _("hệ thống liên thông")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return f"{self.identifier} — {self.name}"


class ExchangeOrgan(models.Model):
    """An organ served by a peer installation (a local organ is a Unit with its agency_code)."""

    organ_id = models.CharField(_("mã định danh"), max_length=35, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    peer = models.ForeignKey(ExchangePeer, on_delete=models.CASCADE, related_name="organs")

    class Meta:
        verbose_name = _("cơ quan liên thông")
        verbose_name_plural = _("cơ quan liên thông")
        ordering = ["organ_id"]

    def __str__(self) -> str:
        return f"{self.organ_id} — {self.name}"


class Dispatch(models.Model):
    """The sender's record of one outgoing document sent to one recipient organ, with the last status reported."""

    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="dispatches")
    document_id = models.CharField(_("mã văn bản liên thông"), max_length=200)
    sender_organ = models.CharField(_("cơ quan gửi"), max_length=35)
    recipient_organ = models.CharField(_("cơ quan nhận"), max_length=35)
    recipient_name = models.CharField(_("tên cơ quan nhận"), max_length=255)
    peer = models.ForeignKey(ExchangePeer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_status = models.CharField(_("trạng thái"), max_length=2, blank=True)
    last_status_at = models.DateTimeField(_("trạng thái lúc"), null=True, blank=True)
    recalled_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản gửi liên thông")
        verbose_name_plural = _("văn bản gửi liên thông")
        constraints = [
            models.UniqueConstraint(fields=["document_id", "recipient_organ"], name="doc_dispatch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.recipient_organ}"


class DispatchStatus(models.Model):
    """One status notification received back for a dispatch (its history)."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="statuses")
    code = models.CharField(_("mã trạng thái"), max_length=2)
    description = models.TextField(_("mô tả"), blank=True)
    staff_name = models.CharField(_("người xử lý"), max_length=255, blank=True)
    reported_at = models.DateTimeField(_("báo lúc"))
    received_at = models.DateTimeField(_("nhận lúc"))

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "code", "reported_at"], name="doc_dispatch_status_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.reported_at:%Y-%m-%d %H:%M}"


class OutboxMessage(models.Model):
    """A signed message waiting to be delivered (document or status), to a peer or to a unit of this installation
    (peer empty): delivered at least once, retried with back-off."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Văn bản")
        STATUS = "status", _("Trạng thái")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        RETRYING = "retrying", _("Đang thử lại")
        DELIVERED = "delivered", _("Đã chuyển")
        REFUSED = "refused", _("Bị từ chối")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    dispatch = models.ForeignKey(Dispatch, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    peer = models.ForeignKey(ExchangePeer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document_id = models.CharField(_("mã văn bản liên thông"), max_length=200)
    sender_organ = models.CharField(_("cơ quan gửi"), max_length=35)
    recipient_organ = models.CharField(_("cơ quan nhận"), max_length=35)
    business_type = models.PositiveSmallIntegerField(_("nghiệp vụ"), default=0)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    envelope = models.BinaryField(_("gói tin"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đã chuyển lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("gói tin chờ gửi")
        verbose_name_plural = _("gói tin chờ gửi")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="doc_outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} → {self.recipient_organ}"


class InboxDocument(models.Model):
    """A document arrived through the exchange for a local unit, before (and after) its clerk accepts it into the
    incoming register or rejects it. One per (DocumentId, recipient unit): a re-delivery changes nothing."""

    class State(models.TextChoices):
        ARRIVED = "arrived", _("Chờ tiếp nhận")
        ACCEPTED = "accepted", _("Đã vào sổ")
        REJECTED = "rejected", _("Đã từ chối")
        RECALLED = "recalled", _("Đã bị thu hồi")

    document_id = models.CharField(_("mã văn bản liên thông"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, related_name="+")
    sender_organ = models.CharField(_("cơ quan gửi"), max_length=35)
    sender_name = models.CharField(_("tên cơ quan gửi"), max_length=255)
    peer = models.ForeignKey(ExchangePeer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100)
    issued_date = models.DateField(_("ngày văn bản"))
    doc_type_name = models.CharField(_("loại văn bản"), max_length=100, blank=True)
    summary = models.TextField(_("trích yếu nội dung"))
    signer = models.CharField(_("người ký"), max_length=255, blank=True)
    priority = models.PositiveSmallIntegerField(_("độ khẩn"), default=0)
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    envelope = models.BinaryField(_("gói tin"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.ARRIVED)
    reject_reason = models.TextField(_("lý do từ chối"), blank=True)
    incoming = models.OneToOneField(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="exchange_inbox"
    )
    # An update or replacement (business type 2/3) of a document already in the register waits for the clerk.
    pending_change = models.BinaryField(_("cập nhật chờ đồng ý"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("đến lúc"))
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản đến qua liên thông")
        verbose_name_plural = _("văn bản đến qua liên thông")
        constraints = [models.UniqueConstraint(fields=["document_id", "unit"], name="doc_inbox_once")]
        indexes = [models.Index(fields=["unit", "state", "arrived_at"], name="doc_inbox_queue")]

    def __str__(self) -> str:
        return f"{self.number_symbol} — {self.sender_name}"


class ExchangeLogEntry(models.Model):
    """Every message in or out, kept with its bytes; chain_hash = sha256(prev_hash | seq | direction | sha256 of
    the envelope | recorded_at). Never updated or deleted (the services only append; a trigger refuses UPDATE)."""

    class Direction(models.TextChoices):
        OUT = "out", _("Gửi đi")
        IN = "in", _("Nhận về")

    seq = models.PositiveBigIntegerField(unique=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=10)
    document_id = models.CharField(max_length=200)
    sender_organ = models.CharField(max_length=35)
    recipient_organ = models.CharField(max_length=35)
    business_type = models.PositiveSmallIntegerField(default=0)
    status_code = models.CharField(max_length=2, blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    envelope = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nhật ký liên thông")
        verbose_name_plural = _("nhật ký liên thông")
        ordering = ["seq"]
        # a message whose bytes came in before is a replay (services.exchange._already_processed)
        indexes = [models.Index(fields=["sha256"], name="doc_exchange_log_sha256")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.direction} {self.document_id}"


class ExchangeLogHead(models.Model):
    """The chain's last seq and hash, one row locked while appending (entries get consecutive seqs)."""

    seq = models.PositiveBigIntegerField(default=0)
    chain_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.seq}"
