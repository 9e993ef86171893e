"""The tracking API answered ahead of the middleware an anonymous GET never uses (PublicReadMiddleware): the same
answer as through the whole chain, and the whole chain for anything that is not a plain GET in Vietnamese."""

import json

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from apps.core import context
from apps.core.middleware import PublicReadMiddleware
from apps.core.ratelimit import PublicThrottle
from apps.dossiers import tracking
from apps.dossiers.tests.factories import world
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db
API = "/api/v1/public/dossiers/"
# Headers the chain's own middleware give a response; an answer served ahead of the chain must carry them as well.
CHAIN_HEADERS = ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy", "X-Frame-Options",
                 "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")  # fmt: skip


def _through_the_chain():
    def get_response(request):
        get_response.requests.append(request)
        return "the chain"

    get_response.requests = []
    return PublicReadMiddleware(get_response), get_response.requests


def _answered(response) -> tuple:
    return response.status_code, response.content, {name: response.headers.get(name) for name in CHAIN_HEADERS}


@pytest.fixture
def code():
    return walk_in(world(), at("25/11/2026", "09:00")).code


def test_a_plain_get_is_answered_without_the_chain(code):
    middleware, chain = _through_the_chain()
    response = middleware(RequestFactory().get(API + code))
    assert chain == [] and response.status_code == 200
    assert json.loads(response.content)["code"] == code
    assert response.headers["Content-Length"] == str(len(response.content))


@pytest.mark.parametrize(
    "path",
    [
        API + "{code}?x=1",  # a query string
        API + "{code}/rating",  # another URL under the same path
        API,  # no code at all
        API + "{code}%00",  # a NUL character: the chain refuses it with a 400
    ],
)
def test_anything_else_takes_the_whole_chain(code, path):
    middleware, chain = _through_the_chain()
    assert middleware(RequestFactory().get(path.format(code=code))) == "the chain"
    assert len(chain) == 1


def test_a_post_and_another_language_take_the_whole_chain(code):
    middleware, chain = _through_the_chain()
    assert middleware(RequestFactory().post(API + code)) == "the chain"
    english = RequestFactory().get(API + code)
    english.COOKIES["django_language"] = "en"
    assert middleware(english) == "the chain"
    assert len(chain) == 2


def test_the_answer_is_the_one_the_whole_chain_gives(code, monkeypatch):
    """The same code through both: a query string sends the request through the chain (the view ignores it)."""
    rates = {**PublicThrottle.THROTTLE_RATES, "public_lookup": "4/minute"}
    monkeypatch.setattr(PublicThrottle, "THROTTLE_RATES", rates)
    client = Client()
    for asked in (code, code[:-4] + "9999"):  # a dossier's answer, and a code no dossier has (404)
        fast, chain = client.get(API + asked), client.get(API + asked + "?x=1")
        assert _answered(fast) == _answered(chain) and fast.status_code in (200, 404)
    throttled = client.get(API + code)  # the fifth lookup of a limit of four a minute
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert _answered(throttled)[2] == _answered(client.get(API + code + "?x=1"))[2]


def test_an_english_visitor_gets_the_english_answer(code):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(API + code[:-4] + "9999")
    assert response.status_code == 404 and response.headers["Content-Language"] == "en"
    assert response.json()["message"] == "No dossier has this code."


def test_a_host_not_allowed_is_refused_as_the_chain_refuses_it(code):
    assert Client().get(API + code, HTTP_HOST="attacker.example").status_code == 400


def test_a_database_that_is_down_answers_503_in_the_apis_shape(code, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tracking, "public_tracking_lookup", down)
    response = Client().get(API + code)
    assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
    assert response.headers["Retry-After"]


def test_the_client_address_is_in_the_request_context(code, monkeypatch):
    seen = []

    def lookup(request, *args, **kwargs):
        seen.append(context.current().ip)
        return False, None

    monkeypatch.setattr(tracking, "public_tracking_lookup", lookup)
    Client(REMOTE_ADDR="203.0.113.7").get(API + code)
    assert seen == ["203.0.113.7"] and context.current().ip is None  # and reset after the answer
