"""Issue 9.3: job locks expire, and a worker starting frees only stale ones (never a live run's, here or on
another machine)."""

import datetime as dt
import socket
import subprocess
import sys

import pytest
import time_machine
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from apps.core import jobs, tasks
from apps.core.models import JobLock

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(minutes=25)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_lock_expires_after_its_ttl():
    with time_machine.travel(NOW, tick=False):
        holder = jobs.acquire("sweep", TTL)
        assert holder and jobs.acquire("sweep", TTL) is None
    with time_machine.travel(NOW + TTL - dt.timedelta(seconds=1), tick=False):
        assert jobs.acquire("sweep", TTL) is None
    with time_machine.travel(NOW + TTL, tick=False):
        assert jobs.acquire("sweep", TTL) is not None


def test_a_released_lock_is_free_and_a_run_skipped_while_held_does_nothing():
    calls = []
    job = jobs.single_run("report", TTL)(lambda: calls.append(1) or len(calls))
    assert job() == 1 and job() == 2  # released after each run
    holder = jobs.acquire("report", TTL)
    assert job() is None and calls == [1, 1]
    jobs.release("report", holder)
    assert job() == 3


def test_worker_start_frees_only_stale_locks():
    here, now = socket.gethostname(), timezone.now()
    later = now + TTL
    JobLock.objects.bulk_create([
        JobLock(name="dead-here", holder=f"{here}:{dead_pid()}:a1", expires_at=later),
        JobLock(name="alive-here", holder=f"{here}:1:b2", expires_at=later),
        JobLock(name="elsewhere", holder=f"other-host:{dead_pid()}:c3", expires_at=later),
        JobLock(name="expired-elsewhere", holder="other-host:4242:d4", expires_at=now - dt.timedelta(seconds=1)),
        JobLock(name="free", holder="", expires_at=now),
    ])  # fmt: skip
    assert sorted(jobs.release_stale_locks()) == ["dead-here", "expired-elsewhere"]
    assert dict(JobLock.objects.values_list("name", "holder")) == {
        "dead-here": "", "alive-here": f"{here}:1:b2", "elsewhere": JobLock.objects.get(name="elsewhere").holder,
        "expired-elsewhere": "", "free": "",
    }  # fmt: skip


def test_the_worker_frees_stale_locks_when_it_starts():
    assert HUEY._startup.get("clear_stale_job_locks") is tasks.clear_stale_job_locks
