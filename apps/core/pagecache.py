"""Public pages that every anonymous visitor sees alike (the catalogue and its searches, a procedure, the published
answers, the service-quality dashboard) are rendered once and served from the cache for a short while. The copies
live in each process's memory (the "pages" cache, a few hundred entries): no round trip, and however many distinct
addresses a client asks for, they can only push older copies out, never fill Redis.

What differs from one visitor to the next is the CSRF token (the language switch and the forms post with it): the
page is stored with a placeholder where the token was and each answer gets the visitor's own token, so the cookie
and the token still match. A page is stored and served only for a visitor with no session (never signed in, no
message waiting to be shown), only for a GET answered 200, per language and full address. The cached copy may lag
the data by `PUBLIC_PAGE_CACHE_SECONDS` (30 s by default; 0 turns it off).
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

PLACEHOLDER = "__csrf_token_of_this_visitor__"
MAX_ADDRESS = 300  # longer addresses (no real search is) are rendered for each request
_TOKEN = re.compile(r'<meta name="csrf-token" content="([A-Za-z0-9]{32,64})">')


def cached_for_anonymous(scope: str):
    """Decorator for a public view whose page depends only on its address and the language."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
            if not seconds or not shared_page(request):
                return view(request, *args, **kwargs)
            key, cache = _key(scope, request), caches["pages"]
            page = cache.get(key)
            if page is not None:
                return answer(request, page)
            response = view(request, *args, **kwargs)
            page = _storable(request, response)
            if page is not None:
                cache.set(key, page, seconds)
            return response

        return wrapper

    return decorator


def shared_page(request, *, any_method: bool = False) -> bool:
    """Whether this visitor gets the pages every visitor shares: no session (never signed in), no message waiting."""
    return (
        (any_method or request.method == "GET")
        and len(request.get_full_path()) <= MAX_ADDRESS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(scope: str, request) -> str:
    address = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"page:{scope}:{translation.get_language()}:{address}"


def _storable(request, response) -> str | None:
    """The page with the visitor's token replaced by the placeholder; None when it must not be shared: not a plain
    200 HTML page, a cookie set by the view, the session written or a message shown."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    session, messages = getattr(request, "session", None), getattr(request, "_messages", None)
    if (session is not None and session.modified) or (messages is not None and (messages.used or len(messages))):
        return None
    html = response.content.decode()
    found = _TOKEN.search(html)
    if found is None or PLACEHOLDER in html:  # an address carrying the placeholder would get the token echoed
        return None
    return html.replace(found.group(1), PLACEHOLDER)


def shell_for(request, name: str, render: Callable[[], HttpResponse] | None, *, any_method: bool = False) -> str | None:
    """A page's frame rendered once per process and language for the visitors who share pages (a GET, no session,
    no message), with the CSRF placeholder and the marks `render` put where each request's own parts go: the caller
    fills them in and sends it with `answer`. None for any other visitor, or when the frame must not be shared, or
    is not rendered yet and `render` is None. `any_method`: the frame is the same whatever the method (a form
    posted back to its own page)."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if not seconds or not shared_page(request, any_method=any_method):
        return None
    key, cache = f"shell:{name}:{translation.get_language()}", caches["pages"]
    shell = cache.get(key)
    if shell is None and render is not None:
        shell = _storable(request, render())
        if shell is not None:
            cache.set(key, shell, seconds)
    return shell


def with_token(request, page: str) -> str:
    """A stored page (or frame) with the visitor's own CSRF token: put in before anything else is, so that nothing
    put in later can carry the placeholder and get the token written into it."""
    return page.replace(PLACEHOLDER, get_token(request))


def answer(request, page: str) -> HttpResponse:
    return HttpResponse(with_token(request, page))
