import json
from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from rest_framework.test import APIClient

from apps.dossiers import services
from apps.dossiers.links import rating_token
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, world
from apps.dossiers.tracking import tracking_cache_key, unpacked
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db
PERSONAL = [APPLICANT["applicant_name"], APPLICANT["applicant_id_number"], APPLICANT["applicant_phone"],
            APPLICANT["applicant_email"], APPLICANT["applicant_address"]]  # fmt: skip


@pytest.fixture
def w():
    return world()


def staff(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_public_tracking_shows_progress_without_personal_data(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    response = APIClient().get(f"/api/v1/public/dossiers/{dossier.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["status_label"] == "Đang giải quyết" and body["appointment_at"] == "2026-11-30T17:00:00+07:00"
    assert [step["unit"] for step in body["steps"]] == ["Bộ phận Một cửa", "Phòng Văn hóa - Xã hội"]
    text = json.dumps(body, ensure_ascii=False)
    assert not [value for value in PERSONAL if value in text]
    assert w.clerk.full_name not in text


def test_public_tracking_unknown_code_is_404_in_vietnamese():
    response = APIClient().get("/api/v1/public/dossiers/H00-000000-0000")
    assert response.status_code == 404 and response.json()["message"] == "Không tìm thấy hồ sơ có mã này."


def test_public_lookups_are_rate_limited(w, settings):
    from rest_framework.settings import api_settings

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    original = dict(api_settings.DEFAULT_THROTTLE_RATES)
    api_settings.DEFAULT_THROTTLE_RATES["public_lookup"] = "3/minute"
    try:
        from apps.core.ratelimit import PublicThrottle

        PublicThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        responses = [APIClient().get(f"/api/v1/public/dossiers/{dossier.code}") for _ in range(4)]
    finally:
        api_settings.DEFAULT_THROTTLE_RATES.clear()
        api_settings.DEFAULT_THROTTLE_RATES.update(original)
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    refused = responses[-1]
    assert refused.json()["code"] == "throttled" and "giây" in refused.json()["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_online_submission_then_desk_receives_through_the_api(w):
    payload = {**APPLICANT, "procedure": w.procedure.code, "agency": w.commune.pk, "request_summary": "Xin xác nhận"}
    response = APIClient().post("/api/v1/public/dossiers", payload, format="json")
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert code.startswith("H98.01-") and response.json()["tracking_url"].endswith(code)
    clerk = staff(w.clerk)
    response = clerk.post(f"/api/v1/dossiers/{code}/receive/", {"provided_papers": w.paper_ids()}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "received" and "forward" in response.json()["allowed_actions"]


def test_online_submission_with_files_through_the_api(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.dossiers.tests.test_attachments import PDF

    payload = {**APPLICANT, "procedure": w.procedure.code, "agency": w.commune.pk,
               "files": [SimpleUploadedFile("to-khai.pdf", PDF), SimpleUploadedFile("cccd.pdf", PDF)]}  # fmt: skip
    response = APIClient().post("/api/v1/public/dossiers", payload, format="multipart")
    assert response.status_code == 201, response.json()
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert sorted(dossier.attachments.values_list("original_name", flat=True)) == ["cccd.pdf", "to-khai.pdf"]
    fake = {**payload, "files": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")]}
    refused = APIClient().post("/api/v1/public/dossiers", fake, format="multipart")
    assert refused.status_code == 400 and Dossier.objects.count() == 1  # nothing half-saved


def test_submission_errors_name_the_field(w):
    payload = {**APPLICANT, "applicant_phone": "123", "procedure": w.procedure.code, "agency": w.commune.pk}
    response = APIClient().post("/api/v1/public/dossiers", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"applicant_phone": ["Số điện thoại không hợp lệ (ví dụ 0912345678)."]}
    assert Dossier.objects.count() == 0


def test_forbidden_transition_is_409_with_the_reason(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    response = staff(w.clerk).post(f"/api/v1/dossiers/{dossier.code}/return/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["message"].startswith("Không thể trả kết quả hồ sơ")


def test_other_commune_cannot_read_or_act_through_the_api(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    other = staff(w.other_clerk)
    assert other.get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404
    assert other.post(f"/api/v1/dossiers/{dossier.code}/forward/", {}, format="json").status_code == 404
    assert other.get("/api/v1/dossiers/?scope=unit").json()["count"] == 0
    walk_in_payload = {**APPLICANT, "desk": w.desk.pk, "procedure": w.procedure.code, "provided_papers": []}
    assert other.post("/api/v1/dossiers/receive/", walk_in_payload, format="json").status_code == 404


def test_walk_in_and_queue_through_the_api(w):
    clerk = staff(w.clerk)
    payload = {**APPLICANT, "desk": w.desk.pk, "procedure": w.procedure.code, "provided_papers": w.paper_ids()}
    response = clerk.post("/api/v1/dossiers/receive/", payload, format="json")
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert clerk.get("/api/v1/dossiers/?scope=mine").json()["results"][0]["code"] == code
    clerk.post(f"/api/v1/dossiers/{code}/forward/", {"note": "Đủ"}, format="json")
    queue = staff(w.officer).get("/api/v1/dossiers/?scope=mine").json()
    assert [row["code"] for row in queue["results"]] == [code]
    assert staff(w.officer).get("/api/v1/dossiers/?scope=nonsense").status_code == 400


def test_rating_through_the_public_api(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    for actor in (w.clerk, w.officer, w.chairman):
        services.dossier_forward(actor=actor, dossier=dossier, now=at("25/11/2026", "15:00"))
    services.dossier_return(actor=w.clerk, dossier=dossier)
    body = {
        "token": rating_token(dossier.code),
        "overall": "very_satisfied",
        "politeness": "very_satisfied",
        "timeliness": "satisfied",
    }
    assert APIClient().post(f"/api/v1/public/dossiers/{dossier.code}/rating", body, format="json").status_code == 201
    again = APIClient().post(f"/api/v1/public/dossiers/{dossier.code}/rating", body, format="json")
    assert again.status_code == 409
    forged = {**body, "token": rating_token("H98.01-261125-9999")}
    assert APIClient().post(f"/api/v1/public/dossiers/{dossier.code}/rating", forged, format="json").status_code == 403


def _published(code: str) -> str | None:
    from apps.dossiers.models import PublicTracking

    return PublicTracking.objects.filter(code=code).values_list("body", flat=True).first()


def test_every_change_withdraws_the_published_answer_and_publishes_it_after_commit(
    w, django_capture_on_commit_callbacks
):
    from apps.dossiers.tracking import public_tracking_data, render_public_payload

    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(w, at("25/11/2026", "09:00"))
    assert json.loads(_published(dossier.code))["status"] == "received"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
        assert _published(dossier.code) is None  # withdrawn with the change: no reader sees the old answer
        assert APIClient().get(f"/api/v1/public/dossiers/{dossier.code}").json()["status"] == "in_progress"
    for callback in callbacks:
        callback()
    with translation.override("vi"):
        assert _published(dossier.code) == render_public_payload(public_tracking_data(dossier.code))
    assert json.loads(_published(dossier.code))["status"] == "in_progress"


def test_the_api_answers_from_the_published_row_in_vietnamese_and_from_the_tables_otherwise(
    w, django_capture_on_commit_callbacks
):
    from apps.dossiers.models import PublicTracking

    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(w, at("25/11/2026", "09:00"))
    PublicTracking.objects.filter(code=dossier.code).update(body='{"marker": true}')
    cache.delete(tracking_cache_key(dossier.code))  # with Redis, the publisher cached the answer too
    assert APIClient().get(f"/api/v1/public/dossiers/{dossier.code}").json() == {"marker": True}
    client = APIClient()
    client.cookies["django_language"] = "en"
    english = client.get(f"/api/v1/public/dossiers/{dossier.code}").json()
    assert english["status"] == "received" and english["status_label"] != "Đã tiếp nhận"


def test_publish_tracking_command_publishes_what_is_missing(w):
    from io import StringIO

    from django.core.management import call_command

    from apps.dossiers import tracking
    from apps.dossiers.models import PublicTracking
    from apps.dossiers.tracking import public_tracking_data, render_public_payload

    dossiers = [walk_in(w, at("25/11/2026", f"0{hour}:00")) for hour in (8, 9)]  # never committed: not published
    assert [_published(d.code) for d in dossiers] == [None, None]
    output = StringIO()
    call_command("publish_tracking", stdout=output)
    assert "2/2" in output.getvalue()
    with translation.override("vi"):
        assert [_published(d.code) for d in dossiers] == [
            render_public_payload(public_tracking_data(d.code)) for d in dossiers
        ]
    parts = dict(PublicTracking.objects.values_list("code", "part"))
    PublicTracking.objects.update(part="")  # published before dossiers 0013
    render = tracking.render_public_part

    def published_again_meanwhile(body):
        if json.loads(body)["code"] == dossiers[1].code:  # a change of the dossier publishes it while the part renders
            PublicTracking.objects.filter(code=dossiers[1].code).update(
                body=body.replace('"status":"received"', '"status":"in_progress"')
            )
        return render(body)

    output = StringIO()
    with (
        patch("apps.dossiers.tracking.public_tracking_rows") as from_the_tables,
        patch("apps.dossiers.tracking.render_public_part", published_again_meanwhile),
    ):
        call_command("publish_tracking", stdout=output)
    assert "2/2 trang tra cứu" in output.getvalue() and not from_the_tables.called  # from each row's own answer
    assert PublicTracking.objects.get(code=dossiers[0].code).part == parts[dossiers[0].code]
    assert PublicTracking.objects.get(code=dossiers[1].code).part == ""  # not from an answer it no longer has


def test_public_tracking_matches_its_schema_serializer(w):
    from apps.dossiers.api import PublicDossierSerializer
    from apps.dossiers.tracking import public_tracking

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    fast = APIClient().get(f"/api/v1/public/dossiers/{dossier.code}").json()
    assert fast == json.loads(json.dumps(PublicDossierSerializer(public_tracking(dossier.code)).data))


def test_with_redis_the_answer_is_cached_and_dropped_by_every_change(w, django_capture_on_commit_callbacks):
    if not hasattr(cache, "count_and_get"):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(w, at("25/11/2026", "09:00"))
    assert json.loads(unpacked(cache.get(tracking_cache_key(dossier.code))))["status"] == "received"  # the publisher's
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
        assert cache.get(tracking_cache_key(dossier.code)) is None  # dropped inside the change
        # A reader during the change caches what it reads (still "received" for others until the commit) ...
        APIClient().get(f"/api/v1/public/dossiers/{dossier.code}")
    for callback in callbacks:
        callback()
    # ... and the publisher overwrites it after the commit.
    assert json.loads(unpacked(cache.get(tracking_cache_key(dossier.code))))["status"] == "in_progress"
    assert APIClient().get(f"/api/v1/public/dossiers/{dossier.code}").json()["status"] == "in_progress"


def test_the_public_answer_gives_the_legal_due_time_but_never_the_officers_free_text(w):
    """The papers asked for are an officer's free text (it may name the applicant): the owner sees them on the
    tracking page after giving the phone; the public answer does not carry them."""
    from apps.dossiers.tracking import public_tracking_data, public_tracking_rows, render_public_payload

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    services.dossier_request_supplement(
        actor=w.officer,
        dossier=dossier,
        items="Bản sao giấy ly hôn\nẢnh 4x6",
        reason="Thiếu",
        now=at("25/11/2026", "11:00"),
    )
    text = render_public_payload(public_tracking_data(dossier.code))
    body = json.loads(text)
    assert body["due_at"] == "2026-11-30T17:00:00+07:00" and body["status"] == "supplement_requested"
    assert "ly hôn" not in text and "supplement_items" not in body
    bulk = json.loads(render_public_payload(public_tracking_rows([dossier.pk])[0]))
    assert bulk == body  # published in bulk or one by one, the same answer


@pytest.mark.parametrize("procedure", ["10000000000000000000", "abc", "-1"])
def test_the_queue_refuses_a_procedure_that_is_not_an_id(procedure):
    """Found by the schema fuzzer: 10^19 overflowed the database's 64-bit key and answered 500."""
    w = world()
    client = APIClient()
    client.force_authenticate(w.clerk)
    response = client.get("/api/v1/dossiers/", {"procedure": procedure})
    assert response.status_code == 400
    assert response.json()["errors"]["procedure"] == ["Mã thủ tục không hợp lệ."]


def test_with_redis_every_published_answer_is_stored_and_a_lookup_reads_no_row(
    w, django_capture_on_commit_callbacks, django_assert_num_queries
):
    if not hasattr(cache, "converge_many"):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    from apps.dossiers import tasks, tracking
    from apps.dossiers.models import PublicTracking

    with django_capture_on_commit_callbacks(execute=True):
        dossiers = [walk_in(w, at("25/11/2026", f"0{hour}:00")) for hour in (8, 9)]
    stale, lost = dossiers
    cache.set(tracking_cache_key(stale.code), tracking.packed("no row has this"), 60)  # a change missed meanwhile
    cache.delete_many(tracking.cache_keys(lost.code))  # Redis restarted
    PublicTracking.objects.filter(code=lost.code).update(part="")  # published before the part was kept
    cache.delete(tracking.STORED_MARK)
    assert tasks.store_tracking_answers.call_local() == (0, 2)
    assert cache.get(tracking_cache_key(stale.code)) is None  # dropped, never overwritten
    row = PublicTracking.objects.get(code=lost.code)
    assert unpacked(cache.get(tracking_cache_key(lost.code))) == row.body
    assert unpacked(cache.get(tracking.tracking_part_cache_key(lost.code))) == tracking.render_public_part(row.body)
    assert 0 < cache._cache.get_client().ttl(cache.make_key(tracking_cache_key(lost.code))) <= tracking.STORED_SECONDS
    assert tasks.store_tracking_answers.call_local() == (0, 0)  # stored within the day: not again
    tracking.publish_many([stale.pk])  # a bulk publishing (generated history) leaves its answers out of Redis ...
    assert cache.get(tracking_cache_key(stale.code)) is None
    assert tasks.store_tracking_answers.call_local() == (0, 2)  # ... so the next hourly run stores them
    assert cache.get(tracking_cache_key(stale.code)) is not None
    with django_assert_num_queries(0):
        assert APIClient().get(f"/api/v1/public/dossiers/{lost.code}").json()["code"] == lost.code


def _changed_while_the_store_reads(monkeypatch, change):
    """Run the store with `change` made between its reading a batch and its writing it to Redis."""
    from apps.dossiers import tracking

    read = tracking._store_batch

    def read_then_change(before, size):
        rows = read(before, size)
        if rows:
            change()
        return rows

    monkeypatch.setattr(tracking, "_store_batch", read_then_change)
    tracking.store_published()


@pytest.mark.parametrize("publishing", ["dies", "in bulk"])
def test_an_answer_changed_while_the_store_reads_it_is_never_kept(
    w, monkeypatch, django_capture_on_commit_callbacks, publishing
):
    """The store reads a batch, a change lands, then the store writes: the public must see the change, not the
    answer read before it (which the store would otherwise keep for days). "dies": the process dies between the
    change's commit and its publishing (only publish's first step ran); "in bulk": publish_tracking --all."""
    if not hasattr(cache, "converge_many"):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    from apps.dossiers import tasks, tracking
    from apps.dossiers.models import Dossier, PublicTracking

    with django_capture_on_commit_callbacks(execute=True):
        dossier = walk_in(w, at("25/11/2026", "09:00"))

    def change():
        if publishing == "dies":
            monkeypatch.setattr(tracking, "publish", lambda _id, code: cache.delete_many(tracking.cache_keys(code)))
            with django_capture_on_commit_callbacks(execute=True):
                services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
            monkeypatch.undo()
        else:
            Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.IN_PROGRESS)
            tracking.publish_many([dossier.pk])

    cache.delete(tracking.STORED_MARK)
    _changed_while_the_store_reads(monkeypatch, change)
    assert APIClient().get(f"/api/v1/public/dossiers/{dossier.code}").json()["status"] == "in_progress"
    if publishing == "dies":
        assert not PublicTracking.objects.filter(code=dossier.code).exists()
        assert tasks.store_tracking_answers.call_local()[0] == 1  # the hourly job publishes it again
        assert json.loads(PublicTracking.objects.get(code=dossier.code).body)["status"] == "in_progress"


def test_a_failed_publishing_after_a_change_is_logged_and_the_next_callbacks_still_run(
    w, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    """Django logs a failed robust on_commit callback by its __qualname__ (a functools.partial has none, and the
    logging itself then raised, skipping every later callback)."""
    from apps.dossiers import tracking

    dossier = walk_in(w, at("25/11/2026", "09:00"))
    monkeypatch.setattr(tracking, "publish", lambda *args: 1 / 0)
    after = []
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
        transaction.on_commit(lambda: after.append("ran"))
    assert "publish_after_commit" in caplog.text and after == ["ran"]


def test_the_store_stops_and_marks_nothing_while_redis_is_unreachable(
    w, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.core import cache as cache_module
    from apps.dossiers import tracking

    with django_capture_on_commit_callbacks(execute=True):
        walk_in(w, at("25/11/2026", "08:00"))
    monkeypatch.setattr(cache_module, "_outages", {})
    unreachable = cache_module.SharedClientRedisCache(
        "redis://127.0.0.1:1/0", {"KEY_PREFIX": "storetest", "OPTIONS": {"socket_connect_timeout": 0.5}}
    )
    monkeypatch.setattr(tracking, "cache", unreachable)
    assert tracking.store_published() == (0, 0)
    assert unreachable.get(tracking.STORED_MARK) is None  # the next hourly run tries again


def test_short_of_memory_the_store_keeps_the_newest_dossiers(w, monkeypatch, django_capture_on_commit_callbacks):
    if not hasattr(cache, "converge_many"):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    from apps.dossiers import tracking

    with django_capture_on_commit_callbacks(execute=True):
        older, newer = [walk_in(w, at("25/11/2026", f"0{hour}:00")) for hour in (8, 9)]
    cache.delete_many([*tracking.cache_keys(older.code), *tracking.cache_keys(newer.code)])
    monkeypatch.setattr(cache, "nearly_full", lambda: True, raising=False)  # full after the first batch
    assert tracking.store_published(batch=1)[0] == 1
    assert cache.get(tracking_cache_key(newer.code)) is not None
    assert cache.get(tracking_cache_key(older.code)) is None
