"""The VNPAY 2.1.0 request and its signature, checked against the documented rule written out by hand."""

import datetime as dt
import hashlib
import hmac
from types import SimpleNamespace

from apps.payments.providers import VnpayProvider, ascii_order_info, vnpay_sign
from apps.payments.tests.helpers import query_of

SECRET = "SECRETKEYFORTESTS"


def provider() -> VnpayProvider:
    return VnpayProvider(tmn_code="TESTTMN1", hash_secret=SECRET, payment_url="https://gateway.example/pay.html")


def attempt(**changes):
    values = {
        "amount_vnd": 8000, "txn_ref": "2611250900A1B2C3", "order_info": "Thanh toán phí hồ sơ H98.01-261125-0001",
        "locale": "vn", "created_at": dt.datetime(2026, 11, 25, 2, 0, 5, tzinfo=dt.UTC),
        "expires_at": dt.datetime(2026, 11, 25, 2, 15, 5, tzinfo=dt.UTC),
    }  # fmt: skip
    return SimpleNamespace(**{**values, **changes})


def test_payment_url_carries_the_documented_fields_amount_times_100_and_dates_in_gmt7():
    url = provider().build_payment_url(attempt(), "https://site.example/thanh-toan/ket-qua/", "203.0.113.9")
    assert url.startswith("https://gateway.example/pay.html?")
    params = query_of(url)
    assert params == {
        "vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": "TESTTMN1", "vnp_Amount": "800000",
        "vnp_CurrCode": "VND", "vnp_TxnRef": "2611250900A1B2C3",
        "vnp_OrderInfo": "Thanh toan phi ho so H98.01-261125-0001", "vnp_OrderType": "other", "vnp_Locale": "vn",
        "vnp_ReturnUrl": "https://site.example/thanh-toan/ket-qua/", "vnp_IpAddr": "203.0.113.9",
        # 02:00:05 UTC is 09:00:05 in Hà Nội (GMT+7); the gateway's page accepts the payment for 15 minutes
        "vnp_CreateDate": "20261125090005", "vnp_ExpireDate": "20261125091505",
        "vnp_SecureHash": params["vnp_SecureHash"],
    }  # fmt: skip


def test_signature_is_hmac_sha512_of_the_sorted_quote_plus_encoded_query():
    url = provider().build_payment_url(attempt(), "https://site.example/thanh-toan/ket-qua/", "203.0.113.9")
    # Written out by hand: names in alphabetical order, values with quote_plus (space → +, : → %3A, / → %2F).
    signed = (
        "vnp_Amount=800000&vnp_Command=pay&vnp_CreateDate=20261125090005&vnp_CurrCode=VND"
        "&vnp_ExpireDate=20261125091505&vnp_IpAddr=203.0.113.9&vnp_Locale=vn"
        "&vnp_OrderInfo=Thanh+toan+phi+ho+so+H98.01-261125-0001&vnp_OrderType=other"
        "&vnp_ReturnUrl=https%3A%2F%2Fsite.example%2Fthanh-toan%2Fket-qua%2F&vnp_TmnCode=TESTTMN1"
        "&vnp_TxnRef=2611250900A1B2C3&vnp_Version=2.1.0"
    )
    expected = hmac.new(SECRET.encode(), signed.encode(), hashlib.sha512).hexdigest()
    assert url == f"https://gateway.example/pay.html?{signed}&vnp_SecureHash={expected}"


def test_return_and_ipn_verify_the_signature_and_read_the_answer():
    answer = {
        "vnp_Amount": "5000000", "vnp_BankCode": "NCB", "vnp_OrderInfo": "Thanh toan phi",
        "vnp_PayDate": "20261125091000", "vnp_ResponseCode": "00", "vnp_TmnCode": "TESTTMN1",
        "vnp_TransactionNo": "14000001", "vnp_TransactionStatus": "00", "vnp_TxnRef": "REF1",
    }  # fmt: skip
    answer["vnp_SecureHash"] = vnpay_sign(SECRET, answer)
    for verify in (provider().verify_return, provider().verify_ipn):
        result = verify(answer)
        assert result.valid and result.success
        assert (result.txn_ref, result.amount_vnd, result.transaction_no) == ("REF1", 50_000, "14000001")
        assert result.paid_at == dt.datetime(2026, 11, 25, 2, 10, tzinfo=dt.UTC)
    assert not provider().verify_ipn({**answer, "vnp_Amount": "100"}).valid  # any change breaks the signature
    assert not provider().verify_ipn({**answer, "vnp_SecureHash": "0" * 128}).valid
    assert not provider().verify_ipn({k: v for k, v in answer.items() if k != "vnp_SecureHash"}).valid
    # The hash type field, when sent, is not part of the signed text; the hash may come in capitals.
    assert provider().verify_ipn({**answer, "vnp_SecureHashType": "HmacSHA512"}).valid
    assert provider().verify_ipn({**answer, "vnp_SecureHash": answer["vnp_SecureHash"].upper()}).valid


def test_a_cancelled_answer_is_valid_but_not_a_success():
    answer = {"vnp_Amount": "5000000", "vnp_ResponseCode": "24", "vnp_TransactionStatus": "02", "vnp_TxnRef": "R"}
    answer["vnp_SecureHash"] = vnpay_sign(SECRET, answer)
    result = provider().verify_return(answer)
    assert result.valid and not result.success and result.response_code == "24"


def test_order_info_is_sent_without_accents_or_special_characters():
    assert ascii_order_info("Phí hồ sơ Đăng ký (lần 2) — ĐẶC KHU") == "Phi ho so Dang ky lan 2 DAC KHU"
