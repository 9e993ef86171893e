import pytest
from django.db import connection

from apps.dossiers.tests.factories import receive_concurrently, world
from apps.stats import services
from apps.stats.models import DossierDay

THREADS = 16
PER_THREAD = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency is tested on PostgreSQL")
def test_concurrent_receipts_at_one_desk_are_all_counted(flushable_db):
    """Every receipt recounts the same bucket (one desk, one procedure, one day) while the others commit."""
    receive_concurrently(world(), THREADS, PER_THREAD)
    assert DossierDay.objects.get().received == THREADS * PER_THREAD
    assert services.differences() == []
