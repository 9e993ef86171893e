"""The documents API's routes, spread into /api/v1/ (names in the `v1` namespace)."""

from django.urls import path

from apps.documents.api import registers, search

urlpatterns = [
    path("documents/outgoing/", registers.OutgoingRegisterView.as_view(), name="document-outgoing"),
    path("documents/outgoing/<int:pk>/release/", registers.OutgoingReleaseView.as_view(), name="document-release"),
    path("documents/incoming/", registers.IncomingRegisterView.as_view(), name="document-incoming"),
    path("documents/search/", search.DocumentSearchView.as_view(), name="document-search"),
]
