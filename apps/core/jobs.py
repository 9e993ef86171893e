"""Locks of periodic jobs: a row per job in the database, taken with one conditional UPDATE, with an expiry.

Why not Huey's `lock_task`: its lock is a key without expiry in Huey's storage, so a worker killed while holding
it (kill -9, a machine lost) disabled the job for good; and Huey's `--flush-locks` on start would also break the
lock of a job running on another machine. Here a lock expires by itself, and a worker starting clears only locks
that are certainly stale: expired ones, and those of a process of its own machine that no longer exists.

The lock only saves duplicate work: every periodic job is also safe to run twice at the same time (each item is
locked and its condition checked again inside its own transaction), since a lock can expire under a slow run.
"""

import datetime as dt
import functools
import logging
import os
import socket
import uuid

from django.db.models import Q
from django.utils import timezone

from apps.core.models import JobLock

logger = logging.getLogger("congvu.jobs")


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(name: str, ttl: dt.timedelta) -> str | None:
    """Take the lock `name` until now + ttl unless another run holds it; the holder's token, or None."""
    now = timezone.now()
    JobLock.objects.bulk_create([JobLock(name=name, expires_at=now)], ignore_conflicts=True)
    holder = f"{_this_process()}:{uuid.uuid4().hex[:8]}"
    taken = JobLock.objects.filter(Q(holder="") | Q(expires_at__lte=now), name=name).update(
        holder=holder, acquired_at=now, expires_at=now + ttl
    )
    return holder if taken else None


def release(name: str, holder: str) -> None:
    """Free the lock if this run still holds it (an expired lock may have been taken over meanwhile)."""
    JobLock.objects.filter(name=name, holder=holder).update(holder="", expires_at=timezone.now())


def single_run(name: str, ttl: dt.timedelta):
    """Decorator for a periodic job: skip this run while another holds the job's lock (taken for at most ttl)."""

    def decorator(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            holder = acquire(name, ttl)
            if holder is None:
                logger.info("job %s skipped: another run holds its lock", name)
                return None
            try:
                return fn(*args, **kwargs)
            finally:
                release(name, holder)

        return inner

    return decorator


def _process_is_gone(holder: str) -> bool:
    """True only when the holder ran on this machine and its process no longer exists."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user holds that pid: alive
        return False
    return False


def release_stale_locks() -> list[str]:
    """On a worker's start: free the locks that are expired or held by a dead process of this machine (never a
    live run's lock, on this machine or another). Returns the names freed."""
    now = timezone.now()
    freed = []
    for lock in JobLock.objects.exclude(holder=""):
        if not (lock.expires_at <= now or _process_is_gone(lock.holder)):
            continue
        if JobLock.objects.filter(pk=lock.pk, holder=lock.holder).update(holder="", expires_at=now):
            logger.warning("job lock %s of %s was stale (expiry %s): released", lock.name, lock.holder, lock.expires_at)
            freed.append(lock.name)
    return freed
