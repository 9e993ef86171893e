"""Citizens' payment pages (no login; code + phone by POST, never in a URL) and staff's list of payments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.middleware import client_ip
from apps.core.ratelimit import over_limit
from apps.dossiers.selectors import dossier_of_owner
from apps.payments import receipts, selectors, services
from apps.payments.providers import VNPAY_RESPONSE_MESSAGES, get_provider, online_payment_enabled

LOOKUPS_PER_MINUTE = 20
SESSION_KEY = "payments"  # the attempts this browser started: their result page may offer the receipt


def _remember(request, txn_ref: str) -> None:
    started = [ref for ref in request.session.get(SESSION_KEY, []) if ref != txn_ref][-9:]
    request.session[SESSION_KEY] = [*started, txn_ref]


@never_cache
def pay(request):
    """The citizen types the code and the phone (or ID number); a POST checks them and goes to the gateway."""
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip().upper()
    context = {"code": code, "enabled": online_payment_enabled(), "dossier": None}
    if request.method == "POST":
        if over_limit(request, "pay", LOOKUPS_PER_MINUTE):
            messages.error(request, _("Bạn thao tác quá nhiều lần, vui lòng thử lại sau một phút."))
        else:
            dossier = dossier_of_owner(code, request.POST.get("sdt", ""))
            if dossier is None:
                messages.error(request, _("Mã hồ sơ và số điện thoại (hoặc số định danh) không khớp."))
            else:
                try:
                    payment, url = services.payment_start(
                        dossier=dossier,
                        return_url=request.build_absolute_uri(reverse("payments:return")),
                        client_ip=client_ip(request),
                    )
                except DomainError as error:
                    messages.error(request, error.message)
                    context["dossier"] = dossier
                else:
                    _remember(request, payment.txn_ref)
                    return redirect(url)
    return render(request, "payments/pay.html", context)


@never_cache
def gateway_return(request):
    """Where the gateway sends the browser back. Shows the result; the IPN alone changes anything."""
    result = get_provider().verify_return(request.GET)
    if not result.valid:
        return render(request, "payments/result.html", {"invalid": True}, status=400)
    payment = selectors.payment_for_txn(result.txn_ref)
    if payment is None or result.amount_vnd != payment.amount_vnd:
        return render(request, "payments/result.html", {"invalid": True}, status=400)
    context = {
        "payment": payment,
        "result": result,
        "gateway_message": VNPAY_RESPONSE_MESSAGES.get(result.response_code, VNPAY_RESPONSE_MESSAGES["99"]),
        "mine": payment.txn_ref in request.session.get(SESSION_KEY, []),
    }
    return render(request, "payments/result.html", context)


@never_cache
@require_POST
def receipt(request):
    """The receipt PDF, with the code and the phone, or for an attempt started in this browser."""
    if over_limit(request, "receipt", LOOKUPS_PER_MINUTE):
        messages.error(request, _("Bạn thao tác quá nhiều lần, vui lòng thử lại sau một phút."))
        return redirect("payments:pay")
    txn_ref = request.POST.get("giao_dich", "")
    if txn_ref and txn_ref in request.session.get(SESSION_KEY, []):
        payment = selectors.payment_for_txn(txn_ref)
        found = getattr(payment, "receipt", None) if payment else None
    else:
        dossier = dossier_of_owner(request.POST.get("ma", ""), request.POST.get("sdt", ""))
        found = selectors.latest_receipt(dossier) if dossier else None
    if found is None:
        messages.error(request, _("Không tìm thấy biên lai: mã hồ sơ, số điện thoại không khớp hoặc chưa thanh toán."))
        return redirect(f"{reverse('payments:pay')}?ma={request.POST.get('ma', '').strip().upper()}")
    return receipts.receipt_download(found)


@login_required
def staff_payments(request):
    query = (request.GET.get("ma") or "").strip().upper()
    payments = selectors.payments_visible_to(request.user)
    if query:
        payments = payments.filter(dossier__code=query)
    return render(
        request,
        "payments/staff_list.html",
        {"page": Paginator(payments, 30).get_page(request.GET.get("page")), "query": query},
    )


@login_required
def staff_receipt(request, txn_ref: str):
    payment = get_object_or_404(selectors.payments_visible_to(request.user), txn_ref=txn_ref)
    found = getattr(payment, "receipt", None)
    if found is None:
        raise Http404
    return receipts.receipt_download(found)
