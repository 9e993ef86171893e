"""Bench: the officer work queue's render time and query count; the servers and code sampling that
bench/load_mix.py shares. The public tracking figures, beside their anchors, are bench/public_pages.py's.

Needs generated data (`manage.py generate_load_data --dossiers 1000000`) in the database the environment points
to (DATABASE_URL, or SQLite in CONGVU_VAR_DIR / var/).

    .venv/bin/python bench/dossier_tracking.py                       # SQLite in var/
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/dossier_tracking.py
"""

import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")  # wrk, and the in-process test client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(port: int, workers: int, threads: int, worker_class: str) -> list[subprocess.Popen]:
    """gthread: one single-process gunicorn per worker, all bound to the port with SO_REUSEPORT, so that the kernel
    spreads wrk's kept-alive connections over them. (Workers of one gunicorn race to accept: one of them sometimes
    takes nearly all 32 connections, and the run then measures a single interpreter; the bare view's figure jumped
    1,000 ↔ 3,500.) sync: one gunicorn whose workers take turns at one socket, a request per connection."""
    env = {**os.environ, "ROOT_URLCONF": "bench.urls", "THROTTLE_PUBLIC_LOOKUP": "1000000000/minute",
           "THROTTLE_ANON": "1000000000/minute", "LOG_LEVEL": "WARNING", "DEBUG": "0"}  # fmt: skip
    command = [str(ROOT / ".venv/bin/gunicorn"), "congvu.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--worker-class", worker_class]  # fmt: skip
    if worker_class == "sync":
        servers = [subprocess.Popen([*command, "--workers", str(workers), "--backlog", "256"], cwd=ROOT, env=env)]
    else:
        command += ["--reuse-port", "--workers", "1", "--threads", str(threads), "--keep-alive", "5"]
        servers = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(workers)]
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(2)  # let every server bind before the first connection
                return servers
        except OSError:
            time.sleep(0.2)
    for server in servers:
        server.kill()
    raise RuntimeError("the server did not start")


def sample_codes(count: int) -> list[str]:
    import django

    django.setup()
    from apps.dossiers.models import Dossier

    top = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = random.Random(7).sample(range(1, top + 1), min(count * 2, top))
    return list(Dossier.objects.filter(pk__in=ids).values_list("code", flat=True)[:count])


def work_queue_figures(runs: int = 40) -> dict:
    """The officer queue page rendered in-process: p95 over `runs` renders and the number of queries."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.dossiers.models import Dossier
    from apps.org.models import Membership

    busiest = (Dossier.objects.filter(status="in_progress").values("current_step__unit")
               .annotate(n=Count("pk")).order_by("-n").first())  # fmt: skip
    membership = Membership.objects.filter(unit_id=busiest["current_step__unit"]).select_related("user").first()
    officer = membership.user
    call_command("collectstatic", "--no-input", verbosity=0)  # pages use the hashed static names
    client = Client()
    client.force_login(officer)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/can-bo/ho-so/?scope=unit")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/can-bo/ho-so/?scope=unit")
    return {
        "officer": officer.username,
        "waiting": busiest["n"],
        "p95_ms": statistics.quantiles(timings, n=20)[18],
        "median_ms": statistics.median(timings),
        "queries": len(queries),
    }


def main() -> int:
    import django

    django.setup()
    from django.db import connection

    from apps.dossiers.models import Dossier

    print(f"database: {connection.vendor}, {Dossier.objects.count():,} dossiers")
    queue = work_queue_figures()
    print(f"officer work queue ({queue['officer']}, {queue['waiting']:,} dossiers waiting at the unit): "
          f"p95 {queue['p95_ms']:.0f} ms, median {queue['median_ms']:.0f} ms, {queue['queries']} queries "
          f"(target p95 < 200 ms) → {'PASS' if queue['p95_ms'] < 200 else 'FAIL'}")  # fmt: skip
    return 0 if queue["p95_ms"] < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
