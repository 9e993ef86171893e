from django.urls import path

from apps.feedback import views

app_name = "feedback"

urlpatterns = [
    path("phan-anh/", views.public_list, name="public-list"),
    path("phan-anh/gui/", views.public_send, name="public-send"),
    path("phan-anh/theo-doi/", views.public_follow, name="public-follow"),
    path("phan-anh/danh-gia/<str:token>/", views.public_rate, name="public-rate"),
    path("phan-anh/<str:code>/", views.public_detail, name="public-detail"),
    path("can-bo/phan-anh/", views.queue, name="queue"),
    path("can-bo/phan-anh/tong-dai/", views.operator, name="operator"),
    path("can-bo/phan-anh/tong-dai/so-dien-thoai/", views.by_phone, name="by-phone"),
    path("can-bo/phan-anh/thiet-lap/", views.settings_page, name="settings"),
    path("can-bo/phan-anh/<str:code>/", views.detail, name="detail"),
    path("can-bo/phan-anh/<str:code>/tep/<int:pk>/", views.attachment, name="attachment"),
    path("can-bo/phan-anh/<str:code>/thao-tac/<slug:action>/", views.act, name="act"),
]
