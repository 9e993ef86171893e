"""Bench: the exchange between two installations on this machine (issue 11). 1,000 released documents are sent
from A to B; for each, the time from the send (envelope built, signed, logged, queued) to the status 01 recorded
at A (B verified the signature, logged, created the inbox record, signed the 01 and posted it back). Against,
in the same run: a plain HTTP POST of the same signed envelopes to a minimal WSGI endpoint that reads the body
and answers 200.

A is this process (its settings, its database) plus a gunicorn receiving the statuses; B is a gunicorn whose
Huey runs inline, so that B posts the 01 back right after committing the receipt, before answering.

    .venv/bin/python -m bench.exchange                                    # SQLite, each in a tmp var/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congvu_h2 .venv/bin/python -m bench.exchange
                                                                          # databases <name>_bench_a/_b
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def minimal_app(environ, start_response):
    """The baseline: read the body, answer 200 (what any HTTP receiver does at the least)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def gunicorn(installation, app: str, workers: int) -> tuple:
    return (
        str(ROOT / ".venv/bin/gunicorn"), app, "--bind", f"127.0.0.1:{installation.port}", "--workers", str(workers),
        "--worker-class", "sync", "--timeout", "120", "--log-level", "warning",
    )  # fmt: skip


def run_exchange(documents: list[int], threads: int) -> tuple[list[float], float, list[bytes]]:
    """Send each document to B and wait for its 01 at A: (latencies in s, wall time in s, the envelopes sent)."""
    from django.db import close_old_connections, connection
    from django.utils import timezone

    from apps.core.actors import SYSTEM
    from apps.documents.models import DispatchStatus, OutboxMessage, OutgoingDocument
    from apps.documents.services import exchange

    exchange.enqueue_delivery = lambda message_id: None  # this process delivers itself, measured
    latencies: list[float] = []
    lock = threading.Lock()

    def one(pk: int) -> None:
        close_old_connections()
        start = time.perf_counter()
        [dispatch] = exchange.send_outgoing(actor=SYSTEM, document=OutgoingDocument.objects.get(pk=pk),
                                            recipients=["HB1.01"])  # fmt: skip
        message = OutboxMessage.objects.only("pk").get(dispatch=dispatch)
        while not exchange.deliver_message(message.pk):  # a failure (a busy peer) is tried again at once
            if OutboxMessage.objects.filter(pk=message.pk, state="refused").exists():
                raise RuntimeError(OutboxMessage.objects.get(pk=message.pk).last_error)
            OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        while not DispatchStatus.objects.filter(dispatch=dispatch, code="01").exists():
            time.sleep(0.002)
        with lock:
            latencies.append(time.perf_counter() - start)
        connection.close()

    begin = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, documents))
    wall = time.perf_counter() - begin
    envelopes = [bytes(m.envelope) for m in OutboxMessage.objects.filter(kind="document").order_by("pk")]
    return latencies, wall, envelopes


def run_baseline(url: str, envelopes: list[bytes], threads: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    local = threading.local()

    def one(envelope: bytes) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        start = time.perf_counter()
        session.post(url, data=envelope, headers={"Content-Type": "application/xml"}, timeout=30).raise_for_status()
        with lock:
            latencies.append(time.perf_counter() - start)

    begin = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, envelopes))
    return latencies, time.perf_counter() - begin


def summary(name: str, latencies: list[float], wall: float) -> dict:
    return {"name": name, "messages": len(latencies), "per_second": round(len(latencies) / wall, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1), "wall_s": round(wall, 1)}  # fmt: skip


def main() -> None:
    from tests.installations import Installation

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8, help="concurrent sends at A")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of each server")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "") if "postgres" in os.environ.get("DATABASE_URL", "") else ""
    root = Path(tempfile.mkdtemp(prefix="congvu-bench-exchange-"))
    a = Installation("Sở Tư pháp tỉnh A", "000.00.00.HA1", "HA1.01", root / "a", database_url=database_url,
                     suffix="bench_a", EXCHANGE_TIMEOUT_SECONDS="30")  # fmt: skip
    b = Installation("Sở Tư pháp tỉnh B", "000.00.00.HB1", "HB1.01", root / "b", database_url=database_url,
                     suffix="bench_b", HUEY_IMMEDIATE="true", EXCHANGE_TIMEOUT_SECONDS="30")  # fmt: skip
    baseline = Installation("baseline", "-", "-", root / "baseline")
    try:
        for installation in (a, b):
            installation.set_up()
        a.add_peer(b)
        b.add_peer(a)
        print(f"releasing {args.documents} documents at A…", flush=True)
        documents = a.release(args.documents)
        a.start(*gunicorn(a, "congvu.wsgi:application", args.workers))
        b.start(*gunicorn(b, "congvu.wsgi:application", args.workers))
        baseline.start(*gunicorn(baseline, "bench.exchange:minimal_app", args.workers))
        for server in (a, b, baseline):  # every worker loaded before the clock starts
            urls = [f"{server.url}/api/v1/documents/exchange/receive/"] * (args.workers * 8)
            with ThreadPoolExecutor(args.workers * 2) as pool:
                list(pool.map(lambda url: requests.get(url, timeout=30), urls))
        os.environ.update(a.env)
        import django

        django.setup()
        print("exchange…", flush=True)
        latencies, wall, envelopes = run_exchange(documents, args.threads)
        print("baseline…", flush=True)
        base_latencies, base_wall = run_baseline(f"{baseline.url}/", envelopes, args.threads)
        results = {
            "database": "PostgreSQL" if database_url else "SQLite", "documents": args.documents,
            "threads": args.threads, "workers": args.workers,
            "envelope_bytes": round(statistics.mean(len(e) for e in envelopes)),
            "exchange": summary("send → 01 at the sender", latencies, wall),
            "baseline": summary("plain HTTP POST of the same envelope", base_latencies, base_wall),
            "log_verified": a.manage("verify_exchange_log").strip() + " / " + b.manage("verify_exchange_log").strip(),
        }  # fmt: skip
        print(json.dumps(results, ensure_ascii=False, indent=2))
        out = ROOT / "bench/results"
        out.mkdir(exist_ok=True)
        (out / f"exchange-{results['database'].lower()}.json").write_text(json.dumps(results, ensure_ascii=False))
    finally:
        for installation in (a, b, baseline):
            installation.destroy()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
