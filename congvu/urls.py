from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.calendar import api as calendar_api
from apps.core.views import healthz
from apps.documents import api_urls as document_api_urls
from apps.dossiers import api as dossier_api
from apps.feedback import api as feedback_api
from apps.org import api as org_api
from apps.payments import api as payment_api
from apps.portal.forms import LoginForm
from apps.work import api_urls as work_api_urls

# Resolution tries patterns in order: the busiest public read comes first.
api_v1 = [
    path("public/dossiers/<str:code>", dossier_api.PublicTrackingView.as_view(), name="public-dossier"),
    path("me/", org_api.MeView.as_view(), name="me"),
    path("units/", org_api.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", org_api.UnitDetailView.as_view(), name="unit-detail"),
    path("staff/", org_api.StaffListView.as_view(), name="staff-list"),
    path("calendar/deadline/", calendar_api.DeadlineView.as_view(), name="calendar-deadline"),
    path("calendar/units/<int:unit_id>/days/", calendar_api.MonthView.as_view(), name="calendar-month"),
    path("calendar/overrides/", calendar_api.OverrideListCreateView.as_view(), name="calendar-overrides"),
    path("calendar/overrides/<int:pk>/", calendar_api.OverrideDeleteView.as_view(), name="calendar-override"),
    path("public/dossiers", dossier_api.PublicSubmissionView.as_view(), name="public-dossier-submit"),
    path("public/dossiers/<str:code>/rating", dossier_api.PublicRatingView.as_view(), name="public-dossier-rating"),
    path("public/dossiers/<str:code>/payment", payment_api.PublicPaymentView.as_view(), name="public-dossier-payment"),
    path("public/dossiers/<str:code>/receipt", payment_api.PublicReceiptView.as_view(), name="public-dossier-receipt"),
    path("payments/vnpay/ipn", payment_api.VnpayIpnView.as_view(), name="payment-vnpay-ipn"),
    path("payments/", payment_api.PaymentListView.as_view(), name="payment-list"),
    path("payments/<str:txn_ref>/receipt", payment_api.PaymentReceiptView.as_view(), name="payment-receipt"),
    path("dossiers/", dossier_api.DossierQueueView.as_view(), name="dossier-list"),
    path("dossiers/receive/", dossier_api.WalkInView.as_view(), name="dossier-walk-in"),
    path("dossiers/<str:code>/", dossier_api.DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/<slug:action>/", dossier_api.DossierActionView.as_view(), name="dossier-action"),
    path("apologies/<int:pk>/approve/", dossier_api.ApologyApproveView.as_view(), name="apology-approve"),
    path("public/feedback-categories", feedback_api.CategoryListView.as_view(), name="feedback-categories"),
    path("public/feedback", feedback_api.PublicFeedbackListView.as_view(), name="public-feedback-list"),
    path("public/feedback/<str:code>", feedback_api.PublicFeedbackView.as_view(), name="public-feedback"),
    path(
        "public/feedback/<str:code>/rating", feedback_api.PublicFeedbackRateView.as_view(), name="public-feedback-rate"
    ),
    path("public/feedback/<str:code>/reopen", feedback_api.PublicFeedbackReopenView.as_view(), name="feedback-reopen"),
    path("feedback/", feedback_api.FeedbackQueueView.as_view(), name="feedback-list"),
    path("feedback/<str:code>/", feedback_api.FeedbackDetailView.as_view(), name="feedback-detail"),
    path("feedback/<str:code>/<slug:action>/", feedback_api.FeedbackActionView.as_view(), name="feedback-action"),
    *document_api_urls.urlpatterns,
    *work_api_urls.urlpatterns,
    path("feedback-settings/<int:unit_id>/", feedback_api.FeedbackSettingsView.as_view(), name="feedback-settings"),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("", include("apps.portal.urls")),
    path("can-bo/ho-so/", include("apps.dossiers.urls")),
    path("can-bo/van-ban/", include("apps.documents.urls")),
    path("can-bo/cong-viec/", include("apps.work.urls")),
    path("", include("apps.work.public_urls")),
    path("", include("apps.payments.urls")),
    path("", include("apps.feedback.urls")),
    path("", include("apps.stats.urls")),
    path(
        "tai-khoan/dang-nhap/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("tai-khoan/dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "tai-khoan/doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("open311/v2/", include("apps.feedback.open311_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", org_api.TokenView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file (no inline script); its page keeps a <style> block.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
]

# Errors: the API error shape under /api/, Vietnamese pages elsewhere (a database that is down answers 503).
handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"

admin.site.site_header = "Công vụ — Quản trị"
admin.site.site_title = "Công vụ"
