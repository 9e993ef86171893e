"""The documents API's routes, spread into /api/v1/ (names in the `v1` namespace)."""

from django.urls import path

from apps.documents.api import intake, registers

urlpatterns = [
    path("documents/outgoing/", registers.OutgoingRegisterView.as_view(), name="document-outgoing"),
    path("documents/outgoing/<int:pk>/release/", registers.OutgoingReleaseView.as_view(), name="document-release"),
    path("documents/incoming/", registers.IncomingRegisterView.as_view(), name="document-incoming"),
    path("documents/scans/", intake.ScanListView.as_view(), name="document-scans"),
    path("documents/scans/<int:pk>/", intake.ScanDetailView.as_view(), name="document-scan"),
    path("documents/scans/<int:pk>/register/", intake.ScanRegisterView.as_view(), name="document-scan-register"),
    path("documents/scans/<int:pk>/discard/", intake.ScanDiscardView.as_view(), name="document-scan-discard"),
]
