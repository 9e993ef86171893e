from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Dùng chung")

    def ready(self):
        from apps.core import csp_policy, csrf_secret, locale_vi_drf

        locale_vi_drf.install()  # DRF's own messages in Vietnamese (its catalogue translates few)
        csrf_secret.install()  # one read of the system's generator per CSRF secret, not 32
        csp_policy.install()  # the settings' policy built once, not for every response
