"""The documents API's routes, spread into /api/v1/ (names in the `v1` namespace)."""

from django.urls import path

from apps.documents.api import exchange, registers

urlpatterns = [
    path("documents/outgoing/", registers.OutgoingRegisterView.as_view(), name="document-outgoing"),
    path("documents/outgoing/<int:pk>/release/", registers.OutgoingReleaseView.as_view(), name="document-release"),
    path("documents/incoming/", registers.IncomingRegisterView.as_view(), name="document-incoming"),
    path("documents/outgoing/<int:pk>/send/", exchange.SendView.as_view(), name="document-send"),
    path("documents/outgoing/<int:pk>/recall/", exchange.RecallView.as_view(), name="document-recall"),
    path("documents/exchange/receive/", exchange.ReceiveView.as_view(), name="exchange-receive"),
    path("documents/exchange/outbox/", exchange.OutboxView.as_view(), name="exchange-outbox"),
    path("documents/exchange/inbox/", exchange.InboxView.as_view(), name="exchange-inbox"),
    path("documents/exchange/inbox/<int:pk>/accept/", exchange.AcceptView.as_view(), name="exchange-accept"),
    path("documents/exchange/inbox/<int:pk>/reject/", exchange.RejectView.as_view(), name="exchange-reject"),
    path("documents/exchange/inbox/<int:pk>/change/", exchange.ChangeDecisionView.as_view(), name="exchange-change"),
]
