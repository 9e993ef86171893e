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
from apps.dossiers import documents, selectors, services
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


def _slots(request) -> tuple[dict, dict]:
    """The papers' slots of a receive form: `paper-<id>` files and `reuse-<id>` earlier copies chosen."""
    files = {int(k[6:]): f for k, f in request.FILES.items() if k.startswith("paper-") and k[6:].isdigit()}
    reuse = {int(k[6:]): int(v) for k, v in request.POST.items() if k.startswith("reuse-") and k[6:].isdigit()
             and v.isdigit()}  # fmt: skip
    return files, reuse


@login_required
def receive(request):
    """The desk on one page: procedure, applicant, checklist of papers, receive, print the receipt."""
    desks = _desks_of(request.user)
    if not desks.exists():
        raise Http404
    desk = get_object_or_404(desks, pk=request.GET["desk"]) if request.GET.get("desk") else desks.first()
    committees = org.committees_in_province_of(desk)
    chosen = request.POST.get("competent_unit") or request.GET.get("competent_unit") or ""
    own = org.filing_unit_for_desk(desk)
    filing_unit = (committees.filter(pk=chosen).first() if chosen.isdigit() else None) or own
    procedures = procedures_for_unit(filing_unit)
    code = request.POST.get("procedure") or request.GET.get("procedure")
    procedure = procedures.filter(code=code).prefetch_related("papers").first() if code else None
    form = WalkInForm(request.POST or None)
    decision = request.POST.get("decision", "receive")
    if request.method == "POST" and procedure is not None and form.is_valid():
        try:
            done = _desk_decision(request, decision, desk, procedure, form, filing_unit)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return done
    elif request.method == "POST" and procedure is None:
        messages.error(request, _("Hãy chọn thủ tục."))
    checked = {int(pk) for pk in request.POST.getlist("papers") if pk.isdigit()}
    id_number = request.POST.get("applicant_id_number") or request.GET.get("applicant_id_number") or ""
    offers = services.reuse_offers_for_person(procedure, id_number) if procedure else {}
    template = "dossiers/_papers.html" if request.htmx and request.method == "GET" else "dossiers/receive.html"
    return render(request, template, {
        "desk": desk, "desks": desks, "procedures": procedures, "procedure": procedure, "form": form,
        "checked": checked, "offers": offers, "committees": committees, "competent": filing_unit, "own": own,
        "return_desks": org.desks_in_province_of(desk),
    })  # fmt: skip


def _receipt_message(dossier) -> str:
    step = dossier.current_step
    when = timezone.localtime(dossier.appointment_at).strftime("%H:%M %d/%m/%Y")
    return _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả %(when)s. Hồ sơ đang ở bước “%(step)s” — %(unit)s. "
             "Hãy in giấy tiếp nhận (BM.01) giao công dân.") % {
        "code": dossier.code, "when": when, "step": step.name, "unit": step.unit}  # fmt: skip


def _desk_decision(request, decision: str, desk, procedure, form, competent):
    """Receive the paper dossier (BM.01), or record it with a written BM.02 (incomplete) or BM.03 (refused)."""
    return_desk = org.desks_in_province_of(desk).filter(pk=request.POST.get("return_desk") or desk.pk).first()
    common = {
        "actor": request.user, "desk": desk, "procedure": procedure, "applicant": form.applicant(),
        "provided_paper_ids": [int(pk) for pk in request.POST.getlist("papers") if pk.isdigit()],
        "channel": form.cleaned_data["channel"], "sets": form.cleaned_data["sets"], **form.extra(),
    }  # fmt: skip
    if decision == "supplement":
        slip = services.dossier_desk_completion_request(
            items=form.cleaned_data["items"], reason=form.cleaned_data["reason"], **common
        )
    elif decision == "refuse":
        slip = services.dossier_desk_refusal(reason=form.cleaned_data["reason"], **common)
    else:
        files, reuse = _slots(request)  # the papers' slots: scans, and the person's earlier copies reused
        dossier = services.dossier_receive_walk_in_digitised(
            **common, files=files, reuse=reuse, competent_unit=competent, return_desk=return_desk,
            hand_over=bool(request.POST.get("hand_over")),
        )  # fmt: skip
        messages.success(request, _receipt_message(dossier))
        return redirect(reverse("dossiers:detail", args=[dossier.code]) + "?in=bm01")
    messages.success(request, _("Đã lập %(kind)s số %(number)s. Hãy in và giao cho người nộp.")
                     % {"kind": slip.get_kind_display(), "number": slip.number})  # fmt: skip
    return redirect("dossiers:detail", code=slip.dossier.code)


@login_required
def queue(request):
    now = timezone.now()
    counts = selectors.queue_counts(request.user, now=now)
    can_receive = _desks_of(request.user).exists()
    default = "waiting" if can_receive and counts["waiting"] else "mine"
    scope = request.GET.get("scope", default)
    if scope not in selectors.QUEUE_SCOPES:
        scope = default
    dossiers = selectors.work_queue(request.user, scope=scope, query=request.GET.get("q", ""), now=now)
    page = selectors.queue_page(dossiers, request.GET.get("page"))
    scopes = [("mine", _("Của tôi")), ("unit", _("Của đơn vị")), ("due_soon", _("Sắp đến hạn")), ("late", _("Trễ hạn"))]
    if can_receive:
        scopes.insert(0, ("waiting", _("Chờ tiếp nhận trực tuyến")))
    return render(request, "dossiers/queue.html", {
        "page": page, "scope": scope, "counts": counts, "query": request.GET.get("q", ""), "now": now,
        "can_receive": can_receive, "scopes": scopes,
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
    actions = {action.name for action in services.allowed_actions(dossier, request.user)}
    return render(request, "dossiers/detail.html", {
        "d": dossier, "timeline": selectors.dossier_timeline(dossier), "actions": actions,
        "slips": dossier.slips.select_related("unit"), "apology": apology,
        "supplement_asked": dossier.received_at is not None
        and dossier.slips.filter(kind=Slip.Kind.SUPPLEMENT, issued_at__gte=dossier.received_at).exists(),
        "papers": dossier.papers.select_related("required_paper", "digitised_file"),
        "offers": services.reuse_offers(dossier) if "receive" in actions else {},
        "result": services.electronic_result(dossier),
        "can_attach_result": services.result_attach_allowed(request.user, dossier),
        "attachments": dossier.attachments.all(),
        "form": ActionForm(), "now": timezone.now(),
        "can_sign": apology is not None and apology.status == Apology.Status.DRAFT and (
            request.user.is_superuser or org.is_head_of(request.user, apology.unit)),
    })  # fmt: skip


@login_required
@require_POST
def act(request, code: str, action: str):
    dossier = _dossier_or_404(request.user, code)
    if action not in services.STAFF_ACTIONS:
        raise Http404
    form = ActionForm(request.POST)
    form.is_valid()
    inputs = dict(form.cleaned_data, papers=[int(p) for p in request.POST.getlist("papers") if p.isdigit()])
    try:
        if action == "receive":  # with the papers' slots: scans and the person's earlier copies reused
            files, reuse = _slots(request)
            services.dossier_receive_digitised(
                actor=request.user, dossier=dossier, provided_paper_ids=inputs["papers"], files=files, reuse=reuse
            )
        else:
            services.run_action(action, request.user, dossier, inputs)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã %(action)s.") % {"action": services.ACTIONS[action].label})
    return redirect("dossiers:detail", code=code)


@login_required
@require_POST
def result_upload(request, code: str):
    """The handling officer (or the desk) stores the result as a PDF, for the citizen to download."""
    dossier = _dossier_or_404(request.user, code)
    try:
        if "result" not in request.FILES:
            raise DomainError(_("Hãy chọn tệp kết quả (PDF)."), field="result")
        services.result_attach(actor=request.user, dossier=dossier, file=request.FILES["result"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã lưu kết quả điện tử của hồ sơ."))
    return redirect("dossiers:detail", code=code)


@login_required
def paper_file(request, code: str, pk: int):
    """A paper's digitised copy, for staff who may see the dossier (a reused copy lives in the earlier dossier)."""
    dossier = _dossier_or_404(request.user, code)
    paper = get_object_or_404(dossier.papers.select_related("digitised_file"), pk=pk, digitised_file__isnull=False)
    stored = paper.digitised_file
    response = FileResponse(
        stored.file.open("rb"), content_type=stored.content_type, as_attachment=False, filename=stored.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def late(request):
    """Leaders: late dossiers by unit and officer, and the apologies waiting for their signature."""
    if not (request.user.is_superuser or org.user_has_role(request.user, Role.UNIT_LEADER)):
        raise Http404
    report = selectors.late_and_at_risk(request.user)
    now = timezone.now()
    drafts = list(selectors.apologies_waiting(request.user))
    for apology in drafts:
        apology.late = apology.signed_late(now)
    return render(request, "dossiers/late.html", {
        "page": selectors.queue_page(report["dossiers"], request.GET.get("page")),
        "by_unit": report["by_unit"], "by_officer": report["by_officer"], "drafts": drafts, "now": now,
        "signed_late": selectors.apologies_signed_late(request.user),
    })  # fmt: skip


@login_required
@require_POST
def apologies_sign(request):
    """The head signs the chosen drafts at once from the late dossiers' page."""
    ids = [int(pk) for pk in request.POST.getlist("apology") if pk.isdigit()]
    chosen = Apology.objects.filter(
        pk__in=ids, status=Apology.Status.DRAFT, dossier__in=selectors.dossiers_visible_to(request.user)
    ).select_related("dossier", "unit")
    if not ids:
        messages.error(request, _("Hãy chọn ít nhất một phiếu để ký."))
        return redirect("dossiers:late")
    signed, refused = services.apology_approve_many(actor=request.user, apologies=list(chosen))
    if signed:
        messages.success(request, _("Đã ký %(n)d phiếu xin lỗi và báo ngày hẹn mới cho công dân.") % {"n": len(signed)})
    for line in refused:
        messages.error(request, line)
    return redirect("dossiers:late")


@login_required
@require_POST
def apology_sign(request, pk: int):
    apology = get_object_or_404(
        Apology.objects.filter(dossier__in=selectors.dossiers_visible_to(request.user)).select_related("dossier"), pk=pk
    )
    new_date = request.POST.get("new_appointment_at", "")
    try:
        moment = timezone.make_aware(dt.datetime.strptime(new_date, "%Y-%m-%dT%H:%M")) if new_date else None
        services.apology_approve(
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
