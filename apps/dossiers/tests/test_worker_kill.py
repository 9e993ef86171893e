"""Issue 9.3: `kill -9` of the Huey worker in the middle of the late-dossier sweep must not disable the sweep.

Two real workers (`manage.py run_huey`, Huey on a SQLite file, no Redis) share the test's database: the first is
killed while drafting the second apology, inside its transaction and holding the job's lock; the second starts
as `make run` would start it again, and must draft every missing apology, each once."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.dossiers.tests.factories import world
from tests.helpers import walk_in

LATE_DOSSIERS = 3

# The worker that will be killed: it hangs when it drafts the second apology (a test-side patch).
HANGING_WORKER = """
import os, pathlib, time
from django.core.management import call_command
from apps.dossiers.services import apologies
real_draft, drafts = apologies.apology_draft, []
def draft_then_hang(**kwargs):
    drafts.append(kwargs["dossier"].pk)
    if len(drafts) == 2:
        pathlib.Path(os.environ["HANG_MARKER"]).touch()
        time.sleep(600)
    return real_draft(**kwargs)
apologies.apology_draft = draft_then_hang
from apps.dossiers.tasks import draft_apologies_for_late_dossiers
draft_apologies_for_late_dossiers()
call_command("run_huey")
"""

RESTARTED_WORKER = """
from django.core.management import call_command
from apps.dossiers.tasks import draft_apologies_for_late_dossiers
draft_apologies_for_late_dossiers()
call_command("run_huey")
"""


class SharedDatabase:
    """The test's database as another process sees it: PostgreSQL's test database, or for SQLite (in memory in
    the tests) a file copy that the workers use and the test then reads."""

    def __init__(self, tmp_path: Path):
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            self.url, self.file = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", None
        else:
            self.file = tmp_path / "shared.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(self.file)])
            self.url = f"sqlite:///{self.file}"

    def value(self, sql: str):
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        with sqlite3.connect(self.file, timeout=20) as sqlite:
            return sqlite.execute(sql).fetchall()

    def apologies_per_dossier(self) -> list[int]:
        return [n for (n,) in self.value("SELECT COUNT(*) FROM dossiers_apology GROUP BY dossier_id")]

    def draft_events(self) -> int:
        return self.value("SELECT COUNT(*) FROM core_auditevent WHERE action = 'dossiers.apology.draft'")[0][0]


def start_worker(code: str, db: SharedDatabase, tmp_path: Path, name: str, **env) -> subprocess.Popen:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "congvu.settings", "DATABASE_URL": db.url,
                   "CONGVU_VAR_DIR": str(tmp_path / "var"), **env}  # fmt: skip
    for variable in ("REDIS_URL", "HUEY_IMMEDIATE"):
        environment.pop(variable, None)
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR, env=environment,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_for(condition, seconds: float, what: str, worker: subprocess.Popen, tmp_path: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if worker.poll() is not None or time.monotonic() > deadline:
            logs = "\n".join(path.read_text()[-3000:] for path in sorted(tmp_path.glob("*.log")))
            pytest.fail(f"{what}: not within {seconds} s (worker exit {worker.poll()})\n{logs}")
        time.sleep(0.2)


def kill(worker: subprocess.Popen) -> None:
    worker.kill()
    worker.wait(timeout=30)  # reaped: its pid is then really gone


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill(worker)


@pytest.mark.slow
def test_sweep_killed_mid_job_is_done_once_by_the_restarted_worker(flushable_db, tmp_path):
    w = world()
    for _ in range(LATE_DOSSIERS):  # received a month ago: every appointment has passed
        walk_in(w, timezone.now() - dt.timedelta(days=30))
    db = SharedDatabase(tmp_path)

    marker = tmp_path / "hanging"
    first = start_worker(HANGING_WORKER, db, tmp_path, "first", HANG_MARKER=str(marker))
    try:
        wait_for(marker.exists, 60, "the first worker reaching its second apology", first, tmp_path)
    finally:
        kill(first)
    assert db.apologies_per_dossier() == [1]  # the second draft died with its transaction
    [(holder,)] = db.value("SELECT holder FROM core_joblock WHERE name = 'dossiers-late-sweep'")
    assert holder.split(":")[1] == str(first.pid)  # the dead worker still holds the sweep's lock

    restarted = start_worker(RESTARTED_WORKER, db, tmp_path, "restarted")
    try:
        wait_for(lambda: len(db.apologies_per_dossier()) == LATE_DOSSIERS, 60, "every apology", restarted, tmp_path)
        lock_free = lambda: db.value("SELECT holder FROM core_joblock WHERE name = 'dossiers-late-sweep'") == [("",)]  # noqa: E731
        wait_for(lock_free, 30, "the sweep's lock released", restarted, tmp_path)
    finally:
        stop(restarted)
    assert db.apologies_per_dossier() == [1] * LATE_DOSSIERS
    assert db.draft_events() == LATE_DOSSIERS
