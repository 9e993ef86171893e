import time_machine
from django.core.cache import cache
from django.test import RequestFactory

from apps.core.ratelimit import over_limit


def _request(ip: str):
    return RequestFactory().get("/", REMOTE_ADDR=ip)


def test_over_limit_counts_per_client_and_window():
    cache.clear()
    with time_machine.travel("2026-11-25 09:00:10 +07:00", tick=False):
        assert [over_limit(_request("10.0.0.1"), "t", 3) for _ in range(4)] == [False, False, False, True]
        assert over_limit(_request("10.0.0.2"), "t", 3) is False  # another citizen is not held back
    with time_machine.travel("2026-11-25 09:01:01 +07:00", tick=False):
        assert over_limit(_request("10.0.0.1"), "t", 3) is False  # a new minute, a new window


def test_redis_counter_is_one_round_trip_and_expires():
    if not hasattr(cache, "count"):
        import pytest

        pytest.skip("the cache is not Redis (set REDIS_URL)")
    cache.delete("count-test")
    assert [cache.count("count-test", 60) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client()
    assert 0 < client.ttl(cache.make_key("count-test")) <= 60
