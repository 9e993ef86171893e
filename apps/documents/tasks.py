"""Background jobs of the documents app (huey): OCR of scans, delivery of the exchange outbox."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from apps.core.jobs import single_run
from apps.documents.services import intake, ocr


@db_task()
def ocr_scan(scan_id: int, redo: bool = False) -> None:
    """OCR of an uploaded scan; progress and result are written to its row (the intake page polls it)."""
    ocr.run_scan_ocr(scan_id, redo=redo)


@db_periodic_task(crontab(minute="*/5"))
@single_run("documents-ocr-sweep", ttl=dt.timedelta(minutes=30))
def ocr_waiting_scans() -> int:
    """Every 5 minutes: OCR the scans still queued (the queue was down at upload, or a worker died before it ran)."""
    return intake.run_waiting_ocr()
