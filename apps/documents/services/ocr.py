"""OCR of an uploaded scan (runs in the worker): OCRmyPDF with Tesseract's Vietnamese model gives a scanned PDF or an
image a text layer, the text is read back with pypdf and the registration is proposed from it (services.proposal).

A PDF whose every page already has text (a file made on a computer, a signed file from another agency) is not OCR'd
again: its own text is read. A PDF with some pages without text gets OCR on those pages only (OCRmyPDF's skip mode);
the clerk may ask for the text to be read again from the images (redo mode, for a poor text layer). The progress is
written to the scan's row as OCRmyPDF reports it (apps.documents.ocr_progress) for the page to poll."""

import logging
import shutil
import tempfile
import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image
from pypdf import PdfReader

from apps.core.actors import SYSTEM
from apps.core.audit import record_event
from apps.documents.models import Confidentiality, Scan, Urgency
from apps.documents.services.proposal import propose

logger = logging.getLogger("congvu.documents")

LANGUAGE = "vie"
DEFAULT_DPI = 300  # an image without its resolution is taken as a 300 dpi scan (the usual office scanner setting)
SUFFIXES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
# Our names of OCRmyPDF's steps, shown on the page while the job runs.
STEP_LABELS = {
    "Scanning contents": gettext_noop("Đang đọc tệp"),
    "OCR": gettext_noop("Đang nhận dạng chữ"),
    "Image processing": gettext_noop("Đang xử lý ảnh"),
    "Checking output": gettext_noop("Đang kiểm tra tệp kết quả"),
}
LAST_STEP = gettext_noop("Đang hoàn thiện tệp")


def pdf_page_texts(path: Path) -> list[str]:
    return [(page.extract_text() or "").strip() for page in PdfReader(str(path)).pages]


def _image_has_dpi(path: Path) -> bool:
    with Image.open(path) as image:
        return bool(image.info.get("dpi"))


def make_searchable(source: Path, target: Path, *, is_pdf: bool, redo: bool = False) -> bool:
    """Write `source` with a Vietnamese text layer to `target`. Returns False when the PDF already had text on every
    page (copied as it is), True when OCR ran."""
    if is_pdf and not redo:
        texts = pdf_page_texts(source)
        if texts and all(texts):
            shutil.copyfile(source, target)
            return False
    import ocrmypdf  # 0.45 s to import: only the worker's OCR job pays it, not every process that loads the app

    options = {"language": [LANGUAGE], "output_type": "pdf", "optimize": 0, "progress_bar": True,
               "plugins": ["apps.documents.ocr_progress"]}  # fmt: skip
    if is_pdf:
        options["mode"] = "redo" if redo else "skip"
    elif not _image_has_dpi(source):
        options["image_dpi"] = DEFAULT_DPI
    try:
        ocrmypdf.ocr(source, target, **options)
    except ocrmypdf.exceptions.DigitalSignatureError:
        # A signed file is never altered (the signature would break): it is kept with the text it has.
        shutil.copyfile(source, target)
        return False
    return True


def _save_progress(scan_id: int, step: str, percent: int) -> None:
    Scan.objects.filter(pk=scan_id).update(progress=max(0, min(percent, 99)), step=step[:100])


def _claim(scan_id: int) -> Scan | None:
    """Mark the queued scan running, once: a job run twice (a retried enqueue, the sweep) finds it taken."""
    with transaction.atomic():
        scan = Scan.objects.select_for_update().filter(pk=scan_id, incoming__isnull=True, discarded_at__isnull=True)
        scan = scan.first()
        if scan is None or scan.status != Scan.Status.QUEUED:
            return None
        scan.status, scan.progress, scan.step, scan.error = Scan.Status.RUNNING, 1, _("Đang chuẩn bị"), ""
        scan.started_at = timezone.now()
        scan.save(update_fields=["status", "progress", "step", "error", "started_at"])
        return scan


def _marks(proposal: dict) -> tuple[str, str]:
    urgency = proposal.get("urgency", {}).get("value", Urgency.NORMAL)
    confidentiality = proposal.get("confidentiality", {}).get("value", Confidentiality.NORMAL)
    return urgency, confidentiality


@transaction.atomic
def _store_result(scan_id: int, *, pdf: bytes, text: str, ocr_ran: bool, seconds: float) -> Scan:
    scan = Scan.objects.select_for_update().get(pk=scan_id)
    scan.text, scan.proposal = text, propose(text)
    scan.urgency, scan.confidentiality = _marks(scan.proposal)
    scan.ocr_file.save("ocr.pdf", ContentFile(pdf), save=False)
    scan.status, scan.progress, scan.finished_at = Scan.Status.DONE, 100, timezone.now()
    scan.step = _("Đã nhận dạng xong") if ocr_ran else _("Tệp đã có lớp chữ, không cần nhận dạng lại")
    scan.save()
    record_event(
        "documents.scan.ocr", actor=SYSTEM, obj=scan, unit=scan.unit,
        changes={"ocr": ocr_ran, "seconds": round(seconds, 1), "proposed": sorted(scan.proposal)},
    )  # fmt: skip
    return scan


@transaction.atomic
def _store_failure(scan_id: int, message: str) -> None:
    scan = Scan.objects.select_for_update().get(pk=scan_id)
    scan.status, scan.error, scan.step, scan.finished_at = Scan.Status.FAILED, message, "", timezone.now()
    scan.save(update_fields=["status", "error", "step", "finished_at"])
    record_event("documents.scan.ocr_failed", actor=SYSTEM, obj=scan, unit=scan.unit, changes={"error": message})


def _failure_message(error: Exception) -> str:
    from ocrmypdf import exceptions as ocr_errors

    if isinstance(error, ocr_errors.EncryptedPdfError):
        return _("Tệp PDF được đặt mật khẩu nên không đọc được; hãy tải lên bản không đặt mật khẩu.")
    if isinstance(error, ocr_errors.InputFileError | ocr_errors.UnsupportedImageFormatError):
        return _("Tệp bị hỏng hoặc không đọc được; hãy quét lại và tải lên.")
    return _("Không nhận dạng được chữ trong tệp; hãy thử lại hoặc nhập thông tin văn bản bằng tay.")


def run_scan_ocr(scan_id: int, *, redo: bool = False) -> Scan | None:
    """The job: OCR the scan, store the OCR'd PDF, its text and the proposal; progress saved as it goes. Returns the
    scan, or None when it was not waiting for OCR (already done by another run, registered, gone)."""
    scan = _claim(scan_id)
    if scan is None:
        return None
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="congvu-ocr-"))
    try:
        source, target = workdir / f"scan{SUFFIXES.get(scan.content_type, '.bin')}", workdir / "ocr.pdf"
        with scan.file.open("rb") as stored, source.open("wb") as copy:
            shutil.copyfileobj(stored, copy)

        def progress(step: str, percent: int) -> None:
            _save_progress(scan_id, _(STEP_LABELS.get(step, LAST_STEP)), percent)

        from apps.documents.ocr_progress import reporting

        with reporting(progress):
            ocr_ran = make_searchable(source, target, is_pdf=scan.content_type == "application/pdf", redo=redo)
        _save_progress(scan_id, _("Đang đọc nội dung và đề xuất thông tin"), 96)
        text = "\n\n".join(pdf_page_texts(target))
        return _store_result(
            scan_id, pdf=target.read_bytes(), text=text, ocr_ran=ocr_ran, seconds=time.monotonic() - started
        )
    except Exception as error:  # every failure ends the job with a message the clerk can act on
        logger.exception("OCR of scan %s failed", scan_id)
        _store_failure(scan_id, _failure_message(error))
        return Scan.objects.get(pk=scan_id)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
