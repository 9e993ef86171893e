"""The documents API's routes, spread into /api/v1/ (names in the `v1` namespace)."""

from django.urls import path

from apps.documents.api import outgoing, registers

urlpatterns = [
    path("documents/outgoing/", registers.OutgoingRegisterView.as_view(), name="document-outgoing"),
    path("documents/outgoing/<int:pk>/release/", registers.OutgoingReleaseView.as_view(), name="document-release"),
    path("documents/incoming/", registers.IncomingRegisterView.as_view(), name="document-incoming"),
    path("documents/outgoing/<int:pk>/", outgoing.OutgoingDetailView.as_view(), name="document-outgoing-detail"),
    path("documents/outgoing/<int:pk>/versions/", outgoing.OutgoingVersionView.as_view(), name="document-version"),
    path("documents/outgoing/<int:pk>/review/", outgoing.OutgoingReviewView.as_view(), name="document-review"),
    path("documents/outgoing/<int:pk>/comments/", outgoing.OutgoingCommentView.as_view(), name="document-comment"),
    path("documents/outgoing/<int:pk>/sign/", outgoing.OutgoingSignView.as_view(), name="document-sign"),
    path("documents/files/<int:pk>/", outgoing.DocumentFileView.as_view(), name="document-file"),
    path("documents/signatures/verify/", outgoing.VerifyPdfView.as_view(), name="document-verify"),
]
