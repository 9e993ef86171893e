"""Registering incoming documents from a scan: upload a PDF or an image, follow its OCR (the progress fragment is
polled with htmx), then confirm or correct the proposed number, symbol, date, issuer and summary beside the OCR'd
file, and register it (a duplicate is shown and needs confirming). Register keepers only."""

from functools import partial

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from apps.core.errors import DomainError
from apps.documents import selectors
from apps.documents.forms import IncomingForm, ScanUploadForm
from apps.documents.models import Scan
from apps.documents.selectors import intake as intake_selectors
from apps.documents.services import intake
from apps.documents.services.proposal import initial_values
from apps.documents.views.files import file_response
from apps.documents.views.registers import register_from_form, register_unit, register_url

POLL_SECONDS = 2


def _keeper_unit(request):
    unit, _units = register_unit(request)
    if not selectors.can_keep_register(request.user, unit):
        raise Http404
    return unit


def _scan_or_404(request, pk: int) -> Scan:
    scan = intake_selectors.scan_for(request.user, pk)
    if scan is None:
        raise Http404
    return scan


def _scan_url(scan: Scan) -> str:
    return reverse("documents:scan", args=[scan.pk])


def _upload_url(scan: Scan) -> str:
    return f"{reverse('documents:scan-upload')}?don-vi={scan.unit_id}"


@login_required
def scan_upload(request):
    """The upload form and the scans waiting to be registered, with their deadlines."""
    unit = _keeper_unit(request)
    form = ScanUploadForm(request.POST, request.FILES) if request.method == "POST" else ScanUploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            scan = intake.upload_scan(actor=request.user, unit=unit, uploaded=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect(_scan_url(scan))
    waiting = intake_selectors.with_deadlines(intake_selectors.waiting_scans(request.user, unit))
    return render(request, "documents/intake_upload.html", {"unit": unit, "form": form, "waiting": waiting})


@login_required
def scan_detail(request, pk: int):
    """While OCR runs: the progress. Then: the registration form pre-filled with the proposal beside the file."""
    scan = _scan_or_404(request, pk)
    if scan.incoming_id is not None:
        done = _("Bản quét này đã được vào sổ với số đến %(number)02d.") % {"number": scan.incoming.number}
        messages.info(request, done)
        return redirect(register_url(scan.unit, "den", scan.incoming.year))
    if scan.discarded_at is not None:
        messages.info(request, _("Bản quét này đã bị bỏ."))
        return redirect(_upload_url(scan))
    if scan.status != Scan.Status.DONE:
        return render(request, "documents/intake_progress.html", {"scan": scan, "poll": POLL_SECONDS})
    proposal = scan.proposal or {}
    form = IncomingForm(request.POST or None, initial=initial_values(proposal))
    document, duplicates = register_from_form(request, form, partial(intake.register_scan, scan=scan))
    if document is not None:
        return redirect(register_url(scan.unit, "den"))
    scan.deadline = intake_selectors.registration_deadline(scan)
    return render(request, "documents/intake_confirm.html", {
        "scan": scan, "unit": scan.unit, "form": form, "duplicates": duplicates, "proposal": proposal,
    })  # fmt: skip


@login_required
def scan_progress(request, pk: int):
    """The progress fragment htmx polls; once OCR has ended the page reloads to show the form (or the error)."""
    scan = _scan_or_404(request, pk)
    if request.htmx and scan.status in (Scan.Status.DONE, Scan.Status.FAILED):
        return HttpResponseClientRefresh()
    return render(request, "documents/_intake_progress.html", {"scan": scan, "poll": POLL_SECONDS})


@login_required
@require_POST
def scan_discard(request, pk: int):
    scan = _scan_or_404(request, pk)
    try:
        intake.discard_scan(actor=request.user, scan=scan)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã bỏ bản quét %(name)s.") % {"name": scan.name})
    return redirect(_upload_url(scan))


@login_required
@require_POST
def scan_retry(request, pk: int):
    scan = _scan_or_404(request, pk)
    try:
        intake.retry_ocr(actor=request.user, scan=scan, redo=request.POST.get("redo") == "1")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_scan_url(scan))


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"], "object-src": ["'self'"]})
def scan_file(request, pk: int):
    """The OCR'd PDF (else the file as uploaded), inline, for the preview beside the form."""
    scan = _scan_or_404(request, pk)
    stored = scan.ocr_file or scan.file
    content_type = "application/pdf" if scan.ocr_file else scan.content_type
    return file_response(request, stored, content_type=content_type, name=scan.name)
