from axes.helpers import get_cool_off
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import error_body
from apps.core.schema import error_response
from apps.org import selectors
from apps.org.models import Membership, Role, Unit, User


class UnitSerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "symbol", "kind", "kind_label", "level", "level_label", "parent_id",
                  "depth", "agency_code", "address", "phone", "email", "is_active"]  # fmt: skip


class MembershipSerializer(serializers.ModelSerializer):
    unit = UnitSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["unit", "position", "is_head", "is_primary", "start_date", "end_date"]


class StaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "is_active"]


class MeSerializer(serializers.Serializer):
    user = StaffSerializer()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    memberships = MembershipSerializer(many=True)


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="Người dùng hiện tại: vai trò và nơi công tác")
    def get(self, request):
        profile = selectors.staff_profile(request.user)
        return Response(
            MeSerializer({"user": request.user, "roles": profile["roles"], "memberships": profile["memberships"]}).data
        )


UNIT_FILTERS = [
    OpenApiParameter("q", str, description="Tìm không dấu theo tên, tên viết tắt, mã định danh"),
    OpenApiParameter("kind", str, enum=Unit.Kind.values),
    OpenApiParameter("level", str, enum=Unit.Level.values),
]


@extend_schema(parameters=UNIT_FILTERS, summary="Đơn vị trong phạm vi được xem")
class UnitListView(generics.ListAPIView):
    serializer_class = UnitSerializer
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.unit_list(
            self.request.user,
            query=params.get("q", ""),
            kind=params.get("kind", ""),
            level=params.get("level", ""),
        )


@extend_schema(summary="Một đơn vị (trong phạm vi được xem)")
class UnitDetailView(generics.RetrieveAPIView):
    serializer_class = UnitSerializer

    def get_queryset(self):
        return selectors.units_visible_to(self.request.user).select_related("parent")


class StaffQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, default="")
    unit = serializers.IntegerField(required=False, help_text="Chỉ cây của đơn vị này")


@extend_schema(parameters=[StaffQuerySerializer], summary="Cán bộ trong phạm vi được xem")
class StaffListView(generics.ListAPIView):
    serializer_class = StaffSerializer
    filter_backends = []

    def get_queryset(self):
        query = StaffQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        unit = None
        if query.validated_data.get("unit") is not None:
            unit = get_object_or_404(selectors.units_visible_to(self.request.user), pk=query.validated_data["unit"])
        return selectors.staff_visible_to(self.request.user, query=query.validated_data["q"], unit=unit)


class TokenView(ObtainAuthToken):
    """A staff member's API token for their username and password, guarded by django-axes like the login page."""

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            429: error_response("Tạm khóa vì đăng nhập sai quá nhiều lần (code: locked_out)"),
        },
        summary="Lấy mã xác thực API (Token) bằng tên đăng nhập và mật khẩu",
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        # django-axes refuses a locked-out login inside authenticate() and flags the request it was given.
        if not serializer.is_valid() and getattr(request, "axes_locked_out", False):
            return locked_out_response()
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


def locked_out_response() -> Response:
    seconds = int(get_cool_off().total_seconds())
    message = _("Tài khoản tạm thời bị khóa vì đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.")
    response = Response(
        error_body("locked_out", message % {"minutes": max(1, seconds // 60)}),
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    return response
