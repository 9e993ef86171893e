"""A small fixed-window rate limit on the cache, for public pages (the API uses DRF throttles on the same cache)."""

import time

from django.core.cache import cache

from apps.core.middleware import client_ip


def window_key(request, scope: str, period: int) -> str:
    """The counter of this client in the current fixed window."""
    return f"ratelimit:{scope}:{client_ip(request)}:{int(time.time() // period)}"


def over_limit(request, scope: str, limit: int, period: int = 60) -> bool:
    """Count this request; True once the client has made more than `limit` in the current window.
    On Redis one round trip; on other caches one in the steady state (incr), two when a window starts."""
    key = window_key(request, scope, period)
    if hasattr(cache, "count"):  # Redis: one round trip
        return cache.count(key, period + 5) > limit
    try:
        return cache.incr(key) > limit
    except ValueError:  # no counter yet in this window
        if not cache.add(key, 1, period + 5):
            return cache.incr(key) > limit
        return False
