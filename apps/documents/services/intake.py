"""Incoming documents from a scan: the clerk uploads a PDF or an image, the worker OCRs it (services.ocr) and
proposes its number, symbol, date, issuer and summary; the clerk confirms or corrects them and registers it.

The file is checked by its content (apps.core.files.check_upload). Only the unit's register keepers upload, see
and register scans (a scan may be secret before anyone has read it)."""

import datetime as dt
import hashlib
import logging
import time
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actors import staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError
from apps.core.files import check_upload, display_name
from apps.documents.models import Confidentiality, DocumentFile, IncomingDocument, Scan, Urgency
from apps.documents.services import ocr, registers, search
from apps.org.models import Unit

logger = logging.getLogger("congvu.documents")

ENQUEUE_PAUSE_SECONDS = 30
# A queued scan older than this was never taken by a worker; a running one older than that lost its worker.
QUEUED_TOO_LONG = dt.timedelta(minutes=2)
RUNNING_TOO_LONG = dt.timedelta(minutes=30)
_enqueue_paused_until = 0.0


def enqueue_ocr(scan_id: int, redo: bool = False) -> None:
    """Ask the worker to OCR the scan. Never raises (it runs after the commit): when the queue is unreachable the
    scan stays queued and the periodic sweep (tasks.ocr_waiting_scans) takes it."""
    global _enqueue_paused_until
    if time.monotonic() < _enqueue_paused_until:
        return
    from apps.documents.tasks import ocr_scan

    try:
        ocr_scan(scan_id, redo)
    except Exception:
        _enqueue_paused_until = time.monotonic() + ENQUEUE_PAUSE_SECONDS
        logger.warning("queue unreachable: scan %s left to the sweep", scan_id, exc_info=True)


def run_waiting_ocr(now: dt.datetime | None = None) -> int:
    """The sweep (tasks.ocr_waiting_scans): OCR the scans left queued, and again those whose run died. Returns how
    many were OCR'd."""
    now = now or timezone.now()
    open_scans = Scan.objects.filter(incoming__isnull=True, discarded_at__isnull=True)
    open_scans.filter(status=Scan.Status.RUNNING, started_at__lt=now - RUNNING_TOO_LONG).update(
        status=Scan.Status.QUEUED, progress=0
    )
    waiting = open_scans.filter(status=Scan.Status.QUEUED, uploaded_at__lt=now - QUEUED_TOO_LONG)
    waiting = waiting.order_by("uploaded_at", "pk")
    return sum(ocr.run_scan_ocr(pk) is not None for pk in list(waiting.values_list("pk", flat=True)[:50]))


@transaction.atomic
def upload_scan(*, actor, unit: Unit, uploaded, now: dt.datetime | None = None) -> Scan:
    """Keep the uploaded PDF or image (checked by its content) and queue its OCR after the commit."""
    registers.require_keeper(actor, unit)
    if uploaded is None:
        raise DomainError(_("Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG)."), field="file")
    try:
        checked = check_upload(uploaded)
    except DomainError as error:
        raise DomainError(error.message, field="file") from error
    scan = Scan(
        unit=unit, name=display_name(uploaded.name), content_type=checked.content_type, size=checked.size,
        sha256=checked.sha256, uploaded_at=now or timezone.now(), uploaded_by=staff_user(actor),
        step=_("Đang chờ đến lượt nhận dạng"),
    )  # fmt: skip
    scan.file.save("scan", uploaded, save=False)
    scan.save()
    record_event(
        "documents.scan.upload", actor=actor, obj=scan, unit=unit,
        changes={"content_type": scan.content_type, "size": scan.size, "sha256": scan.sha256},
    )  # fmt: skip
    transaction.on_commit(partial(enqueue_ocr, scan.pk))
    return scan


def _open_scan(actor, scan: Scan) -> Scan:
    """The scan locked, its keeper checked, still waiting (neither registered nor set aside)."""
    scan = Scan.objects.select_for_update(of=("self",)).select_related("unit", "incoming").get(pk=scan.pk)
    registers.require_keeper(actor, scan.unit)
    if scan.incoming_id is not None:
        raise ConflictError(
            _("Bản quét này đã được vào sổ với số đến %(number)02d.") % {"number": scan.incoming.number}
        )
    if scan.discarded_at is not None:
        raise ConflictError(_("Bản quét này đã bị bỏ."))
    return scan


@transaction.atomic
def retry_ocr(*, actor, scan: Scan, redo: bool = False) -> Scan:
    """OCR again: after a failure, or (redo) reading the text again from the images of a PDF with a poor layer."""
    scan = _open_scan(actor, scan)
    if scan.status in (Scan.Status.QUEUED, Scan.Status.RUNNING):
        raise ConflictError(_("Bản quét đang được nhận dạng; hãy chờ kết quả."))
    scan.status, scan.progress, scan.error, scan.step = Scan.Status.QUEUED, 0, "", _("Đang chờ đến lượt nhận dạng")
    scan.save(update_fields=["status", "progress", "error", "step"])
    record_event("documents.scan.retry", actor=actor, obj=scan, unit=scan.unit, changes={"redo": redo})
    transaction.on_commit(partial(enqueue_ocr, scan.pk, redo))
    return scan


@transaction.atomic
def discard_scan(*, actor, scan: Scan, now: dt.datetime | None = None) -> Scan:
    """Set a wrong or duplicate upload aside: kept, no longer waiting to be registered."""
    scan = _open_scan(actor, scan)
    scan.discarded_at, scan.discarded_by = now or timezone.now(), staff_user(actor)
    scan.save(update_fields=["discarded_at", "discarded_by"])
    record_event("documents.scan.discard", actor=actor, obj=scan, unit=scan.unit, changes={"name": scan.name})
    return scan


@transaction.atomic
def register_scan(
    *,
    actor,
    scan: Scan,
    issuer_name: str,
    number_symbol: str,
    issued_date: dt.date,
    doc_type: str,
    summary: str,
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NORMAL,
    note: str = "",
    confirm_duplicate: bool = False,
    now: dt.datetime | None = None,
) -> tuple[IncomingDocument, list[IncomingDocument]]:
    """Register the scan as an incoming document with the values the clerk confirmed (duplicate warning as in
    services.incoming_register); its OCR'd PDF (else the file as uploaded) becomes the document's main file, with
    the text found, and the document goes into the search index."""
    scan = _open_scan(actor, scan)
    document, duplicates = registers.incoming_register(
        actor=actor, unit=scan.unit, issuer_name=issuer_name, number_symbol=number_symbol, issued_date=issued_date,
        doc_type=doc_type, summary=summary, urgency=urgency, confidentiality=confidentiality, note=note, now=now,
        confirm_duplicate=confirm_duplicate, source=IncomingDocument.Source.UPLOAD,
    )  # fmt: skip
    attach_main_file(document, scan, actor=actor, now=now)
    scan.incoming, scan.urgency, scan.confidentiality = document, document.urgency, document.confidentiality
    scan.save(update_fields=["incoming", "urgency", "confidentiality"])
    record_event(
        "documents.scan.register", actor=actor, obj=scan, unit=scan.unit,
        changes={"incoming": document.pk, "corrected": corrected_fields(scan.proposal, document)},
    )  # fmt: skip
    search.index_incoming(document)
    return document, duplicates


def attach_main_file(document: IncomingDocument, scan: Scan, *, actor, now: dt.datetime | None = None) -> DocumentFile:
    """The OCR'd PDF (else the file as uploaded) as the document's main file, received, with the text found."""
    stored = scan.ocr_file or scan.file
    with stored.open("rb") as source:
        content = source.read()
    is_ocr_copy = bool(scan.ocr_file)
    name = scan.name.rsplit(".", 1)[0] + ".pdf" if is_ocr_copy else scan.name
    main = DocumentFile(
        incoming=document, kind=DocumentFile.Kind.MAIN, stage=DocumentFile.Stage.RECEIVED, name=name[:255],
        content_type="application/pdf" if is_ocr_copy else scan.content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), text=scan.text, uploaded_at=now or timezone.now(),
        uploaded_by=staff_user(actor),
    )  # fmt: skip
    main.file.save("main", ContentFile(content), save=False)
    main.save()
    return main


def corrected_fields(proposal: dict, document: IncomingDocument) -> list[str]:
    """The proposed fields the clerk changed (kept in the audit trail: how good the proposals are)."""
    registered = {
        "issuer_name": document.issuer_name, "number_symbol": document.number_symbol,
        "issued_date": document.issued_date.isoformat(), "doc_type": document.doc_type, "summary": document.summary,
        "urgency": document.urgency, "confidentiality": document.confidentiality,
    }  # fmt: skip
    return sorted(
        name for name, field in proposal.items() if name in registered and field.get("value") != registered[name]
    )
