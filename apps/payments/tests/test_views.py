"""Citizens' payment pages (code + phone by POST only) and staff's list, within their scope."""

import pytest
from django.test import Client

from apps.payments import services
from apps.payments.models import Payment
from apps.payments.tests.helpers import PHONE, dossier_with_fee, fee_world, gateway_answer, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return fee_world()


def test_pay_page_goes_to_the_gateway_only_after_a_post_with_the_right_phone(w):
    dossier = dossier_with_fee(w)
    client = Client()
    page = client.get(f"/thanh-toan/?ma={dossier.code}")
    assert page.status_code == 200 and dossier.code in page.content.decode()
    # A phone in the query string does nothing: personal data never travels in a URL.
    assert client.get(f"/thanh-toan/?ma={dossier.code}&sdt={PHONE}").status_code == 200
    assert not Payment.objects.exists()
    wrong = client.post("/thanh-toan/", {"ma": dossier.code, "sdt": "0987654321"})
    assert "không khớp" in wrong.content.decode() and not Payment.objects.exists()
    response = client.post("/thanh-toan/", {"ma": dossier.code.lower(), "sdt": PHONE})
    assert response.status_code == 302 and response["Location"].startswith("/_vnpay-sim/?")
    payment = Payment.objects.get()
    assert query_of(response["Location"])["vnp_TxnRef"] == payment.txn_ref
    assert PHONE not in response["Location"]


def test_return_page_shows_the_confirmed_state_and_offers_the_receipt_to_the_browser_that_paid(w):
    dossier = dossier_with_fee(w)
    client = Client()
    url = client.post("/thanh-toan/", {"ma": dossier.code, "sdt": PHONE})["Location"]
    answer = gateway_answer(url)
    # The return alone (before the IPN) changes nothing.
    waiting = client.get("/thanh-toan/ket-qua/", answer)
    assert "đang chờ xác nhận" in waiting.content.decode()
    assert Payment.objects.get().status == Payment.Status.PENDING
    services.payment_ipn(answer)
    done = client.get("/thanh-toan/ket-qua/", answer)
    assert "Thanh toán thành công" in done.content.decode()
    pdf = client.post("/thanh-toan/bien-lai/", {"giao_dich": answer["vnp_TxnRef"]})
    assert pdf["Content-Type"] == "application/pdf"
    # Another browser needs the code and the phone.
    stranger = Client()
    assert stranger.post("/thanh-toan/bien-lai/", {"giao_dich": answer["vnp_TxnRef"]}).status_code == 302
    by_phone = stranger.post("/thanh-toan/bien-lai/", {"ma": dossier.code, "sdt": PHONE})
    assert by_phone["Content-Type"] == "application/pdf"
    assert stranger.get("/thanh-toan/bien-lai/").status_code == 405


def test_return_with_a_tampered_signature_is_refused(w):
    dossier = dossier_with_fee(w)
    url = Client().post("/thanh-toan/", {"ma": dossier.code, "sdt": PHONE})["Location"]
    answer = gateway_answer(url)
    response = Client().get("/thanh-toan/ket-qua/", {**answer, "vnp_ResponseCode": "00", "vnp_Amount": "100"})
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()


def test_staff_list_and_receipt_stay_within_the_unit_scope(w):
    dossier = dossier_with_fee(w)
    payment, url = services.payment_start(dossier=dossier, return_url="http://testserver/r/")
    services.payment_ipn(gateway_answer(url))
    clerk, stranger = Client(), Client()
    clerk.force_login(w.clerk)
    stranger.force_login(w.other_clerk)
    assert payment.txn_ref in clerk.get("/can-bo/thanh-toan/").content.decode()
    assert payment.txn_ref not in stranger.get("/can-bo/thanh-toan/").content.decode()
    receipt_url = f"/can-bo/thanh-toan/{payment.txn_ref}/bien-lai/"
    assert clerk.get(receipt_url)["Content-Type"] == "application/pdf"
    assert stranger.get(receipt_url).status_code == 404
    assert Client().get(receipt_url).status_code == 302  # to the login page


def test_simulator_is_mounted_only_when_enabled(w, settings):
    dossier = dossier_with_fee(w)
    client = Client()
    url = client.post("/thanh-toan/", {"ma": dossier.code, "sdt": PHONE})["Location"]
    page = client.get(url)
    assert page.status_code == 200 and "50.000 VND" in page.content.decode()
    assert client.get("/_vnpay-sim/?vnp_SecureHash=00").status_code == 400
    settings.VNPAY_SIMULATOR = False
    assert client.get(url).status_code == 404
