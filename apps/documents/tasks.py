"""Background jobs of the documents app (huey): OCR of scans, delivery of the exchange outbox."""

from huey.contrib.djhuey import db_task

from apps.documents.services import ocr


@db_task()
def ocr_scan(scan_id: int, redo: bool = False) -> None:
    """OCR of an uploaded scan; progress and result are written to its row (the intake page polls it)."""
    ocr.run_scan_ocr(scan_id, redo=redo)
