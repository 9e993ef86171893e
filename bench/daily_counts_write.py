"""Bench: what keeping the daily counts exact costs a write — a walk-in receipt with its recounts against the same
receipt with the stats handlers disconnected, alternating in the same process (each receipt rolled back).

Needs the demo province (any size; the recount reads one unit's day, so the figure does not grow with the data).

    .venv/bin/python bench/daily_counts_write.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")


class Rollback(Exception):
    pass


def main(rounds: int = 5, per_round: int = 40) -> int:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from apps.core.projections import pause
    from apps.dossiers import services
    from apps.dossiers.tests.factories import APPLICANT
    from apps.org.models import User
    from apps.procedures.models import Procedure

    def count_on():
        pause("dossier", False)

    def count_off():
        pause("dossier", True)

    clerk = User.objects.get(username="motcua.anphu")
    desk = clerk.memberships.get().unit
    procedure = Procedure.objects.get(code="1.001193", level="commune")  # birth registration
    papers = list(procedure.papers.filter(optional=False).values_list("pk", flat=True))

    def receive_and_roll_back() -> float:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                services.dossier_receive_walk_in(
                    actor=clerk, desk=desk, procedure=procedure, applicant=APPLICANT, provided_paper_ids=papers
                )
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            return elapsed * 1000

    timings = {"with recounts": [], "without": []}
    for _ in range(rounds):
        for label in timings:
            (count_on if label == "with recounts" else count_off)()
            receive_and_roll_back()  # warm
            timings[label] += [receive_and_roll_back() for _ in range(per_round)]
    count_on()
    queries = {}
    for label, switch in (("with recounts", count_on), ("without", count_off)):
        switch()
        with CaptureQueriesContext(connection) as captured:
            receive_and_roll_back()
        queries[label] = len(captured)
    count_on()
    medians = {label: statistics.median(values) for label, values in timings.items()}
    print(f"database: {connection.vendor}")
    for label, median in medians.items():
        print(f"walk-in receipt {label:<14} median {median:6.2f} ms   {queries[label]} queries")
    print(f"ratio {medians['with recounts'] / medians['without']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
