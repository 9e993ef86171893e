"""Register pages: the outgoing and incoming registers of a unit and year (with .xlsx), registering an incoming
document (a duplicate is shown and needs confirming), drafting an outgoing one and releasing a draft."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.documents import exports, selectors, services
from apps.documents.forms import DraftForm, IncomingForm
from apps.documents.selectors import handling as handling_selectors
from apps.org.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register_unit(request) -> tuple[Unit, list[Unit]]:
    """The register's unit: `don-vi` among the user's register units (the first by default)."""
    units = selectors.register_units(request.user)
    wanted = request.GET.get("don-vi") or request.POST.get("don-vi") or ""
    if wanted:
        unit = next((u for u in units if str(u.pk) == wanted), None)
        if unit is None:
            raise Http404
        return unit, units
    if not units:
        raise Http404
    return units[0], units


def register_year(request) -> int:
    year = request.GET.get("nam", "")
    return int(year) if year.isdigit() and 1900 <= int(year) <= 9999 else timezone.localdate().year


def register_url(unit: Unit, book: str, year: int | None = None) -> str:
    year = year or timezone.localdate().year
    return f"{reverse('documents:registers')}?don-vi={unit.pk}&so={book}&nam={year}"


def _register_export(unit: Unit, year: int, book: str, documents, kind: str) -> HttpResponse:
    """The register as .xlsx or PDF; the incoming one with its assignees and dates forwarded."""
    if book == "di":
        export = exports.outgoing_xlsx if kind == "xlsx" else exports.outgoing_pdf
        content = export(unit, year, documents)
    else:
        export = exports.incoming_xlsx if kind == "xlsx" else exports.incoming_pdf
        content = export(unit, year, documents, handling_selectors.assignees_by_document(documents))
    response = HttpResponse(content, content_type=XLSX if kind == "xlsx" else "application/pdf")
    name = "so-van-ban-di" if book == "di" else "so-van-ban-den"
    response["Content-Disposition"] = f'attachment; filename="{name}-{year}.{kind}"'
    return response


def _show_assignees(documents) -> None:
    """Each incoming document of the page gets `assignee` (the lead of its current assignment), one query."""
    documents = list(documents)
    assignees = handling_selectors.assignees_by_document([d.pk for d in documents])
    for document in documents:
        document.assignee = assignees.get(document.pk, ("", None))[0]


def register_page(documents, number, per_page: int = 50):
    """A page of a register: its ids first, from the register's index alone (a deep page skips index entries, not
    rows), then its rows. Three queries (count, ids, rows) whatever the page."""
    page = Paginator(documents.values_list("pk", flat=True), per_page).get_page(number)
    rows = documents.in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list]
    return page


@login_required
def registers(request):
    unit, units = register_unit(request)
    year = register_year(request)
    book = "den" if request.GET.get("so") == "den" else "di"
    if book == "di":
        documents = selectors.outgoing_register(request.user, unit, year)
    else:
        documents = selectors.incoming_register(request.user, unit, year)
    if request.GET.get("xuat") in ("xlsx", "pdf"):
        return _register_export(unit, year, book, documents, request.GET["xuat"])
    page = register_page(documents, request.GET.get("page"))
    if book == "den":
        _show_assignees(page.object_list)
    keeper = selectors.can_keep_register(request.user, unit)
    return render(request, "documents/registers.html", {
        "unit": unit, "units": units, "year": year, "book": book, "keeper": keeper,
        "page": page,
        "drafts": selectors.outgoing_drafts(request.user, unit)[:50] if book == "di" else [],
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
    })  # fmt: skip


@login_required
def incoming_new(request):
    unit, _units = register_unit(request)
    if not selectors.can_keep_register(request.user, unit):
        raise Http404
    form = IncomingForm(request.POST or None)
    document, duplicates = register_from_form(request, form, partial(services.incoming_register, unit=unit))
    if document is not None:
        return redirect(register_url(unit, "den"))
    return render(request, "documents/incoming_new.html", {"unit": unit, "form": form, "duplicates": duplicates})


def register_from_form(request, form, register) -> tuple:
    """A POSTed incoming registration form: `register(actor=…, confirm_duplicate=…, **fields)`. Returns (the new
    document, or None and the earlier registrations of a duplicate to show); errors go on the form."""
    if request.method != "POST" or not form.is_valid():
        return None, []
    try:
        document, _earlier = register(
            actor=request.user, confirm_duplicate=request.POST.get("confirm_duplicate") == "1", **form.cleaned_data
        )
    except services.DuplicateDocumentError as error:
        messages.warning(request, error.message)
        return None, error.duplicates
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None, []
    messages.success(request, _("Đã vào sổ văn bản đến số %(number)02d.") % {"number": document.number})
    return document, []


@login_required
def outgoing_new(request):
    unit, _units = register_unit(request)
    if not selectors.can_keep_register(request.user, unit):
        raise Http404
    divisions = list(unit.children.filter(is_active=True).order_by("sort_order", "name"))
    form = DraftForm(request.POST or None, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["drafting_unit"] = next((d for d in divisions if d.pk == data["drafting_unit"]), None)
        try:
            services.outgoing_draft(actor=request.user, unit=unit, **data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã tạo dự thảo; số văn bản được cấp khi ban hành."))
            return redirect(register_url(unit, "di"))
    return render(request, "documents/outgoing_new.html", {"unit": unit, "form": form})


@login_required
@require_POST
def outgoing_release(request, pk: int):
    document = selectors.outgoing_document(request.user, pk)
    if document is None:
        raise Http404
    try:
        document = services.outgoing_release(actor=request.user, document=document)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ban hành văn bản số %(symbol)s.") % {"symbol": document.symbol})
    return redirect(register_url(document.unit, "di", document.year))
