"""Background jobs of the documents app (huey): OCR of scans, delivery of the exchange outbox."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from apps.core.jobs import single_run
from apps.documents.services import exchange, intake, ocr


@db_task()
def ocr_scan(scan_id: int, redo: bool = False) -> None:
    """OCR of an uploaded scan; progress and result are written to its row (the intake page polls it)."""
    ocr.run_scan_ocr(scan_id, redo=redo)


@db_periodic_task(crontab(minute="*/5"))
@single_run("documents-ocr-sweep", ttl=dt.timedelta(minutes=30))
def ocr_waiting_scans() -> int:
    """Every 5 minutes: OCR the scans still queued (the queue was down at upload, or a worker died before it ran)."""
    return intake.run_waiting_ocr()


@db_task()
def deliver_exchange_message(message_id: int) -> bool:
    """Deliver one exchange message right after its commit; a failure is retried by the outbox pass, not Huey."""
    return exchange.deliver_message(message_id)


@db_periodic_task(crontab())
@single_run("documents-exchange-outbox", ttl=dt.timedelta(minutes=10))
def deliver_exchange_outbox() -> int:
    """Every minute: deliver every exchange message that is due (never sent, or failed and its back-off over)."""
    return exchange.deliver_due()
