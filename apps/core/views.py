"""Health check and the error answers: JSON in the one API error shape under /api/, Vietnamese pages elsewhere.

The error pages are rendered without the request's context processors (they read the database, which may be the
very thing that is down) and never show an exception's text."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.api import standard_error_body
from apps.core.health import run_checks

API_PREFIX = "/api/"
DATABASE_RETRY_AFTER_SECONDS = 30


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def error_answer(request, code: str, status: int, template: str, message: str | None = None) -> HttpResponse:
    """One error for an API client (the error shape) or a person (a Vietnamese page)."""
    if is_api_request(request):
        body = standard_error_body(code)
        if message:
            body["message"] = message
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(render_to_string(template, {"message": message}), status=status)


def database_unavailable(request) -> HttpResponse:
    response = error_answer(request, "database_unavailable", 503, "503.html")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception=None):
    return error_answer(request, "invalid", 400, "400.html")


def permission_denied(request, exception=None):
    return error_answer(request, "permission_denied", 403, "403.html")


def page_not_found(request, exception=None):
    return error_answer(request, "not_found", 404, "404.html")


def server_error(request):
    # Django calls this while handling the exception: a database that cannot be reached is a 503, not a 500.
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return error_answer(request, "server_error", 500, "500.html")
