from django.conf import settings
from django.core.cache import cache

from apps.org.selectors import province_root
from apps.portal.navigation import navigation_for


def _province_name() -> str:
    if settings.PROVINCE_NAME:
        return settings.PROVINCE_NAME
    root = province_root()
    return root.name.removeprefix("Ủy ban nhân dân").strip() if root else ""


def site(request):
    return {
        "province_name": cache.get_or_set("congvu:province_name", _province_name, 300),
        "navigation": navigation_for(request.user),
    }
