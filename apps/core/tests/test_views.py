import pytest

from apps.core import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok", "storage": "ok"}}


def test_healthz_is_503_when_a_part_is_down(client, monkeypatch):
    def queue_down():
        raise ConnectionError("redis unreachable")

    monkeypatch.setitem(health.CHECKS, "queue", queue_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["checks"]["queue"] == "error"  # the reason goes to the log only
    assert body["checks"]["database"] == "ok"


def test_openapi_schema_validates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "congvu.settings", "HTTPS": "1", "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "congvu.example.gov.vn", "CONGVU_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests of this process only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_page_names_its_icon_so_no_browser_asks_for_a_missing_favicon(client):
    """Without a declared icon a browser asks /favicon.ico, which is not served: a 404 in every visitor's console."""
    from pathlib import Path

    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    assert f'<link rel="icon" href="{static("img/favicon.svg")}"' in client.get("/").content.decode()
    found = finders.find("img/favicon.svg")
    assert found and Path(found).read_text(encoding="utf-8").startswith("<svg")
