from django.urls import path

from apps.stats import views

app_name = "stats"

urlpatterns = [
    path("chat-luong-phuc-vu/", views.public_dashboard, name="public"),
    path("can-bo/chat-luong-phuc-vu/", views.staff_dashboard, name="staff"),
]
