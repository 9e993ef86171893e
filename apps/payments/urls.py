from django.conf import settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from apps.payments import simulator, views

app_name = "payments"

urlpatterns = [
    path("thanh-toan/", views.pay, name="pay"),
    path("thanh-toan/ket-qua/", views.gateway_return, name="return"),
    path("thanh-toan/bien-lai/", views.receipt, name="receipt"),
    path("can-bo/thanh-toan/", views.staff_payments, name="staff-list"),
    path("can-bo/thanh-toan/<str:txn_ref>/bien-lai/", views.staff_receipt, name="staff-receipt"),
]

if settings.VNPAY_SIMULATOR:
    # The local stand-in for VNPAY's page (demo and tests): it stands for another site, so no CSRF token of ours.
    urlpatterns += [
        path("_vnpay-sim/", csrf_exempt(simulator.django_view), name="simulator"),
        path("_vnpay-sim/<path:path>", csrf_exempt(simulator.django_view), name="simulator-path"),
    ]
