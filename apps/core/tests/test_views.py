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
    assert body["status"] == "error" and body["checks"]["queue"].startswith("error: ConnectionError")
    assert body["checks"]["database"] == "ok"
