from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "apps.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ một cửa")

    def ready(self):
        from apps.core.cache import drop_after_outage
        from apps.dossiers.tracking import STORED_MARK

        drop_after_outage(STORED_MARK)  # the hourly store then makes Redis agree with the rows again
