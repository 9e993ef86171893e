from django.urls import path

from apps.documents.views import outgoing
from apps.documents.views import registers as views

app_name = "documents"

urlpatterns = [
    path("", views.registers, name="registers"),
    path("den/vao-so/", views.incoming_new, name="incoming-new"),
    path("di/du-thao/", views.outgoing_new, name="outgoing-new"),
    path("di/<int:pk>/ban-hanh/", views.outgoing_release, name="release"),
    path("di/soan-thao/", outgoing.outgoing_compose, name="outgoing-compose"),
    path("di/<int:pk>/", outgoing.outgoing_detail, name="outgoing-detail"),
    path("di/<int:pk>/phien-ban/", outgoing.outgoing_upload, name="outgoing-upload"),
    path("di/<int:pk>/xin-y-kien/", outgoing.outgoing_review, name="outgoing-review"),
    path("di/<int:pk>/gop-y/", outgoing.outgoing_comment, name="outgoing-comment"),
    path("di/<int:pk>/ky-so/", outgoing.outgoing_sign, name="outgoing-sign"),
    path("tep/<int:pk>/", outgoing.outgoing_file, name="outgoing-file"),
]
