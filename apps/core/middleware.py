from apps.core import context


def client_ip(request) -> str | None:
    """The client address. Behind a proxy, set TRUSTED_PROXY so that X-Forwarded-For is believed."""
    from django.conf import settings

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "TRUSTED_PROXY", False):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class LanguageMiddleware:
    """Vietnamese unless the person chose another language with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers here are set to
    English: a Vietnamese public service must not greet its citizens in English by accident."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        return response


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        token = context.set_current(
            context.RequestContext(
                user_id=user.pk if authenticated else None,
                user_label=user.get_username() if authenticated else "",
                ip=client_ip(request),
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
