"""The API of briefings (giao ban): list and schedule, one briefing with participants and conclusions, edit, cancel,
attendance, minutes, conclusions, the conclusion notice (and its PDF) and the tasks from the conclusions.

A briefing the caller may not see answers 404; a step they may not take answers 403 with the reason."""

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.org.models import Unit, User
from apps.work.exports.briefings import notice_response
from apps.work.models import Briefing, BriefingParticipant, Conclusion, Task
from apps.work.selectors import briefings as selectors
from apps.work.services import briefings as services

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="Thông báo kết luận (PDF)")


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


class ParticipantSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = BriefingParticipant
        fields = ["id", "user", "unit", "name", "attended", "absence_reason"]

    def get_name(self, participant) -> str:
        return _name(participant.user) if participant.user_id else participant.unit.name


class ConclusionSerializer(serializers.ModelSerializer):
    owner_unit_name = serializers.CharField(source="owner_unit.name", default="", read_only=True)
    owner_user_name = serializers.SerializerMethodField()
    task = serializers.SerializerMethodField()

    class Meta:
        model = Conclusion
        fields = ["id", "order", "text", "owner_unit", "owner_unit_name", "owner_user", "owner_user_name",
                  "deadline", "task"]  # fmt: skip

    def get_owner_user_name(self, conclusion) -> str:
        return _name(conclusion.owner_user)

    def get_task(self, conclusion) -> int | None:
        try:
            return conclusion.task.pk
        except Task.DoesNotExist:
            return None


class BriefingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    chair_name = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Briefing
        fields = ["id", "unit", "unit_name", "kind", "kind_label", "title", "starts_at", "ends_at", "location",
                  "chaired_by", "chair_name", "status", "status_label", "notice_number", "concluded_at"]  # fmt: skip

    def get_chair_name(self, briefing) -> str:
        return _name(briefing.chaired_by)


class BriefingDetailSerializer(BriefingSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    conclusions = ConclusionSerializer(many=True, read_only=True)

    class Meta(BriefingSerializer.Meta):
        fields = [*BriefingSerializer.Meta.fields, "agenda", "minutes", "participants", "conclusions"]


class BriefingWriteSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    kind = serializers.ChoiceField(choices=Briefing.Kind.choices)
    title = serializers.CharField(max_length=500)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=300)
    chaired_by = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    agenda = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    participant_users = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False, default=list
    )
    participant_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), many=True, required=False, default=list
    )
    is_public = serializers.BooleanField(required=False, default=True)


class BriefingEditSerializer(BriefingWriteSerializer):
    unit = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MarkSerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    attended = serializers.BooleanField()
    absence_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AttendanceSerializer(serializers.Serializer):
    marks = MarkSerializer(many=True)


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(max_length=100000)


class ConclusionWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    owner_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    deadline = serializers.DateField()


class TaskRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "unit", "assignee", "deadline", "due_at", "conclusion"]


def _briefing(request, pk: int) -> Briefing:
    briefing = selectors.briefing_for(request.user, pk)
    if briefing is None:
        raise Http404
    return briefing


def _detail(request, pk: int, code=status.HTTP_200_OK) -> Response:
    return Response(BriefingDetailSerializer(_briefing(request, pk)).data, status=code)


class BriefingListView(generics.ListAPIView):
    serializer_class = BriefingSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.briefings_for(self.request.user, status=self.request.query_params.get("status", ""))

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=Briefing.Status.values, required=False)],
        summary="Các cuộc họp giao ban người dùng được xem",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=BriefingWriteSerializer, responses={201: BriefingDetailSerializer},
                   summary="Lên lịch họp giao ban (lãnh đạo đơn vị); cuộc họp vào lịch công tác tuần")  # fmt: skip
    def post(self, request):
        serializer = BriefingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        briefing = services.schedule_briefing(actor=request.user, **serializer.validated_data)
        return _detail(request, briefing.pk, status.HTTP_201_CREATED)


class BriefingDetailView(APIView):
    @extend_schema(responses=BriefingDetailSerializer, summary="Một cuộc họp: thành phần, điểm danh, kết luận")
    def get(self, request, pk: int):
        return _detail(request, pk)

    @extend_schema(request=BriefingEditSerializer, responses=BriefingDetailSerializer,
                   summary="Sửa cuộc họp chưa diễn ra (thời gian, địa điểm, chủ trì, thành phần)")  # fmt: skip
    def patch(self, request, pk: int):
        briefing = _briefing(request, pk)
        serializer = BriefingEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.edit_briefing(actor=request.user, briefing=briefing, **serializer.validated_data)
        return _detail(request, pk)


class BriefingCancelView(APIView):
    @extend_schema(request=ReasonSerializer, responses=BriefingDetailSerializer, summary="Hủy cuộc họp")
    def post(self, request, pk: int):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_briefing(actor=request.user, briefing=_briefing(request, pk), **serializer.validated_data)
        return _detail(request, pk)


class BriefingAttendanceView(APIView):
    @extend_schema(request=AttendanceSerializer, responses=BriefingDetailSerializer,
                   summary="Điểm danh: có mặt, vắng (có lý do)")  # fmt: skip
    def post(self, request, pk: int):
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marks = [(m["participant"], m["attended"], m["absence_reason"]) for m in serializer.validated_data["marks"]]
        services.record_attendance(actor=request.user, briefing=_briefing(request, pk), marks=marks)
        return _detail(request, pk)


class BriefingMinutesView(APIView):
    @extend_schema(request=MinutesSerializer, responses=BriefingDetailSerializer,
                   summary="Ghi biên bản; cuộc họp chuyển sang đã họp")  # fmt: skip
    def post(self, request, pk: int):
        serializer = MinutesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_minutes(actor=request.user, briefing=_briefing(request, pk), **serializer.validated_data)
        return _detail(request, pk)


class ConclusionListView(APIView):
    @extend_schema(request=ConclusionWriteSerializer, responses={201: ConclusionSerializer},
                   summary="Thêm kết luận: nội dung, người hoặc đơn vị thực hiện, thời hạn")  # fmt: skip
    def post(self, request, pk: int):
        serializer = ConclusionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conclusion = services.add_conclusion(
            actor=request.user, briefing=_briefing(request, pk), **serializer.validated_data
        )
        return Response(ConclusionSerializer(conclusion).data, status=status.HTTP_201_CREATED)


def _conclusion(request, pk: int, conclusion_pk: int) -> Conclusion:
    briefing = _briefing(request, pk)
    for conclusion in briefing.conclusions.all():
        if conclusion.pk == conclusion_pk:
            return conclusion
    raise Http404


class ConclusionDetailView(APIView):
    @extend_schema(request=ConclusionWriteSerializer, responses=ConclusionSerializer, summary="Sửa kết luận")
    def put(self, request, pk: int, conclusion_pk: int):
        conclusion = _conclusion(request, pk, conclusion_pk)
        serializer = ConclusionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conclusion = services.edit_conclusion(actor=request.user, conclusion=conclusion, **serializer.validated_data)
        return Response(ConclusionSerializer(conclusion).data)

    @extend_schema(responses={204: None}, summary="Xóa kết luận (trước khi ban hành thông báo)")
    def delete(self, request, pk: int, conclusion_pk: int):
        services.remove_conclusion(actor=request.user, conclusion=_conclusion(request, pk, conclusion_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BriefingNoticeView(APIView):
    @extend_schema(request=None, responses=BriefingDetailSerializer,
                   summary="Ban hành thông báo kết luận (cấp số TB của đơn vị trong năm)")  # fmt: skip
    def post(self, request, pk: int):
        services.issue_notice(actor=request.user, briefing=_briefing(request, pk))
        return _detail(request, pk)


class BriefingNoticePdfView(APIView):
    @extend_schema(responses={(200, "application/pdf"): PDF}, summary="Thông báo kết luận (PDF)")
    def get(self, request, pk: int):
        briefing = _briefing(request, pk)
        if briefing.status != Briefing.Status.CONCLUDED:
            raise Http404
        return notice_response(briefing)


class BriefingTasksView(APIView):
    @extend_schema(request=None, responses={201: TaskRefSerializer(many=True)},
                   summary="Giao nhiệm vụ từ mọi kết luận chưa giao (một bước, tất cả hoặc không)")  # fmt: skip
    def post(self, request, pk: int):
        tasks = services.conclusions_to_tasks(actor=request.user, briefing=_briefing(request, pk))
        return Response(TaskRefSerializer(tasks, many=True).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("work/briefings/", BriefingListView.as_view(), name="work-briefings"),
    path("work/briefings/<int:pk>/", BriefingDetailView.as_view(), name="work-briefing"),
    path("work/briefings/<int:pk>/cancel/", BriefingCancelView.as_view(), name="work-briefing-cancel"),
    path("work/briefings/<int:pk>/attendance/", BriefingAttendanceView.as_view(), name="work-briefing-attendance"),
    path("work/briefings/<int:pk>/minutes/", BriefingMinutesView.as_view(), name="work-briefing-minutes"),
    path("work/briefings/<int:pk>/conclusions/", ConclusionListView.as_view(), name="work-briefing-conclusions"),
    path(
        "work/briefings/<int:pk>/conclusions/<int:conclusion_pk>/",
        ConclusionDetailView.as_view(),
        name="work-briefing-conclusion",
    ),
    path("work/briefings/<int:pk>/notice/", BriefingNoticeView.as_view(), name="work-briefing-notice"),
    path("work/briefings/<int:pk>/notice.pdf", BriefingNoticePdfView.as_view(), name="work-briefing-notice-pdf"),
    path("work/briefings/<int:pk>/tasks/", BriefingTasksView.as_view(), name="work-briefing-tasks"),
]
