"""Bench: official documents with 1,000,000 registered documents (issue 11): search (a mix of common and rare
words, accented and not, number/symbols, with filters; the API and the page) and the register page and API, each
p95 beside a bare Django JSON view measured in the same process, with the number of queries per request.

Needs generated data (`manage.py generate_document_load --documents 1000000`) in the database the environment points
to (DATABASE_URL, or SQLite in CONGVU_VAR_DIR / var/).

    .venv/bin/python bench/documents.py                       # SQLite in var/
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/documents.py
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("ROOT_URLCONF", "bench.urls")  # the app's URLs plus the bare view

SEARCH_TARGET_MS, REGISTER_TARGET_MS = 300, 200

# (label, query parameters): common words, rare words, unaccented and accented, a number/symbol, filters
SEARCHES = [
    ("common, unaccented", {"q": "dat dai"}),
    ("common, accented", {"q": "kế hoạch sử dụng đất"}),
    ("common word alone", {"q": "nam"}),
    ("rare words", {"q": "sau cuon la nho"}),
    ("rare, accented", {"q": "khỉ đuôi lợn"}),
    ("rare, in the text only", {"q": "luu y dac biet ve lu quet"}),
    ("no match", {"q": "tau vu tru"}),
    ("number/symbol", {"q": "15/QĐ-UBND"}),
    ("words + year + type", {"q": "chuyen doi so", "year": "{year}", "doc_type": "quyet_dinh"}),
    ("words + register + urgency", {"q": "thien tai", "register": "in", "urgency": "urgent"}),
    ("issuer + year, no words", {"issuer": "so tai chinh", "year": "{last_year}"}),
    ("status only", {"status": "assigned"}),
]


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[18]


def measure(client, url: str, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return timings, len(queries)


def line(label: str, timings: list[float], queries: int, bare: float, extra: str = "") -> str:
    return (f"  {label:<44} p95 {p95(timings):6.1f} ms  median {statistics.median(timings):6.1f} ms  "
            f"× bare {p95(timings) / bare:5.1f}  {queries:2d} queries{extra}")  # fmt: skip


def main(runs: int = 40) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from apps.documents.models import IncomingDocument, OutgoingDocument, SearchEntry
    from apps.org.models import User

    call_command("collectstatic", "--no-input", verbosity=0)  # pages use the hashed static names
    year = timezone.localdate().year
    print(f"database: {connection.vendor}; {IncomingDocument.objects.count():,} incoming, "
          f"{OutgoingDocument.objects.count():,} outgoing, {SearchEntry.objects.count():,} index entries; "
          f"{runs} requests each, in-process")  # fmt: skip
    clients = {}
    for username in ("chutich.tinh", "vanthu.vp", "vanthu.anphu"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    bare_timings, _ = measure(Client(), "/bench/bare", runs * 3)
    bare = p95(bare_timings)
    print(f"  {'bare JSON view':<44} p95 {bare:6.1f} ms  median {statistics.median(bare_timings):6.1f} ms")
    worst_search, worst_register, results = 0.0, 0.0, []
    print(
        "search (API, then the page for the first two), as the province chairman (every register, secret too), "
        "the province office's clerk and a commune clerk:"
    )
    for username, client in clients.items():
        for label, params in SEARCHES:
            params = {k: v.format(year=year, last_year=year - 1) for k, v in params.items()}
            timings, queries = measure(client, f"/api/v1/documents/search/?{urlencode(params)}", runs)
            count = client.get(f"/api/v1/documents/search/?{urlencode(params)}").json()["count"]
            results.append(p95(timings))
            worst_search = max(worst_search, p95(timings))
            print(line(f"{username}: {label}", timings, queries, bare, f"  ({count:,} found)"))
        for label, params in SEARCHES[:2]:
            timings, queries = measure(client, f"/can-bo/van-ban/tim-kiem/?{urlencode(params)}", runs)
            worst_search = max(worst_search, p95(timings))
            print(line(f"{username}: page, {label}", timings, queries, bare))
    # the busiest register: the unit and year with the most documents
    busiest = (OutgoingDocument.objects.filter(year=year - 1).values("unit").annotate(n=Count("pk"))
               .order_by("-n").first())  # fmt: skip
    unit_id = busiest["unit"]
    chairman = clients["chutich.tinh"]
    print(f"registers of the busiest unit ({unit_id}), year {year - 1}, as the province chairman:")
    for book, model, kind in (("di", OutgoingDocument, "outgoing"), ("den", IncomingDocument, "incoming")):
        size = model.objects.filter(unit_id=unit_id, year=year - 1).count()
        last_page = -(-size // 50)
        for page in (1, last_page // 2, last_page):
            url = f"/can-bo/van-ban/?{urlencode({'don-vi': unit_id, 'so': book, 'nam': year - 1, 'page': page})}"
            timings, queries = measure(chairman, url, runs)
            worst_register = max(worst_register, p95(timings))
            print(line(f"page, {kind} ({size:,}), page {page}", timings, queries, bare))
        for page in (1, last_page):
            url = f"/api/v1/documents/{kind}/?{urlencode({'unit': unit_id, 'year': year - 1, 'page': page})}"
            timings, queries = measure(chairman, url, runs)
            worst_register = max(worst_register, p95(timings))
            print(line(f"API, {kind}, page {page}", timings, queries, bare))
    ok = worst_search < SEARCH_TARGET_MS and worst_register < REGISTER_TARGET_MS
    print(f"worst search p95 {worst_search:.0f} ms (target < {SEARCH_TARGET_MS}); search p95 over the mix "
          f"{p95(results):.0f} ms; worst register p95 {worst_register:.0f} ms (target < {REGISTER_TARGET_MS}) "
          f"→ {'PASS' if ok else 'FAIL'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40))
