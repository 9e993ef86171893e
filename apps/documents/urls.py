from django.urls import path

from apps.documents.views import intake
from apps.documents.views import registers as views

app_name = "documents"

urlpatterns = [
    path("", views.registers, name="registers"),
    path("den/vao-so/", views.incoming_new, name="incoming-new"),
    path("den/ban-quet/", intake.scan_upload, name="scan-upload"),
    path("den/ban-quet/<int:pk>/", intake.scan_detail, name="scan"),
    path("den/ban-quet/<int:pk>/tien-do/", intake.scan_progress, name="scan-progress"),
    path("den/ban-quet/<int:pk>/nhan-dang-lai/", intake.scan_retry, name="scan-retry"),
    path("den/ban-quet/<int:pk>/tep/", intake.scan_file, name="scan-file"),
    path("den/ban-quet/<int:pk>/bo/", intake.scan_discard, name="scan-discard"),
    path("di/du-thao/", views.outgoing_new, name="outgoing-new"),
    path("di/<int:pk>/ban-hanh/", views.outgoing_release, name="release"),
]
