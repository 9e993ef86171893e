from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

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


@extend_schema(
    parameters=[
        OpenApiParameter("q", str),
        OpenApiParameter("unit", int, description="Chỉ cây của đơn vị này"),
    ],
    summary="Cán bộ trong phạm vi được xem",
)
class StaffListView(generics.ListAPIView):
    serializer_class = StaffSerializer
    filter_backends = []

    def get_queryset(self):
        unit = None
        if self.request.query_params.get("unit"):
            unit = get_object_or_404(
                selectors.units_visible_to(self.request.user), pk=self.request.query_params.get("unit")
            )
        return selectors.staff_visible_to(self.request.user, query=self.request.query_params.get("q", ""), unit=unit)
