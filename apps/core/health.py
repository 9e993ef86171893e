"""Checks behind /healthz: the database, the job queue and the file storage."""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.storage.queue_size()


def check_storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        if not default_storage.exists(name):
            raise OSError("written file is not there")
    finally:
        default_storage.delete(name)


CHECKS = {"database": check_database, "queue": check_queue, "storage": check_storage}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # a health check reports any failure, it never raises
            # The answer is public: it names the part, the log keeps the exception (hosts, paths, messages).
            logger.warning("healthz: %s check failed", name, exc_info=True)
            results[name] = "error"
    return results
