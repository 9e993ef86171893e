from django.urls import path

from apps.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/", views.receive, name="receive"),
    path("tre-han/", views.late, name="late"),
    path("so-theo-doi/", views.tracking_book, name="book"),
    path("xin-loi/<int:pk>/ky/", views.apology_sign, name="apology-sign"),
    path("xin-loi/ky-nhieu/", views.apologies_sign, name="apologies-sign"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/thao-tac/<slug:action>/", views.act, name="act"),
    path("<str:code>/tep/<int:pk>/", views.attachment, name="attachment"),
    path("<str:code>/giay-to/<int:pk>/", views.paper_file, name="paper-file"),
    path("<str:code>/ket-qua/", views.result_upload, name="result-upload"),
    path("<str:code>/mau/<slug:form>/", views.form_pdf, name="form"),
    path("<str:code>/mau/<slug:form>/<int:pk>/", views.form_pdf, name="form-item"),
]
