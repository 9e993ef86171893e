from django.urls import path

from apps.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
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
