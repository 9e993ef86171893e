from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "apps.stats"
    label = "stats"
    verbose_name = _("Chỉ số chất lượng phục vụ")

    def ready(self):
        from apps.stats.services import register_projections

        register_projections()
