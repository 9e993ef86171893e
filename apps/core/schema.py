"""The OpenAPI schema's conventions: every operation documents the errors it can answer, in the one error shape.

Apart from apps.core.api because drf-spectacular's AutoSchema imports DRF's generic views, which import the
pagination class that apps.core.api defines."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from apps.core.api import ErrorSerializer


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class AutoSchema(SpectacularAutoSchema):
    """Every operation documents the errors it can answer, all in the ErrorSerializer shape: 400 for any input
    (a NUL character is refused everywhere), 401/403 when it needs a login, 403/409 when a service refuses a write
    (PermissionDeniedError, ConflictError), 404 when its path names something or its page does not exist, 429 when
    throttled, 503 while the database is unreachable. A view's own @extend_schema responses win."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_responses():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(error_response(description), str(code))
        return responses

    def _error_responses(self) -> list[tuple[int, str]]:
        writes = self.method not in ("GET", "HEAD", "OPTIONS")
        errors = [(400, "Dữ liệu không hợp lệ")]
        if self.view.get_authenticators():
            errors.append((401, "Chưa đăng nhập hoặc mã xác thực không đúng"))
        if writes or any(not isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            errors.append((403, "Không có quyền"))
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            errors.append((404, "Không tìm thấy (hoặc trang không tồn tại)"))
        if writes:
            errors.append((409, "Trạng thái hiện tại không cho phép thao tác này"))
        if self.view.get_throttles():
            errors.append((429, "Gửi quá nhiều yêu cầu"))
        errors.append((503, "Cơ sở dữ liệu tạm thời không truy cập được"))
        return errors
