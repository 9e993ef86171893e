"""Every write of online payments: start an attempt, take the gateway's IPN, issue the receipt. One transaction
each, with its audit events; the dossier is marked paid through apps.dossiers.services (its own audit event)."""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.actors import CITIZEN, SYSTEM
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError
from apps.core.numbering import next_number
from apps.dossiers import services as dossier_services
from apps.payments import selectors
from apps.payments.models import Payment, Receipt
from apps.payments.providers import (
    CANCELLED_BY_CUSTOMER,
    PAY_MINUTES,
    GatewayResult,
    get_provider,
    online_payment_enabled,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IpnAnswer:
    """The IPN's answer to the gateway, with the codes VNPAY documents."""

    code: str
    message: str

    def as_dict(self) -> dict:
        return {"RspCode": self.code, "Message": self.message}


CONFIRMED = IpnAnswer("00", "Confirm Success")
ORDER_NOT_FOUND = IpnAnswer("01", "Order not found")
ALREADY_CONFIRMED = IpnAnswer("02", "Order already confirmed")
INVALID_AMOUNT = IpnAnswer("04", "invalid amount")
INVALID_SIGNATURE = IpnAnswer("97", "Invalid signature")
UNKNOWN_ERROR = IpnAnswer("99", "Unknow error")  # sic: VNPAY's own spelling


def _new_txn_ref(now: dt.datetime) -> str:
    """Unique per merchant (VNPAY refuses a reused vnp_TxnRef): local time to the second and 6 random hex digits."""
    return timezone.localtime(now).strftime("%y%m%d%H%M%S") + secrets.token_hex(3).upper()


@transaction.atomic
def payment_start(
    *, dossier, return_url: str, client_ip: str | None = None, now: dt.datetime | None = None
) -> tuple[Payment, str]:
    """A new attempt for the dossier's unpaid fee, and the gateway URL to send the citizen to. Each trip to the
    gateway is its own attempt (its own vnp_TxnRef); an attempt left unpaid simply expires at the gateway."""
    now = now or timezone.now()
    if not online_payment_enabled():
        raise DomainError(_("Chưa có cổng thanh toán trực tuyến; vui lòng nộp phí tại Bộ phận Một cửa."))
    if not selectors.can_pay_online(dossier):
        raise ConflictError(_("Hồ sơ %(code)s không có khoản phí nào chờ nộp.") % {"code": dossier.code})
    provider = get_provider()
    payment = Payment.objects.create(
        dossier=dossier,
        provider=provider.name,
        txn_ref=_new_txn_ref(now),
        amount_vnd=dossier.fee_vnd,
        order_info=f"Thanh toan phi, le phi ho so {dossier.code}",
        locale="en" if translation.get_language() == "en" else "vn",
        client_ip=client_ip,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=PAY_MINUTES),
    )
    record_event(
        "payments.start",
        actor=CITIZEN,
        obj=payment,
        unit=dossier.filing_unit,
        changes={"dossier": dossier.code, "amount_vnd": payment.amount_vnd, "provider": payment.provider},
    )
    return payment, provider.build_payment_url(payment, return_url, client_ip)


def payment_ipn(params, *, now: dt.datetime | None = None) -> IpnAnswer:
    """The gateway's server-to-server confirmation, in the order VNPAY's documentation checks: signature (97),
    order (01), amount (04), already confirmed (02); then the attempt is paid, cancelled or failed, once."""
    try:
        result = get_provider().verify_ipn(params)
    except Exception:  # a malformed call must still get an answer the gateway understands
        log.exception("payment IPN could not be read")
        return UNKNOWN_ERROR
    if not result.valid:
        log.warning("payment IPN with an invalid signature for %r", params.get("vnp_TxnRef"))
        return INVALID_SIGNATURE
    try:
        return _apply_ipn(result, now or timezone.now())
    except Exception:
        log.exception("payment IPN failed for %s", result.txn_ref)
        return UNKNOWN_ERROR


@transaction.atomic
def _apply_ipn(result: GatewayResult, now: dt.datetime) -> IpnAnswer:
    payment = Payment.objects.select_for_update().filter(txn_ref=result.txn_ref).first()
    provider = get_provider()
    if payment is None or payment.provider != provider.name or result.merchant != provider.tmn_code:
        return ORDER_NOT_FOUND
    if result.amount_vnd != payment.amount_vnd:
        log.warning("payment IPN for %s with amount %s, expected %s", payment, result.amount_vnd, payment.amount_vnd)
        return INVALID_AMOUNT
    if payment.status != Payment.Status.PENDING:
        return ALREADY_CONFIRMED
    payment.response_code = result.response_code[:10]
    payment.transaction_no = result.transaction_no
    payment.bank_code = result.bank_code
    payment.confirmed_at = now
    if result.success:
        _mark_paid(payment, result, now)
    else:
        payment.status = (
            Payment.Status.CANCELLED if result.response_code == CANCELLED_BY_CUSTOMER else Payment.Status.FAILED
        )
        payment.save()
        record_event(
            "payments.failed",
            actor=SYSTEM,
            obj=payment,
            unit=payment.dossier.filing_unit,
            changes={"status": payment.status, "response_code": payment.response_code},
        )
    return CONFIRMED


def _mark_paid(payment: Payment, result: GatewayResult, now: dt.datetime) -> None:
    dossier = payment.dossier
    payment.status = Payment.Status.PAID
    payment.paid_at = result.paid_at or now
    try:
        with transaction.atomic():
            dossier_services.dossier_record_payment(actor=SYSTEM, dossier=dossier, online=True)
    except ConflictError:
        # The money arrived but the dossier has no fee waiting any more (paid at the desk meanwhile, a second
        # attempt paid in another tab, or the dossier closed): keep the payment, receipt it, flag it for a refund.
        payment.needs_refund = True
    payment.save()
    record_event(
        "payments.paid",
        actor=SYSTEM,
        obj=payment,
        unit=dossier.filing_unit,
        changes={
            "dossier": dossier.code, "amount_vnd": payment.amount_vnd, "transaction_no": payment.transaction_no,
            "paid_at": payment.paid_at, "needs_refund": payment.needs_refund,
        },
    )  # fmt: skip
    receipt_issue(payment=payment, now=now)


def receipt_issue(*, payment: Payment, now: dt.datetime | None = None) -> Receipt:
    """Number and store the electronic receipt of a paid attempt; numbers run without gaps per collecting agency
    and calendar year (a rolled-back transaction gives its number back)."""
    now = now or timezone.now()
    if payment.status != Payment.Status.PAID:
        raise ConflictError(_("Chỉ lập biên lai cho giao dịch đã thanh toán."))
    unit = payment.dossier.filing_unit
    year = timezone.localtime(now).year
    with transaction.atomic():
        receipt = Receipt.objects.create(
            payment=payment,
            unit=unit,
            year=year,
            number=next_number(f"receipt:{unit.pk}:{year}"),
            issued_at=now,
        )
        record_event(
            "payments.receipt",
            actor=SYSTEM,
            obj=receipt,
            unit=unit,
            changes={"payment": payment.txn_ref, "number": receipt.number, "year": year},
        )
    return receipt
