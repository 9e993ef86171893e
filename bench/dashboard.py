"""Bench: the public service-quality dashboard for a province-year, rendered in-process, against a bare page.

Each page is measured twice: computed (the cache emptied before every request: what the first visitor after a
change waits) and served (as a later visitor gets it). The cache is the bench's own (Redis db --redis-db, emptied;
or this process's memory), never another's.

Needs generated data of a province of real size (`manage.py generate_load_data --dossiers 1000000 --feedback
200000 --communes 110 --procedures 220`) in the database the environment points to (DATABASE_URL, or SQLite in
CONGVU_VAR_DIR / var/).

    .venv/bin/python bench/dashboard.py
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[18]


def main(runs: int = 30, redis_db: int = 13) -> int:
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = re.sub(r"/\d+$", "", os.environ["REDIS_URL"].rstrip("/")) + f"/{redis_db}"
    import django

    django.setup()
    from django.core.cache import cache, caches

    def empty_caches() -> None:  # the figures (shared) and the public pages (this process's copies)
        cache.clear()
        caches["pages"].clear()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.dossiers.models import Dossier
    from apps.feedback.models import Feedback
    from apps.org.models import Unit, User
    from apps.procedures.models import Procedure

    call_command("collectstatic", "--no-input", verbosity=0)
    year = timezone.localdate().year
    anonymous, staff = Client(), Client()
    staff.force_login(User.objects.get(username="admin"))
    pages = {"bare page (the home page)": "/", "public dashboard, province, year": f"/chat-luong-phuc-vu/?nam={year}",
             "public dashboard, province, quarter": f"/chat-luong-phuc-vu/?ky=quarter&nam={year}&so=3",
             "staff dashboard, province, year (admin)": f"/can-bo/chat-luong-phuc-vu/?nam={year}"}  # fmt: skip
    communes = Unit.objects.filter(kind=Unit.Kind.ONE_STOP_DESK, level=Unit.Level.COMMUNE).count()
    print(f"database: {connection.vendor}, {Dossier.objects.count():,} dossiers, {Feedback.objects.count():,} "
          f"feedback, {communes} communes with a desk, {Procedure.objects.filter(is_active=True).count()} procedures; "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    cache.clear()  # the bench's own cache (see above)
    worst = 0.0
    for label, url in pages.items():
        client = staff if label.startswith("staff") else anonymous
        client.get(url)  # warm up
        for way in ("computed", "served"):
            timings = []
            for _ in range(runs):
                if way == "computed":
                    empty_caches()
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            if way == "computed":
                empty_caches()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(f"{label:<40} {way:<9} p95 {p95(timings):7.0f} ms   median {statistics.median(timings):7.0f} ms"
                  f"   {len(queries)} queries")  # fmt: skip
            if label.startswith("public dashboard"):
                worst = max(worst, p95(timings))
    print(f"worst dashboard p95 {worst:.0f} ms (target < 500 ms) → {'PASS' if worst < 500 else 'FAIL'}")
    return 0 if worst < 500 else 1


if __name__ == "__main__":
    sys.exit(main())
