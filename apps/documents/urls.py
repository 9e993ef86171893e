from django.urls import path

from apps.documents.views import exchange, handling, intake, outgoing, search
from apps.documents.views import registers as views

app_name = "documents"

urlpatterns = [
    path("", views.registers, name="registers"),
    path("tim-kiem/", search.search, name="search"),
    path("den/vao-so/", views.incoming_new, name="incoming-new"),
    path("den/ban-quet/", intake.scan_upload, name="scan-upload"),
    path("den/ban-quet/<int:pk>/", intake.scan_detail, name="scan"),
    path("den/ban-quet/<int:pk>/tien-do/", intake.scan_progress, name="scan-progress"),
    path("den/ban-quet/<int:pk>/nhan-dang-lai/", intake.scan_retry, name="scan-retry"),
    path("den/ban-quet/<int:pk>/tep/", intake.scan_file, name="scan-file"),
    path("den/ban-quet/<int:pk>/bo/", intake.scan_discard, name="scan-discard"),
    path("di/du-thao/", views.outgoing_new, name="outgoing-new"),
    path("di/<int:pk>/ban-hanh/", views.outgoing_release, name="release"),
    path("den/<int:pk>/", handling.incoming_detail, name="incoming"),
    path("den/<int:pk>/tep/<int:file_pk>/", handling.incoming_file, name="incoming-file"),
    path("cho-y-kien/", handling.awaiting_direction, name="awaiting-direction"),
    path("xu-ly/", handling.my_handling, name="my-handling"),
    path("theo-doi/", handling.follow_up, name="follow-up"),
    path("di/soan-thao/", outgoing.outgoing_compose, name="outgoing-compose"),
    path("di/<int:pk>/", outgoing.outgoing_detail, name="outgoing-detail"),
    path("di/<int:pk>/phien-ban/", outgoing.outgoing_upload, name="outgoing-upload"),
    path("di/<int:pk>/xin-y-kien/", outgoing.outgoing_review, name="outgoing-review"),
    path("di/<int:pk>/gop-y/", outgoing.outgoing_comment, name="outgoing-comment"),
    path("di/<int:pk>/ky-so/", outgoing.outgoing_sign, name="outgoing-sign"),
    path("tep/<int:pk>/", outgoing.outgoing_file, name="outgoing-file"),
    path("di/<int:pk>/gui-lien-thong/", exchange.send, name="exchange-send"),
    path("di/<int:pk>/thu-hoi/", exchange.recall, name="exchange-recall"),
    path("lien-thong/da-gui/", exchange.outbox, name="exchange-outbox"),
    path("lien-thong/nhan/", exchange.inbox, name="exchange-inbox"),
    path("lien-thong/nhan/<int:pk>/tep/<int:index>/", exchange.inbox_file, name="exchange-inbox-file"),
    path("lien-thong/nhan/<int:pk>/tiep-nhan/", exchange.accept, name="exchange-accept"),
    path("lien-thong/nhan/<int:pk>/tu-choi/", exchange.reject, name="exchange-reject"),
    path("lien-thong/nhan/<int:pk>/cap-nhat/", exchange.decide_change, name="exchange-change"),
]
