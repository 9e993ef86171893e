"""Citizens' pages (no login): find a procedure, submit online, follow a dossier, rate the service."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.core.errors import DomainError
from apps.core.pagecache import cached_for_anonymous, shell_for, with_token
from apps.core.ratelimit import over_limit, public_lookup_rate, retry_after
from apps.dossiers import selectors, services, tracking
from apps.dossiers.forms import RatingForm
from apps.dossiers.links import code_from_rating_token, rating_url
from apps.dossiers.models import Dossier
from apps.org.models import Unit
from apps.portal import online
from apps.procedures import selectors as procedure_selectors
from apps.procedures.models import Procedure

LOOKUP_PERIOD = 60  # seconds
SUBMIT_PERIOD = 3600


@cached_for_anonymous("catalogue")
def procedures(request):
    field = request.GET.get("field", "")
    results = procedure_selectors.procedure_search(
        query=request.GET.get("q", ""), field_id=int(field) if field.isdigit() else None,
        level=request.GET.get("level", ""), online_level=request.GET.get("online", ""),
    )  # fmt: skip
    return render(request, "portal/procedures.html", {
        "page": Paginator(results, 20).get_page(request.GET.get("page")), "fields": procedure_selectors.fields_in_use(),
        "levels": Unit.Level.choices[:2], "online_levels": Procedure.OnlineLevel.choices, "params": request.GET,
    })  # fmt: skip


@cached_for_anonymous("procedure")
def procedure(request, code: str):
    return render(request, "portal/procedure.html", {"p": procedure_selectors.procedure_detail(code)})


def _agencies_for(procedure: Procedure):
    """Where a citizen may file: any commune with a one-stop desk (anywhere in the province), or the province."""
    committees = Unit.objects.filter(kind=Unit.Kind.PEOPLES_COMMITTEE, is_active=True)
    if procedure.level == Unit.Level.COMMUNE:
        return committees.filter(level=Unit.Level.COMMUNE, children__kind=Unit.Kind.ONE_STOP_DESK).distinct()
    return committees.filter(level=Unit.Level.PROVINCE, parent__isnull=True)


def _error_summary(form, agency_error: str | None, slot_errors: dict[int, str]) -> list[dict]:
    """The GOV.UK error summary: every error, in the page's order, each a link to its field."""
    items = [{"anchor": "agency", "message": agency_error}] if agency_error else []
    for name, field_errors in form.errors.items():
        if name in form.fields:
            label = str(form[name].label).rstrip(":")  # "Trường này là bắt buộc" alone would not say which
            items += [{"anchor": form[name].id_for_label, "message": f"{label}: {message}"} for message in field_errors]
    items += [{"anchor": f"paper-{paper_id}", "message": message} for paper_id, message in slot_errors.items()]
    items += [{"anchor": "", "message": message} for message in form.non_field_errors()]
    return items


def submit(request, code: str):
    """The online form: applicant, where to file, a slot per paper. Files already sent are held while another
    field is wrong (`apps.portal.online`); a full-online procedure needs every required paper."""
    procedure = procedure_selectors.procedure_detail(code)
    if procedure.online_level == Procedure.OnlineLevel.NONE:
        raise Http404
    agencies = _agencies_for(procedure).order_by("name")
    form = online.OnlineForm(request.POST or None)
    throttled_for = agency_error = None
    slot_errors: dict[int, str] = {}
    if request.method == "POST":
        online.purge_stale()
        if over_limit(request, "submit", 10, SUBMIT_PERIOD):  # the form stays filled in, answered with 429
            throttled_for = retry_after(SUBMIT_PERIOD)
            messages.error(request, _("Ông/bà đã gửi quá nhiều hồ sơ trong một giờ, vui lòng thử lại sau."))
        else:
            slot_errors = online.take_slots(request, procedure)
            agency = agencies.filter(pk=request.POST.get("agency") or 0).first()
            if agency is None:
                agency_error = _("Hãy chọn nơi nộp hồ sơ.")
            held = online.held(request, procedure.code)
            for paper in services.missing_online_papers(procedure, held):
                slot_errors.setdefault(
                    paper.pk, _("Thủ tục trực tuyến toàn trình: hãy đính kèm “%(paper)s”.") % {"paper": paper.name}
                )
            if form.is_valid() and agency is not None and not slot_errors:
                try:
                    dossier = services.dossier_submit_online_with_papers(
                        procedure=procedure, filing_unit=agency, applicant=form.applicant(),
                        files=online.files_for_submission(request, procedure.code), **form.extra(),
                    )  # fmt: skip
                except DomainError as error:
                    slot = error.field or ""
                    if slot.startswith("paper-") and slot[6:].isdigit():
                        slot_errors[int(slot[6:])] = error.message
                    else:
                        form.add_error(error.field if error.field in form.fields else None, error.message)
                else:
                    online.release(request, procedure.code)
                    request.session["submitted_code"] = dossier.code
                    return redirect("portal:submitted")
        form.mark_errors()
    held = online.held(request, procedure.code)
    response = render(request, "portal/submit.html", {
        "p": procedure, "form": form, "agencies": agencies, "agency": request.POST.get("agency", ""),
        "agency_error": agency_error, "slots": online.slots(procedure, held, slot_errors),
        "errors": _error_summary(form, agency_error, slot_errors) if request.method == "POST" else [],
        "max_bytes": online.MAX_BYTES, "size_message": online.size_message(),
    }, status=429 if throttled_for else 200)  # fmt: skip
    if throttled_for:
        response["Retry-After"] = str(throttled_for)
    return response


@never_cache
def result(request):
    """The citizen downloads the electronic result with the code and the phone on the dossier, by POST only (the
    phone never goes into a URL); the code alone may come in the link (`?ma=`)."""
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip().upper()
    if request.method == "POST":
        if over_limit(request, "result", 10, LOOKUP_PERIOD):
            return throttled(request, LOOKUP_PERIOD, _("Ông/bà tải kết quả quá nhiều lần trong một phút."))
        try:
            stored = services.result_for_citizen(code=code, phone=request.POST.get("sdt", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            response = FileResponse(
                stored.file.open("rb"), content_type=stored.content_type, as_attachment=True,
                filename=f"ket-qua-{code}.pdf",
            )  # fmt: skip
            response["X-Content-Type-Options"] = "nosniff"
            return response
    return render(request, "portal/result.html", {"code": code})


@never_cache
def submitted(request):
    code = request.session.get("submitted_code")
    if not code:
        return redirect("portal:procedures")
    return render(request, "portal/submitted.html", {"d": get_object_or_404(Dossier, code=code)})


def _tracking_url(code: str, page: str = "portal:track") -> str:
    """The public tracking (or supplement) page of a code: a GET by code only, a code is not personal data."""
    return f"{reverse(page)}?{urlencode({'ma': code})}" if code else reverse(page)


def throttled(request, period: int, message: str):
    """A friendly Vietnamese page for a citizen over a limit: 429 with Retry-After (seconds left in the window)."""
    wait = retry_after(period)
    response = render(
        request,
        "portal/throttled.html",
        {"message": message, "wait": wait, "hotline": getattr(settings, "HOTLINE", "1022")},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@never_cache
def track(request):
    """By code (GET `?ma=`): progress without personal data, from the same published answer as the API. Code plus
    phone or ID number, sent only by POST with CSRF (never in a URL: an access log, the browser's history or the
    language switch's `next` would keep it): the applicant's own details besides. A GET carrying anything but the
    code is sent to the address with the code alone."""
    if request.method == "POST":
        code, secret = _posted_lookup(request)
        if not secret:
            return redirect(_tracking_url(code))
    else:
        code = (request.GET.get("ma") or "").strip().upper()
        secret = ""
        if set(request.GET) - {"ma"}:  # an old link or bookmark with ?sdt=: not read, not echoed
            return redirect(_tracking_url(code))
    context = {"code": code, "hotline": getattr(settings, "HOTLINE", "1022")}
    if code:
        limit, period = public_lookup_rate("tracking_page")
        limited, part, owner = _lookup(request, code, secret, limit, period)
        if limited:
            return throttled(request, period, _("Ông/bà tra cứu quá nhiều lần trong một phút."))
        page = _page_from_frame(request, code, secret, part, owner)
        if page is not None:
            return page
        if part is None:
            messages.error(request, _not_found(code))
            code = ""  # the language switch returns to the empty form
        else:
            if secret and owner is None:
                messages.error(request, _("Số điện thoại hoặc số định danh không khớp với hồ sơ."))
            context["tracking_part"] = tracking.with_owner(part, owner, _rating_link(code, owner))
    return render(request, "portal/track.html", context | {"language_next": _tracking_url(code)})


def owner_answer(request):
    """The owner's lookup posted by a visitor with no session, answered ahead of the middleware it does not use
    (apps.core.middleware.PublicReadMiddleware, after Django's own CSRF check): the page when it comes from its
    frame; None when it takes the whole chain (the limit's page, a wrong secret's message, a frame not rendered
    yet). The lookup is counted once either way (tracking.owner_lookup)."""
    code, secret = _posted_lookup(request)
    if not code or not secret:
        return None
    limited, part, owner = _lookup(request, code, secret, *public_lookup_rate("tracking_page"))
    if limited:
        return None
    page = _page_from_frame(request, code, secret, part, owner, render_frame=False)
    if page is not None:  # what never_cache gives the view (a test compares them); it cannot wrap a handover
        page.headers["Expires"], page.headers["Cache-Control"] = http_date(), _never_cache_control()
    return page


@functools.cache
def _never_cache_control() -> str:
    """The Cache-Control that add_never_cache_headers writes, asked of Django once (it parses and rebuilds the
    header on every call)."""
    probe = HttpResponse()
    add_never_cache_headers(probe)
    return probe.headers["Cache-Control"]


def _posted_lookup(request) -> tuple[str, str]:
    """(code, phone or ID number) as the owner's form posts them."""
    return (request.POST.get("ma") or "").strip().upper(), (request.POST.get("sdt") or "").strip().replace(" ", "")


def _lookup(request, code: str, secret: str, limit: int, period: int) -> tuple[bool, str | None, dict | None]:
    """(over the limit?, the public part or None for an unknown code, the owner's details or None)."""
    if secret:
        return tracking.owner_lookup(request, code, secret, limit, period, scope="track")
    limited, part = tracking.public_tracking_lookup(request, code, limit, period, scope="track", form="part")
    return limited, part, None


def _not_found(code: str) -> str:
    return _("Không tìm thấy hồ sơ có mã %(code)s.") % {"code": code}


def _rating_link(code: str, owner: dict | None) -> str | None:
    return rating_url(code) if owner and owner["awaits_rating"] else None


SHELL_CODE, SHELL_TRACKING = "__code_of_this_page__", "__tracking_of_this_code__"
SHELL_MESSAGE = "__message_of_this_page__"


def _page_from_frame(request, code: str, secret: str, part: str | None, owner: dict | None, *, render_frame=True):
    """The tracking page of a lookup from its frame; None when it is rendered in full: a wrong secret (its message
    goes through Django's messages), a visitor with a session or a message waiting, a code that cannot exist, or a
    frame not rendered yet when `render_frame` is False (ahead of the middleware that rendering needs)."""
    if part is None:
        parts = {SHELL_MESSAGE: escape(_not_found(code))}
        return _track_page_from_frame(request, "track-unknown", code, _unknown_codes_frame, parts, render_frame)
    if secret and owner is None:
        return None
    parts = {SHELL_TRACKING: tracking.with_owner(part, owner, _rating_link(code, owner))}
    return _track_page_from_frame(request, "track", code, _known_codes_frame, parts, render_frame)


def _known_codes_frame() -> dict:
    return {"tracking_part": SHELL_TRACKING, "language_next": _tracking_url(SHELL_CODE)}


def _unknown_codes_frame() -> dict:
    """The language switch returns to the empty form; the message shows where Django's messages would."""
    return {"language_next": _tracking_url(""), "messages": [_ShellMessage()]}


class _ShellMessage:
    """Where the frame of the page for an unknown code shows its one message (as base.html shows messages)."""

    tags = "error"

    def __str__(self) -> str:
        return SHELL_MESSAGE


def _track_page_from_frame(request, name: str, code: str, frame, parts: dict[str, str], render_frame: bool):
    """The tracking page from its frame `name` (rendered once per process and language with the context `frame()`
    gives, the marks of the code and of `parts` in it), this code and `parts` put in; None for a visitor who gets
    pages rendered in full. Only a code that can exist gets here: it goes into the HTML as it is."""
    if not tracking.CODE_PATTERN.fullmatch(code):
        return None

    def render_it():
        return render(request, "portal/track.html", {
            "code": SHELL_CODE, "hotline": getattr(settings, "HOTLINE", "1022"), **frame(),
        })  # fmt: skip

    shell = shell_for(request, name, any_method=True, render=render_it if render_frame else None)
    if shell is None:
        return None
    page = with_token(request, shell).replace(SHELL_CODE, code)
    for mark, text in parts.items():
        page = page.replace(mark, text)
    return HttpResponse(page)


@never_cache
def supplement(request):
    """The citizen uploads what the desk or the officer asked for, with the code and the phone on the dossier."""
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip().upper()
    phone = (request.POST.get("sdt") or "").strip().replace(" ", "")
    if request.method == "POST":
        if over_limit(request, "supplement", 10, LOOKUP_PERIOD):
            return throttled(request, LOOKUP_PERIOD, _("Ông/bà gửi bổ sung quá nhiều lần trong một phút."))
        else:
            dossier = selectors.dossier_of_owner(code, phone)
            if dossier is None:
                messages.error(request, _("Mã hồ sơ và số điện thoại không khớp."))
            else:
                try:
                    services.dossier_citizen_supplement(dossier=dossier, files=request.FILES.getlist("files"))
                except DomainError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("Đã nhận hồ sơ bổ sung. Thời gian giải quyết được tính tiếp."))
                    return redirect(_tracking_url(code))
    return render(
        request, "portal/supplement.html", {"code": code, "language_next": _tracking_url(code, "portal:supplement")}
    )


def rate(request, token: str):
    try:
        dossier = get_object_or_404(Dossier, code=code_from_rating_token(token))
    except DomainError as error:
        return render(request, "portal/rate.html", {"error": error.message}, status=403)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(dossier=dossier, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return render(request, "portal/rate.html", {"d": dossier, "done": True})
    already = hasattr(dossier, "rating")
    return render(request, "portal/rate.html", {"d": dossier, "form": form, "already": already})
