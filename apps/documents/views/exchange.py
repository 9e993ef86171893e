"""Exchange pages: the outbox (each sent document per recipient: its statuses with their times, delivery state,
attempts, next try), the inbox of arrived documents (accept into the incoming register, or reject with a reason;
agree or refuse an update), sending a released document and recalling or updating a sent one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.documents import selectors
from apps.documents.models import InboxDocument, OutboxMessage
from apps.documents.selectors import exchange as exchange_selectors
from apps.documents.services import edxml, exchange, registers
from apps.documents.views.files import INLINE_TYPES
from apps.documents.views.registers import register_unit


class SendForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label=gettext_lazy("Nơi nhận"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Hãy chọn ít nhất một nơi nhận.")},
    )  # fmt: skip

    def __init__(self, *args, directory=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(organ_id, f"{name} ({organ_id})") for organ_id, name in directory]


class RecallForm(forms.Form):
    business_type = forms.TypedChoiceField(
        label=gettext_lazy("Nghiệp vụ"), coerce=int, widget=forms.Select(attrs={"class": "form-select"}),
        choices=[(edxml.RECALL, gettext_lazy("Thu hồi")), (edxml.UPDATE, gettext_lazy("Cập nhật")),
                 (edxml.REPLACE, gettext_lazy("Thay thế"))],
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": gettext_lazy("Hãy ghi lý do.")},
    )  # fmt: skip


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do từ chối"), max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": gettext_lazy("Hãy ghi lý do từ chối.")},
    )  # fmt: skip


def _outbox_url(unit) -> str:
    return f"{reverse('documents:exchange-outbox')}?don-vi={unit.pk}"


def _inbox_url(unit) -> str:
    return f"{reverse('documents:exchange-inbox')}?don-vi={unit.pk}"


@login_required
def outbox(request):
    unit, units = register_unit(request)
    dispatches = exchange_selectors.outbox(request.user, unit)
    return render(request, "documents/exchange_outbox.html", {
        "unit": unit, "units": units, "page": Paginator(dispatches, 30).get_page(request.GET.get("page")),
        "undelivered": exchange_selectors.undelivered(request.user, unit).filter(kind=OutboxMessage.Kind.STATUS)[:50],
        "status_labels": edxml.STATUS_CODES, "keeper": selectors.can_keep_register(request.user, unit),
    })  # fmt: skip


@login_required
def inbox(request):
    unit, units = register_unit(request)
    if not selectors.can_keep_register(request.user, unit):
        raise Http404
    state = request.GET.get("tinh-trang") or InboxDocument.State.ARRIVED
    if state not in InboxDocument.State.values:
        state = InboxDocument.State.ARRIVED
    items = exchange_selectors.inbox(request.user, unit, state).defer(None).select_related("unit")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "documents/exchange_inbox.html", {
        "unit": unit, "units": units, "state": state, "states": InboxDocument.State.choices,
        "page": page, "items": exchange_selectors.with_registration_deadlines(page.object_list),
        "reject_form": RejectForm(),
    })  # fmt: skip


def _item(request, pk: int) -> InboxDocument:
    item = exchange_selectors.inbox_item(request.user, pk)
    if item is None:
        raise Http404
    return item


@login_required
def inbox_file(request, pk: int, index: int):
    """An arrived document's attachment, read before accepting it (the envelope keeps it, signature checked on
    arrival). Its type is read from its content, not from what the peer declared: shown inline only when it is a
    PDF or an image, else downloaded."""
    item = _item(request, pk)
    envelope = edxml.parse(bytes(item.envelope))
    attachments = getattr(envelope, "attachments", [])
    if not 1 <= index <= len(attachments):
        raise Http404
    attachment = attachments[index - 1]
    detected = exchange.received_content_type(attachment.data)
    inline = detected in INLINE_TYPES
    content_type = detected if inline else "application/octet-stream"
    response = HttpResponse(attachment.data, content_type=content_type)
    response["Content-Disposition"] = "inline" if inline else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def accept(request, pk: int):
    item = _item(request, pk)
    try:
        incoming = exchange.accept_inbox(
            actor=request.user, item=item, confirm_duplicate=request.POST.get("confirm_duplicate") == "1"
        )
    except registers.DuplicateDocumentError as error:
        messages.warning(request, error.message + " " + _("Đánh dấu xác nhận rồi tiếp nhận lại."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã vào sổ văn bản đến số %(number)02d; đã báo nơi gửi.") % {"number": incoming.number}
        )
    return redirect(_inbox_url(item.unit))


@login_required
def reject(request, pk: int):
    item = _item(request, pk)
    form = RejectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            exchange.reject_inbox(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, _("Đã từ chối văn bản; đã báo nơi gửi."))
            return redirect(_inbox_url(item.unit))
    return render(request, "documents/exchange_reject.html", {"item": item, "form": form})


@login_required
@require_POST
def decide_change(request, pk: int):
    item = _item(request, pk)
    try:
        exchange.decide_change(actor=request.user, item=item, agree=request.POST.get("agree") == "1")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã trả lời nơi gửi."))
    return redirect(f"{_inbox_url(item.unit)}&tinh-trang={item.state}")


def _keeper_document(request, pk: int):
    document = selectors.outgoing_document(request.user, pk)
    if document is None or not selectors.can_keep_register(request.user, document.unit):
        raise Http404
    return document


@login_required
def send(request, pk: int):
    document = _keeper_document(request, pk)
    directory = exchange_selectors.recipients_directory(exclude=document.unit)
    form = SendForm(request.POST if request.method == "POST" else None, directory=directory)
    if request.method == "POST" and form.is_valid():
        try:
            dispatches = exchange.send_outgoing(
                actor=request.user, document=document, recipients=form.cleaned_data["recipients"]
            )
        except DomainError as error:
            form.add_error("recipients" if error.field == "recipients" else None, error.message)
        else:
            messages.success(request, _("Đã gửi liên thông đến %(count)d nơi nhận.") % {"count": len(dispatches)})
            return redirect(_outbox_url(document.unit))
    return render(request, "documents/exchange_send.html", {
        "document": document, "form": form, "max_files_mb": edxml.MAX_ATTACHMENTS_BYTES // (1024 * 1024),
    })  # fmt: skip


@login_required
def recall(request, pk: int):
    document = _keeper_document(request, pk)
    form = RecallForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            exchange.recall_outgoing(actor=request.user, document=document, **form.cleaned_data)
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, _("Đã gửi yêu cầu đến các nơi nhận."))
            return redirect(_outbox_url(document.unit))
    return render(request, "documents/exchange_recall.html", {"document": document, "form": form})
