"""The Content-Security-Policy header is the library's policy of the settings, built once until a setting changes;
a view that changes its policy still gets its own."""

import pytest
from csp import middleware, utils
from django.test import override_settings

from apps.core import csp_policy

pytestmark = pytest.mark.django_db
HEADER = "Content-Security-Policy"


def test_the_middleware_builds_the_policy_through_the_memo():
    assert middleware.build_policy is csp_policy.build_policy


def test_every_page_carries_the_policy_the_library_builds_from_the_settings(client):
    expected = utils.build_policy()  # the library's own function, called directly
    assert "script-src 'self'" in expected and "'unsafe-inline'" not in expected
    assert client.get("/")[HEADER] == expected
    assert client.get("/tra-cuu/")[HEADER] == expected
    assert "Content-Security-Policy-Report-Only" not in client.get("/")  # none is set: none is sent


def test_a_changed_setting_changes_the_policy_at_once(client):
    client.get("/")
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert client.get("/")[HEADER] == "default-src 'none'"
    assert client.get("/")[HEADER] == utils.build_policy()


def test_a_view_that_relaxes_its_policy_still_gets_its_own(client):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "style-src 'self' 'unsafe-inline'" in docs[HEADER]
    assert "'unsafe-inline'" not in client.get("/")[HEADER]  # the relaxed policy is never kept for others
