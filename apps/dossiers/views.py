"""Staff pages of the one-stop desk: receive, queues, the dossier with its timeline and actions, late dossiers."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.dossiers import documents, lateness, selectors, services
from apps.dossiers.forms import ActionForm, WalkInForm
from apps.dossiers.models import Apology, Attachment, Dossier, Slip
from apps.org import selectors as org
from apps.org.models import Role, Unit
from apps.procedures.selectors import procedures_for_unit

DESK_KINDS = (Unit.Kind.ONE_STOP_DESK, Unit.Kind.SERVICE_CENTRE)


def _desks_of(user):
    return org.units_visible_to(user).filter(kind__in=DESK_KINDS, is_active=True).order_by("path")


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def receive(request):
    """The desk on one page: procedure, applicant, checklist of papers, receive, print the receipt."""
    desks = _desks_of(request.user)
    if not desks.exists():
        raise Http404
    desk = get_object_or_404(desks, pk=request.GET["desk"]) if request.GET.get("desk") else desks.first()
    filing_unit = org.filing_unit_for_desk(desk)
    procedures = procedures_for_unit(filing_unit)
    code = request.POST.get("procedure") or request.GET.get("procedure")
    procedure = procedures.filter(code=code).prefetch_related("papers").first() if code else None
    form = WalkInForm(request.POST or None)
    if request.method == "POST" and procedure is not None and form.is_valid():
        try:
            dossier = services.dossier_receive_walk_in(
                actor=request.user, desk=desk, procedure=procedure, applicant=form.applicant(),
                provided_paper_ids=[int(pk) for pk in request.POST.getlist("papers") if pk.isdigit()],
                channel=form.cleaned_data["channel"], sets=form.cleaned_data["sets"], **form.extra(),
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả: %(when)s.")
                % {"code": dossier.code, "when": timezone.localtime(dossier.appointment_at).strftime("%H:%M %d/%m/%Y")},
            )
            return redirect("dossiers:detail", code=dossier.code)
    elif request.method == "POST" and procedure is None:
        messages.error(request, _("Hãy chọn thủ tục."))
    checked = {int(pk) for pk in request.POST.getlist("papers") if pk.isdigit()}
    template = "dossiers/_papers.html" if request.htmx and request.method == "GET" else "dossiers/receive.html"
    return render(request, template, {
        "desk": desk, "desks": desks, "procedures": procedures, "procedure": procedure, "form": form,
        "checked": checked,
    })  # fmt: skip


@login_required
def queue(request):
    scope = request.GET.get("scope", "mine")
    if scope not in selectors.QUEUE_SCOPES:
        scope = "mine"
    now = timezone.now()
    dossiers = selectors.work_queue(request.user, scope=scope, query=request.GET.get("q", ""), now=now)
    page = selectors.queue_page(dossiers, request.GET.get("page"))
    return render(request, "dossiers/queue.html", {
        "page": page, "scope": scope, "counts": selectors.queue_counts(request.user, now=now),
        "query": request.GET.get("q", ""), "now": now, "can_receive": _desks_of(request.user).exists(),
        "scopes": [("mine", _("Của tôi")), ("unit", _("Của đơn vị")), ("due_soon", _("Sắp đến hạn")),
                   ("late", _("Trễ hạn"))],
    })  # fmt: skip


def _dossier_or_404(user, code: str) -> Dossier:
    try:
        return selectors.dossier_for(user, code=code)
    except Dossier.DoesNotExist as error:
        raise Http404 from error


@login_required
def detail(request, code: str):
    dossier = _dossier_or_404(request.user, code)
    apology = Apology.objects.filter(dossier=dossier).select_related("unit", "approved_by").first()
    return render(request, "dossiers/detail.html", {
        "d": dossier, "timeline": selectors.dossier_timeline(dossier), "actions": services.allowed_actions(dossier),
        "slips": dossier.slips.select_related("unit"), "papers": dossier.papers.all(), "apology": apology,
        "attachments": dossier.attachments.all(),
        "form": ActionForm(), "now": timezone.now(),
        "can_sign": apology is not None and apology.status == Apology.Status.DRAFT and (
            request.user.is_superuser or org.is_head_of(request.user, apology.unit)),
    })  # fmt: skip


ACTION_CALLS = {
    "receive": lambda u, d, f, r: services.dossier_receive(
        actor=u, dossier=d, provided_paper_ids=[int(p) for p in r.POST.getlist("papers") if p.isdigit()]),
    "request_completion": lambda u, d, f, r: services.dossier_request_completion(
        actor=u, dossier=d, items=f["items"], reason=f["reason"]),
    "refuse": lambda u, d, f, r: services.dossier_refuse(actor=u, dossier=d, reason=f["reason"]),
    "forward": lambda u, d, f, r: services.dossier_forward(actor=u, dossier=d, note=f["note"]),
    "request_supplement": lambda u, d, f, r: services.dossier_request_supplement(
        actor=u, dossier=d, items=f["items"], reason=f["reason"]),
    "supplement_received": lambda u, d, f, r: services.dossier_supplement_received(actor=u, dossier=d),
    "return_result": lambda u, d, f, r: services.dossier_return(actor=u, dossier=d),
    "withdraw": lambda u, d, f, r: services.dossier_withdraw(actor=u, dossier=d, reason=f["reason"]),
    "payment": lambda u, d, f, r: services.dossier_record_payment(actor=u, dossier=d),
}  # fmt: skip


@login_required
@require_POST
def act(request, code: str, action: str):
    dossier = _dossier_or_404(request.user, code)
    if action not in ACTION_CALLS:
        raise Http404
    form = ActionForm(request.POST)
    form.is_valid()
    try:
        ACTION_CALLS[action](request.user, dossier, form.cleaned_data, request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã %(action)s.") % {"action": services.ACTION_LABELS.get(action, _("ghi nhận"))})
    return redirect("dossiers:detail", code=code)


@login_required
def late(request):
    """Leaders: late dossiers by unit and officer, and the apologies waiting for their signature."""
    if not (request.user.is_superuser or org.user_has_role(request.user, Role.UNIT_LEADER)):
        raise Http404
    report = selectors.late_and_at_risk(request.user)
    visible = selectors.dossiers_visible_to(request.user)
    drafts = Apology.objects.filter(dossier__in=visible, status=Apology.Status.DRAFT).select_related(
        "dossier", "unit", "dossier__procedure"
    )
    return render(request, "dossiers/late.html", {
        "page": selectors.queue_page(report["dossiers"], request.GET.get("page")),
        "by_unit": report["by_unit"], "by_officer": report["by_officer"], "drafts": drafts, "now": timezone.now(),
    })  # fmt: skip


@login_required
@require_POST
def apology_sign(request, pk: int):
    apology = get_object_or_404(
        Apology.objects.filter(dossier__in=selectors.dossiers_visible_to(request.user)).select_related("dossier"), pk=pk
    )
    new_date = request.POST.get("new_appointment_at", "")
    try:
        moment = timezone.make_aware(dt.datetime.strptime(new_date, "%Y-%m-%dT%H:%M")) if new_date else None
        lateness.apology_approve(
            actor=request.user, apology=apology, new_appointment_at=moment, reason=request.POST.get("reason", "")
        )
    except ValueError:
        messages.error(request, _("Ngày hẹn mới không hợp lệ."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ký phiếu xin lỗi và báo ngày hẹn mới cho công dân."))
    return redirect("dossiers:detail", code=apology.dossier.code)


@login_required
def form_pdf(request, code: str, form: str, pk: int | None = None):
    dossier = _dossier_or_404(request.user, code)
    if form == "bm01" and dossier.received_at:
        return _pdf(documents.receipt_pdf(dossier), f"BM01-{code}.pdf")
    if form == "bm05" and dossier.received_at:
        return _pdf(documents.control_slip_pdf(dossier), f"BM05-{code}.pdf")
    if form == "slip" and pk:
        slip = get_object_or_404(Slip.objects.select_related("unit", "issued_by"), dossier=dossier, pk=pk)
        return _pdf(documents.slip_pdf(slip), f"{slip.get_kind_display()[:20]}-{code}.pdf".replace(" ", "-"))
    if form == "bm04":
        apology = get_object_or_404(Apology, dossier=dossier)
        return _pdf(documents.apology_pdf(apology), f"BM04-{code}.pdf")
    raise Http404


@login_required
def attachment(request, code: str, pk: int):
    """Files are stored outside the web root and served only to staff who may see the dossier."""
    dossier = _dossier_or_404(request.user, code)
    stored = get_object_or_404(Attachment, dossier=dossier, pk=pk)
    response = FileResponse(
        stored.file.open("rb"), content_type=stored.content_type, as_attachment=False, filename=stored.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def tracking_book(request):
    desks = _desks_of(request.user)
    if not desks.exists():
        raise Http404
    desk = get_object_or_404(desks, pk=request.GET["desk"]) if request.GET.get("desk") else desks.first()
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or today.replace(day=1).isoformat())
        end = dt.date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError:
        messages.error(request, _("Khoảng thời gian không hợp lệ."))
        return redirect(reverse("dossiers:book"))
    if start > end:
        start, end = end, start
    output = request.GET.get("format")
    if output == "pdf":
        return _pdf(documents.tracking_book_pdf(desk, start, end), f"BM06-{start}-{end}.pdf")
    if output == "xlsx":
        response = HttpResponse(
            documents.tracking_book_xlsx(desk, start, end),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{start}-{end}.xlsx"'
        return response
    rows = documents.tracking_book_rows(desk, start, end)
    return render(
        request,
        "dossiers/book.html",
        {"desk": desk, "desks": desks, "start": start, "end": end, "rows": rows[:500], "total": len(rows)},
    )
