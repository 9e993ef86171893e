"""The public service-quality dashboard (no login) and the staff dashboard by unit and officer."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from apps.core.pagecache import cached_for_anonymous
from apps.org import selectors as org
from apps.org.models import Unit
from apps.stats import exports, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROCEDURES_SHOWN = 30  # the busiest on the page; every procedure in the Excel file


def _period(request):
    return selectors.parse_period(
        request.GET.get("ky"), request.GET.get("nam"), request.GET.get("so"), today=timezone.localdate()
    )


def _xlsx(context: dict, officers=None, served=None) -> HttpResponse:
    data = context["data"]
    workbook = exports.dashboard_xlsx(data, context["children"], context["procedures"], officers, served)
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="chi-so-{data["unit"].pk}-{data["period"].year}.xlsx"'
    return response


def _context(request, unit: Unit, units, *, officers: bool = False) -> dict:
    this_year = timezone.localdate().year
    figures = _figures(unit, _period(request), officers=officers, wants_page=request.GET.get("xuat") != "xlsx")
    return figures | {"units": units, "years": range(this_year - 4, this_year + 1)}


def _figures(unit: Unit, period, *, officers: bool, wants_page: bool) -> dict:
    fixed = {"unit": unit, "period": period, "public": not officers, "labels": exports.COUNT_LABELS,
             "rate_labels": exports.RATE_LABELS, "procedures_shown": PROCEDURES_SHOWN}  # fmt: skip
    render = (lambda figures: render_to_string("stats/_figures.html", figures | fixed)) if wants_page else None
    figures = selectors.dashboard(unit, period, officers=officers, render=render)
    html = mark_safe(figures.get("html", ""))  # rendered by our own template, escaped there
    return figures | fixed | {"figures_html": html}


def warm_public_dashboard() -> None:
    """The figures of the public dashboard as it opens (the province, this year), computed at a server's start-up
    (congvu/warmup.py): with gunicorn's --preload every worker starts with them instead of each computing them."""
    unit = selectors.public_units().first()
    if unit is not None:
        period = selectors.parse_period(None, None, None, today=timezone.localdate())
        _figures(unit, period, officers=False, wants_page=True)


@cached_for_anonymous("dashboard")
def public_dashboard(request):
    units = selectors.public_units()
    unit_id = request.GET.get("don-vi", "")
    unit = get_object_or_404(units, pk=unit_id) if unit_id.isdigit() else units.first()
    if unit is None:
        raise Http404
    context = _context(request, unit, units)
    if request.GET.get("xuat") == "xlsx":
        return _xlsx(context)
    return render(request, "stats/dashboard.html", context)


@login_required
def staff_dashboard(request):
    units = org.units_visible_to(request.user).filter(is_active=True).exclude(kind=Unit.Kind.PARTY_CELL)
    unit_id = request.GET.get("don-vi", "")
    unit = get_object_or_404(units, pk=unit_id) if unit_id.isdigit() else units.order_by("path").first()
    if unit is None:
        raise Http404
    context = _context(request, unit, units.order_by("path")[:500], officers=True)
    if request.GET.get("xuat") == "xlsx":
        return _xlsx(context, context["officers"], context["served"])
    return render(request, "stats/dashboard.html", context)
