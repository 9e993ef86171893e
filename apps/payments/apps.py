from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "apps.payments"
    verbose_name = _("Thanh toán trực tuyến")

    def ready(self):
        from apps.payments import checks  # noqa: F401  (registers the deploy check)
