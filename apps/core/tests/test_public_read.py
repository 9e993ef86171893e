"""The tracking API and the owner's lookup answered ahead of the middleware they never use (PublicReadMiddleware):
the same answer as through the whole chain, and the whole chain for anything else: a GET that is not plain, a
lookup that is not a visitor's with no session in Vietnamese, a lookup the page must render in full."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from apps.core import context
from apps.core.middleware import PublicReadMiddleware
from apps.core.ratelimit import PublicThrottle
from apps.dossiers import tracking
from apps.dossiers.tests.factories import APPLICANT, world
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


# --- the owner's lookup, a form posted to its page ------------------------------------------------------------------

TRACK = "/tra-cuu/"
CSRF = "ownerlookupcsrfsecretownerlookup"  # a CSRF secret as a browser's cookie holds it, and the form's token


FORM = "application/x-www-form-urlencoded"  # as a browser posts the lookup's form


def _owner_post(code, secret=APPLICANT["applicant_phone"], path=TRACK, content_type=FORM, **cookies):
    data = {"ma": code, "sdt": secret, "csrfmiddlewaretoken": CSRF}
    request = RequestFactory().post(path, urlencode(data) if content_type == FORM else data, content_type=content_type)
    request.COOKIES.update({"csrftoken": CSRF, **cookies})
    return request


def _post(client, path, data):
    return client.post(path, urlencode(data), content_type=FORM)


def _page_without_token(response) -> str:
    """The page without the CSRF tokens it carries (masked anew for every answer)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", response.content.decode())


@pytest.fixture
def framed(code):
    """The tracking page's frame, rendered by a first lookup through the whole chain as a server's first does."""
    Client().post(TRACK, {"ma": code, "sdt": APPLICANT["applicant_phone"]})
    return code


def test_the_owners_lookup_is_answered_without_the_chain_once_its_frame_exists(framed):
    middleware, chain = _through_the_chain()
    response = middleware(_owner_post(framed))
    assert chain == [] and response.status_code == 200
    html = response.content.decode()
    assert f"{APPLICANT['applicant_name']} · {APPLICANT['applicant_address']}" in html
    assert response.headers["Content-Length"] == str(len(response.content))
    assert "no-store" in response.headers["Cache-Control"]  # as the view's never_cache gives it


def test_a_lookup_without_the_csrf_token_is_refused_as_the_chain_refuses_it(framed):
    middleware, chain = _through_the_chain()
    form = {"ma": framed, "sdt": APPLICANT["applicant_phone"]}
    request = RequestFactory().post(TRACK, urlencode(form), content_type=FORM)
    request.COOKIES["csrftoken"] = CSRF
    fast = middleware(request)
    full = Client(enforce_csrf_checks=True)
    full.cookies["csrftoken"] = CSRF
    through_chain = _post(full, TRACK + "?x=1", form)
    assert chain == [] and fast.status_code == through_chain.status_code == 403
    assert APPLICANT["applicant_name"] not in fast.content.decode()


@pytest.mark.parametrize(
    "request_of",
    [
        lambda code: _owner_post(code, sessionid="a-session"),  # a signed-in visitor's pages are their own
        lambda code: _owner_post(code, messages="a-message"),  # a message waits to be shown
        lambda code: _owner_post(code, django_language="en"),
        lambda code: _owner_post(code, path=TRACK + "?ma=" + code),
        lambda code: _owner_post(code, secret="0999999999"),  # a wrong secret: its message, through messages
        lambda code: _owner_post(code + "\x00"),  # a NUL character: the chain refuses it with a 400
        lambda code: _owner_post(code, content_type="multipart/form-data; boundary=BoUnDaRy"),
    ],
)
def test_any_other_lookup_takes_the_whole_chain(framed, request_of):
    middleware, chain = _through_the_chain()
    assert middleware(request_of(framed)) == "the chain"
    assert len(chain) == 1


def test_a_lookup_before_the_frame_exists_takes_the_whole_chain(code):
    middleware, chain = _through_the_chain()
    assert middleware(_owner_post(code)) == "the chain" and len(chain) == 1


def _answered_ahead(monkeypatch) -> list:
    """What each lookup's fast path gave (a response, or None for the chain), for the clients made after this."""
    from apps.portal import citizen

    given, owner_answer = [], citizen.owner_answer
    monkeypatch.setattr(citizen, "owner_answer", lambda request: given.append(owner_answer(request)) or given[-1])
    return given


def test_the_owners_page_is_the_one_the_whole_chain_gives(framed, monkeypatch):
    ahead = _answered_ahead(monkeypatch)
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF
    form = {"ma": framed, "sdt": APPLICANT["applicant_phone"], "csrfmiddlewaretoken": CSRF}
    fast, chain = _post(client, TRACK, form), _post(client, TRACK + "?x=1", form)
    assert ahead == [fast]  # the first answered ahead of the chain; the second (a query string) not even asked
    (status, _body, headers), (chain_status, _chain_body, chain_headers) = _answered(fast), _answered(chain)
    assert (status, headers) == (chain_status, chain_headers) and status == 200
    assert _page_without_token(fast) == _page_without_token(chain)
    assert {name: fast.headers.get(name) for name in ("Cache-Control", "Expires")} == {
        name: chain.headers.get(name) for name in ("Cache-Control", "Expires")
    }
    assert fast.cookies["csrftoken"].value == chain.cookies["csrftoken"].value == CSRF


def test_a_lookup_the_chain_answers_after_the_fast_path_is_counted_once(framed, monkeypatch):
    """Wrong secrets go from the fast path to the chain: a limit of four a minute still allows four of them."""
    rates = {**PublicThrottle.THROTTLE_RATES, "tracking_page": "4/minute"}
    monkeypatch.setattr(PublicThrottle, "THROTTLE_RATES", rates)
    ahead = _answered_ahead(monkeypatch)
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")  # not the address that framed the page
    client.cookies["csrftoken"] = CSRF
    form = {"ma": framed, "sdt": "0999999999", "csrfmiddlewaretoken": CSRF}
    answers = [_post(client, TRACK, form) for _lookup in range(5)]
    assert ahead == [None] * 5  # each looked up ahead of the chain, then left to it
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    assert "không khớp" in answers[0].content.decode()
