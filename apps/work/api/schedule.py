"""The API of the leaders' weekly schedule: a unit's week (Monday to Sunday) for staff who see the unit; add, edit
and cancel an entry (a leader or the clerical officer of the unit). The public week is on the public pages (HTML,
PDF, iCalendar)."""

import datetime as dt

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import DomainError
from apps.core.schema import error_response
from apps.org.models import Unit, User
from apps.work.models import ScheduleEntry
from apps.work.selectors import schedule as selectors
from apps.work.services import schedule as services


class LeaderSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name"]

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class EntrySerializer(serializers.ModelSerializer):
    leaders = LeaderSerializer(many=True, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ScheduleEntry
        fields = ["id", "unit", "unit_name", "kind", "kind_label", "title", "starts_at", "ends_at", "location",
                  "leaders", "participants", "preparing_unit", "is_public", "briefing", "cancelled"]  # fmt: skip


class WeekSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    week_start = serializers.DateField()
    week_end = serializers.DateField()
    entries = EntrySerializer(many=True)


class EntryWriteSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    # every kind, so that the schema has one enum of kinds; the service refuses "briefing" (written by a briefing)
    kind = serializers.ChoiceField(choices=ScheduleEntry.Kind.choices)
    title = serializers.CharField(max_length=500)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=300)
    leaders = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)
    participants = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    preparing_unit = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    is_public = serializers.BooleanField(required=False, default=True)


class EntryEditSerializer(EntryWriteSerializer):
    unit = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _week_param(request) -> dt.date:
    raw = request.query_params.get("week", "")
    if not raw:
        return selectors.week_start(timezone.localdate())
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as error:
        raise DomainError(_("Ngày trong tuần viết theo dạng YYYY-MM-DD."), field="week") from error
    if not services.FIRST_YEAR <= day.year <= services.LAST_YEAR:
        raise DomainError(
            _("Năm phải từ %(first)d đến %(last)d.") % {"first": services.FIRST_YEAR, "last": services.LAST_YEAR},
            field="week",
        )
    return selectors.week_start(day)


def _unit_param(request) -> Unit:
    raw = request.query_params.get("unit", "")
    unit = selectors.schedule_units(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    if unit is None:
        raise Http404
    return unit


def _entry(request, pk: int) -> ScheduleEntry:
    entry = selectors.schedule_entry(request.user, pk)
    if entry is None:
        raise Http404
    return entry


class ScheduleWeekView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, required=True, description="Đơn vị"),
            OpenApiParameter("week", dt.date, required=False, description="Một ngày trong tuần (mặc định: hôm nay)"),
        ],
        responses={200: WeekSerializer, 404: error_response("Không có đơn vị này, hoặc bạn không được xem")},
        operation_id="work_schedule_week",
        summary="Lịch công tác tuần của một đơn vị (thứ Hai đến Chủ nhật), kể cả lịch nội bộ và đã hủy",
    )
    def get(self, request):
        unit, monday = _unit_param(request), _week_param(request)
        entries = selectors.unit_week(request.user, unit, monday)
        week = {"unit": unit.pk, "week_start": monday, "week_end": monday + dt.timedelta(days=6), "entries": entries}
        return Response(WeekSerializer(week).data)

    @extend_schema(request=EntryWriteSerializer, responses={201: EntrySerializer},
                   summary="Thêm lịch: họp, tiếp công dân, đi cơ sở (lãnh đạo hoặc văn thư của đơn vị)")  # fmt: skip
    def post(self, request):
        serializer = EntryWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.add_entry(actor=request.user, **serializer.validated_data)
        return Response(EntrySerializer(_entry(request, entry.pk)).data, status=status.HTTP_201_CREATED)


class ScheduleEntryView(APIView):
    @extend_schema(responses=EntrySerializer, summary="Một mục lịch công tác")
    def get(self, request, pk: int):
        return Response(EntrySerializer(_entry(request, pk)).data)

    @extend_schema(request=EntryEditSerializer, responses=EntrySerializer, summary="Sửa mục lịch công tác")
    def patch(self, request, pk: int):
        entry = _entry(request, pk)
        serializer = EntryEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.edit_entry(actor=request.user, entry=entry, **serializer.validated_data)
        return Response(EntrySerializer(_entry(request, pk)).data)


class ScheduleEntryCancelView(APIView):
    @extend_schema(request=CancelSerializer, responses=EntrySerializer, summary="Hoãn, hủy mục lịch công tác")
    def post(self, request, pk: int):
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_entry(actor=request.user, entry=_entry(request, pk), **serializer.validated_data)
        return Response(EntrySerializer(_entry(request, pk)).data)


urlpatterns = [
    path("work/schedule/", ScheduleWeekView.as_view(), name="work-schedule"),
    path("work/schedule/<int:pk>/", ScheduleEntryView.as_view(), name="work-schedule-entry"),
    path("work/schedule/<int:pk>/cancel/", ScheduleEntryCancelView.as_view(), name="work-schedule-entry-cancel"),
]
