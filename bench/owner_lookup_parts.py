"""Bench: the owner's lookup with and without the work of its own, in this process (issue 13: against the API).

The owner's POST lookup (`/tra-cuu/`, code and phone) is measured through the app's WSGI handler as it is and with
every piece of its own work taken out (`pieces`), in turn with the tracking API and the bare view. What is left
with all of them out is what a posted form answered ahead of the middleware costs before it does anything of its
own: the floor the owner's lookup cannot go under while it is a Django form. Pieces are taken out by putting a
stand-in in their place for the measurement only (several are security checks): a stand-in does nothing, or gives
again what the piece gave the first time for the same input. One piece at a time moves the figure less than the
run's noise (±40 µs on 2 cores), so they are only taken out together.

Needs Redis (the owner's details are sealed there) and generated data in the database the environment points to;
the owners' details and answers are read into Redis by the warm-up's own lookups, in the bench's own Redis database
(--redis-db, emptied first, never another).

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379 .venv/bin/python bench/owner_lookup_parts.py
    REDIS_URL=redis://127.0.0.1:6379 .venv/bin/python bench/owner_lookup_parts.py              # SQLite
    ... bench/owner_lookup_parts.py --profile    # and where the time of each goes, profiled (read its shares)
"""

import argparse
import cProfile
import gc
import os
import re
import sys
import time
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")

from bench.public_pages import UNLIMITED, sample_data, wsgi_request  # noqa: E402


@contextmanager
def replaced(owner, name: str, stand_in):
    original = getattr(owner, name)
    setattr(owner, name, stand_in(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


def remembered(key=lambda *args, **kwargs: args):
    """A stand-in maker: the stand-in gives, for each `key` of its input, what the piece gave the first time."""

    def stand_in_for(function):
        given = {}

        def stand_in(*args, **kwargs):
            known = key(*args, **kwargs)
            if known not in given:
                given[known] = function(*args, **kwargs)
            return given[known]

        return stand_in

    return stand_in_for


def pieces() -> dict:
    """Each piece of the owner's own work → a context manager taking it out."""
    from apps.core.middleware import PublicReadMiddleware
    from apps.dossiers import tracking
    from apps.portal import citizen

    return {
        "Django's CSRF check and cookie": lambda: replaced(
            PublicReadMiddleware, "_posted", lambda _original: lambda self, request, form: form(request)
        ),
        "the visitor's masked CSRF token": lambda: replaced(citizen, "with_token", lambda _o: lambda r, shell: shell),
        "opening the sealed details": lambda: replaced(tracking, "open_owner", remembered()),
        "unpacking the public part": lambda: replaced(tracking, "unpacked", remembered()),
        "the frame from the page cache": lambda: replaced(
            citizen, "shell_for", remembered(lambda request, name, *more, **kw: name)
        ),
        "the owner's lines": lambda: replaced(tracking, "with_owner", lambda _o: lambda part, *more: part),
        "signing the rating link": lambda: replaced(citizen, "_rating_link", lambda _o: lambda code, owner: None),
    }


def loop(app, path, runs: int) -> float:
    """µs per request over `runs` requests, the n-th for `path(n)`."""
    started = time.perf_counter()
    for n in range(runs):
        wsgi_request(app, path(n))
    return (time.perf_counter() - started) / runs * 1e6


def with_and_without(app, kinds: dict, take_out, runs: int, repeats: int) -> tuple[dict, dict]:
    """µs per request of each kind as it is and with `take_out()` in force: the best of `repeats` loops each, the
    two measured in turn so that the machine's drift over the run falls on both alike."""
    as_is, without = dict.fromkeys(kinds, float("inf")), dict.fromkeys(kinds, float("inf"))
    for _repeat in range(repeats):
        for kind, path in kinds.items():
            as_is[kind] = min(as_is[kind], loop(app, path, runs))
            with take_out():
                without[kind] = min(without[kind], loop(app, path, runs))
    return as_is, without


@contextmanager
def all_taken_out():
    with ExitStack() as stack:
        for take_out in pieces().values():
            stack.enter_context(take_out())
        yield


# What --profile reads of each request: the functions, as (the end of their file's path, their name).
PROFILED = {
    "the whole WSGI handler": [("django/core/handlers/wsgi.py", "__call__")],
    "the fast path's checks": [("apps/core/middleware.py", "_form_here"), ("apps/core/middleware.py", "_served_here")],
    "  reading and parsing the body": [("django/http/request.py", "_load_post_and_files")],
    "the Redis round trip": [("apps/core/cache.py", "_count_and_get_many")],
    "the answer": [("apps/core/middleware.py", "_answer")],
    "the CSP header": [("csp/middleware.py", "process_response")],
}


def profiled(app, path, runs: int, take_out=nullcontext) -> dict[str, float]:
    """Profiled µs per request spent in each of PROFILED (a profiler about doubles what it measures: read shares)."""
    profile = cProfile.Profile()
    with take_out():
        for n in range(runs):
            wsgi_request(app, path(n))
        profile.enable()
        for n in range(runs):
            wsgi_request(app, path(n))
        profile.disable()
    profile.create_stats()
    spent = dict.fromkeys(PROFILED, 0.0)
    for (filename, _line, function), (*_counts, cumulative, _callers) in profile.stats.items():
        for label, functions in PROFILED.items():
            if any(filename.endswith(file) and function == name for file, name in functions):
                spent[label] += cumulative / runs * 1e6
    return spent


def print_profile(app, kinds: dict, runs: int) -> None:
    columns = {"API": profiled(app, kinds["API"], runs), "floor": profiled(app, kinds["owner"], runs, all_taken_out),
               "owner": profiled(app, kinds["owner"], runs)}  # fmt: skip
    print("profiled µs per request" + "".join(f"{name:>10}" for name in columns))
    for label in PROFILED:
        print(f"  {label:<34}" + "".join(f"{spent[label]:10.0f}" for spent in columns.values()))


def print_row(label: str, spent: dict[str, float]) -> None:
    print(f"  {label:<40} owner {spent['owner']:5.0f}   API {spent['API']:5.0f}   bare {spent['bare view']:5.0f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owners", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--redis-db", type=int, default=12, help="the bench's own Redis database, emptied first")
    parser.add_argument("--profile", action="store_true", help="also where the time goes, profiled, for each kind")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        print("the owner's details are sealed in Redis: set REDIS_URL", file=sys.stderr)
        return 2
    os.environ["REDIS_URL"] = re.sub(r"/\d+$", "", os.environ["REDIS_URL"].rstrip("/")) + f"/{args.redis_db}"
    os.environ.update(ROOT_URLCONF="bench.urls", THROTTLE_PUBLIC_LOOKUP=UNLIMITED, THROTTLE_TRACKING_PAGE=UNLIMITED)
    import django

    django.setup()
    import redis
    from django.core.handlers.wsgi import WSGIHandler

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # the bench's own database only
    data = sample_data(args.owners)
    owners = data["owners"]
    del data  # a million codes the loops do not need; the rest is frozen out of the collector's walks
    gc.collect()
    gc.freeze()
    kinds = {
        "bare view": lambda n: "/bench/bare",
        "API": lambda n: f"/api/v1/public/dossiers/{owners[n % len(owners)].split()[0]}",
        "owner": lambda n: ("/tra-cuu/", owners[n % len(owners)]),
    }
    app = WSGIHandler()
    for _warm in range(2):  # a miss reads the tables and sends its fill with the next round trip
        for n in range(len(owners)):
            wsgi_request(app, kinds["API"](n))
            wsgi_request(app, kinds["owner"](n))
    print(f"{len(owners):,} owners, {args.runs} requests a loop, best of {args.repeats} loops; µs per request")
    as_is, without = with_and_without(app, kinds, all_taken_out, args.runs, args.repeats)
    print_row("as it is", as_is)
    print_row("without all of them", without)
    if args.profile:
        print_profile(app, kinds, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
