from apps.org.selectors import province_name
from apps.portal.navigation import navigation_for


def site(request):
    return {"province_name": province_name(), "navigation": navigation_for(request.user)}
