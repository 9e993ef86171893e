from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province, its catalogue and the generated history (`load_demo`, `generate_load_data`): a tool on
    top of every app, which no app imports."""

    name = "apps.demo"
    label = "demo"
    verbose_name = _("Dữ liệu mẫu")
