"""Fault drills: Redis down, the database down, the worker killed — each against a real server and worker, the
machine's own services never touched (the application reaches Redis and PostgreSQL through a TCP proxy that the
drill cuts and restores).

    .venv/bin/python bench/fault_drills.py redis       # Redis gone 20 s under load: no 500, no lost message
    .venv/bin/python bench/fault_drills.py database    # PostgreSQL gone: Vietnamese 503s, never a trace
    .venv/bin/python bench/fault_drills.py worker      # kill -9 the worker mid-sweep: done once later

Each drill makes its own database (SQLite in a temporary folder; PostgreSQL database `congvu_drill`, dropped at the
end) with the demo province, and uses Redis database 9 (keys under its own prefix, deleted at the end).
"""

import argparse
import collections
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dossier_tracking import free_port  # noqa: E402
from bench.faultproxy import FaultProxy  # noqa: E402

PYTHON = str(ROOT / ".venv/bin/python")
REDIS_DB = 9
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DRILL = "congvu_drill"
VIETNAMESE_PAGE = '<html lang="vi"'
PAGES = ["/", "/thu-tuc/", "/phan-anh/", "/chat-luong-phuc-vu/", "/api/v1/public/feedback", "/tra-cuu/"]


def drill_env(var_dir: str, **extra: str) -> dict:
    return {
        **os.environ, "CONGVU_VAR_DIR": var_dir, "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING",
        "THROTTLE_ANON": "1000000000/minute", "THROTTLE_PUBLIC_LOOKUP": "1000000000/minute",
        "THROTTLE_PUBLIC_SUBMIT": "1000000000/minute", "DJANGO_SETTINGS_MODULE": "congvu.settings", **extra,
    }  # fmt: skip


def manage(env: dict, *args: str) -> str:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


def prepare(env: dict) -> None:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo", "--if-empty", "--history", "0")
    manage(env, "collectstatic", "--no-input", "-v0")


def log_file(env: dict, name: str):
    """The servers' own logs (the expected connection errors of a drill) go to a file, not the drill's output."""
    return open(Path(env["CONGVU_VAR_DIR"]) / f"{name}.log", "ab")


def serve(env: dict, port: int, workers: int = 6) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "congvu.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--timeout", "60"], cwd=ROOT, env=env,
        stderr=log_file(env, "gunicorn"),
    )  # fmt: skip
    wait_for(lambda: request(port, "GET", "/healthz")[0] in (200, 503), 30)
    return server


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, json.dumps(body).encode() if body is not None else None, headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


class Load(threading.Thread):
    """A client in a loop, recording (moment, status, whether the body carried a trace) of every answer."""

    def __init__(self, port: int, stop: threading.Event, make_request):
        super().__init__(daemon=True)
        self.port, self.stop, self.make_request = port, stop, make_request
        self.answers: list[tuple[float, int, bool]] = []

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            method, path, body = self.make_request(number)
            number += 1
            try:
                status, text = request(self.port, method, path, body)
                self.answers.append((time.monotonic(), status, "Traceback" in text or 'File "/' in text))
            except OSError:
                self.answers.append((time.monotonic(), 0, False))


def page_load(port: int, stop: threading.Event, count: int) -> list[Load]:
    return [Load(port, stop, lambda n, i=i: ("GET", PAGES[(n + i) % len(PAGES)], None)) for i in range(count)]


def feedback_writers(port: int, stop: threading.Event, count: int, category: str) -> list[Load]:
    def submit(n: int, writer: int) -> tuple[str, str, dict]:
        return "POST", "/api/v1/public/feedback", {
            "category": category, "title": f"Diễn tập {writer}-{n}", "content": "Nội dung diễn tập sự cố Redis.",
            "contact_phone": f"0912{writer:02d}{n % 10000:04d}",
        }  # fmt: skip

    return [Load(port, stop, lambda n, w=w: submit(n, w)) for w in range(count)]


def summary(loads: list[Load], since: float = 0.0, until: float = float("inf")) -> collections.Counter:
    return collections.Counter(status for load in loads for at, status, _ in load.answers if since <= at < until)


def traces(loads: list[Load]) -> int:
    return sum(trace for load in loads for _at, _status, trace in load.answers)


def redis_drill(args) -> bool:
    proxy = FaultProxy(6379).start()
    with tempfile.TemporaryDirectory() as var_dir:
        env = drill_env(var_dir, REDIS_URL=f"redis://127.0.0.1:{proxy.port}/{REDIS_DB}")
        prepare(env)
        port = free_port()
        processes = [
            serve(env, port),
            subprocess.Popen([PYTHON, "manage.py", "run_huey", "--quiet"], cwd=ROOT, env=env),
        ]
        try:
            return redis_outage(args, env, port, proxy)
        finally:
            stop_all(processes)
            proxy.stop()
            cleanup_redis()


def redis_outage(args, env: dict, port: int, proxy: FaultProxy) -> bool:
    category = json.loads(request(port, "GET", "/api/v1/public/feedback-categories")[1])[0]["code"]
    stop = threading.Event()
    loads = page_load(port, stop, args.readers) + feedback_writers(port, stop, args.writers, category)
    started = time.monotonic()
    for load in loads:
        load.start()
    time.sleep(10)
    cut_at = time.monotonic()
    proxy.cut()
    print(f"Redis cut at {cut_at - started:.0f} s for {args.outage} s", flush=True)
    time.sleep(args.outage)
    proxy.restore()
    restored_at = time.monotonic()
    time.sleep(10)
    stop.set()
    for load in loads:
        load.join(15)
    submitted = sum(1 for load in loads for _at, status, _ in load.answers if status == 201)
    print(f"answers before/during/after the outage: {dict(summary(loads, 0, cut_at))} / "
          f"{dict(summary(loads, cut_at, restored_at))} / {dict(summary(loads, restored_at))}; "
          f"traces in bodies: {traces(loads)}")  # fmt: skip
    sent = pending = 0
    code = (
        "from apps.core.models import Notification as N; "
        "print(N.objects.filter(status='sent').count(), N.objects.exclude(status='sent').count())"
    )
    deadline = time.monotonic() + args.settle
    while time.monotonic() < deadline:
        sent, pending = map(int, manage(env, "shell", "-c", code).strip().splitlines()[-1].split())
        if pending == 0:
            break
        time.sleep(5)
    answers = summary(loads)
    errors = sum(count for status, count in answers.items() if status == 0 or (status >= 500 and status != 503))
    print(f"feedback accepted: {submitted}; notifications sent {sent}, not sent {pending} "
          f"(after waiting up to {args.settle} s); answers of 500 or none: {errors}; 503: {answers[503]}")  # fmt: skip
    return errors == 0 and pending == 0 and traces(loads) == 0


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def cleanup_redis() -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    for key in client.scan_iter("*congvu*"):
        client.delete(key)


def database_drill(args) -> bool:
    proxy = FaultProxy(5432).start()
    subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_DRILL}"], capture_output=True)
    subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {PG_DRILL}"], check=True, capture_output=True)
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            env = drill_env(var_dir, DATABASE_URL=f"postgres://postgres@127.0.0.1:{proxy.port}/{PG_DRILL}")
            prepare(env)
            port = free_port()
            server = serve(env, port)
            try:
                return database_outage(args, port, proxy)
            finally:
                stop_all([server])
    finally:
        proxy.stop()
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_DRILL} WITH (FORCE)"],
                       capture_output=True)  # fmt: skip


def database_outage(args, port: int, proxy: FaultProxy) -> bool:
    stop = threading.Event()
    api = [Load(port, stop, lambda n: ("GET", "/api/v1/public/feedback", None)) for _ in range(2)]
    loads = page_load(port, stop, args.readers) + api
    started = time.monotonic()
    for load in loads:
        load.start()
    time.sleep(5)
    proxy.cut()
    cut_at = time.monotonic()
    time.sleep(1)
    health = request(port, "GET", "/healthz")
    page, api_answer = request(port, "GET", "/thu-tuc/"), request(port, "GET", "/api/v1/public/feedback")
    time.sleep(max(0, args.outage - 1))
    proxy.restore()
    restored_at = time.monotonic()
    recovered = wait_for(lambda: request(port, "GET", "/thu-tuc/")[0] == 200, 30)
    recovery = time.monotonic() - restored_at
    time.sleep(5)
    stop.set()
    for load in loads:
        load.join(15)
    during = summary(loads, cut_at + 0.5, restored_at)
    print(f"database cut at {cut_at - started:.0f} s for {args.outage} s")
    print(f"answers before/during/after: {dict(summary(loads, 0, cut_at))} / {dict(during)} / "
          f"{dict(summary(loads, restored_at))}; traces in bodies: {traces(loads)}")  # fmt: skip
    print(f"during the outage: healthz {health[0]} {health[1][:200]}")
    print(f"  a page: {page[0]}, in Vietnamese: {VIETNAMESE_PAGE in page[1]}; "
          f"the API: {api_answer[0]} {api_answer[1][:200]}")  # fmt: skip
    print(f"serving again {recovery:.1f} s after the database came back: {recovered}")
    errors = sum(count for status, count in summary(loads).items() if status not in (200, 503))
    print(f"answers other than 200 or 503 (a 500, no answer): {errors}")
    return errors == 0 and traces(loads) == 0 and recovered and health[0] == 503


HANGING_WORKER = """
import os, pathlib, time
from django.core.management import call_command
from apps.dossiers.services import apologies
real_draft, drafts = apologies.apology_draft, []
def draft_then_hang(**kwargs):
    drafts.append(kwargs["dossier"].pk)
    if len(drafts) == int(os.environ["HANG_AT"]):
        pathlib.Path(os.environ["HANG_MARKER"]).touch()
        time.sleep(3600)
    return real_draft(**kwargs)
apologies.apology_draft = draft_then_hang
call_command("run_huey", "--quiet")
"""

LATE_WALK_INS = """
import datetime as dt
from django.utils import timezone
from apps.dossiers.services import dossier_receive_walk_in
from apps.org.models import Membership, Role
from apps.procedures.models import Procedure, RequiredPaper
clerk = Membership.objects.filter(user__groups__name=Role.DESK_CLERK, unit__kind="one_stop_desk",
                                  unit__level="commune").select_related("user", "unit").first()
procedure = Procedure.objects.filter(level="commune", is_active=True).order_by("code").first()
papers = list(RequiredPaper.objects.filter(procedure=procedure).values_list("pk", flat=True))
for n in range({count}):
    dossier_receive_walk_in(actor=clerk.user, desk=clerk.unit, procedure=procedure, provided_paper_ids=papers,
        now=timezone.now() - dt.timedelta(days=30), applicant={{"applicant_name": f"Người thử {{n}}",
        "applicant_id_number": f"0011900{{n:05d}}", "applicant_phone": f"0912{{n:06d}}",
        "applicant_address": "Thôn Đông"}})
"""

ENQUEUE_SWEEP = "from apps.dossiers.tasks import draft_apologies_for_late_dossiers as sweep; sweep()"
APOLOGIES = (
    "from django.db.models import Count; from apps.dossiers.models import Apology; "
    "from apps.core.models import AuditEvent; from apps.core.models import JobLock; "
    "per = list(Apology.objects.values('dossier').annotate(n=Count('pk')).values_list('n', flat=True)); "
    "lock = JobLock.objects.filter(name='dossiers-late-sweep').values_list('holder', flat=True).first(); "
    "print(len(per), max(per or [0]), AuditEvent.objects.filter(action='dossiers.apology.draft').count(), "
    "repr(lock or ''))"
)


def worker_drill(args) -> bool:
    """A worker is killed (-9) in the middle of the late-dossier sweep, holding the sweep's lock, and started again
    as `make run` starts it: the sweep runs again at its next trigger and drafts every missing apology once."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = drill_env(var_dir)
        prepare(env)
        manage(env, "shell", "-c", LATE_WALK_INS.format(count=args.dossiers))
        marker = Path(var_dir) / "hanging"
        hang_at = args.dossiers // 2
        first = subprocess.Popen([PYTHON, "manage.py", "shell", "-c", HANGING_WORKER], cwd=ROOT, stderr=log_file(
            env, "huey-killed"), env={**env, "HANG_AT": str(hang_at), "HANG_MARKER": str(marker)})  # fmt: skip
        try:
            manage(env, "shell", "-c", ENQUEUE_SWEEP)
            if not wait_for(marker.exists, 120):
                print("the first worker never reached the apology it hangs on")
                return False
        finally:
            first.kill()
            first.wait(30)
        before = manage(env, "shell", "-c", APOLOGIES).strip().splitlines()[-1]
        print(f"{args.dossiers} late dossiers; worker killed (-9) while drafting apology {hang_at}: "
              f"dossiers with an apology, most per dossier, draft events, lock holder = {before}")  # fmt: skip
        restarted_at = time.monotonic()
        worker = subprocess.Popen([PYTHON, "manage.py", "run_huey", "--quiet"], cwd=ROOT, env=env,
                                  stderr=log_file(env, "huey"))  # fmt: skip
        try:
            manage(env, "shell", "-c", ENQUEUE_SWEEP)  # the sweep's next trigger (every 30 minutes)
            done = wait_for(lambda: manage(env, "shell", "-c", APOLOGIES).split()[-4] == str(args.dossiers), 120)
            elapsed = time.monotonic() - restarted_at
            after = manage(env, "shell", "-c", APOLOGIES).strip().splitlines()[-1]
        finally:
            stop_all([worker])
        with_apology, most, events, lock = after.split()
        print(f"after the restart ({elapsed:.1f} s, sweep triggered once): {after}")
        return done and int(with_apology) == int(events) == args.dossiers and most == "1" and lock == "''"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("drill", choices=("redis", "database", "worker"))
    parser.add_argument("--readers", type=int, default=12)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--outage", type=int, default=20)
    parser.add_argument("--dossiers", type=int, default=20, help="worker drill: late dossiers to apologise for")
    parser.add_argument("--settle", type=int, default=150, help="seconds to wait for queued messages after the run")
    args = parser.parse_args()
    drills = {"redis": redis_drill, "database": database_drill, "worker": worker_drill}
    ok = drills[args.drill](args)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
