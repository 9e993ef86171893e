from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "apps.work"
    label = "work"
    verbose_name = _("Chương trình công tác, nhiệm vụ, báo cáo")
