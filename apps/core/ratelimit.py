"""Fixed-window rate limits for the public pages and the API, counted where every process sees the same count.

With Redis: one INCR + EXPIRE round trip (SharedClientRedisCache.count), shared by every process and machine.
Without Redis (the embedded setup: gunicorn's workers each with their own memory cache): LocalCache.count, one
atomic upsert in a small SQLite file under var/ that every process of the machine opens (apps.core.cache).
Any other cache (a test's plain LocMemCache): incr/add, counted per process."""

import math
import time

from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from apps.core.middleware import client_ip


def window_key(request, scope: str, period: int) -> str:
    """The counter of this client in the current fixed window."""
    return f"ratelimit:{scope}:{client_ip(request)}:{int(time.time() // period)}"


def retry_after(period: int) -> int:
    """Whole seconds until the current window of `period` seconds ends (the Retry-After of a refused request)."""
    return max(1, math.ceil(period - time.time() % period))


def count_hit(key: str, period: int) -> int:
    """Add one to the counter `key` of a window of `period` seconds; the count so far in that window."""
    if hasattr(cache, "count"):  # Redis, or the machine's shared counters: one call
        return cache.count(key, period + 5)
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet in this window
        if cache.add(key, 1, period + 5):
            return 1
        return cache.incr(key)


def over_limit(request, scope: str, limit: int, period: int = 60) -> bool:
    """Count this request; True once the client has made more than `limit` in the current window."""
    return count_hit(window_key(request, scope, period), period) > limit


class SharedScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle counted like `over_limit`: a fixed window, one atomic count on the shared counters
    (DRF's own keeps a list of timestamps with a get and a set, which two processes can interleave, and in a
    memory cache each process keeps its own). The client is `client_ip` (X-Forwarded-For only from a trusted
    proxy: DRF would believe any client's header and let it pick a fresh counter per request)."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        key = self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
        return count_hit(f"{key}:{int(time.time() // self.duration)}", self.duration) <= self.num_requests

    def wait(self):
        return retry_after(self.duration)


class PublicThrottle(SharedScopedRateThrottle):
    """The public endpoints' throttle (the view names its scope: public_lookup, public_submit…), shared by every app
    so that none imports another's API for it."""

    scope_attr = "throttle_scope"


def public_lookup_rate(scope: str = "public_lookup") -> tuple[int, int]:
    """(requests, seconds) of a public throttle rate (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES)."""
    throttle = PublicThrottle()
    throttle.scope = scope
    return throttle.parse_rate(throttle.get_rate())
