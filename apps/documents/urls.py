from django.urls import path

from apps.documents.views import exchange
from apps.documents.views import registers as views

app_name = "documents"

urlpatterns = [
    path("", views.registers, name="registers"),
    path("den/vao-so/", views.incoming_new, name="incoming-new"),
    path("di/du-thao/", views.outgoing_new, name="outgoing-new"),
    path("di/<int:pk>/ban-hanh/", views.outgoing_release, name="release"),
    path("di/<int:pk>/gui-lien-thong/", exchange.send, name="exchange-send"),
    path("di/<int:pk>/thu-hoi/", exchange.recall, name="exchange-recall"),
    path("lien-thong/da-gui/", exchange.outbox, name="exchange-outbox"),
    path("lien-thong/nhan/", exchange.inbox, name="exchange-inbox"),
    path("lien-thong/nhan/<int:pk>/tiep-nhan/", exchange.accept, name="exchange-accept"),
    path("lien-thong/nhan/<int:pk>/tu-choi/", exchange.reject, name="exchange-reject"),
    path("lien-thong/nhan/<int:pk>/cap-nhat/", exchange.decide_change, name="exchange-change"),
]
