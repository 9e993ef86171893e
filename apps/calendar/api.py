import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.calendar import selectors, services
from apps.calendar.engine import FIRST_YEAR, LAST_YEAR
from apps.calendar.models import CalendarOverride
from apps.org.selectors import units_visible_to


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return units_visible_to(self.context["request"].user)


class OverrideSerializer(serializers.ModelSerializer):
    unit = VisibleUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    approved_at = serializers.DateTimeField(read_only=True)
    counts_for_legal_limits = serializers.BooleanField(
        read_only=True, help_text="Ngày này có được tính khi xác định thời hạn giải quyết theo luật"
    )

    class Meta:
        model = CalendarOverride
        fields = [
            "id", "unit", "unit_name", "date", "kind", "kind_label", "note", "legal_basis", "approved_at",
            "counts_for_legal_limits",
        ]  # fmt: skip


YEAR_OUT_OF_RANGE = lazy(
    lambda: _("Lịch chỉ tính được các năm từ %(first)d đến %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}, str
)()


def year_field(**kwargs) -> serializers.IntegerField:
    """A year the calendar knows the national holidays of."""
    messages = {"min_value": YEAR_OUT_OF_RANGE, "max_value": YEAR_OUT_OF_RANGE, "invalid": _("Năm không hợp lệ.")}
    return serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, error_messages=messages, **kwargs)


def within_calendar(moment: dt.datetime) -> dt.datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise serializers.ValidationError(YEAR_OUT_OF_RANGE)
    return moment


class DeadlineRequestSerializer(serializers.Serializer):
    unit = VisibleUnitField()
    start = serializers.DateTimeField(help_text="Thời điểm bắt đầu (ISO 8601, có múi giờ)")
    days = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        required=False,
        min_value=Decimal("0.5"),
        help_text="Số ngày làm việc (bội số 0,5)",
    )
    hours = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        required=False,
        min_value=Decimal("0.25"),
        help_text="Số giờ làm việc (thủ tục trong ngày)",
    )

    def validate_start(self, value):
        return within_calendar(value)

    def validate(self, attrs):
        if (attrs.get("days") is None) == (attrs.get("hours") is None):
            raise serializers.ValidationError(_("Nhập số ngày hoặc số giờ làm việc (một trong hai)."))
        if attrs.get("days") is not None and (attrs["days"] * 2) % 1:
            raise serializers.ValidationError({"days": [_("Số ngày phải là bội số của 0,5.")]})
        return attrs


class DeadlineResponseSerializer(serializers.Serializer):
    clock_start = serializers.DateTimeField()
    deadline = serializers.DateTimeField(help_text="Hạn tính chính xác theo giờ làm việc (dùng cho từng bước)")
    legal_due = serializers.DateTimeField(
        help_text="Hạn giải quyết theo luật với cách tính tỉnh đã chọn (thời hạn của thủ tục, hẹn trả kết quả)"
    )


class DeadlineView(APIView):
    @extend_schema(
        request=DeadlineRequestSerializer,
        responses=DeadlineResponseSerializer,
        summary="Tính hạn theo ngày/giờ làm việc của đơn vị",
    )
    def post(self, request):
        serializer = DeadlineRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cal = selectors.calendar_for_unit(data["unit"])
        if data.get("days") is not None:
            clock_start = cal.clock_start(data["start"])
            deadline = cal.add_working_days(data["start"], float(data["days"]))
            legal = selectors.legal_due(data["unit"], data["start"], data["days"], selectors.WORKING_DAYS)
        else:
            clock_start = cal.next_working_moment(data["start"])
            deadline = cal.add_working_hours(data["start"], float(data["hours"]))
            legal = selectors.legal_due(data["unit"], data["start"], data["hours"], selectors.WORKING_HOURS)
        if not (FIRST_YEAR <= deadline.year <= LAST_YEAR and FIRST_YEAR <= legal.year <= LAST_YEAR):
            amount = "days" if data.get("days") is not None else "hours"
            raise serializers.ValidationError({amount: [YEAR_OUT_OF_RANGE]})
        body = {"clock_start": clock_start, "deadline": deadline, "legal_due": legal}
        return Response(DeadlineResponseSerializer(body).data)


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    working = serializers.BooleanField()
    open = serializers.BooleanField(help_text="Bộ phận một cửa mở cửa (kể cả ngày phục vụ thêm)")
    reason = serializers.CharField()


class MonthQuerySerializer(serializers.Serializer):
    year = year_field()
    month = serializers.IntegerField(
        min_value=1, max_value=12, error_messages={key: _("Tháng phải từ 1 đến 12.") for key in ("min_value",
                                                   "max_value", "invalid")}
    )  # fmt: skip


class OverrideQuerySerializer(serializers.Serializer):
    year = year_field(required=False)


class MonthView(APIView):
    @extend_schema(
        parameters=[MonthQuerySerializer], responses=DaySerializer(many=True),
        summary="Các ngày trong tháng của một đơn vị",
    )  # fmt: skip
    def get(self, request, unit_id: int):
        unit = get_object_or_404(units_visible_to(request.user), pk=unit_id)
        query = MonthQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, month = query.validated_data["year"], query.validated_data["month"]
        days = [day for week in selectors.month_days(unit, year, month) for day in week if day]
        return Response(DaySerializer(days, many=True).data)


@extend_schema(parameters=[OverrideQuerySerializer], summary="Ngày điều chỉnh lịch trong phạm vi được xem")
class OverrideListCreateView(generics.ListCreateAPIView):
    serializer_class = OverrideSerializer
    filter_backends = []

    def get_queryset(self):
        query = OverrideQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.overrides_visible_to(self.request.user, year=query.validated_data.get("year"))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override = services.override_set(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(override).data, status=status.HTTP_201_CREATED)


@extend_schema(summary="Xóa một ngày điều chỉnh")
class OverrideDeleteView(generics.DestroyAPIView):
    serializer_class = OverrideSerializer

    def get_queryset(self):
        return selectors.overrides_visible_to(self.request.user)

    def perform_destroy(self, instance):
        services.override_remove(actor=self.request.user, override=instance)
