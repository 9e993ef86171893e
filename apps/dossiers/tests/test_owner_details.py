"""The owner's details as Redis keeps them for the owner's lookup (tracking.seal_owner / open_owner): opened by the
dossier's phone however typed or its ID number (the rule of selectors.is_owner), by nothing else, and never after
the dossier changed or the server's key did. On Redis, the lookup then reads no table."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from apps.dossiers import services, tracking
from apps.dossiers.selectors import is_owner
from apps.dossiers.tests.factories import APPLICANT, world
from tests.helpers import at, walk_in

CODE, PART = "H99.22-261125-0001", "<p>Tiếp nhận</p>"
DETAILS = {"name": APPLICANT["applicant_name"], "address": APPLICANT["applicant_address"], "asked": ["Ảnh 4x6"],
           "awaits_rating": False}  # fmt: skip
ON_REDIS = hasattr(cache, "count_and_get_many")


def _sealed(phone=APPLICANT["applicant_phone"], id_number=APPLICANT["applicant_id_number"]):
    return tracking.seal_owner(CODE, PART, phone, id_number, DETAILS)


@pytest.mark.parametrize("secret", ["0912345678", "0912 345 678", "+84912345678", "84912345678", "001190012345",
                                    "0011 9001 2345", " 0912.345.678 "])  # fmt: skip
def test_the_owners_phone_however_typed_or_id_number_opens_the_details(secret):
    assert tracking.open_owner(_sealed(), CODE, PART, secret) == DETAILS


@pytest.mark.parametrize("secret", ["0912345679", "001190012346", "912345678", "0", "Nguyễn Thị Lan"])
def test_any_other_secret_opens_nothing(secret):
    assert tracking.open_owner(_sealed(), CODE, PART, secret) is None


def test_a_dossier_with_no_id_number_is_opened_by_its_phone_only():
    sealed = _sealed(id_number="")
    assert tracking.open_owner(sealed, CODE, PART, "0912345678") == DETAILS
    assert tracking.open_owner(sealed, CODE, PART, "") is None


def test_the_details_of_one_code_are_not_opened_for_another():
    other = "H99.22-261125-0002"
    sealed = tracking.seal_owner(other, PART, APPLICANT["applicant_phone"], "", DETAILS)
    assert tracking.open_owner(sealed, CODE, PART, "0912345678") is None


def test_details_sealed_with_another_part_or_server_key_are_read_again(settings):
    assert tracking.open_owner(_sealed(), CODE, "<p>Đã trả kết quả</p>", "0912345678") is tracking.STALE
    sealed = _sealed()
    settings.SECRET_KEY = "another-" + settings.SECRET_KEY
    assert tracking.open_owner(sealed, CODE, PART, "0912345678") is tracking.STALE


def test_the_same_details_seal_to_the_same_bytes_and_other_details_to_others():
    """The daily store keeps a seal still current (cache.converge_many compares the bytes)."""
    assert _sealed() == _sealed()
    changed = tracking.seal_owner(CODE, PART, APPLICANT["applicant_phone"], APPLICANT["applicant_id_number"],
                                  {**DETAILS, "awaits_rating": True})  # fmt: skip
    assert changed[2] != _sealed()[2] and changed[3] != _sealed()[3]
    assert changed[2][:12] != _sealed()[2][:12]  # never the same nonce for other details under the same key


@examples(max_examples=300, deadline=None)
@given(
    digits=st.text("0123456789", min_size=9, max_size=9).filter(lambda d: d[0] != "0"),
    id_number=st.sampled_from(["", "001190012345", "079201000001"]),
    typed=st.sampled_from(["0{}", "+84{}", "84{}", "0{} ", " +84 {}", "0{}1", "{}", "+840{}"]),
    other=st.text(alphabet="0123456789 .+-", max_size=14),
    use_other=st.booleans(),
)
def test_the_details_open_exactly_for_the_secrets_is_owner_accepts(digits, id_number, typed, other, use_other):
    """The rule of the owner's lookup is selectors.is_owner; the seal must answer as it does, for whatever is typed
    (as the form sends it: trimmed, spaces removed)."""
    phone = "0" + digits
    spaced = typed.format(" ".join([digits[:3], digits[3:6], digits[6:]]))
    secret = (other if use_other else spaced).strip().replace(" ", "")
    if not secret:
        return
    sealed = tracking.seal_owner(CODE, PART, phone, id_number, DETAILS)
    assert (tracking.open_owner(sealed, CODE, PART, secret) is not None) == is_owner(secret, phone, id_number)


def test_a_seal_of_another_shape_is_read_again_and_a_tampered_one_opens_nothing():
    assert tracking.open_owner(("old", "shape"), CODE, PART, "0912345678") is tracking.STALE
    key_id, _digest, phone_box, id_box = _sealed()
    claimed = tracking.seal_owner(CODE, "<p>Khác</p>", "", "", DETAILS)[1]  # another part's digest, put in by hand
    assert tracking.open_owner((key_id, claimed, phone_box, id_box), CODE, "<p>Khác</p>", "0912345678") is None


def test_nothing_personal_can_be_read_from_what_is_sealed():
    import pickle

    stored = pickle.dumps(_sealed())
    personal = [*APPLICANT.values(), "Ảnh 4x6", "0912345678"[1:]]
    assert not [value for value in personal if value.encode() in stored]


def test_the_owners_lines_are_written_as_text_never_as_markup():
    """Whatever the applicant typed shows as typed: no tag, no attribute can be smuggled into the owner's page."""
    part = f"{tracking.PART_MARK}<ol>{tracking.ASKED_MARK}</ol>{tracking.OWNER_MARK}"
    details = {"name": '<script>alert("x")</script>', "address": "Số 1 & <b>2</b>", "asked": ["<img src=x>", "A 'B'"],
               "awaits_rating": True}  # fmt: skip
    page = tracking.with_owner(part, details, 'https://x/danh-gia/t"onclick="alert(1)/')
    assert "<script" not in page and "<b>" not in page and "<img" not in page and '"onclick' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Số 1 &amp; &lt;b&gt;2&lt;/b&gt;" in page
    assert "<li>&lt;img src=x&gt;</li><li>A &#x27;B&#x27;</li>" in page
    assert 'href="https://x/danh-gia/t&quot;onclick=&quot;alert(1)/"' in page


# --- on Redis: the lookup ------------------------------------------------------------------------------------------


def _owner_page(client, code: str, secret: str = APPLICANT["applicant_phone"]) -> str:
    response = client.post("/tra-cuu/", {"ma": code, "sdt": secret})
    assert response.status_code == 200
    return response.content.decode()


def _table_reads(client, code: str, secret: str = APPLICANT["applicant_phone"]) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        page = _owner_page(client, code, secret)
    return page, len([query for query in queries.captured_queries if "dossiers_" in query["sql"]])


@pytest.fixture
def published(db, django_capture_on_commit_callbacks):
    w = world()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(w, at("25/11/2026", "09:00"))
    return w, dossier


@pytest.mark.skipif(not ON_REDIS, reason="the cache is not Redis (set REDIS_URL)")
def test_on_redis_the_owners_lookup_reads_no_table(client, published):
    code = published[1].code
    page, reads = _table_reads(client, code)  # sealed by the publisher, with the dossier's published answer
    assert reads == 0 and f"{APPLICANT['applicant_name']} · {APPLICANT['applicant_address']}" in page
    by_id, reads = _table_reads(client, code, APPLICANT["applicant_id_number"])
    assert reads == 0 and APPLICANT["applicant_name"] in by_id
    wrong, reads = _table_reads(client, code, "0999999999")
    assert reads == 0 and "không khớp" in wrong and APPLICANT["applicant_name"] not in wrong


@pytest.mark.skipif(not ON_REDIS, reason="the cache is not Redis (set REDIS_URL)")
def test_on_redis_details_redis_lost_are_read_once_then_sealed_again(client, published):
    code = published[1].code
    cache.delete(tracking.owner_cache_key(code))
    page, reads = _table_reads(client, code)
    assert reads == 1 and APPLICANT["applicant_name"] in page
    _table_reads(client, code)  # what the first lookup read goes to Redis with this one's round trip
    again, reads = _table_reads(client, code)
    assert reads == 0 and APPLICANT["applicant_name"] in again


@pytest.mark.skipif(not ON_REDIS, reason="the cache is not Redis (set REDIS_URL)")
def test_on_redis_the_daily_store_seals_what_redis_lost(client, published):
    code = published[1].code
    cache.delete_many(tracking.cache_keys(code))
    assert tracking.store_published() == (1, 3)  # the answer, the page's part and the owner's details
    page, reads = _table_reads(client, code)
    assert reads == 0 and APPLICANT["applicant_name"] in page
    assert tracking.store_published() == (1, 0)  # still current: kept, not put in again


@pytest.mark.skipif(not ON_REDIS, reason="the cache is not Redis (set REDIS_URL)")
def test_on_redis_a_change_or_a_rating_is_seen_by_the_owners_next_lookup(
    client, published, django_capture_on_commit_callbacks
):
    w, dossier = published
    for _round in range(2):
        _owner_page(client, dossier.code)  # read, then sealed into Redis
    assert cache.get(tracking.owner_cache_key(dossier.code)) is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
        for actor in (w.officer, w.chairman):
            services.dossier_forward(actor=actor, dossier=dossier, now=at("25/11/2026", "11:00"))
        services.dossier_return(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "14:00"))
    for _round in range(3):
        page = _owner_page(client, dossier.code)
    assert 'id="rating-link"' in page  # returned, not rated: the owner is asked
    assert cache.get(tracking.owner_cache_key(dossier.code)) is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_submit(dossier=dossier, overall="very_satisfied", politeness="very_satisfied",
                               timeliness="very_satisfied")  # fmt: skip
    assert 'id="rating-link"' not in _owner_page(client, dossier.code)
