"""Fuzzing the API from its own OpenAPI schema (schemathesis): every operation, once anonymous and once as a
desk clerk, bounded and seeded so that `make test` stays within minutes. No answer may be a server error, and every
answer must be what the schema says (documented status code, content type and body)."""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from congvu.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

UNLIMITED = dict.fromkeys(("anon", "user", "public_lookup", "public_submit", "exchange_refused"), "1000000/second")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(demo, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", UNLIMITED)
    # As Django's test client does: the handler would otherwise close the test's connection (it is inside the
    # test transaction) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz(schema, headers: dict) -> list[str]:
    """Every operation in positive and negative mode; the failures, one line each."""
    failures, calls = [], Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @BOUNDED
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                calls[case.operation.label] += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to break in this mode: e.g. no parameter that could be made invalid
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:2000]}")
    # Every operation was really called (one without any input needs a single call), ~40 times each.
    assert len(calls) >= 28 and sum(calls.values()) >= 28 * 30, calls
    return failures


def test_api_answers_anonymous_callers_as_documented(api_schema):
    failures = fuzz(api_schema, {})
    assert not failures, "\n\n".join(failures)


def test_api_answers_staff_as_documented(api_schema):
    from apps.org.models import User

    token, _ = Token.objects.get_or_create(user=User.objects.get(username="motcua.anphu"))
    failures = fuzz(api_schema, {"Authorization": f"Token {token.key}"})
    assert not failures, "\n\n".join(failures)
