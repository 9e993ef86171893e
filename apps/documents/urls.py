from django.urls import path

from apps.documents.views import registers as views
from apps.documents.views import search

app_name = "documents"

urlpatterns = [
    path("", views.registers, name="registers"),
    path("tim-kiem/", search.search, name="search"),
    path("den/vao-so/", views.incoming_new, name="incoming-new"),
    path("di/du-thao/", views.outgoing_new, name="outgoing-new"),
    path("di/<int:pk>/ban-hanh/", views.outgoing_release, name="release"),
]
