from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from apps.documents import services
from apps.documents.models import OutgoingDocument
from apps.documents.tests.factories import draft, world

THREADS = 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency is tested on PostgreSQL")
def test_concurrent_releases_never_share_a_number(flushable_db):
    w = world()
    drafts = [draft(w) for _ in range(THREADS * 2)]

    def release(document):
        try:
            return services.outgoing_release(actor=w.clerk, document=document).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = list(pool.map(release, drafts))
    assert sorted(numbers) == list(range(1, THREADS * 2 + 1))  # gap-free, none shared
    stored = OutgoingDocument.objects.values_list("number", flat=True)
    assert sorted(stored) == list(range(1, THREADS * 2 + 1))
