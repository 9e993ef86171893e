import pytest
from django.db import connections

from apps.core.db import install_append_only_guard, remove_append_only_guard
from tests.helpers import load_demo_once


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (throttle counters) and no names remembered in process memory (another
    test's database may have given the same ids to other units)."""
    from django.core.cache import cache, caches

    from apps.calendar.selectors import forget_calendars
    from apps.dossiers.tracking import forget_names
    from apps.org.selectors import forget_province_name

    cache.clear()
    caches["fragments"].clear()
    caches["pages"].clear()
    forget_names()
    forget_province_name()
    forget_calendars()
    yield


@pytest.fixture(autouse=True)
def _audit_checkpoints_apart(settings, tmp_path):
    """Each test writes its audit checkpoints beside itself, never into var/ (another database's chain)."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit"


@pytest.fixture
def flushable_db(transactional_db):
    """A transactional database whose teardown may empty the audit table.

    The audit table refuses DELETE, and a transactional test's teardown flushes every table. This fixture sets
    the guard up for the test and drops it just before the flush (it depends on transactional_db, so it is torn
    down first). Use it, not transactional_db, in live-server and threaded tests."""
    install_append_only_guard(connections["default"])
    yield
    remove_append_only_guard(connections["default"])


@pytest.fixture
def demo(db):
    """The demo province, keyed by agency code."""
    from apps.org.models import Unit

    load_demo_once()
    return {unit.agency_code: unit for unit in Unit.objects.exclude(agency_code=None)}
