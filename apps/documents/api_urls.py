"""The documents API's routes, spread into /api/v1/ (names in the `v1` namespace)."""

from django.urls import path

from apps.documents.api import exchange, handling, intake, outgoing, registers, search

urlpatterns = [
    path("documents/outgoing/", registers.OutgoingRegisterView.as_view(), name="document-outgoing"),
    path("documents/outgoing/<int:pk>/release/", registers.OutgoingReleaseView.as_view(), name="document-release"),
    path("documents/incoming/", registers.IncomingRegisterView.as_view(), name="document-incoming"),
    path("documents/incoming/<int:pk>/", handling.IncomingHandlingView.as_view(), name="document-incoming-detail"),
    path("documents/incoming/<int:pk>/assign/", handling.AssignView.as_view(), name="document-assign"),
    path("documents/incoming/<int:pk>/reassign/", handling.ReassignView.as_view(), name="document-reassign"),
    path("documents/incoming/<int:pk>/forward/", handling.ForwardView.as_view(), name="document-forward"),
    path("documents/incoming/<int:pk>/progress/", handling.ProgressView.as_view(), name="document-progress"),
    path("documents/incoming/<int:pk>/reply/", handling.ReplyView.as_view(), name="document-reply"),
    path("documents/incoming/<int:pk>/done/", handling.DoneView.as_view(), name="document-done"),
    path("documents/incoming/<int:pk>/reopen/", handling.ReopenView.as_view(), name="document-reopen"),
    path("documents/incoming/<int:pk>/deadline/", handling.DeadlineView.as_view(), name="document-deadline"),
    path("documents/awaiting-direction/", handling.AwaitingDirectionView.as_view(), name="document-awaiting"),
    path("documents/my-handling/", handling.MyHandlingView.as_view(), name="document-my-handling"),
    path("documents/follow-up/", handling.FollowUpView.as_view(), name="document-follow-up"),
    path("documents/scans/", intake.ScanListView.as_view(), name="document-scans"),
    path("documents/scans/<int:pk>/", intake.ScanDetailView.as_view(), name="document-scan"),
    path("documents/scans/<int:pk>/register/", intake.ScanRegisterView.as_view(), name="document-scan-register"),
    path("documents/scans/<int:pk>/discard/", intake.ScanDiscardView.as_view(), name="document-scan-discard"),
    path("documents/outgoing/<int:pk>/", outgoing.OutgoingDetailView.as_view(), name="document-outgoing-detail"),
    path("documents/outgoing/<int:pk>/versions/", outgoing.OutgoingVersionView.as_view(), name="document-version"),
    path("documents/outgoing/<int:pk>/review/", outgoing.OutgoingReviewView.as_view(), name="document-review"),
    path("documents/outgoing/<int:pk>/comments/", outgoing.OutgoingCommentView.as_view(), name="document-comment"),
    path("documents/outgoing/<int:pk>/sign/", outgoing.OutgoingSignView.as_view(), name="document-sign"),
    path("documents/files/<int:pk>/", outgoing.DocumentFileView.as_view(), name="document-file"),
    path("documents/signatures/verify/", outgoing.VerifyPdfView.as_view(), name="document-verify"),
    path("documents/outgoing/<int:pk>/send/", exchange.SendView.as_view(), name="document-send"),
    path("documents/outgoing/<int:pk>/recall/", exchange.RecallView.as_view(), name="document-recall"),
    path("documents/exchange/receive/", exchange.ReceiveView.as_view(), name="exchange-receive"),
    path("documents/exchange/outbox/", exchange.OutboxView.as_view(), name="exchange-outbox"),
    path("documents/exchange/inbox/", exchange.InboxView.as_view(), name="exchange-inbox"),
    path("documents/exchange/inbox/<int:pk>/accept/", exchange.AcceptView.as_view(), name="exchange-accept"),
    path("documents/exchange/inbox/<int:pk>/reject/", exchange.RejectView.as_view(), name="exchange-reject"),
    path("documents/exchange/inbox/<int:pk>/change/", exchange.ChangeDecisionView.as_view(), name="exchange-change"),
    path("documents/search/", search.DocumentSearchView.as_view(), name="document-search"),
]
