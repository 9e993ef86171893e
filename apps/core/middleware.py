import logging
import re

from apps.core import context
from apps.core.api import message_for
from apps.core.views import database_unavailable, error_answer, is_database_unavailable

logger = logging.getLogger(__name__)

# A NUL character inside a JSON string can only be the escape \u0000 (an odd number of backslashes before u0000).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_URLENCODED = "application/x-www-form-urlencoded"
_FORM_TYPES = {_URLENCODED, "multipart/form-data"}


def client_ip(request) -> str | None:
    """The client address. Behind a proxy, set TRUSTED_PROXY so that X-Forwarded-For is believed."""
    from django.conf import settings

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "TRUSTED_PROXY", False):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class LanguageMiddleware:
    """Vietnamese unless the person chose another language with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers here are set to
    English: a Vietnamese public service must not greet its citizens in English by accident."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        activate_language(request, language)
        return with_language(self.get_response(request), language)


def activate_language(request, language: str) -> None:
    from django.utils import translation

    translation.activate(language)
    request.LANGUAGE_CODE = language


def with_language(response, language: str):
    """A response in `language`, which the language cookie chose: it varies with the cookie."""
    response.headers.setdefault("Content-Language", language)
    vary = response.headers.get("Vary", "")
    if "Cookie" not in vary:
        response.headers["Vary"] = f"{vary}, Cookie" if vary else "Cookie"
    return response


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        token = context.set_current(
            context.RequestContext(
                user_id=user.pk if authenticated else None,
                user_label=user.get_username() if authenticated else "",
                ip=client_ip(request),
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


def _has_nul(pairs) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in pairs)


def carries_nul(request) -> bool:
    """A NUL character in the path, the query, a form's fields or a JSON body. PostgreSQL cannot store or even
    compare text holding one, so it would fail deep inside as a server error (a lookup by code, a search). Uploaded
    files may hold NUL bytes: only the text fields of a multipart form are read. A body Django cannot parse raises
    here as it would in the view (a 400)."""
    if "\x00" in request.path or _has_nul(request.GET.lists()):
        return True
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    if request.content_type in _FORM_TYPES:
        return _has_nul(request.POST.lists())
    if request.content_type == "application/json" or request.content_type.endswith("+json"):
        return bool(_JSON_NUL.search(request.body)) or b"\x00" in request.body
    return False


class RejectNulMiddleware:
    """Refuses a NUL character anywhere in the input with a 400 at the edge, before any view or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return error_answer(request, "invalid", 400, "400.html", message=message_for("null_character"))
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 (a Vietnamese page, or the API error shape), not a 500
    with a trace. Errors raised outside views reach the same answer through handler500 (apps.core.views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return answer_database_unavailable(request, exception)


def answer_database_unavailable(request, exception):
    """The 503 for an exception that says the database cannot be reached; None for any other."""
    if not is_database_unavailable(exception):
        return None
    logger.warning("database unavailable: %s %s", request.method, request.path, exc_info=exception)
    return database_unavailable(request)


def _declared_body_length(request) -> int | None:
    try:
        return int(request.META["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        return None


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is over settings.MAX_REQUEST_BODY with a 413, before anything reads
    it (Django would stream a file upload of any size to a temporary file first).

    A body sent in chunks without Content-Length is refused too (411): Django never reads such a body (the WSGI
    request limits its stream to the declared length, 0), so it could only be silently lost."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        declared = _declared_body_length(request)
        if declared is not None and declared > settings.MAX_REQUEST_BODY:
            return self.refuse(request, 413, "body_too_large", settings.MAX_REQUEST_BODY)
        if declared is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.refuse(request, 411, "length_required", settings.MAX_REQUEST_BODY)
        return self.get_response(request)

    @staticmethod
    def refuse(request, status: int, code: str, limit: int):
        from django.http import HttpResponse, JsonResponse
        from django.template.loader import render_to_string
        from django.utils.translation import gettext as _

        from apps.core.api import error_body
        from apps.core.views import is_api_request

        if status == 413:
            message = _("Dữ liệu gửi lên quá lớn (tối đa %(mb)d MB một lần gửi).") % {"mb": limit // (1024 * 1024)}
        else:
            message = _("Yêu cầu cần ghi rõ độ dài dữ liệu gửi lên (Content-Length).")
        if is_api_request(request):
            response = JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})
        else:
            response = HttpResponse(render_to_string("413.html", {"message": message}), status=status)
        response["Connection"] = "close"  # the unread body must not be taken for the next request
        return response


class PublicReadMiddleware:
    """The busiest anonymous requests, answered ahead of the middleware they never use: the session, CSRF (but for
    a form, see below), authentication, messages, htmx, django-axes and the URL resolver cost about as much again
    as the answer itself, taken from Redis.

    - settings.PUBLIC_FAST_READS (a URL's name → the function that answers it, given the URL's one argument): a
      plain GET, such as the tracking API.
    - settings.PUBLIC_FAST_FORMS (a URL's name → a function given the request, answering it or returning None):
      a form posted to its page, such as the owner's tracking lookup, by a visitor with no session and no message
      waiting, once Django's own CsrfViewMiddleware passed it; what the function does not answer takes the chain.

    Only the default language is answered here: with a query string, a NUL character or another language's cookie
    the request takes the whole chain. What the chain would give it, it still gets: the security, CSP and
    X-Frame-Options headers (those middleware come first), the host check, the language and its Vary, the client's
    address in the request context, and a 503 when the database is down."""

    def __init__(self, get_response):
        from django.conf import settings
        from django.middleware.csrf import CsrfViewMiddleware
        from django.utils.module_loading import import_string

        self.get_response = get_response
        self.views = {name: import_string(path) for name, path in settings.PUBLIC_FAST_READS.items()}
        self.forms = {name: import_string(path) for name, path in settings.PUBLIC_FAST_FORMS.items()}
        self.csrf = CsrfViewMiddleware(get_response)
        self._routes_of: dict[tuple, tuple] = {}

    def __call__(self, request):
        if request.method == "GET":
            served = self._served_here(request)
            if served is not None:
                view, argument = served
                return self._answer(request, lambda: view(request, argument))
        elif request.method == "POST":
            form = self._form_here(request)
            if form is not None:
                response = self._answer(request, lambda: self._posted(request, form))
                if response is not None:
                    return response
        return self.get_response(request)

    def _served_here(self, request):
        if request.META.get("QUERY_STRING") or "\x00" in request.path or not _in_default_language(request):
            return None
        for prefix, view in self._routes()[0]:
            if request.path.startswith(prefix):
                argument = request.path[len(prefix) :]
                return None if not argument or "/" in argument else (view, argument)
        return None

    def _form_here(self, request):
        from django.conf import settings

        from apps.core.pagecache import shared_page

        form = self._routes()[1].get(request.path)
        if form is None or request.META.get("QUERY_STRING") or request.content_type != _URLENCODED:
            return None
        if settings.CSRF_USE_SESSIONS or not shared_page(request, any_method=True):  # no session is loaded here
            return None
        return form if _in_default_language(request) and not carries_nul(request) else None

    def _posted(self, request, form):
        """The form's answer, once Django's CSRF check passed it (its refusal otherwise); None: take the chain."""
        self.csrf.process_request(request)
        response = self.csrf.process_view(request, form, (), {}) or form(request)
        return None if response is None else self.csrf.process_response(request, response)

    def _routes(self) -> tuple[list, dict]:
        """From the URLconf in use (tests may swap it): (path before the argument, view) of each fast read, and
        path → function of each fast form."""
        from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

        known = (get_urlconf(), get_script_prefix())
        if known not in self._routes_of:
            reads, forms = [], {}
            for name, view in self.views.items():
                try:
                    reads.append((reverse(name, args=["0"])[:-1], view))
                except NoReverseMatch:
                    continue
            for name, form in self.forms.items():
                try:
                    forms[reverse(name)] = form
                except NoReverseMatch:
                    continue
            self._routes_of[known] = (reads, forms)
        return self._routes_of[known]

    @staticmethod
    def _answer(request, respond):
        """`respond()`'s answer as the chain would send it; None when `respond` leaves the request to the chain."""
        from django.conf import settings

        request.get_host()  # a host not allowed raises DisallowedHost (a 400), as CommonMiddleware would
        activate_language(request, settings.LANGUAGE_CODE)
        token = context.set_current(context.RequestContext(ip=client_ip(request)))
        try:
            response = respond()
        except Exception as exception:
            response = answer_database_unavailable(request, exception)
            if response is None:
                raise
        finally:
            context.reset(token)
        if response is None:
            return None
        response.headers["Content-Length"] = str(len(response.content))
        return with_language(response, settings.LANGUAGE_CODE)


def _in_default_language(request) -> bool:
    from django.conf import settings

    return request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE
