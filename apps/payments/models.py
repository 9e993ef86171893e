"""Online fee payments: one attempt per trip to the gateway, and the electronic fee receipt of a paid attempt."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """One attempt to pay a dossier's fee through a gateway. Only the gateway's signed IPN moves it out of
    PENDING, once (a repeated IPN finds it confirmed and changes nothing)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        CANCELLED = "cancelled", _("Người nộp đã hủy")
        FAILED = "failed", _("Không thành công")

    # pending → paid | cancelled | failed, by the IPN only; nothing leaves a final state
    TRANSITIONS = {Status.PENDING: {Status.PAID, Status.CANCELLED, Status.FAILED}}

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=20)
    txn_ref = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    order_info = models.CharField(_("nội dung thanh toán"), max_length=255)
    locale = models.CharField(max_length=2, default="vn")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    confirmed_at = models.DateTimeField(_("cổng thanh toán xác nhận lúc"), null=True, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    response_code = models.CharField(_("mã phản hồi"), max_length=10, blank=True)
    transaction_no = models.CharField(_("mã giao dịch tại cổng"), max_length=50, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    # paid when the dossier no longer had a fee waiting (paid at the desk or by another attempt meanwhile, or
    # closed): the money is kept and receipted, and this flag asks the desk to refund it
    needs_refund = models.BooleanField(_("cần hoàn trả"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        indexes = [models.Index(fields=["dossier", "status"], name="payment_dossier_status_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False), name="payment_paid_has_time")
        ]

    def __str__(self) -> str:
        return self.txn_ref


class Receipt(models.Model):
    """The electronic fee receipt (biên lai thu phí, lệ phí điện tử) of a paid attempt. Numbered by the
    collecting agency without gaps within a calendar year (apps.core.numbering, key receipt:<unit>:<year>)."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị thu"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số biên lai"))
    issued_at = models.DateTimeField(_("lập lúc"))

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("biên lai điện tử")
        verbose_name_plural = _("biên lai điện tử")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "number"], name="receipt_number_unique")]

    def __str__(self) -> str:
        return f"{self.label}/{self.year}"

    @property
    def label(self) -> str:
        return f"{self.number:07d}"
