"""Issue 13: the public pages do as little per request as the API. What is checked here is the behaviour that makes
them fast (a shared page served without a query and with the visitor's own CSRF token, the tracking page read from
the published answer, a start-up that leaves nothing to load); the figures themselves are measured in
bench/public_pages.py, never in a test."""

import hashlib
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.dossiers import links, services, tracking
from apps.dossiers.models import PublicTracking
from apps.dossiers.tests.factories import APPLICANT, world
from apps.dossiers.tracking import tracking_cache_key
from apps.feedback.views import warm_published_answers
from apps.org.models import User
from apps.procedures.models import Procedure
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db
CATALOGUE = "/thu-tuc/?q=khai+sinh"
ON_REDIS = hasattr(cache, "count_and_get")


def _token(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def _queries(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_shared_page_is_served_without_a_query_and_with_each_visitors_own_token(demo):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html, queries = _queries(first, CATALOGUE)
    assert queries > 0 and "Đăng ký khai sinh" in html
    Procedure.objects.filter(code="1.001193").update(name="Tên đã đổi")  # the cached copy may lag by 30 s
    again, queries = _queries(second, CATALOGUE)
    assert queries == 0 and "Đăng ký khai sinh" in again and "Tên đã đổi" not in again
    assert _token(again) != _token(html) and "__csrf_token" not in again
    # The token in the cached page is the second visitor's: its form posts pass the CSRF check.
    answer = second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": _token(again)})
    assert answer.status_code == 302
    refused = Client(enforce_csrf_checks=True)
    refused.get(CATALOGUE)
    assert refused.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": _token(html)}).status_code == 403


def test_languages_are_kept_apart(demo):
    vietnamese = Client().get("/").content.decode()
    english = Client()
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = english.get("/").content.decode()
    assert '<html lang="en">' in html and "Staff sign in" in html
    assert '<html lang="vi">' in vietnamese and "Đăng nhập cán bộ" in vietnamese
    assert '<html lang="vi">' in Client().get("/").content.decode()


def test_a_signed_in_user_neither_gets_nor_leaves_a_shared_page(demo):
    Client().get(CATALOGUE)  # cached for visitors
    staff = Client()
    staff.force_login(User.objects.get(username="admin"))
    html = staff.get(CATALOGUE).content.decode()
    assert "Đăng xuất" in html
    assert "Đăng xuất" not in Client().get(CATALOGUE).content.decode()


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered_for_them(demo, client):
    response = client.post("/phan-anh/gui/", {})  # an invalid form: rendered, no message cookie
    assert response.status_code == 200
    Client().get("/phan-anh/")
    waiting = Client()
    waiting.cookies["messages"] = "pending"
    _html, queries = _queries(waiting, "/phan-anh/")
    assert queries > 0


def test_zero_seconds_turns_the_cache_off(demo, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    Client().get(CATALOGUE)
    _html, queries = _queries(Client(), CATALOGUE)
    assert queries > 0


# --- the tracking page ---------------------------------------------------------------------------------------


def test_the_tracking_page_shows_the_published_answer_the_api_gives(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PROVINCE_NAME = "Sơn Hà"  # the test world has no province; its name is read once per process anyway
    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(world(), at("25/11/2026", "09:00"))
    published = PublicTracking.objects.get(code=dossier.code)
    body = json.loads(published.body)
    assert f'<strong id="public-status">{body["status_label"]}</strong>' in published.part
    body["status_label"] = "Nhãn của bản đã xuất bản"
    published.body = json.dumps(body, ensure_ascii=False)
    published.part = tracking.render_public_part(published.body)
    published.save()
    cache.delete_many([tracking_cache_key(dossier.code), tracking.tracking_part_cache_key(dossier.code)])
    html, queries = _queries(client, f"/tra-cuu/?ma={dossier.code}")
    assert "Nhãn của bản đã xuất bản" in html
    assert client.get(f"/api/v1/public/dossiers/{dossier.code}").json()["status_label"] == "Nhãn của bản đã xuất bản"
    # At most the published row (PostgreSQL reads it through a prepared statement that Django does not see); the
    # lookup's count is in the cache, not the database.
    assert queries <= 1
    _html, queries = _queries(client, f"/tra-cuu/?ma={dossier.code}")
    assert queries == (0 if ON_REDIS else 1)  # on Redis the first reader cached what it read


def test_the_published_answer_carries_the_fee_and_whether_a_result_can_be_downloaded(client):
    w = world()
    w.procedure.fee_vnd = 30_000
    w.procedure.save()
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    answer = client.get(f"/api/v1/public/dossiers/{dossier.code}").json()
    assert (answer["fee_unpaid"], answer["fee_vnd"], answer["electronic_result"]) == (True, 30_000, False)
    assert "payment" not in answer  # paid online or at the desk is nobody else's business
    html = client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
    assert 'id="fee-unpaid"' in html and "30000 đồng" in html and 'id="result-link"' not in html


@pytest.mark.skipif(not ON_REDIS, reason="the cache is not Redis (set REDIS_URL)")
def test_on_redis_a_miss_is_cached_and_an_unknown_code_too(client, settings, django_capture_on_commit_callbacks):
    settings.PROVINCE_NAME = "Sơn Hà"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(world(), at("25/11/2026", "09:00"))
    cache.delete(tracking_cache_key(dossier.code))
    assert client.get(f"/api/v1/public/dossiers/{dossier.code}").status_code == 200
    assert cache.get(tracking_cache_key(dossier.code)) is None  # sent with the next lookup, not in a round trip
    unknown = dossier.code[:-4] + "9999"
    assert client.get(f"/api/v1/public/dossiers/{unknown}").status_code == 404
    assert json.loads(tracking.unpacked(cache.get(tracking_cache_key(dossier.code))))["code"] == dossier.code
    assert client.get(f"/api/v1/public/dossiers/{dossier.code}").status_code == 200
    assert cache.get(tracking_cache_key(unknown)) == b""  # a miss answered from the cache next time
    client.get(f"/tra-cuu/?ma={unknown}")  # the page's part has its own entry
    client.get(f"/tra-cuu/?ma={dossier.code}")
    assert cache.get(tracking.tracking_part_cache_key(unknown)) == b""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/tra-cuu/?ma={unknown}").status_code == 200
        assert client.get(f"/tra-cuu/?ma={dossier.code}").status_code == 200
    assert len(queries) == 0


def test_a_row_published_before_the_part_was_kept_still_shows_the_page(client, settings):
    settings.PROVINCE_NAME = "Sơn Hà"
    dossier = walk_in(world(), at("25/11/2026", "09:00"))
    tracking.publish(dossier.pk, dossier.code)
    published = PublicTracking.objects.get(code=dossier.code)
    fresh = client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
    PublicTracking.objects.filter(code=dossier.code).update(part="")  # as dossiers 0013 left the older rows
    cache.delete(tracking.tracking_part_cache_key(dossier.code))
    older = client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
    assert tracking.with_owner(published.part) in older
    assert older.replace(_token(older), "") == fresh.replace(_token(fresh), "")


# The fingerprint of the template the stored part is rendered from. When this test fails, the template changed:
# raise tracking.PART_VERSION (rows of the older version are then rendered again) and write both here.
PART_TEMPLATE = Path(tracking.__file__).parent / "templates/dossiers/_public_tracking.html"
PART_FINGERPRINT = (1, "97974aab40aed1d0")


def test_a_change_of_the_parts_template_comes_with_a_new_version():
    fingerprint = hashlib.sha256(PART_TEMPLATE.read_bytes()).hexdigest()[:16]
    assert (tracking.PART_VERSION, fingerprint) == PART_FINGERPRINT, "raise PART_VERSION, then write both here"


def test_a_part_of_an_older_version_is_rendered_again_and_stored_again(client, settings):
    settings.PROVINCE_NAME = "Sơn Hà"
    dossier = walk_in(world(), at("25/11/2026", "09:00"))
    tracking.publish(dossier.pk, dossier.code)
    current = PublicTracking.objects.get(code=dossier.code).part
    assert current.startswith(tracking.PART_MARK)
    older = current.replace(tracking.PART_MARK, "<!--part:v0-->").replace("Quá trình giải quyết", "Cũ")
    PublicTracking.objects.filter(code=dossier.code).update(part=older)
    cache.delete(tracking.tracking_part_cache_key(dossier.code))
    page = client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
    assert "Quá trình giải quyết" in page and "part:v" not in page
    call_command("publish_tracking", stdout=StringIO())
    assert PublicTracking.objects.get(code=dossier.code).part == current


def test_the_pages_a_part_links_to_are_the_citizens_pages():
    paths = links.public_paths("H99.22-261125-0001")
    assert paths == {
        "supplement_path": reverse("portal:supplement") + "?ma=H99.22-261125-0001",
        "result_path": reverse("portal:result") + "?ma=H99.22-261125-0001",
        "payment_path": reverse("payments:pay") + "?ma=H99.22-261125-0001",
    }
    assert links.tracking_url("X").endswith(reverse("portal:track") + "?ma=X")


@pytest.mark.parametrize("code", ["H99.22-261125-0001" + "9" * 50, "H99<b>", "H99 22"])
def test_a_code_no_dossier_can_have_is_counted_but_neither_read_nor_cached(client, code):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tra-cuu/", {"ma": code}).status_code == 200
        assert client.get(f"/api/v1/public/dossiers/{code}").status_code == 404
    assert not [query for query in queries.captured_queries if "dossiers_" in query["sql"]]
    if " " not in code:  # a key a cache could not even hold
        assert cache.get(tracking.tracking_part_cache_key(code.upper())) is None


def test_the_published_part_keeps_marks_for_the_owner_and_shows_none_to_others(client):
    """What is stored carries two marks where the owner's details go; nobody is ever sent a mark."""
    w = world()
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    services.dossier_request_supplement(
        actor=w.officer, dossier=dossier, items="Bản sao giấy ly hôn", reason="Thiếu", now=at("25/11/2026", "11:00")
    )
    tracking.publish(dossier.pk, dossier.code)
    part = PublicTracking.objects.get(code=dossier.code).part
    assert tracking.ASKED_MARK in part and tracking.OWNER_MARK in part
    personal = [*APPLICANT.values(), "ly hôn"]  # the applicant's details, and the officer's free text
    assert not [value for value in personal if value in part]
    for response in (
        client.get(f"/tra-cuu/?ma={dossier.code}"),
        client.post("/tra-cuu/", {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"]}),
        client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "0999999999"}),
    ):
        html = response.content.decode()
        assert "<!--asked-->" not in html and "<!--owner-->" not in html
    owner = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"]}).content.decode()
    asked = owner[owner.index('id="asked"') : owner.index("Gửi giấy tờ bổ sung")]
    assert "<li>Bản sao giấy ly hôn</li>" in asked  # in the waiting notice, where the owner reads what to bring
    assert f"{APPLICANT['applicant_name']} · " in owner
    if ON_REDIS:  # nothing the owner was shown is kept in the shared cache
        stored = b" ".join(value or b"" for value in _all_redis_values())
        assert not [value for value in personal if value.encode() in stored]


def _all_redis_values():
    client = cache._cache.get_client(write=False)
    return [client.get(key) if client.type(key) == b"string" else b"" for key in client.scan_iter()]


def test_start_up_loads_what_the_first_requests_need_and_leaves_no_connection_open(monkeypatch):
    from apps.dossiers import tracking
    from congvu import warmup

    walk_in(world(), at("25/11/2026", "09:00"))
    tracking.forget_names()
    closed = []
    monkeypatch.setattr(warmup.connections, "close_all", lambda: closed.append(True))
    warmup.warm_up(freeze=False)  # a server freezes what it loaded for its workers; a test process must not
    assert tracking._names_memo["names"]["procedure"]
    with CaptureQueriesContext(connection) as queries:
        assert warm_published_answers() == 0  # the test world publishes no answer
    assert len(queries) == 0  # the total was counted at start-up
    assert closed == [True]  # before gunicorn forks the workers


def test_the_tracking_page_from_its_frame_is_the_page_rendered_in_full(client, settings, demo):
    """The frame rendered once per process with this code and its answer put in is, byte for byte (the CSRF token
    aside), the page rendered in full for the same code, in both languages."""
    dossier = walk_in(world(), at("25/11/2026", "09:00"))
    tracking.publish(dossier.pk, dossier.code)
    url = f"/tra-cuu/?ma={dossier.code}"

    def without_token(html: str) -> str:
        return html.replace(_token(html), "TOKEN")

    for language in ("vi", "en"):
        visitor = Client()
        if language == "en":
            visitor.post("/i18n/setlang/", {"language": "en", "next": "/"})
            visitor.cookies.pop("sessionid", None)
        visitor.get(url)  # renders the frame
        with CaptureQueriesContext(connection) as queries:
            fast = visitor.get(url).content.decode()
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
        full = visitor.get(url).content.decode()
        settings.PUBLIC_PAGE_CACHE_SECONDS = 30
        assert without_token(fast) == without_token(full) and 'id="tracking"' in fast, language
        assert "__" not in fast.replace("__csrf", "")  # no mark left
        assert len(queries) <= 1
    owner = Client()
    owner.get(url)
    posted = {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"]}
    fast = owner.post("/tra-cuu/", posted).content.decode()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    full = owner.post("/tra-cuu/", posted).content.decode()
    assert without_token(fast) == without_token(full) and APPLICANT["applicant_name"] in fast
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    assert APPLICANT["applicant_name"] not in Client().get(url).content.decode()  # the frame keeps nobody's data


def test_the_owners_lookup_reads_the_part_and_the_owners_details_at_once(client, settings):
    settings.PROVINCE_NAME = "Sơn Hà"
    dossier = walk_in(world(), at("25/11/2026", "09:00"))
    tracking.publish(dossier.pk, dossier.code)
    posted = {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"]}
    client.get(f"/tra-cuu/?ma={dossier.code}")
    with CaptureQueriesContext(connection) as queries:
        page = client.post("/tra-cuu/", posted).content.decode()
    assert APPLICANT["applicant_name"] in page and 'id="timeline"' in page
    reads = len([query for query in queries.captured_queries if "dossiers_" in query["sql"]])
    assert reads == (0 if ON_REDIS else 1)  # on Redis both were put there by the publisher (details sealed)
    PublicTracking.objects.filter(code=dossier.code).delete()  # withdrawn by a change, not yet published again
    cache.delete_many(tracking.cache_keys(dossier.code))
    withdrawn = client.post("/tra-cuu/", posted).content.decode()
    assert withdrawn.replace(_token(withdrawn), "") == page.replace(_token(page), "")
    wrong = client.post("/tra-cuu/", posted | {"sdt": "0999999999"}).content.decode()
    assert 'id="timeline"' in wrong and APPLICANT["applicant_name"] not in wrong
    assert "không khớp" in wrong


def test_the_page_for_an_unknown_code_from_its_frame_is_the_page_rendered_in_full(settings, demo):
    """A code no dossier has: the frame with the message put in is, byte for byte (the CSRF token aside), the page
    rendered in full with the message through Django's messages, in both languages, and leaves no message behind."""
    unknown = "H99.22-261125-9999"
    url = f"/tra-cuu/?ma={unknown}"

    def without_token(html: str) -> str:
        return html.replace(_token(html), "TOKEN")

    messages = {"vi": f"Không tìm thấy hồ sơ có mã {unknown}.", "en": f"No dossier with the code {unknown}."}
    for language, message in messages.items():
        visitor = Client()
        if language == "en":
            visitor.post("/i18n/setlang/", {"language": "en", "next": "/"})
            visitor.cookies.pop("sessionid", None)
        visitor.get(url)  # renders the frame
        fast = visitor.get(url)
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
        full = visitor.get(url)
        settings.PUBLIC_PAGE_CACHE_SECONDS = 30
        assert "messages" not in fast.cookies and "messages" not in full.cookies
        fast, full = fast.content.decode(), full.content.decode()
        assert without_token(fast) == without_token(full) and message in fast, language
        assert "__" not in fast.replace("__csrf", "")  # no mark left
    junk = Client().get("/tra-cuu/?ma=<b>H99</b>").content.decode()  # no code can be this: rendered in full, escaped
    assert "&lt;B&gt;H99&lt;/B&gt;" in junk and "<B>" not in junk
