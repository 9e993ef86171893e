"""Rate limits: fixed windows per client, counted where every process sees the same count (issue 10.16)."""

import logging
import multiprocessing

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import RequestFactory

from apps.core.cache import LocalCache, SharedClientRedisCache, SharedCounters
from apps.core.ratelimit import SharedScopedRateThrottle, over_limit, retry_after


def _request(ip: str, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=ip, **headers)


def test_over_limit_counts_per_client_and_window():
    cache.clear()
    with time_machine.travel("2026-11-25 09:00:10 +07:00", tick=False):
        assert [over_limit(_request("10.0.0.1"), "t", 3) for _ in range(4)] == [False, False, False, True]
        assert over_limit(_request("10.0.0.2"), "t", 3) is False  # another citizen is not held back
    with time_machine.travel("2026-11-25 09:01:01 +07:00", tick=False):
        assert over_limit(_request("10.0.0.1"), "t", 3) is False  # a new minute, a new window


def test_retry_after_is_what_is_left_of_the_window():
    # A window of a minute ends at the next whole minute; of an hour, at the next whole hour.
    with time_machine.travel("2026-11-25 09:00:10 +07:00", tick=False):
        assert retry_after(60) == 50
        assert retry_after(3600) == 3590
    with time_machine.travel("2026-11-25 09:00:59.5 +07:00", tick=False):
        assert retry_after(60) == 1  # never 0: "retry now" would be refused again


def test_the_cache_without_redis_counts_on_the_shared_file(settings):
    if settings.CACHES["default"]["BACKEND"] != "apps.core.cache.LocalCache":
        pytest.skip("the cache is Redis")
    assert isinstance(caches["default"], LocalCache)
    assert not hasattr(cache, "count_and_get")  # no per-process copies of the tracking answers
    assert [cache.count("c", 60) for _ in range(3)] == [1, 2, 3]
    cache.clear()  # the tests' own reset clears the counters too
    assert cache.count("c", 60) == 1


def test_shared_counter_restarts_after_its_timeout(tmp_path):
    counters = SharedCounters(tmp_path / "counters.sqlite3")
    with time_machine.travel("2026-11-25 09:00:00 +07:00", tick=False) as clock:
        assert [counters.count("k", 65) for _ in range(3)] == [1, 2, 3]
        clock.shift(64)
        assert counters.count("k", 65) == 4  # the same window still
        clock.shift(1)
        assert counters.count("k", 65) == 1  # 65 s after the first count: a new counter
        assert counters.count("other", 65) == 1


def test_shared_counters_prune_expired_rows(tmp_path):
    counters = SharedCounters(tmp_path / "counters.sqlite3")
    with time_machine.travel("2026-11-25 09:00:00 +07:00", tick=False) as clock:
        for n in range(50):
            counters.count(f"client-{n}", 60)
        clock.shift(3600)
        counters.count("late", 60)
    rows = counters._connection().execute("SELECT key FROM counter").fetchall()
    assert rows == [("late",)]


def test_an_unusable_counter_file_falls_back_to_process_memory(tmp_path, caplog):
    counters = SharedCounters(tmp_path / "missing-directory" / "counters.sqlite3")
    with caplog.at_level(logging.WARNING, logger="congvu.cache"):
        assert [counters.count("k", 60) for _ in range(3)] == [1, 2, 3]  # still counted, in this process
    assert "counting in process memory" in caplog.text


# --- two real processes -------------------------------------------------------------------------------------


def _hit_over_limit(barrier, results, hits: int, limit: int) -> None:
    barrier.wait()  # both processes count at the same moment
    results.put([over_limit(_request("10.9.9.9"), "two-processes", limit, 3600) for _ in range(hits)])


class _HourlyThrottle(SharedScopedRateThrottle):
    THROTTLE_RATES = {"two-processes": "25/hour"}


class _View:
    throttle_scope = "two-processes"


def _hit_throttle(barrier, results, hits: int) -> None:
    barrier.wait()
    results.put([_HourlyThrottle().allow_request(_request("10.9.9.8"), _View()) for _ in range(hits)])


def _in_two_processes(target, *args) -> list[bool]:
    """Run `target` in two forked processes (as gunicorn's workers are), hitting together; every answer."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [context.Process(target=target, args=(barrier, results, *args)) for _ in range(2)]
    for process in processes:
        process.start()
    answers = results.get(timeout=60) + results.get(timeout=60)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return answers


def test_a_limit_holds_across_two_processes():
    """20 a window for a client: two processes hitting 15 times each together let exactly 20 through (each counting
    alone, as with a memory cache per process, would let all 30 through)."""
    if not hasattr(cache, "count"):
        pytest.skip("a cache without shared counters")
    with time_machine.travel("2026-11-25 09:10:00 +07:00", tick=True):  # far from the end of the hour's window
        answers = _in_two_processes(_hit_over_limit, 15, 20)
    assert len(answers) == 30 and answers.count(False) == 20 and answers.count(True) == 10


def test_the_api_throttle_holds_across_two_processes():
    if not hasattr(cache, "count"):
        pytest.skip("a cache without shared counters")
    with time_machine.travel("2026-11-25 09:10:00 +07:00", tick=True):
        answers = _in_two_processes(_hit_throttle, 20)
    assert len(answers) == 40 and answers.count(True) == 25


def test_the_api_throttle_believes_no_forwarded_header_from_the_client():
    """Without a trusted proxy, a client that sends a new X-Forwarded-For each time still has one counter."""
    cache.clear()
    allowed = [
        _HourlyThrottle().allow_request(_request("10.9.9.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), _View())
        for n in range(30)
    ]
    assert allowed.count(True) == 25


def test_redis_counter_is_one_round_trip_and_expires():
    if not isinstance(caches["default"], SharedClientRedisCache):
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    cache.delete("count-test")
    assert [cache.count("count-test", 60) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client()
    assert 0 < client.ttl(cache.make_key("count-test")) <= 60
