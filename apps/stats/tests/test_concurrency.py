from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from apps.dossiers import services as dossiers
from apps.dossiers.tests.factories import APPLICANT, world
from apps.stats import services
from apps.stats.models import DossierDay

THREADS = 16
PER_THREAD = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency is tested on PostgreSQL")
def test_concurrent_receipts_at_one_desk_are_all_counted(flushable_db):
    """Every receipt recounts the same bucket (one desk, one procedure, one day) while the others commit."""
    w = world()
    paper_ids = w.paper_ids()

    def receive_some(_index):
        try:
            for _ in range(PER_THREAD):
                dossiers.dossier_receive_walk_in(
                    actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=paper_ids
                )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(receive_some, range(THREADS)))
    assert DossierDay.objects.get().received == THREADS * PER_THREAD
    assert services.differences() == []
