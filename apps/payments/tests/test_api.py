"""Payment API: the IPN endpoint, the citizen's payment and receipt with code + phone, staff within their scope."""

import pytest
from rest_framework.test import APIClient

from apps.payments import services
from apps.payments.models import Payment
from apps.payments.tests.helpers import PHONE, at, dossier_with_fee, fee_world, gateway_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return fee_world()


@pytest.fixture
def paid(w):
    dossier = dossier_with_fee(w)
    payment, url = services.payment_start(dossier=dossier, return_url="http://testserver/r/", now=at("26/11/2026"))
    services.payment_ipn(gateway_answer(url), now=at("26/11/2026", "08:05"))
    payment.refresh_from_db()
    return payment


def test_citizen_starts_a_payment_with_code_and_phone():
    w = fee_world()
    dossier = dossier_with_fee(w)
    client = APIClient()
    url = f"/api/v1/public/dossiers/{dossier.code}/payment"
    wrong = client.post(url, {"phone": "0987654321"}, format="json")
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    response = client.post(url, {"phone": "+84 912 345 678"}, format="json")  # the same number, written otherwise
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount_vnd"] == 50_000 and body["status"] == "pending"
    assert body["payment_url"].startswith("/_vnpay-sim/?") and f"vnp_TxnRef={body['txn_ref']}" in body["payment_url"]
    assert "vnp_ReturnUrl=http%3A%2F%2Ftestserver%2Fthanh-toan%2Fket-qua%2F" in body["payment_url"]
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400 and "phone" in missing.json()["errors"]


def test_paying_twice_is_a_conflict(paid):
    response = APIClient().post(f"/api/v1/public/dossiers/{paid.dossier.code}/payment", {"phone": PHONE}, format="json")
    assert response.status_code == 409


def test_ipn_endpoint_answers_the_gateway_in_its_format(paid, w):
    client = APIClient()
    dossier = dossier_with_fee(w)
    _payment, url = services.payment_start(dossier=dossier, return_url="http://testserver/r/")
    answer = gateway_answer(url)
    first = client.get("/api/v1/payments/vnpay/ipn", answer)
    assert (first.status_code, first.json()) == (200, {"RspCode": "00", "Message": "Confirm Success"})
    assert client.get("/api/v1/payments/vnpay/ipn", answer).json()["RspCode"] == "02"
    tampered = client.get("/api/v1/payments/vnpay/ipn", {**answer, "vnp_TxnRef": paid.txn_ref})
    assert tampered.json()["RspCode"] == "97"
    assert client.get("/api/v1/payments/vnpay/ipn", {"vnp_Amount": "x"}).json()["RspCode"] == "97"


def test_citizen_downloads_the_receipt_with_code_and_phone(paid):
    client = APIClient()
    url = f"/api/v1/public/dossiers/{paid.dossier.code}/receipt"
    assert client.post(url, {"phone": "0900000000"}, format="json").status_code == 404
    response = client.post(url, {"phone": PHONE}, format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(url).status_code == 405  # never a GET: the phone would sit in the URL


def test_staff_see_payments_and_receipts_of_their_units_only(paid, w):
    clerk, stranger = APIClient(), APIClient()
    clerk.force_authenticate(w.clerk)
    stranger.force_authenticate(w.other_clerk)
    listing = clerk.get("/api/v1/payments/", {"dossier": paid.dossier.code}).json()
    assert [row["txn_ref"] for row in listing["results"]] == [paid.txn_ref]
    assert listing["results"][0]["receipt_number"] == "0000001/2026"
    assert stranger.get("/api/v1/payments/").json()["results"] == []
    receipt_url = f"/api/v1/payments/{paid.txn_ref}/receipt"
    assert clerk.get(receipt_url)["Content-Type"] == "application/pdf"
    assert stranger.get(receipt_url).status_code == 404
    assert APIClient().get("/api/v1/payments/").status_code == 401


def test_receipt_of_an_unpaid_attempt_is_not_found(w):
    clerk = APIClient()
    clerk.force_authenticate(w.clerk)
    payment, _url = services.payment_start(dossier=dossier_with_fee(w), return_url="http://testserver/r/")
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert clerk.get(f"/api/v1/payments/{payment.txn_ref}/receipt").status_code == 404


def test_operations_are_in_the_openapi_schema():
    schema = APIClient().get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/payments/vnpay/ipn", "/api/v1/public/dossiers/{code}/payment",
        "/api/v1/public/dossiers/{code}/receipt", "/api/v1/payments/", "/api/v1/payments/{txn_ref}/receipt",
    ):  # fmt: skip
        assert path in schema["paths"], path
