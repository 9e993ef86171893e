"""Feedback pages: citizens (send, follow, search published answers, rate, reopen) and staff (queue, the hotline
operator's screen, the feedback page with the actions allowed now)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.pagecache import cached_for_anonymous
from apps.core.paginator import RecountedPaginator
from apps.core.ratelimit import over_limit
from apps.feedback import selectors, services
from apps.feedback.forms import CallForm, FeedbackForm, RateByPhoneForm, RateForm, ReopenForm
from apps.feedback.models import AnswerTemplate, Category, Feedback, FeedbackAttachment, FeedbackRating
from apps.org import selectors as org
from apps.org.models import Unit

S = Feedback.Status
# Lazy: built at import, shown in the language of each request.
QUEUE_LABELS = {
    "to_classify": gettext_lazy("Chờ phân loại"), "unit": gettext_lazy("Đơn vị tôi"),
    "mine": gettext_lazy("Được giao cho tôi"), "approval": gettext_lazy("Chờ duyệt trả lời"),
    "due_soon": gettext_lazy("Sắp đến hạn"), "late": gettext_lazy("Quá hạn"), "answered": gettext_lazy("Đã trả lời"),
    "forwarded": gettext_lazy("Đã chuyển cơ quan khác"),
}  # fmt: skip


def _submit(form, *, channel: str, actor=None, files=()) -> Feedback:
    data = form.cleaned_data
    return services.feedback_submit(
        channel=channel, category=data["category"], title=data["title"], content=data["content"],
        contact=form.contact(), address=data["address"], dossier_code=data["dossier"], actor=actor, files=files,
    )  # fmt: skip


# --- citizens --------------------------------------------------------------------------------------------


def _published_answers_paginator(query: str = "", category: str = "") -> RecountedPaginator:
    answers = selectors.published_answers(query=query, category=category)
    return RecountedPaginator(answers, 20, count_key=f"feedback-published:{query}:{category}")


def warm_published_answers() -> int:
    """The total of the published answers as the list opens, counted at a server's start-up (congvu/warmup.py) and
    kept in the shared cache, so that the workers' first pages do not all count it at once."""
    return _published_answers_paginator().count


@cached_for_anonymous("feedback")
def public_list(request):
    query, category = request.GET.get("q", ""), request.GET.get("loai", "")
    return render(request, "feedback/public_list.html", {
        "page": _published_answers_paginator(query, category).get_page(request.GET.get("page")), "query": query,
        "category": category, "categories": selectors.active_categories(),
    })  # fmt: skip


def public_send(request):
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "feedback", 10, 3600):
            messages.error(request, _("Bạn đã gửi quá nhiều phản ánh trong một giờ, vui lòng thử lại sau."))
        elif form.is_valid():
            try:
                feedback = _submit(form, channel=Feedback.Channel.WEB, files=request.FILES.getlist("files"))
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Đã nhận phản ánh, mã %(code)s. Hạn trả lời: %(due)s. Hãy ghi lại mã để theo dõi.")
                    % {"code": feedback.code, "due": timezone.localtime(feedback.due_at).strftime("%d/%m/%Y")},
                )
                return redirect("feedback:public-detail", code=feedback.code)
    return render(request, "feedback/public_send.html", {"form": form, "categories": selectors.active_categories()})


@never_cache
def public_detail(request, code: str):
    if over_limit(request, "feedback-lookup", 30):
        messages.error(request, _("Ông/bà tra cứu quá nhiều lần, vui lòng thử lại sau một phút."))
        return redirect("feedback:public-list")
    row = selectors.public_feedback(code.strip().upper())
    if row is None:
        raise Http404
    feedback = Feedback.objects.only("pk", "status", "reopened_at", "assigned_unit_id", "answered_at").get(
        code=row["code"]
    )
    forms = {"rate": RateByPhoneForm(), "reopen": ReopenForm()}
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None:
        if action not in forms or over_limit(request, "feedback-post", 10, 600):
            messages.error(request, _("Thao tác không hợp lệ hoặc quá nhiều lần."))
        else:
            form = forms[action] = (RateByPhoneForm if action == "rate" else ReopenForm)(request.POST)
            if form.is_valid() and _citizen_acts(request, feedback, action, form.cleaned_data):
                return redirect("feedback:public-detail", code=row["code"])
    answered = feedback.status in (S.ANSWERED, S.CLOSED) and feedback.answered_at is not None  # not forwarded
    return render(request, "feedback/public_detail.html", {
        "f": row, "status_label": Feedback.Status(row["status"]).label,
        "can_rate": answered and not FeedbackRating.objects.filter(feedback=feedback).exists(),
        "can_reopen": answered and feedback.reopened_at is None and feedback.assigned_unit_id is not None,
        "rate_form": forms["rate"], "reopen_form": forms["reopen"],
    })  # fmt: skip


def _citizen_acts(request, feedback: Feedback, action: str, data: dict) -> bool:
    """Rate the answer or ask for a review; the outcome is told in a message."""
    try:
        if action == "rate":
            services.feedback_rate(feedback=feedback, **data)
            messages.success(request, _("Cảm ơn Ông/Bà đã đánh giá."))
        else:
            services.feedback_reopen(feedback=feedback, **data)
            messages.success(request, _("Phản ánh đã được mở lại; đơn vị sẽ trả lời lại."))
    except DomainError as error:
        messages.error(request, error.message)
        return False
    return True


@never_cache
def public_rate(request, token: str):
    """The rating link sent with the answer: its holder is the sender, who reads the answer here and rates it."""
    feedback = selectors.feedback_by_rating_token(token)
    if feedback is None:
        error = _("Đường dẫn đánh giá không hợp lệ. Vui lòng dùng đúng đường dẫn trong tin nhắn hoặc thư điện tử.")
        return render(request, "feedback/public_rate.html", {"error": error}, status=403)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_rate(feedback=feedback, token=token, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return render(request, "feedback/public_rate.html", {"f": feedback, "done": True})
    already = FeedbackRating.objects.filter(feedback=feedback).exists()
    return render(request, "feedback/public_rate.html", {
        "f": feedback, "form": form, "already": already, "answered": feedback.status in (S.ANSWERED, S.CLOSED),
    })  # fmt: skip


def public_follow(request):
    code = (request.GET.get("ma") or "").strip().upper()
    if code:
        return redirect("feedback:public-detail", code=code)
    return redirect("feedback:public-list")


# --- staff -----------------------------------------------------------------------------------------------


@login_required
def queue(request):
    scope = request.GET.get("scope", "unit")
    if scope not in selectors.QUEUE_SCOPES:
        scope = "unit"
    now, query = timezone.now(), request.GET.get("q", "")
    items = selectors.feedback_queue(request.user, scope=scope, query=query, now=now)
    return render(request, "feedback/queue.html", {
        "page": Paginator(items, 30).get_page(request.GET.get("page")), "scope": scope, "query": query,
        "scopes": list(QUEUE_LABELS.items()), "counts": selectors.queue_counts(request.user, now=now), "now": now,
        "can_log_call": services.is_dispatcher(request.user),
        "can_change_settings": bool(services.settings_units(request.user)),
    })  # fmt: skip


@login_required
def operator(request):
    """The hotline screen: the caller's number first (earlier feedback appears), then the question; under a minute."""
    if not services.is_dispatcher(request.user):
        raise Http404
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback = _submit(form, channel=form.cleaned_data["channel"], actor=request.user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã ghi nhận phản ánh %(code)s.") % {"code": feedback.code})
            return redirect("feedback:detail", code=feedback.code)
    return render(request, "feedback/operator.html", {
        "form": form, "templates": AnswerTemplate.objects.select_related("category"),
        "earlier": selectors.feedback_by_phone(request.user, request.POST.get("contact_phone", "")),
    })  # fmt: skip


@login_required
@require_POST
def by_phone(request):
    """htmx: earlier feedback from the number being typed, sent by POST (a phone number never goes in a URL)."""
    return render(request, "feedback/_by_phone.html", {
        "earlier": selectors.feedback_by_phone(request.user, request.POST.get("contact_phone", "")),
    })  # fmt: skip


@login_required
def detail(request, code: str):
    feedback = _feedback_or_404(request.user, code)
    units = org.units_visible_to(request.user).filter(is_active=True).exclude(kind=Unit.Kind.PARTY_CELL)
    return render(request, "feedback/detail.html", {
        "f": feedback, "actions": services.allowed_actions(request.user, feedback), "now": timezone.now(),
        "needs_approval": services.answer_needs_approval(feedback.assigned_unit)
        and not services.is_approver(request.user, feedback),
        "units": units.order_by("path")[:500], "categories": Category.objects.filter(is_active=True),
        "templates": AnswerTemplate.objects.filter(Q(category=feedback.category) | Q(category__isnull=True)),
        "attachments": feedback.attachments.all(),
    })  # fmt: skip


def _feedback_or_404(user, code: str) -> Feedback:
    try:
        return selectors.feedback_for(user, code)
    except Feedback.DoesNotExist as error:
        raise Http404 from error


@login_required
@require_POST
def act(request, code: str, action: str):
    feedback = _feedback_or_404(request.user, code)
    unit = request.POST.get("unit", "")
    try:
        services.feedback_act(
            action, actor=request.user, feedback=feedback, unit=int(unit) if unit.isdigit() else None,
            assignee=request.POST.get("assignee", ""), category=request.POST.get("category", ""),
            to=request.POST.get("to", ""), answer=request.POST.get("answer", ""),
            publish=request.POST.get("publish") == "on", comment=request.POST.get("comment", ""),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã cập nhật phản ánh %(code)s.") % {"code": feedback.code})
    return redirect(reverse("feedback:detail", args=[feedback.code]))


@login_required
def settings_page(request):
    """A leader's (or administrator's) feedback settings for their own units: answers need the leader's approval."""
    units = services.settings_units(request.user)
    if not units:
        raise Http404
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit", "")), None)
        if unit is None:
            raise Http404
        try:
            services.feedback_settings_set(
                actor=request.user, unit=unit, answer_needs_approval=request.POST.get("answer_needs_approval") == "on"
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã lưu thiết lập phản ánh của %(unit)s.") % {"unit": unit})
        return redirect("feedback:settings")
    rows = [{"unit": unit, "needs_approval": services.answer_needs_approval(unit)} for unit in units]
    return render(request, "feedback/settings.html", {"rows": rows})


@login_required
def attachment(request, code: str, pk: int):
    """A citizen's file, served only to staff who may see the feedback (stored outside the web root)."""
    feedback = _feedback_or_404(request.user, code)
    stored = get_object_or_404(FeedbackAttachment, feedback=feedback, pk=pk)
    response = FileResponse(
        stored.file.open("rb"), content_type=stored.content_type, as_attachment=False, filename=stored.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
