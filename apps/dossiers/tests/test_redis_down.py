"""Issue 9.4: with Redis unreachable, pages and API calls answer (no 500): the cache, the public lookup's counter
and DRF's throttles fall back to process memory. Redis here is a closed port; the machine's Redis is untouched."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from apps.core import cache as cache_module
from apps.core.ratelimit import public_lookup_rate
from apps.dossiers.tests.factories import world
from tests.helpers import walk_in

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "apps.core.cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "congvu",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    },
    "fragments": settings.CACHES["fragments"],  # fragments and public pages stay in process memory in any case
    "pages": settings.CACHES["pages"],
}


@pytest.fixture
def redis_down(monkeypatch):
    monkeypatch.setattr(cache_module, "_outages", {}, raising=False)
    with override_settings(CACHES=REDIS_DOWN):
        yield


def test_public_tracking_answers_and_still_counts_the_limit(redis_down):
    w = world()
    dossier = walk_in(w, None)
    limit, _period = public_lookup_rate()
    client = APIClient()
    answers = [client.get(f"/api/v1/public/dossiers/{dossier.code}").status_code for _ in range(limit + 1)]
    assert answers == [200] * limit + [429]  # counted in process memory meanwhile
    assert Client().get(f"/tra-cuu/?ma={dossier.code}").status_code == 200


def test_pages_and_staff_api_answer(redis_down):
    w = world()
    walk_in(w, None)
    assert Client().get("/").status_code == 200
    staff = APIClient()
    staff.force_authenticate(w.clerk)
    assert staff.get("/api/v1/me/").status_code == 200  # DRF's user throttle counts in process memory
    assert staff.get("/api/v1/units/").status_code == 200
