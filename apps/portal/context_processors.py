from apps.org.selectors import province_name
from apps.portal.navigation import navigation_for

# Query parameters that could carry personal data: never echoed into the language switch's `next` (the redirect
# after switching would write them into the access log again). No page asks for them by GET; old links might.
PERSONAL_PARAMS = frozenset({
    "sdt", "phone", "so_dien_thoai", "contact_phone", "applicant_phone", "cccd", "id_number", "applicant_id_number",
    "email", "contact_email", "applicant_email", "ho_ten", "name", "contact_name", "applicant_name",
})  # fmt: skip


def language_next(request) -> str:
    """Where the language switch returns: this page, without any parameter that could carry personal data. A view
    may give its own `language_next` (the tracking page after an owner's lookup: the page by code alone)."""
    query = request.GET.copy()
    for key in list(query):
        if key.lower() in PERSONAL_PARAMS:
            del query[key]
    return f"{request.path}?{query.urlencode()}" if query else request.path


def site(request):
    return {
        "province_name": province_name(),
        "navigation": navigation_for(request.user),
        "language_next": language_next(request),
    }
