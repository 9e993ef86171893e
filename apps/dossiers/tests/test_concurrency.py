import pytest
from django.db import connection

from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import receive_concurrently, world

THREADS = 16
PER_THREAD = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency is tested on PostgreSQL")
def test_concurrent_receipts_never_share_a_code(flushable_db):
    codes = receive_concurrently(world(), THREADS, PER_THREAD)
    assert len(codes) == len(set(codes)) == THREADS * PER_THREAD
    assert sorted(int(code[-4:]) for code in codes) == list(range(1, THREADS * PER_THREAD + 1))
    entries = sorted(Dossier.objects.values_list("book_entry", flat=True))
    assert entries == list(range(1, THREADS * PER_THREAD + 1))
