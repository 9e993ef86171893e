"""The whole journey over HTTP: the site on a live server, the VNPAY simulator on its own port (as the real gateway
would be), the citizen's browser played by a requests session that follows redirects."""

import html
import re

import pytest
import requests
from django.conf import settings as django_settings

from apps.dossiers.models import Dossier
from apps.payments.models import Payment, Receipt
from apps.payments.simulator import Simulator, serve
from apps.payments.tests.helpers import PHONE, dossier_with_fee, fee_world


@pytest.fixture
def site(flushable_db, live_server, settings):
    """The site, and a simulator on its own port that calls the site's IPN URL server-to-server."""
    simulator = Simulator(
        tmn_code=django_settings.VNPAY_TMN_CODE,
        hash_secret=django_settings.VNPAY_HASH_SECRET,
        ipn_url=f"{live_server.url}/api/v1/payments/vnpay/ipn",
    )
    server, url = serve(simulator)
    settings.VNPAY_PAYMENT_URL = f"{url}/paymentv2/vpcpay.html"
    yield live_server.url, simulator
    server.shutdown()
    server.server_close()


def pay_page(session: requests.Session, site_url: str, code: str, phone: str = PHONE) -> requests.Response:
    """Open the pay page, then POST code + phone: the site redirects to the gateway's page."""
    form = session.get(f"{site_url}/thanh-toan/", params={"ma": code})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return session.post(
        f"{site_url}/thanh-toan/", data={"csrfmiddlewaretoken": token, "ma": code, "sdt": phone},
        headers={"Referer": f"{site_url}/thanh-toan/"},
    )  # fmt: skip


def gateway_form(page: requests.Response) -> dict:
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    return {html.unescape(name): html.unescape(value) for name, value in fields}


def test_citizen_pays_through_the_gateway_ipn_marks_paid_and_return_page_shows_success(site):
    site_url, simulator = site
    dossier = dossier_with_fee(fee_world())
    session = requests.Session()
    gateway_page = pay_page(session, site_url, dossier.code)
    assert gateway_page.url.startswith(django_settings.VNPAY_PAYMENT_URL)  # redirected to the gateway
    assert "50.000 VND" in gateway_page.text and "Thanh toán" in gateway_page.text
    fields = gateway_form(gateway_page)
    result = session.post(gateway_page.url, data={**fields, "sim_action": "pay"})
    # The gateway called the IPN first (server-to-server), then sent the browser back to the return page.
    assert simulator.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert result.url.startswith(f"{site_url}/thanh-toan/ket-qua/")
    assert "Thanh toán thành công" in result.text
    dossier.refresh_from_db()
    assert dossier.payment == Dossier.Payment.PAID_ONLINE
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == Payment.Status.PAID and Receipt.objects.filter(payment=payment).count() == 1
    # The browser that paid downloads its receipt from the result page.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', result.text).group(1)
    pdf = session.post(
        f"{site_url}/thanh-toan/bien-lai/", data={"csrfmiddlewaretoken": token, "giao_dich": payment.txn_ref},
        headers={"Referer": result.url},
    )  # fmt: skip
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The gateway repeats its IPN: already confirmed, nothing changes.
    repeated = simulator.call_ipn(simulator.answer(fields, "00"), simulator.ipn_url)
    assert repeated == {"RspCode": "02", "Message": "Order already confirmed"}
    assert Receipt.objects.count() == 1


def test_cancelled_payment_returns_to_the_site_and_the_dossier_stays_unpaid(site):
    site_url, simulator = site
    dossier = dossier_with_fee(fee_world())
    session = requests.Session()
    gateway_page = pay_page(session, site_url, dossier.code)
    fields = gateway_form(gateway_page)
    result = session.post(gateway_page.url, data={**fields, "sim_action": "cancel"})
    assert simulator.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert "Khách hàng hủy giao dịch" in result.text and "Thanh toán lại" in result.text
    dossier.refresh_from_db()
    assert dossier.payment == Dossier.Payment.UNPAID
    assert Payment.objects.get(dossier=dossier).status == Payment.Status.CANCELLED


def test_gateway_refuses_a_request_whose_signature_was_tampered_with(site):
    site_url, _simulator = site
    dossier = dossier_with_fee(fee_world())
    session = requests.Session()
    gateway_page = pay_page(session, site_url, dossier.code)
    tampered = gateway_page.url.replace(f"vnp_Amount={dossier.fee_vnd * 100}", "vnp_Amount=100")
    refused = session.get(tampered)
    assert refused.status_code == 400 and "Sai chữ ký" in refused.text
