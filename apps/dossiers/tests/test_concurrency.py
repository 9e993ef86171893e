from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from apps.dossiers import services
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, world

THREADS = 16
PER_THREAD = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency is tested on PostgreSQL")
def test_concurrent_receipts_never_share_a_code(flushable_db):
    w = world()
    paper_ids = w.paper_ids()

    def receive_some(_index):
        try:
            return [
                services.dossier_receive_walk_in(
                    actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=paper_ids
                ).code
                for _ in range(PER_THREAD)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        codes = [code for batch in pool.map(receive_some, range(THREADS)) for code in batch]
    assert len(codes) == len(set(codes)) == THREADS * PER_THREAD
    assert sorted(int(code[-4:]) for code in codes) == list(range(1, THREADS * PER_THREAD + 1))
    entries = sorted(Dossier.objects.values_list("book_entry", flat=True))
    assert entries == list(range(1, THREADS * PER_THREAD + 1))
