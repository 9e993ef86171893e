"""Issue 9.4: Redis optional at run time. The Redis cache falls back to process memory while Redis is unreachable
(every call answers, none raises), tries Redis again after a few seconds, and then drops there what it wrote
locally meanwhile."""

import os
import time

import pytest

from apps.core import cache as cache_module
from apps.core.cache import SharedClientRedisCache

CLOSED_PORT = "redis://127.0.0.1:1/0"
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


@pytest.fixture(autouse=True)
def _fresh_outages(monkeypatch):
    monkeypatch.setattr(cache_module, "_outages", {}, raising=False)


def redis_cache(location: str) -> SharedClientRedisCache:
    return SharedClientRedisCache(location, {"KEY_PREFIX": "h3test", "OPTIONS": OPTIONS})


def test_every_call_answers_from_memory_while_redis_is_unreachable():
    cache = redis_cache(CLOSED_PORT)
    assert cache.get("missing") is None
    cache.set("answer", {"code": "H98.01-261127-0001"}, 60)
    assert cache.get("answer") == {"code": "H98.01-261127-0001"}
    assert cache.add("answer", "other", 60) is False
    assert cache.get_many(["answer", "missing"]) == {"answer": {"code": "H98.01-261127-0001"}}
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.incr("a") == 2 and cache.has_key("b")
    assert cache.get_or_set("c", 3, 60) == 3
    assert [cache.count("hits", 65) for _ in range(3)] == [1, 2, 3]
    assert cache.count_and_get("hits", 65, "answer") == (4, {"code": "H98.01-261127-0001"})
    assert cache.count_and_get("other-hits", 65, "missing") == (1, None)
    assert cache.count_and_get_many("hits", 65, ["missing", "answer"]) == (5, [None, {"code": "H98.01-261127-0001"}])
    assert cache.delete("answer") is True and cache.get("answer") is None
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b"]) == {}
    cache.clear()


def test_an_unreachable_redis_is_tried_again_only_after_the_back_off(monkeypatch):
    cache = redis_cache(CLOSED_PORT)
    tries = []
    real_on_redis = SharedClientRedisCache._on_redis
    monkeypatch.setattr(
        SharedClientRedisCache, "_on_redis", lambda self, *a: tries.append(a[0]) or real_on_redis(self, *a)
    )
    for _ in range(50):
        cache.get("x")
    assert tries == ["get"]
    now = time.monotonic()
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now + cache_module.RETRY_REDIS_AFTER + 0.1)
    cache.get("x")
    assert tries == ["get"]  # the retry is the recovery's ping, which fails: still down, no call made
    assert cache_module._outage_of(CLOSED_PORT).is_down()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_after_an_outage_redis_forgets_what_changed_meanwhile(monkeypatch):
    cache = redis_cache(os.environ["REDIS_URL"])
    cache.set("tracking:H98.01-261127-0001", "old answer", 300)
    cache.set("tracking:H98.01-261127-0002", "untouched", 300)
    real_on_redis = SharedClientRedisCache._on_redis

    def unreachable(self, *args):
        raise cache_module.RedisConnectionError("Error 111 connecting. Connection refused.")

    monkeypatch.setattr(SharedClientRedisCache, "_on_redis", unreachable)
    cache.delete("tracking:H98.01-261127-0001")  # a change during the outage drops the answer locally only
    assert cache.get("tracking:H98.01-261127-0001") is None
    monkeypatch.setattr(SharedClientRedisCache, "_on_redis", real_on_redis)
    now = time.monotonic()
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now + cache_module.RETRY_REDIS_AFTER + 0.1)
    assert cache.get("tracking:H98.01-261127-0001") is None  # not the old answer Redis kept
    assert cache.get("tracking:H98.01-261127-0002") == "untouched"
    cache.delete_many(["tracking:H98.01-261127-0001", "tracking:H98.01-261127-0002"])


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_after_an_outage_the_marks_are_dropped_and_nothing_written_meanwhile_is_kept_locally(monkeypatch):
    """A mark saying Redis holds a complete store is untrue after an outage (a process that wrote meanwhile may be
    gone, with its list of keys to drop); what was written locally during one outage must not answer in the next."""
    monkeypatch.setattr(cache_module, "_dropped_after_outage", {"store-complete"})
    cache = redis_cache(os.environ["REDIS_URL"])
    cache.set("store-complete", 1, 300)
    real_on_redis = SharedClientRedisCache._on_redis

    def unreachable(self, *args):
        raise cache_module.RedisConnectionError("Error 111 connecting. Connection refused.")

    monkeypatch.setattr(SharedClientRedisCache, "_on_redis", unreachable)
    cache.set("answer", "published during the first outage", 3600)
    monkeypatch.setattr(SharedClientRedisCache, "_on_redis", real_on_redis)
    now = time.monotonic()
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now + cache_module.RETRY_REDIS_AFTER + 0.1)
    assert cache.get("store-complete") is None
    cache.set("answer", "published after it", 3600)
    cache._outage.down_until = now + 2 * cache_module.RETRY_REDIS_AFTER  # a second outage
    assert cache.get("answer") is None  # not the first outage's answer
    cache._outage.down_until = 0.0
    cache.delete("answer")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_a_fill_travels_with_the_next_lookup_and_is_dropped_when_none_comes_soon(monkeypatch):
    cache = redis_cache(os.environ["REDIS_URL"])
    cache.delete_many(["fill:a", "fill:b"])
    cache.add_soon("fill:a", "read at once", 60)
    assert cache.get("fill:a") is None  # not sent on its own
    assert cache.count_and_get("fill-hits", 65, "fill:a") == (1, None)  # sent with this round trip, after the GET
    assert cache.get("fill:a") == "read at once"
    cache.add_soon("fill:a", "older", 60)  # SET NX: never replaces what is there
    cache.add_soon("fill:b", "read long ago", 60)
    later = time.monotonic() + cache_module.SOON_SECONDS + 1
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: later)
    cache.count_and_get("fill-hits", 65, "fill:a")
    assert cache.get("fill:a") == "read at once" and cache.get("fill:b") is None
    cache.delete_many(["fill:a", "fill:b", "fill-hits"])


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_a_set_soon_replaces_what_is_there_and_several_keys_come_back_in_one_round_trip():
    cache = redis_cache(os.environ["REDIS_URL"])
    cache.delete_many(["fill:a", "fill:b", "fill-hits"])
    cache.set("fill:a", "read before a change", 60)
    cache.set_soon("fill:a", "read after it", 60)  # a plain SET, unlike add_soon's SET NX
    assert cache.count_and_get_many("fill-hits", 65, ["fill:a", "fill:b"]) == (1, ["read before a change", None])
    assert cache.count_and_get_many("fill-hits", 65, ["fill:b", "fill:a"]) == (2, [None, "read after it"])
    cache.delete_many(["fill:a", "fill:b", "fill-hits"])


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_a_refused_fill_leaves_no_answer_unread_on_the_connection():
    """Every answer of a round trip is read, errors included: the next call never reads the previous call's."""
    cache = redis_cache(os.environ["REDIS_URL"])
    cache.set("fill:a", "value of a", 60)
    cache.set("fill:b", "value of b", 60)
    cache._soon.append((time.monotonic() + 60, ("SET", "fill:broken")))  # Redis answers with an error
    assert cache.count_and_get("fill-hits", 65, "fill:a")[1] == "value of a"
    assert [cache.get("fill:b"), cache.get("fill:a"), cache.get("fill:b")] == ["value of b", "value of a", "value of b"]
    cache.delete_many(["fill:a", "fill:b", "fill-hits"])


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_converge_puts_in_what_is_missing_keeps_what_agrees_and_drops_what_differs():
    cache = redis_cache(os.environ["REDIS_URL"])
    client = cache._cache.get_client()
    cache.set("store:same", "as read", 30)
    cache.set("store:newer", "written after the read", 30)
    cache.delete("store:missing")
    read = {"store:missing": "as read", "store:same": "as read", "store:newer": "as read"}
    assert cache.converge_many(read, 3600) == 1
    assert cache.get("store:missing") == "as read" and 3500 < client.ttl(cache.make_key("store:missing")) <= 3600
    assert cache.get("store:same") == "as read" and 3500 < client.ttl(cache.make_key("store:same")) <= 3600
    assert cache.get("store:newer") is None  # never overwritten: the next reader takes the source's
    assert cache.converge_many({}, 3600) == 0
    cache.delete_many(list(read))


def test_converge_does_nothing_while_redis_is_unreachable():
    cache = redis_cache(CLOSED_PORT)
    assert cache.converge_many({"store:a": "as read"}, 3600) is None  # nothing written
    assert cache.get("store:a") is None  # no copy of the source kept in process memory


class _Info:
    def __init__(self, used: int, maxmemory: int):
        self.memory = {"used_memory": used, "maxmemory": maxmemory}

    def info(self, section):
        assert section == "memory"
        return self.memory


@pytest.mark.parametrize(("used", "maxmemory", "full"), [(950, 1000, True), (850, 1000, False), (10**9, 0, False)])
def test_nearly_full_is_nine_tenths_of_maxmemory_and_never_without_one(monkeypatch, used, maxmemory, full):
    cache = redis_cache(CLOSED_PORT)
    monkeypatch.setattr(cache._cache, "get_client", lambda *args, **kwargs: _Info(used, maxmemory))
    assert cache.nearly_full() is full


def test_nearly_full_is_false_while_redis_is_unreachable():
    assert redis_cache(CLOSED_PORT).nearly_full() is False
