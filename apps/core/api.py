"""API conventions shared by every app: one error format and one pagination."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import DomainError

_MESSAGES = {
    "not_authenticated": gettext_lazy("Bạn cần đăng nhập."),
    "authentication_failed": gettext_lazy("Thông tin đăng nhập không đúng."),
    "permission_denied": gettext_lazy("Bạn không có quyền thực hiện thao tác này."),
    "not_found": gettext_lazy("Không tìm thấy."),
    "method_not_allowed": gettext_lazy("Phương thức không được hỗ trợ."),
    "throttled": gettext_lazy("Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau."),
    "invalid": gettext_lazy("Dữ liệu không hợp lệ."),
    "parse_error": gettext_lazy("Dữ liệu gửi lên không đọc được."),
    "unsupported_media_type": gettext_lazy("Định dạng dữ liệu không được hỗ trợ."),
    "not_acceptable": gettext_lazy("Không trả lời được theo định dạng được yêu cầu."),
    "server_error": gettext_lazy("Hệ thống gặp lỗi, vui lòng thử lại sau."),
    "database_unavailable": gettext_lazy("Hệ thống tạm thời gián đoạn, vui lòng thử lại sau ít phút."),
    "null_character": gettext_lazy("Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự rỗng NUL)."),
}


class InvalidPage(exceptions.NotFound):
    """A page number that is not a number or lies past the last page (404 `not_found`, told as such)."""

    default_detail = gettext_lazy("Trang không hợp lệ.")


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as error:
            raise InvalidPage() from error


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            field: [str(item) for item in (value if isinstance(value, list) else [value])]
            for field, value in detail.items()
        }
    return {}


def error_body(code: str, message: str, errors: dict | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or {}}


def message_for(code: str) -> str:
    """The message of one of the standard codes above, in the active language."""
    return str(_MESSAGES[code])


def standard_error_body(code: str) -> dict:
    return error_body(code, message_for(code))


class ErrorSerializer(serializers.Serializer):
    """The one shape of every API error."""

    code = serializers.CharField(help_text="Mã lỗi ổn định cho chương trình: invalid, not_found, throttled, …")
    message = serializers.CharField(help_text="Thông báo cho người dùng")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Lỗi theo từng trường"
    )


def exception_handler(exc, context):
    """Every API error as {"code", "message" (Vietnamese), "errors": {field: [messages]}}."""
    if isinstance(exc, DomainError):
        errors = {exc.field: [exc.message]} if exc.field else {}
        return Response(error_body(exc.code, exc.message, errors), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "invalid"
    message = str(_MESSAGES.get(code, str(getattr(exc, "detail", "")) or _MESSAGES["invalid"]))
    if isinstance(exc, InvalidPage):
        message = str(exc.detail)
    if code == "throttled" and getattr(exc, "wait", None):
        message = _("Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau %(seconds)d giây.") % {"seconds": exc.wait}
    if isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", str(_MESSAGES["invalid"])
        errors = _field_errors(exc.detail)
        if isinstance(exc.detail, list):
            errors = {"non_field_errors": [str(item) for item in exc.detail]}
    else:
        errors = {}
    response.data = error_body(code, message, errors)
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response["Retry-After"] = str(int(getattr(exc, "wait", 60) or 60))
    return response
