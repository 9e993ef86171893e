"""Issue 10.15 and 10.16 on the citizens' pages: personal data never in a URL (the owner's lookup is a POST with
CSRF; a GET reads the code alone), and a throttled lookup answers 429 with Retry-After and a friendly page."""

import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from apps.dossiers.tests.factories import APPLICANT, world
from apps.portal.context_processors import PERSONAL_PARAMS
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db
PHONE, ID_NUMBER = APPLICANT["applicant_phone"], APPLICANT["applicant_id_number"]
LOOKUPS_PER_MINUTE = 20  # the tracking page's default limit (THROTTLE_TRACKING_PAGE)


@pytest.fixture
def dossier():
    return walk_in(world(), at("25/11/2026", "09:00"))


def _urls_in(html: str) -> list[str]:
    """Every address the page can send the browser to: links, form actions, and the language switch's `next`."""
    attributes = re.findall(r'\b(?:href|action|src|hx-get|hx-post)="([^"]*)"', html)
    nexts = re.findall(r'<input[^>]*name="next"[^>]*value="([^"]*)"', html)
    return attributes + nexts


def _assert_nothing_personal(html: str) -> None:
    for url in _urls_in(html):
        assert PHONE not in url and ID_NUMBER not in url and "sdt" not in url, url


def test_owner_lookup_is_a_post_and_its_page_carries_the_phone_in_no_address(client, dossier):
    response = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": PHONE})
    html = response.content.decode()
    assert response.status_code == 200 and APPLICANT["applicant_name"] in html
    _assert_nothing_personal(html)
    assert PHONE not in html  # not echoed back into the form either
    assert f'name="next" type="hidden" value="/tra-cuu/?ma={dossier.code}"' in html  # the switch keeps the code only
    by_id = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": ID_NUMBER}).content.decode()
    assert APPLICANT["applicant_name"] in by_id and ID_NUMBER not in by_id


def test_the_tracking_form_posts_with_a_csrf_token(client, dossier):
    html = client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>(.*?)</form>", html, re.S)
    assert 'method="post"' in form.group(0) and 'name="csrfmiddlewaretoken"' in form.group(1)
    assert 'name="sdt"' in form.group(1)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/tra-cuu/", {"ma": dossier.code, "sdt": PHONE}).status_code == 403


def test_a_get_with_the_phone_reveals_nothing_and_drops_it(client, dossier):
    for name in ("sdt", "phone", "cccd"):
        response = client.get(f"/tra-cuu/?ma={dossier.code}&{name}={PHONE}")
        assert response.status_code == 302 and response["Location"] == f"/tra-cuu/?ma={dossier.code}"
        html = client.get(response["Location"]).content.decode()
        assert APPLICANT["applicant_name"] not in html and APPLICANT["applicant_address"] not in html
        assert PHONE not in html


def test_a_lookup_by_code_alone_stays_a_get(client, dossier):
    response = client.post("/tra-cuu/", {"ma": dossier.code.lower(), "sdt": ""})
    assert response.status_code == 302 and response["Location"] == f"/tra-cuu/?ma={dossier.code}"
    html = client.get(response["Location"]).content.decode()
    assert dossier.code in html and APPLICANT["applicant_name"] not in html


def test_a_wrong_phone_shows_no_personal_data(client, dossier):
    html = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "0900000000"}).content.decode()
    assert "không khớp" in html and APPLICANT["applicant_name"] not in html and "0900000000" not in html


def test_supplement_page_carries_no_phone_in_an_address(client, dossier):
    response = client.post("/bo-sung/", {"ma": dossier.code, "sdt": PHONE})  # no file: refused, page again
    html = response.content.decode()
    _assert_nothing_personal(html)
    assert f'value="/bo-sung/?ma={dossier.code}"' in html


def test_the_language_switch_drops_personal_parameters_of_any_page(client, dossier):
    html = client.get(f"/thu-tuc/?q=ho+tich&page=1&sdt={PHONE}&email=lan%40example.vn").content.decode()
    (next_url,) = re.findall(r'name="next" type="hidden" value="([^"]*)"', html)
    assert next_url == "/thu-tuc/?q=ho+tich&amp;page=1"
    _assert_nothing_personal(html)


def test_no_get_form_of_the_public_pages_asks_for_personal_data():
    """The templates of the portal and of feedback: every form with a personal field is a POST (so the field
    goes in the body, never in the address)."""
    roots = [Path(settings.BASE_DIR) / "apps" / app / "templates" for app in ("portal", "feedback")]
    offenders = []
    for template in (path for root in roots for path in root.rglob("*.html")):
        text = template.read_text()
        for form in re.findall(r"<form\b(.*?)</form>", text, re.S):
            names = set(re.findall(r'name="([^"{]+)"', form))
            personal = names & PERSONAL_PARAMS
            personal |= {name for name in re.findall(r'name="([^"{]+)"', form) if "phone" in name}
            is_post = re.search(r'method="post"', form.split(">", 1)[0], re.I)
            if personal and not is_post:
                offenders.append((template.name, sorted(personal)))
        for match in re.findall(r'hx-get="[^"]*"[^>]*name="([^"]+)"|name="([^"]+)"[^>]*hx-get=', text):
            if any("phone" in name or name in PERSONAL_PARAMS for name in match if name):
                offenders.append((template.name, match))
    assert offenders == []


# --- throttled -------------------------------------------------------------------------------------------


def test_a_throttled_tracking_page_answers_429_with_retry_after_and_a_friendly_page(client, dossier):
    with time_machine.travel("2026-11-25 09:00:15 +07:00", tick=False) as clock:
        for _ in range(LOOKUPS_PER_MINUTE):
            assert client.get(f"/tra-cuu/?ma={dossier.code}").status_code == 200
        refused = client.get(f"/tra-cuu/?ma={dossier.code}")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "45"  # the rest of the minute's window
        html = refused.content.decode()
        assert "Vui lòng thử lại sau ít phút" in html and "45 giây" in html and "1022" in html
        assert APPLICANT["applicant_name"] not in html and 'id="tracking"' not in html
        # An owner's lookup counts in the same window (no guessing phones past the limit).
        assert client.post("/tra-cuu/", {"ma": dossier.code, "sdt": PHONE}).status_code == 429
        clock.move_to("2026-11-25 09:01:00 +07:00")
        assert client.get(f"/tra-cuu/?ma={dossier.code}").status_code == 200


def test_a_throttled_supplement_answers_429(client, dossier):
    with time_machine.travel("2026-11-25 09:00:30 +07:00", tick=False):
        for _ in range(10):
            client.post("/bo-sung/", {"ma": dossier.code, "sdt": "0900000000"})
        refused = client.post("/bo-sung/", {"ma": dossier.code, "sdt": PHONE})
    assert refused.status_code == 429 and refused["Retry-After"] == "30"


def test_a_throttled_online_submission_keeps_the_form_and_answers_429(client, dossier):
    code = dossier.procedure.code
    data = {**APPLICANT, "applicant_kind": "person", "agency": dossier.filing_unit_id, "delivery": "desk"}
    with time_machine.travel("2026-11-25 09:20:00 +07:00", tick=False):
        for _ in range(10):
            client.post(f"/thu-tuc/{code}/nop-truc-tuyen/", {**data, "applicant_name": ""})  # invalid: kept there
        refused = client.post(f"/thu-tuc/{code}/nop-truc-tuyen/", data)
    assert refused.status_code == 429 and refused["Retry-After"] == str(40 * 60)
    assert APPLICANT["applicant_address"] in refused.content.decode()  # what the citizen typed is still there
