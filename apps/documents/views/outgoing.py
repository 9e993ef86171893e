"""Outgoing document pages: drafting with a file, the document page (metadata, versions with their comments,
reviewers, the actions the reader may take, the signature check of the signed file), and the workflow's posts."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.documents.forms import DraftForm
from apps.documents.models import DocumentFile
from apps.documents.selectors import can_keep_register
from apps.documents.selectors import exchange as exchange_selectors
from apps.documents.selectors import handling as handling_selectors
from apps.documents.selectors import outgoing as selectors
from apps.documents.services import access, edxml, signing
from apps.documents.services import outgoing as services
from apps.documents.views.files import file_response
from apps.documents.views.registers import register_unit

FILE_HELP = gettext_lazy("PDF hoặc DOCX, tối đa 10 MB. Chỉ tệp PDF ký số được.")


class ComposeForm(DraftForm):
    file = forms.FileField(
        label=gettext_lazy("Tệp dự thảo"), required=False, help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.docx"}),
    )  # fmt: skip


class VersionForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp dự thảo mới"), help_text=FILE_HELP,
        error_messages={"required": gettext_lazy("Hãy chọn tệp dự thảo.")},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.docx"}),
    )  # fmt: skip
    note = forms.CharField(label=gettext_lazy("Nội dung chỉnh sửa"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))  # fmt: skip


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Ý kiến của bạn"), max_length=5000,
        error_messages={"required": gettext_lazy("Hãy ghi ý kiến.")},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip
    file = forms.TypedChoiceField(label=gettext_lazy("Về phiên bản"), coerce=int,
                                  widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        drafts = [v for v in versions if v.stage == DocumentFile.Stage.DRAFT]
        self.fields["file"].choices = [(v.pk, _("Phiên bản %(n)d — %(name)s") % {"n": v.version, "name": v.name})
                                       for v in drafts]  # fmt: skip


class ReviewForm(forms.Form):
    reviewers = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Người cho ý kiến"), coerce=int,
        error_messages={"required": gettext_lazy("Hãy chọn ít nhất một người cho ý kiến.")},
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )  # fmt: skip

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].choices = [(u.pk, u.get_full_name()) for u in candidates]


def _document_or_404(request, pk: int):
    document = selectors.outgoing_document(request.user, pk)
    if document is None:
        raise Http404
    return document


def _page(request, document, **forms_given):
    versions = selectors.outgoing_versions(document)
    allowed = selectors.allowed_actions(request.user, document)
    candidates = list(selectors.reviewer_candidates(document)) if allowed["edit"] else []
    checked = selectors.signed_file(document)
    context = {
        "document": document, "versions": versions, "reviewers": selectors.outgoing_reviewers(document),
        "allowed": allowed, "checked_file": checked,
        "report": signing.verify_document_file(checked) if checked else None,
        "version_form": forms_given.get("version_form") or VersionForm(),
        "comment_form": forms_given.get("comment_form") or CommentForm(versions=versions),
        "review_form": forms_given.get("review_form") or ReviewForm(candidates=candidates),
        "has_certificate": signing.active_certificate_of_user(request.user) is not None if allowed["sign"] else False,
        "keeper": can_keep_register(request.user, document.unit), "dispatches": _dispatches(request.user, document),
        "status_labels": edxml.STATUS_CODES, "answers": _answered(request.user, document),
    }  # fmt: skip
    return render(request, "documents/outgoing_detail.html", context, status=400 if forms_given else 200)


def _dispatches(user, document) -> list:
    """Where the released document was sent through the exchange, each with its statuses (as on the outbox)."""
    if document.status not in (document.Status.RELEASED, document.Status.SENT):
        return []
    dispatches = list(exchange_selectors.outbox(user, document.unit).filter(outgoing=document))
    for dispatch in dispatches:
        statuses = list(dispatch.statuses.all())  # prefetched, oldest first
        dispatch.last_status = statuses[-1] if statuses else None
    return dispatches


def _answered(user, document) -> list:
    """The incoming documents this one was attached to as the reply, those the user may see."""
    assignments = document.answered_assignments.select_related("document__unit").order_by("pk")
    return [a.document for a in assignments if handling_selectors.can_view_incoming(user, a.document)]


@login_required
def outgoing_detail(request, pk: int):
    document = _document_or_404(request, pk)
    access.log_opening(request.user, document, via="page")
    return _page(request, document)


@login_required
def outgoing_compose(request):
    unit, _units = register_unit(request)
    if not can_keep_register(request.user, unit):
        raise Http404
    divisions = list(unit.children.filter(is_active=True).order_by("sort_order", "name"))
    form = ComposeForm(request.POST or None, request.FILES or None, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["drafting_unit"] = next((d for d in divisions if d.pk == data["drafting_unit"]), None)
        try:
            document = services.outgoing_draft_with_file(actor=request.user, unit=unit, uploaded=data.pop("file"),
                                                         **data)  # fmt: skip
        except DomainError as error:
            field = "file" if error.field == "files" else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã tạo dự thảo; số văn bản được cấp khi ban hành."))
            return redirect("documents:outgoing-detail", pk=document.pk)
    if request.method == "POST" and request.FILES and form.errors:
        form.add_error(None, _("Vì lý do an toàn, hãy chọn lại tệp dự thảo trước khi gửi lại."))
    return render(request, "documents/outgoing_compose.html", {"unit": unit, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


def _post_action(request, pk: int, act, success: str, form_class=None, form_name: str = "", form_kwargs=None):
    """Run `act(document, form)`; a bad form or a refused move shows the page again with the message."""
    document = _document_or_404(request, pk)
    form = (
        form_class(request.POST, request.FILES, **(form_kwargs(document) if form_kwargs else {}))
        if form_class
        else None
    )
    if form is not None and not form.is_valid():
        return _page(request, document, **{form_name: form})
    try:
        act(document, form)
    except DomainError as error:
        if form is not None:
            field = "file" if error.field == "files" else error.field
            form.add_error(field if field in form.fields else None, error.message)
            return _page(request, document, **{form_name: form})
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("documents:outgoing-detail", pk=document.pk)


@login_required
@require_POST
def outgoing_upload(request, pk: int):
    def act(document, form):
        services.outgoing_attach_version(actor=request.user, document=document, uploaded=form.cleaned_data["file"],
                                         note=form.cleaned_data["note"])  # fmt: skip

    return _post_action(request, pk, act, _("Đã tải lên phiên bản mới; các phiên bản trước vẫn được giữ."),
                        VersionForm, "version_form")  # fmt: skip


@login_required
@require_POST
def outgoing_review(request, pk: int):
    def act(document, form):
        chosen = [u for u in selectors.reviewer_candidates(document) if u.pk in form.cleaned_data["reviewers"]]
        services.outgoing_submit_for_review(actor=request.user, document=document, reviewers=chosen)

    return _post_action(request, pk, act, _("Đã gửi xin ý kiến."), ReviewForm, "review_form",
                        form_kwargs=lambda d: {"candidates": selectors.reviewer_candidates(d)})  # fmt: skip


@login_required
@require_POST
def outgoing_comment(request, pk: int):
    def act(document, form):
        version = selectors.version_of(document, form.cleaned_data["file"])
        services.outgoing_comment(actor=request.user, document=document, body=form.cleaned_data["body"], file=version)

    return _post_action(request, pk, act, _("Đã ghi ý kiến."), CommentForm, "comment_form",
                        form_kwargs=lambda d: {"versions": selectors.outgoing_versions(d)})  # fmt: skip


@login_required
@require_POST
def outgoing_sign(request, pk: int):
    def act(document, form):
        services.outgoing_sign(actor=request.user, document=document)

    return _post_action(request, pk, act, _("Đã ký số văn bản."))


@login_required
def outgoing_file(request, pk: int):
    stored = selectors.outgoing_file(request.user, pk)
    if stored is None:
        raise Http404
    return file_response(request, stored.file, content_type=stored.content_type, name=stored.name,
                         document=stored.outgoing, download=request.GET.get("tai") == "1")  # fmt: skip
