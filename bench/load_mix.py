"""Bench: what citizens open, all at once, while staff write beside them.

64 connections for 60 s over a mix of the public pages (tracking, home, catalogue, service-quality dashboard,
feedback list), with 8 writers receiving walk-in dossiers through the API at the same time (each write changes the
daily counts, so the dashboards' cached answers are renewed all through the run); a bare Django JSON view measured
with the same connections in the same run is the baseline. Target (issue 9): p99 < 1 s, 0 errors, 0 timeouts.

Needs generated data (`manage.py generate_load_data --dossiers 1000000 --feedback 200000`) in the database the
environment points to, and wrk (apt-get install wrk).

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/load_mix.py
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")

from bench.dossier_tracking import free_port, sample_codes, start_servers  # noqa: E402

# Share of each kind of page in the mix (per cent).
MIX = {"tracking": 40, "home": 15, "catalogue": 15, "dashboard": 10, "feedback": 20}
SEARCHES = ["khai sinh", "ket hon", "chung thuc", "dat dai", "ho tich", "xay dung", ""]


def wrk(url: str, connections: int, duration: int, script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "2s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess_output(command)

    def latency(percent: str) -> float:
        found = re.search(rf"{percent}%\s+([\d.]+)(us|ms|s)", output)
        return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": latency("50"), "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()[:3]) if sockets else 0,
        "timeouts": int(sockets.group(4)) if sockets else 0,
    }  # fmt: skip


def subprocess_output(command: list[str]) -> str:
    import subprocess

    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def mix_script(codes: list[str], units: list[int], year: int, only: str | None = None) -> str:
    """A wrk script drawing each request's page from the mix (or only one kind of page)."""
    weights = {kind: share for kind, share in MIX.items() if only in (None, kind)}
    lines = [
        "codes = {" + ",".join(f'"{code}"' for code in codes) + "}",
        "units = {" + ",".join(str(unit) for unit in units) + "}",
        "searches = {" + ",".join(f'"{term.replace(" ", "+")}"' for term in SEARCHES) + "}",
        "kinds = {" + ",".join(f'"{kind}"' for kind, share in weights.items() for _ in range(share)) + "}",
        "function pick(list) return list[math.random(#list)] end",
        "paths = {",
        '  tracking = function() return "/api/v1/public/dossiers/" .. pick(codes) end,',
        '  home = function() return "/" end,',
        '  catalogue = function() return "/thu-tuc/?q=" .. pick(searches) end,',
        f'  dashboard = function() return "/chat-luong-phuc-vu/?nam={year}&ky=" .. pick({{"year", "quarter"}})'
        ' .. "&don-vi=" .. pick(units) end,',
        '  feedback = function() return "/phan-anh/" end,',
        "}",
        'request = function() return wrk.format("GET", paths[pick(kinds)]()) end',
    ]
    return "\n".join(lines) + "\n"


class Writer(threading.Thread):
    """A desk clerk receiving walk-in dossiers through the API, one every `interval` seconds."""

    def __init__(self, port: int, token: str, payload: dict, interval: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.token, self.payload, self.interval, self.stop = port, token, payload, interval, stop
        self.timings: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        body = json.dumps(self.payload).encode()
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("POST", "/api/v1/dossiers/receive/", body, headers)
                response = connection.getresponse()
                text = response.read()
                connection.close()
                if response.status != 201:
                    self.failures.append(f"{response.status} {text[:200]!r}")
            except OSError as error:
                self.failures.append(repr(error))
            elapsed = time.perf_counter() - started
            self.timings.append(elapsed * 1000)
            self.stop.wait(max(0.0, self.interval - elapsed))


def writer_setups(count: int) -> list[tuple[str, dict]]:
    """(token, walk-in payload) for `count` desk clerks of different communes, each with a commune procedure."""
    from rest_framework.authtoken.models import Token

    from apps.org.models import Membership, Role
    from apps.procedures.models import Procedure, RequiredPaper

    clerks = list(
        Membership.objects.filter(user__groups__name=Role.DESK_CLERK, unit__kind="one_stop_desk", unit__level="commune")
        .select_related("user", "unit")
        .order_by("unit__path")[:count]
    )
    procedure = Procedure.objects.filter(level="commune", is_active=True).order_by("code").first()
    papers = list(RequiredPaper.objects.filter(procedure=procedure).values_list("pk", flat=True))
    setups = []
    for index in range(count):
        membership = clerks[index % len(clerks)]
        token, _created = Token.objects.get_or_create(user=membership.user)
        setups.append((token.key, {
            "desk": membership.unit_id, "procedure": procedure.code, "provided_papers": papers,
            "applicant_name": f"Người nộp thử {index}", "applicant_id_number": f"0011900{index:05d}",
            "applicant_phone": f"09120{index:05d}", "applicant_email": "", "applicant_address": "Thôn Đông",
        }))  # fmt: skip
    return setups


def report(label: str, figures: dict) -> None:
    print(
        f"{label:<34} {figures['rps']:8.0f} req/s  p50 {figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms"
        f"  non-2xx {figures['non_2xx']}  socket errors {figures['socket_errors']}  timeouts {figures['timeouts']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--write-interval", type=float, default=1.0, help="seconds between a writer's receipts")
    parser.add_argument("--workers", type=int, default=12)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apps.dossiers.models import Dossier
    from apps.stats.selectors import public_units

    call_command("collectstatic", "--no-input", verbosity=0)
    codes = sample_codes(20_000)
    units = list(public_units().values_list("pk", flat=True))
    setups = writer_setups(args.writers)
    year = timezone.localdate().year
    print(f"database: {connection.vendor}, {Dossier.objects.count():,} dossiers; cache: "
          f"{'Redis' if os.environ.get('REDIS_URL') else 'in-process'}; {args.workers} sync workers; "
          f"{args.connections} connections × {args.duration} s; {len(units)} public dashboards; "
          f"{args.writers} writers, one receipt each every {args.write_interval:g} s")  # fmt: skip
    connection.close()
    scripts = {}
    for only in (None, "dashboard"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(mix_script(codes, units, year, only))
        scripts[only] = script.name
    port = free_port()
    os.environ.setdefault("THROTTLE_USER", "1000000000/minute")
    servers = start_servers(port, args.workers, 1, "sync")
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    writers = [Writer(port, token, payload, args.write_interval, stop) for token, payload in setups]
    try:
        wrk(f"{base}/bench/bare", args.connections, 3)  # warm up
        wrk(base, args.connections, 5, scripts[None])
        bare = wrk(f"{base}/bench/bare", args.connections, args.duration)
        report("bare JSON view", bare)
        for writer in writers:
            writer.start()
        mix = wrk(base, args.connections, args.duration, scripts[None])
        report("public mix, writers beside", mix)
        dashboard = wrk(base, args.connections, max(10, args.duration // 3), scripts["dashboard"])
        report("dashboards alone, writers beside", dashboard)
    finally:
        stop.set()
        for writer in writers:
            writer.join(15)
        for server in servers:
            server.terminate()
            server.wait(10)
        for name in scripts.values():
            os.unlink(name)
    timings = [t for writer in writers for t in writer.timings]
    failures = [f for writer in writers for f in writer.failures]
    p99 = statistics.quantiles(timings, n=100)[98] if len(timings) >= 2 else 0.0
    print(f"writers: {len(timings)} receipts, {len(failures)} failed, median {statistics.median(timings or [0]):.0f} "
          f"ms, p99 {p99:.0f} ms" + (f"; first failure: {failures[0]}" if failures else ""))  # fmt: skip
    errors = mix["non_2xx"] + mix["socket_errors"] + len(failures)
    ok = mix["p99_ms"] < 1000 and errors == 0 and mix["timeouts"] == 0
    print(f"mix p99 {mix['p99_ms']:.0f} ms (target < 1000), errors {errors}, timeouts {mix['timeouts']}; "
          f"mix / bare {mix['rps'] / bare['rps']:.2f} → {'PASS' if ok else 'FAIL'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    random.seed(7)
    sys.exit(main())
