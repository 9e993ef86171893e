"""Starting a payment and the gateway's IPN: the documented answer codes, once-only effects, receipts, audit."""

import io

import pytest
from pypdf import PdfReader

from apps.core.errors import ConflictError, DomainError
from apps.core.models import AuditEvent
from apps.dossiers import services as dossier_services
from apps.dossiers.models import Dossier
from apps.payments import services
from apps.payments.models import Payment, Receipt
from apps.payments.receipts import receipt_pdf
from apps.payments.tests.helpers import FEE, at, dossier_with_fee, fee_world, gateway_answer, query_of

pytestmark = pytest.mark.django_db
RETURN_URL = "http://testserver/thanh-toan/ket-qua/"


@pytest.fixture
def w():
    return fee_world()


def start(dossier, moment=None):
    return services.payment_start(
        dossier=dossier, return_url=RETURN_URL, client_ip="198.51.100.7", now=moment or at("26/11/2026", "10:00")
    )


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_start_creates_a_pending_attempt_for_the_fee_and_a_signed_url(w):
    dossier = dossier_with_fee(w)
    payment, url = start(dossier)
    assert (payment.status, payment.amount_vnd, payment.dossier) == (Payment.Status.PENDING, FEE, dossier)
    params = query_of(url)
    assert params["vnp_TxnRef"] == payment.txn_ref and params["vnp_Amount"] == str(FEE * 100)
    assert params["vnp_ReturnUrl"] == RETURN_URL and params["vnp_IpAddr"] == "198.51.100.7"
    assert params["vnp_CreateDate"] == "20261126100000" and params["vnp_ExpireDate"] == "20261126101500"
    assert AuditEvent.objects.filter(action="payments.start", object_id=str(payment.pk)).exists()
    again, _ = start(dossier)  # each trip to the gateway is its own attempt with its own reference
    assert again.txn_ref != payment.txn_ref


def test_start_refuses_a_dossier_without_a_fee_to_pay(w):
    dossier = dossier_with_fee(w)
    dossier_services.dossier_record_payment(actor=w.clerk, dossier=dossier)  # paid at the desk
    with pytest.raises(ConflictError, match="không có khoản phí nào chờ nộp"):
        start(Dossier.objects.get(pk=dossier.pk))
    w.procedure.fee_vnd = 0
    w.procedure.save(update_fields=["fee_vnd"])
    with pytest.raises(ConflictError):
        start(dossier_with_fee(w))
    assert not Payment.objects.exists()


def test_start_refuses_a_refused_dossier(w):
    dossier = dossier_with_fee(w)
    dossier_services.dossier_refuse(actor=w.clerk, dossier=dossier, reason="Không thuộc thẩm quyền")
    with pytest.raises(ConflictError):
        start(Dossier.objects.get(pk=dossier.pk))


def test_start_needs_a_configured_gateway(w, settings):
    settings.VNPAY_TMN_CODE = ""
    with pytest.raises(DomainError, match="Chưa có cổng thanh toán trực tuyến"):
        start(dossier_with_fee(w))


def test_ipn_success_marks_the_dossier_paid_once_and_issues_receipt_number_1(w):
    dossier = dossier_with_fee(w)
    payment, url = start(dossier)
    answer = gateway_answer(url)
    result = services.payment_ipn(answer, now=at("26/11/2026", "10:05"))
    assert result.as_dict() == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.transaction_no == answer["vnp_TransactionNo"]
    assert dossier.payment == Dossier.Payment.PAID_ONLINE
    receipt = payment.receipt
    assert (receipt.number, receipt.year, receipt.unit) == (1, 2026, w.commune)
    # A repeated IPN (the gateway retries until it reads 00 or 02) changes nothing.
    assert services.payment_ipn(answer).as_dict() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert Receipt.objects.count() == 1
    assert events("payments.paid") == 1 and events("payments.receipt") == 1
    assert AuditEvent.objects.filter(action="dossiers.payment", object_id=str(dossier.pk)).count() == 1


def test_ipn_with_a_tampered_signature_answers_97_and_changes_nothing(w):
    payment, url = start(dossier_with_fee(w))
    answer = gateway_answer(url)
    answer["vnp_ResponseCode"] = answer["vnp_TransactionStatus"] = "00"
    answer["vnp_TxnRef"] = payment.txn_ref
    tampered = {**answer, "vnp_Amount": "100"}  # signed for the fee, claims 1 đồng
    assert services.payment_ipn(tampered).code == "97"
    assert services.payment_ipn({**answer, "vnp_SecureHash": "ab" * 64}).code == "97"
    assert services.payment_ipn({}).code == "97"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING and events("payments.paid") == 0


def test_ipn_for_an_unknown_order_answers_01(w):
    _payment, url = start(dossier_with_fee(w))
    answer = gateway_answer(url, vnp_TxnRef="NOSUCHREF")
    assert services.payment_ipn(answer).as_dict() == {"RspCode": "01", "Message": "Order not found"}


def test_ipn_with_another_amount_answers_04_even_when_correctly_signed(w):
    payment, url = start(dossier_with_fee(w))
    answer = gateway_answer(url, vnp_Amount=str((FEE - 1000) * 100))
    assert services.payment_ipn(answer).as_dict() == {"RspCode": "04", "Message": "invalid amount"}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_cancelled_payment_is_confirmed_as_cancelled_and_the_dossier_stays_unpaid(w):
    dossier = dossier_with_fee(w)
    payment, url = start(dossier)
    assert services.payment_ipn(gateway_answer(url, code="24")).code == "00"
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED and dossier.payment == Dossier.Payment.UNPAID
    assert not Receipt.objects.exists() and events("payments.failed") == 1
    # The citizen may try again with a new attempt.
    _again, url = start(dossier)
    assert services.payment_ipn(gateway_answer(url)).code == "00"
    dossier.refresh_from_db()
    assert dossier.payment == Dossier.Payment.PAID_ONLINE


def test_money_arriving_for_a_fee_already_paid_at_the_desk_is_kept_and_flagged_for_refund(w):
    dossier = dossier_with_fee(w)
    payment, url = start(dossier)
    dossier_services.dossier_record_payment(actor=w.clerk, dossier=dossier)
    assert services.payment_ipn(gateway_answer(url)).code == "00"
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.needs_refund
    assert dossier.payment == Dossier.Payment.PAID_AT_DESK
    assert Receipt.objects.filter(payment=payment).exists()


def test_a_fee_can_be_paid_online_after_the_result_is_ready(w):
    dossier = dossier_with_fee(w)
    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.READY)
    _payment, url = start(Dossier.objects.get(pk=dossier.pk))
    assert services.payment_ipn(gateway_answer(url)).code == "00"
    assert Dossier.objects.get(pk=dossier.pk).payment == Dossier.Payment.PAID_ONLINE


def test_receipt_numbers_run_without_gaps_per_agency_and_restart_each_year(w):
    numbers = []
    for moment in (at("26/11/2026", "10:00"), at("30/12/2026", "16:00"), at("04/01/2027", "08:00")):
        payment, url = start(dossier_with_fee(w, moment), moment)
        services.payment_ipn(gateway_answer(url), now=moment)
        numbers.append((payment.receipt.year, payment.receipt.number))
    assert numbers == [(2026, 1), (2026, 2), (2027, 1)]


def test_receipt_pdf_shows_number_payer_amount_in_figures_and_words_code_time_and_reference(w):
    dossier = dossier_with_fee(w)
    payment, url = start(dossier)
    answer = gateway_answer(url)
    services.payment_ipn(answer, now=at("26/11/2026", "10:05"))
    payment.refresh_from_db()
    reader = PdfReader(io.BytesIO(receipt_pdf(payment.receipt)))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    paid = answer["vnp_PayDate"]  # yyyyMMddHHmmss in GMT+7, the gateway's clock
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ", "Số: 0000001/2026", "Nguyễn Thị Lan", "50.000", "Năm mươi nghìn đồng",
        dossier.code, payment.txn_ref, answer["vnp_TransactionNo"],
        f"{paid[8:10]} giờ {paid[10:12]} phút, ngày {paid[6:8]}/{paid[4:6]}/{paid[:4]}",
        "Ủy ban nhân dân xã An Phú".upper(),
    ):  # fmt: skip
        assert expected in text, expected
