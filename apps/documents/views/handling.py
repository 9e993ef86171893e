"""Handling pages: the incoming document (metadata, files with a PDF preview, signature check, the leader's direction,
the timeline and the holders' steps), the file itself for the preview, the two queues (awaiting my direction, my
handling) and the follow-up register (.xlsx, PDF).

The document page takes every step as a POST with `hanh-dong` naming it; a refused or invalid step shows the page
again with what was typed, a good one redirects back to it."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from apps.core.errors import DomainError
from apps.documents import exports
from apps.documents.forms import AssignForm, ForwardForm, NoteForm, ProgressForm, ReopenForm, ReplyForm
from apps.documents.models import HandlingParty, IncomingDocument
from apps.documents.selectors import handling as selectors
from apps.documents.selectors import outgoing as outgoing_selectors
from apps.documents.selectors import registers
from apps.documents.services import access, signing
from apps.documents.services import handling as services
from apps.documents.views.files import file_response
from apps.documents.views.registers import XLSX, register_unit, register_year

PDF = "application/pdf"
Handling = IncomingDocument.Handling
HOLDER_ROLES = (HandlingParty.Role.LEAD, HandlingParty.Role.CO_HANDLER)


def _forms(request, document, assignment, role, bound: str = ""):
    """The forms the user may use on this document: the one named by `bound` carries the POST."""
    data = request.POST if bound else None
    files = request.FILES if bound else None
    can_direct = selectors.can_direct(request.user, document)
    frozen = document.recalled_at is not None or document.handling_status == Handling.RECALLED
    is_open = assignment is not None and document.handling_status == Handling.ASSIGNED
    holds = role in HOLDER_ROLES or can_direct
    leads = role == HandlingParty.Role.LEAD or can_direct
    people = units = ()
    if (can_direct or holds) and not frozen:
        units, people = selectors.assignable_units(document), selectors.assignable_people(document)
    forms = {}
    if frozen:
        return forms
    if can_direct and document.handling_status in (Handling.AWAITING_DIRECTION, Handling.ASSIGNED):
        name = "assign" if document.handling_status == Handling.AWAITING_DIRECTION else "reassign"
        forms[name] = AssignForm(data if bound == name else None, units=units, people=people,
                                 prefix="giao")  # fmt: skip
    if is_open and holds:
        forms["forward"] = ForwardForm(data if bound == "forward" else None, units=units, people=people,
                                       prefix="chuyen")  # fmt: skip
        forms["progress"] = ProgressForm(data if bound == "progress" else None, files if bound == "progress" else None,
                                         prefix="tien-do")  # fmt: skip
    if is_open and leads:
        forms["reply"] = ReplyForm(data if bound == "reply" else None, files if bound == "reply" else None,
                                   candidates=selectors.reply_candidates(request.user, document)[:100],
                                   prefix="tra-loi")  # fmt: skip
        forms["done"] = NoteForm(data if bound == "done" else None, prefix="xong")
    if can_direct and document.handling_status == Handling.DONE:
        forms["reopen"] = ReopenForm(data if bound == "reopen" else None, prefix="mo-lai")
    return forms


def _take_step(request, document, name: str, form) -> str:
    """Run the step the valid form asks for; returns the message of success."""
    actor = request.user
    if name in ("assign", "reassign"):
        service = services.assign if name == "assign" else services.reassign
        assignment = service(actor=actor, document=document, **form.service_arguments())
        return _("Đã giao xử lý; hạn xử lý ngày %(day)s.") % {"day": assignment.deadline.strftime("%d/%m/%Y")}
    if name == "forward":
        services.forward(actor=actor, document=document, to=form.holder(form.cleaned_data["to"]),
                         note=form.cleaned_data["note"])  # fmt: skip
        return _("Đã chuyển văn bản.")
    if name == "progress":
        services.report_progress(actor=actor, document=document, text=form.cleaned_data["text"],
                                 file=form.cleaned_data["file"])  # fmt: skip
        return _("Đã ghi báo cáo tiến độ.")
    if name == "reply":
        services.attach_reply(actor=actor, document=document, outgoing=form.chosen_outgoing(),
                              file=form.cleaned_data["file"], note=form.cleaned_data["note"])  # fmt: skip
        return _("Đã đính kèm văn bản trả lời.")
    if name == "done":
        services.mark_done(actor=actor, document=document, note=form.cleaned_data["note"])
        return _("Đã kết thúc xử lý văn bản.")
    services.reopen(actor=actor, document=document, note=form.cleaned_data["note"])
    return _("Đã mở lại văn bản để xử lý tiếp.")


def _add_error(form, error: DomainError) -> None:
    field = "file" if error.field == "files" else error.field
    form.add_error(field if field in form.fields else None, error.message)


def _with_signature_checks(files) -> list:
    """Every received PDF's signatures verified against this installation's trust store, shown beside the file."""
    files = list(files)
    pdfs = [file for file in files if file.content_type == "application/pdf"]
    trust = signing.trust_store() if pdfs else None
    for file in pdfs:
        file.signature = signing.verify_document_file(file, trust)
    return files


@login_required
def incoming_detail(request, pk: int):
    document = selectors.incoming_document(request.user, pk)
    if document is None:
        raise Http404
    if request.method == "GET":
        access.log_opening(request.user, document, via="page")
    assignment = selectors.current_assignment(document)
    role = selectors.role_of(request.user, assignment)
    bound = request.POST.get("hanh-dong", "") if request.method == "POST" else ""
    forms = _forms(request, document, assignment, role, bound)
    if bound:
        form = forms.get(bound)
        if form is None:
            messages.error(request, _("Bạn không thể làm bước này với văn bản này."))
            return redirect("documents:incoming", pk=document.pk)
        if form.is_valid():
            try:
                messages.success(request, _take_step(request, document, bound, form))
            except DomainError as error:
                _add_error(form, error)
            else:
                return redirect("documents:incoming", pk=document.pk)
    deadline_preview = None
    for name in ("assign", "reassign"):
        if name in forms:
            days = forms[name]["working_days"].value()
            if str(days).isdigit() and 1 <= int(days) <= services.MAX_WORKING_DAYS:
                deadline_preview = services.deadline_for(document.unit, timezone.now(), int(days))[1]
    status = 400 if bound else 200
    return render(request, "documents/incoming_detail.html", {
        "document": document, "assignment": assignment, "role": role,
        "parties": selectors.parties(assignment) if assignment else [],
        "files": _with_signature_checks(selectors.document_files(document)), "timeline": selectors.timeline(document),
        "forms": forms, "bound": bound, "deadline_preview": deadline_preview,
        "keeper": registers.can_keep_register(request.user, document.unit),
        "late": assignment is not None and assignment.done_at is None and assignment.due_at < timezone.now(),
    }, status=status)  # fmt: skip


@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})  # framed by the document page of this site, never by another
def incoming_file(request, pk: int, file_pk: int):
    stored = selectors.document_file(request.user, pk, file_pk)
    if stored is None:
        raise Http404
    return file_response(request, stored.file, content_type=stored.content_type, name=stored.name,
                         document=stored.incoming)  # fmt: skip


@login_required
def awaiting_direction(request):
    documents = selectors.awaiting_direction(request.user)
    return render(request, "documents/awaiting_direction.html", {
        "page": Paginator(documents, 50).get_page(request.GET.get("page")),
        "drafts_to_sign": outgoing_selectors.drafts_to_sign(request.user),
    })  # fmt: skip


@login_required
def my_handling(request):
    assignments = selectors.my_handling(request.user)
    return render(request, "documents/my_handling.html", {
        "page": Paginator(assignments, 50).get_page(request.GET.get("page")),
    })  # fmt: skip


@login_required
def follow_up(request):
    unit, units = register_unit(request)
    year = register_year(request)
    assignments = selectors.follow_up_register(request.user, unit, year)
    export = request.GET.get("xuat")
    if export == "xlsx":
        response = HttpResponse(exports.follow_up_xlsx(unit, year, assignments), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-giai-quyet-van-ban-den-{year}.xlsx"'
        return response
    if export == "pdf":
        response = HttpResponse(exports.follow_up_pdf(unit, year, assignments), content_type=PDF)
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-giai-quyet-van-ban-den-{year}.pdf"'
        return response
    return render(request, "documents/follow_up.html", {
        "unit": unit, "units": units, "year": year,
        "page": Paginator(assignments, 50).get_page(request.GET.get("page")),
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
    })  # fmt: skip
