"""Payment providers: one interface, one real protocol (VNPAY payment gateway, API version 2.1.0).

A provider builds the URL the citizen is sent to and checks what the gateway sends back: the browser's return
(shown to the citizen, never trusted to change anything) and the server-to-server IPN (the only confirmation that
marks a fee paid). Providers touch no table; apps.payments.services decides what a checked answer means.

VNPAY 2.1.0 (public documentation: https://sandbox.vnpayment.vn/apis/docs/thanh-toan-pay/pay.html):
the request carries vnp_Version, vnp_Command=pay, vnp_TmnCode, vnp_Amount (VND × 100), vnp_CurrCode=VND,
vnp_TxnRef, vnp_OrderInfo, vnp_OrderType, vnp_Locale, vnp_ReturnUrl, vnp_IpAddr, vnp_CreateDate and vnp_ExpireDate
(yyyyMMddHHmmss, GMT+7); vnp_SecureHash is the hex HMAC-SHA512, keyed with the merchant's secret, of the vnp_*
parameters other than the hash itself, sorted by name, each value URL-encoded with quote_plus, joined as a query
string. The return and the IPN carry vnp_ResponseCode and vnp_TransactionStatus ("00": paid), vnp_TransactionNo,
vnp_BankCode, vnp_PayDate and the same kind of hash."""

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")  # VNPAY's clock: GMT+7, no daylight saving
DATE_FORMAT = "%Y%m%d%H%M%S"
PAY_MINUTES = 15  # vnp_ExpireDate: how long the gateway's page accepts the payment
SUCCESS = "00"
CANCELLED_BY_CUSTOMER = "24"


@dataclass(frozen=True)
class GatewayResult:
    """What a provider read from a return or an IPN. `valid` is false when the signature does not match (then
    nothing else in it may be believed)."""

    valid: bool
    txn_ref: str = ""
    amount_vnd: int | None = None  # None: the amount was missing or not a whole number of đồng
    success: bool = False
    response_code: str = ""
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: dt.datetime | None = None
    merchant: str = ""


class PaymentProvider:
    """The interface every payment gateway implements."""

    name = ""
    label = ""

    def build_payment_url(self, payment, return_url: str, client_ip: str | None) -> str:
        raise NotImplementedError

    def verify_return(self, params) -> GatewayResult:
        raise NotImplementedError

    def verify_ipn(self, params) -> GatewayResult:
        raise NotImplementedError


def vnpay_hash_data(params) -> str:
    """The signed text: vnp_* parameters except the hash fields, sorted, non-empty, values quote_plus-encoded."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in ("vnp_SecureHash", "vnp_SecureHashType") and str(value) != ""
    )
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def vnpay_sign(secret: str, params) -> str:
    return hmac.new(secret.encode("utf-8"), vnpay_hash_data(params).encode("utf-8"), hashlib.sha512).hexdigest()


def vnpay_query(secret: str, params) -> str:
    """The query string of a signed request or answer: the signed text followed by vnp_SecureHash."""
    return f"{vnpay_hash_data(params)}&vnp_SecureHash={vnpay_sign(secret, params)}"


def vnpay_date(moment: dt.datetime) -> str:
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_vnpay_date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)
    except (TypeError, ValueError):
        return None


def ascii_order_info(text: str) -> str:
    """VNPAY asks for order info in Vietnamese without accents and without special characters."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^A-Za-z0-9 .\-]", "", plain).split())[:255]


class VnpayProvider(PaymentProvider):
    name = "vnpay"
    label = "VNPAY"
    version = "2.1.0"

    def __init__(self, *, tmn_code: str, hash_secret: str, payment_url: str):
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.payment_url = payment_url

    def build_payment_url(self, payment, return_url: str, client_ip: str | None) -> str:
        params = {
            "vnp_Version": self.version,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(payment.amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": ascii_order_info(payment.order_info),
            "vnp_OrderType": "other",
            "vnp_Locale": payment.locale if payment.locale in ("vn", "en") else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": vnpay_date(payment.created_at),
            "vnp_ExpireDate": vnpay_date(payment.expires_at),
        }
        return f"{self.payment_url}?{vnpay_query(self.hash_secret, params)}"

    def _verify(self, params) -> GatewayResult:
        params = {key: params.get(key) for key in params}  # a QueryDict gives its last value per key
        received = str(params.get("vnp_SecureHash") or "").lower()
        expected = vnpay_sign(self.hash_secret, params)
        if not received or not hmac.compare_digest(received, expected):
            return GatewayResult(valid=False)
        amount = str(params.get("vnp_Amount") or "")
        amount_vnd = int(amount) // 100 if amount.isdigit() and int(amount) % 100 == 0 else None
        response_code = str(params.get("vnp_ResponseCode") or "")
        status = str(params.get("vnp_TransactionStatus") or response_code)
        return GatewayResult(
            valid=True,
            txn_ref=str(params.get("vnp_TxnRef") or ""),
            amount_vnd=amount_vnd,
            success=response_code == SUCCESS and status == SUCCESS,
            response_code=response_code,
            transaction_no=str(params.get("vnp_TransactionNo") or "")[:50],
            bank_code=str(params.get("vnp_BankCode") or "")[:20],
            paid_at=parse_vnpay_date(str(params.get("vnp_PayDate") or "")),
            merchant=str(params.get("vnp_TmnCode") or ""),
        )

    def verify_return(self, params) -> GatewayResult:
        return self._verify(params)

    def verify_ipn(self, params) -> GatewayResult:
        return self._verify(params)


# What VNPAY's response codes mean, for the citizen's result page (the gateway's own list, shortened).
VNPAY_RESPONSE_MESSAGES = {
    "00": _("Giao dịch thành công"),
    "07": _("Trừ tiền thành công, giao dịch bị nghi ngờ"),
    "09": _("Thẻ/tài khoản chưa đăng ký dịch vụ Internet Banking"),
    "10": _("Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần"),
    "11": _("Đã hết hạn chờ thanh toán"),
    "12": _("Thẻ/tài khoản bị khóa"),
    "13": _("Nhập sai mật khẩu xác thực giao dịch (OTP)"),
    "24": _("Khách hàng hủy giao dịch"),
    "51": _("Tài khoản không đủ số dư"),
    "65": _("Tài khoản đã vượt quá hạn mức giao dịch trong ngày"),
    "75": _("Ngân hàng thanh toán đang bảo trì"),
    "79": _("Nhập sai mật khẩu thanh toán quá số lần quy định"),
    "99": _("Lỗi khác"),
}


def online_payment_enabled() -> bool:
    return bool(settings.VNPAY_TMN_CODE and settings.VNPAY_HASH_SECRET and settings.VNPAY_PAYMENT_URL)


def get_provider() -> PaymentProvider:
    return VnpayProvider(
        tmn_code=settings.VNPAY_TMN_CODE,
        hash_secret=settings.VNPAY_HASH_SECRET,
        payment_url=settings.VNPAY_PAYMENT_URL,
    )
