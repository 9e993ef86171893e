"""Citizens' pages (no login): find a procedure, submit online, follow a dossier, rate the service."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.core.errors import DomainError
from apps.core.ratelimit import over_limit
from apps.dossiers import lateness, selectors, services
from apps.dossiers.forms import ApplicantForm, RatingForm
from apps.dossiers.links import code_from_rating_token
from apps.dossiers.models import Dossier
from apps.org.models import Unit
from apps.procedures import selectors as procedure_selectors
from apps.procedures.models import Procedure

LOOKUPS_PER_MINUTE = 20


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


def procedure(request, code: str):
    return render(request, "portal/procedure.html", {"p": procedure_selectors.procedure_detail(code)})


def _agencies_for(procedure: Procedure):
    """Where a citizen may file: any commune with a one-stop desk (anywhere in the province), or the province."""
    committees = Unit.objects.filter(kind=Unit.Kind.PEOPLES_COMMITTEE, is_active=True)
    if procedure.level == Unit.Level.COMMUNE:
        return committees.filter(level=Unit.Level.COMMUNE, children__kind=Unit.Kind.ONE_STOP_DESK).distinct()
    return committees.filter(level=Unit.Level.PROVINCE, parent__isnull=True)


def submit(request, code: str):
    procedure = procedure_selectors.procedure_detail(code)
    if procedure.online_level == Procedure.OnlineLevel.NONE:
        raise Http404
    agencies = _agencies_for(procedure).order_by("name")
    form = ApplicantForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "submit", 10, 3600):
            messages.error(request, _("Bạn đã gửi quá nhiều hồ sơ trong một giờ, vui lòng thử lại sau."))
        elif form.is_valid():
            agency = agencies.filter(pk=request.POST.get("agency") or 0).first()
            if agency is None:
                form.add_error(None, _("Hãy chọn nơi nộp hồ sơ."))
            else:
                try:
                    dossier = services.dossier_submit_online(
                        procedure=procedure,
                        filing_unit=agency,
                        applicant=form.applicant(),
                        files=request.FILES.getlist("files"),
                        **form.extra(),
                    )
                except DomainError as error:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
                else:
                    request.session["submitted_code"] = dossier.code
                    return redirect("portal:submitted")
    return render(
        request,
        "portal/submit.html",
        {"p": procedure, "form": form, "agencies": agencies, "agency": request.POST.get("agency", "")},
    )


@never_cache
def submitted(request):
    code = request.session.get("submitted_code")
    if not code:
        return redirect("portal:procedures")
    return render(request, "portal/submitted.html", {"d": get_object_or_404(Dossier, code=code)})


@never_cache
def track(request):
    """By code: progress without personal data. Code plus phone or ID number: the applicant's own details."""
    code = (request.GET.get("ma") or "").strip().upper()
    secret = (request.GET.get("sdt") or "").strip().replace(" ", "")
    dossier = owner = None
    if code:
        if over_limit(request, "track", LOOKUPS_PER_MINUTE):
            messages.error(request, _("Bạn tra cứu quá nhiều lần, vui lòng thử lại sau một phút."))
        else:
            dossier = selectors.public_tracking(code)
            if dossier is None:
                messages.error(request, _("Không tìm thấy hồ sơ có mã %(code)s.") % {"code": code})
            elif secret:
                owner = secret in (dossier.applicant_phone, dossier.applicant_id_number)
                if not owner:
                    messages.error(request, _("Số điện thoại hoặc số định danh không khớp với hồ sơ."))
    return render(
        request,
        "portal/track.html",
        {"d": dossier, "owner": owner, "code": code, "hotline": getattr(settings, "HOTLINE", "1022")},
    )


@never_cache
def supplement(request):
    """The citizen uploads what the desk or the officer asked for, with the code and the phone on the dossier."""
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip().upper()
    phone = (request.POST.get("sdt") or "").strip().replace(" ", "")
    if request.method == "POST":
        if over_limit(request, "supplement", 10):
            messages.error(request, _("Bạn thao tác quá nhiều lần, vui lòng thử lại sau."))
        else:
            dossier = Dossier.objects.filter(code=code).first()
            if dossier is None or phone not in (dossier.applicant_phone, dossier.applicant_id_number):
                messages.error(request, _("Mã hồ sơ và số điện thoại không khớp."))
            else:
                try:
                    services.dossier_citizen_supplement(dossier=dossier, files=request.FILES.getlist("files"))
                except DomainError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("Đã nhận hồ sơ bổ sung. Thời gian giải quyết được tính tiếp."))
                    return redirect(f"{reverse('portal:track')}?ma={code}")
    return render(request, "portal/supplement.html", {"code": code})


def rate(request, token: str):
    try:
        dossier = get_object_or_404(Dossier, code=code_from_rating_token(token))
    except DomainError as error:
        return render(request, "portal/rate.html", {"error": error.message}, status=403)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lateness.rating_submit(dossier=dossier, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return render(request, "portal/rate.html", {"d": dossier, "done": True})
    already = hasattr(dossier, "rating")
    return render(request, "portal/rate.html", {"d": dossier, "form": form, "already": already})
