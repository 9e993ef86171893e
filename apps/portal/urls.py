from django.urls import path

from apps.portal import citizen, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", citizen.procedures, name="procedures"),
    path("thu-tuc/<str:code>/", citizen.procedure, name="procedure"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", citizen.submit, name="submit"),
    path("nop-ho-so/da-gui/", citizen.submitted, name="submitted"),
    path("tra-cuu/", citizen.track, name="track"),
    path("bo-sung/", citizen.supplement, name="supplement"),
    path("ket-qua/", citizen.result, name="result"),
    path("danh-gia/<str:token>/", citizen.rate, name="rate"),
    path("can-bo/", views.staff_home, name="staff-home"),
    path("can-bo/don-vi/", views.units, name="units"),
    path("can-bo/lich/", views.calendar_page, name="calendar"),
    path("can-bo/lich/<int:unit_id>/ngay/", views.calendar_override_add, name="calendar-override-add"),
    path(
        "can-bo/lich/ngay/<int:override_id>/xoa/",
        views.calendar_override_remove,
        name="calendar-override-remove",
    ),
    path("can-bo/nhat-ky/", views.audit_log, name="audit"),
]
