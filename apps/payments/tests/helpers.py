"""Shared by the payment tests: a dossier with a fee, the gateway's side (the simulator) answering a payment URL."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings

from apps.dossiers import services as dossier_services
from apps.dossiers.tests.factories import APPLICANT, world
from apps.payments.simulator import Simulator
from tests.helpers import at

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FEE = 50_000
PHONE = APPLICANT["applicant_phone"]


def fee_world(fee: int = FEE):
    w = world()
    w.procedure.fee_vnd = fee
    w.procedure.save(update_fields=["fee_vnd"])
    return w


def dossier_with_fee(w, moment: dt.datetime | None = None):
    return dossier_services.dossier_receive_walk_in(
        actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=w.paper_ids(),
        now=moment or at("25/11/2026", "09:00"),
    )  # fmt: skip


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def gateway(clock=None) -> Simulator:
    """The simulator with the site's merchant code and secret: what VNPAY would sign."""
    return Simulator(tmn_code=settings.VNPAY_TMN_CODE, hash_secret=settings.VNPAY_HASH_SECRET, clock=clock)


def gateway_answer(payment_url: str, code: str = "00", **changes) -> dict:
    """The gateway's signed answer (as sent to the return URL and the IPN) for a payment URL."""
    simulator = gateway()
    request = query_of(payment_url)
    assert simulator.check_request(request) is None
    answer = simulator.answer({**request, **changes}, code)
    return answer
