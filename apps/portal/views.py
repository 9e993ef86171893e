import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.calendar import selectors as calendar_selectors
from apps.calendar import services as calendar_services
from apps.core import selectors as audit_selectors
from apps.core.errors import DomainError
from apps.core.pagecache import cached_for_anonymous
from apps.dossiers import selectors as dossier_selectors
from apps.feedback import selectors as feedback_selectors
from apps.org import selectors as org_selectors
from apps.org.models import Role, Unit
from apps.portal.forms import DeadlineForm, OverrideForm


@cached_for_anonymous("home")
def home(request):
    return render(request, "portal/home.html")


@login_required
def staff_home(request):
    """The person's day: where they work, and how much work waits for them in each queue."""
    now = timezone.now()
    dossier_counts = dossier_selectors.queue_counts(request.user, now=now)
    feedback_counts = feedback_selectors.queue_counts(request.user, now=now)
    waiting = [
        (_("Hồ sơ trực tuyến chờ tiếp nhận"), dossier_counts["waiting"], reverse("dossiers:queue") + "?scope=waiting"),
        (_("Hồ sơ giao cho tôi"), dossier_counts["mine"], reverse("dossiers:queue") + "?scope=mine"),
        (_("Hồ sơ trễ hạn"), dossier_counts["late"], reverse("dossiers:queue") + "?scope=late"),
        (_("Phản ánh chờ phân loại"), feedback_counts["to_classify"], reverse("feedback:queue") + "?scope=to_classify"),
        (_("Phản ánh giao cho tôi"), feedback_counts["mine"], reverse("feedback:queue") + "?scope=mine"),
        (_("Phản ánh quá hạn"), feedback_counts["late"], reverse("feedback:queue") + "?scope=late"),
    ]
    return render(request, "portal/staff_home.html", {
        "profile": org_selectors.staff_profile(request.user), "waiting": [row for row in waiting if row[1]],
    })  # fmt: skip


@login_required
def units(request):
    query = request.GET.get("q", "")
    unit_qs = org_selectors.unit_list(
        request.user, query=query, kind=request.GET.get("kind", ""), level=request.GET.get("level", "")
    )
    page = Paginator(unit_qs, 50).get_page(request.GET.get("page"))
    return render(request, "portal/units.html", {
        "page": page, "query": query, "kinds": Unit.Kind.choices, "levels": Unit.Level.choices,
        "kind": request.GET.get("kind", ""), "level": request.GET.get("level", ""),
    })  # fmt: skip


def _default_unit(user):
    units = org_selectors.primary_units(user)
    return units[0] if units else org_selectors.units_visible_to(user).order_by("path").first()


def _month_from(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = int(request.GET.get("year", today.year)), int(request.GET.get("month", today.month))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


@login_required
def calendar_page(request):
    visible = org_selectors.units_visible_to(request.user).order_by("path")
    unit = (
        get_object_or_404(visible, pk=request.GET["unit"]) if request.GET.get("unit") else _default_unit(request.user)
    )
    if unit is None:
        return render(request, "portal/calendar.html", {"unit": None})
    year, month = _month_from(request)
    first = dt.date(year, month, 1)
    previous, following = first - dt.timedelta(days=1), first + dt.timedelta(days=32)
    deadline = None
    deadline_form = DeadlineForm(request.GET if "days" in request.GET else None)
    if deadline_form.is_bound and deadline_form.is_valid():
        start = timezone.make_aware(deadline_form.cleaned_data["start"].replace(tzinfo=None))
        cal = calendar_selectors.calendar_for_unit(unit)
        deadline = {
            "clock_start": cal.clock_start(start),
            "deadline": cal.add_working_days(start, float(deadline_form.cleaned_data["days"])),
        }
    can_manage = any(org_selectors.user_has_role(request.user, r) for r in calendar_services.MANAGING_ROLES)
    return render(request, "portal/calendar.html", {
        "unit": unit, "units": visible, "weeks": calendar_selectors.month_days(unit, year, month),
        "month": first, "previous": previous, "following": dt.date(following.year, following.month, 1),
        "sessions": calendar_selectors.office_hours_of(unit),
        "overrides": calendar_selectors.overrides_visible_to(request.user, unit=unit, year=year),
        "override_form": OverrideForm(), "deadline_form": deadline_form, "deadline": deadline,
        "can_manage": can_manage,
    })  # fmt: skip


def _back_to_calendar(unit_id: int, day: dt.date):
    return redirect(f"{reverse('portal:calendar')}?unit={unit_id}&year={day.year}&month={day.month}")


@login_required
@require_POST
def calendar_override_add(request, unit_id: int):
    unit = get_object_or_404(org_selectors.units_visible_to(request.user), pk=unit_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            calendar_services.override_set(actor=request.user, unit=unit, **form.cleaned_data)
            messages.success(
                request, _("Đã lưu ngày %(date)s.") % {"date": form.cleaned_data["date"].strftime("%d/%m/%Y")}
            )
        except DomainError as error:
            messages.error(request, error.message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    day = form.cleaned_data.get("date") if form.is_valid() else timezone.localdate()
    return _back_to_calendar(unit.pk, day)


@login_required
@require_POST
def calendar_override_remove(request, override_id: int):
    override = get_object_or_404(calendar_selectors.overrides_visible_to(request.user), pk=override_id)
    try:
        calendar_services.override_remove(actor=request.user, override=override)
        messages.success(request, _("Đã xóa ngày điều chỉnh."))
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_calendar(override.unit_id, override.date)


@login_required
def audit_log(request):
    if not org_selectors.user_has_role(request.user, Role.ADMINISTRATOR):
        return HttpResponseForbidden(_("Chỉ quản trị hệ thống được xem nhật ký."))
    unit_ids = None if request.user.is_superuser else org_selectors.units_visible_to(request.user).values("pk")
    events = audit_selectors.audit_events(unit_ids=unit_ids, action_prefix=request.GET.get("action", ""))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "portal/audit.html", {"page": page, "action": request.GET.get("action", "")})
