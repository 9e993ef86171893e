"""Work API: tasks. The tasks the caller sees (all, mine, assigned by me), one task with its timeline, files and
extension requests, the assignment, every step (progress, extension request and decision, completion, acceptance,
return, reassignment, withdrawal) and the leader's follow-up (counts by unit and person, and the lists behind them).

A task the caller may not see answers 404; a step they may not take answers 403 with the reason; a step the task's
status does not allow answers 409."""

from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.org.models import Unit, User
from apps.work.models import ExtensionRequest, Task, TaskEvent, TaskFile
from apps.work.selectors import reporting as report_selectors
from apps.work.selectors import tasks as selectors
from apps.work.services import tasks as services
from apps.work.views import task_files


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


class TaskSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    assigner_unit_name = serializers.CharField(source="assigner_unit.name", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    assigned_by_name = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "title", "description", "source", "priority", "priority_label", "status", "status_label",
                  "unit", "unit_name", "assignee", "assignee_name", "assigned_by", "assigned_by_name",
                  "assigner_unit", "assigner_unit_name", "assigned_at", "original_deadline", "original_due_at",
                  "deadline", "due_at", "extended", "progress", "last_progress", "last_progress_at", "completed_at",
                  "product", "outcome", "outcome_label", "accepted_at", "program_item", "conclusion",
                  "incoming_document_id", "document_reference", "late"]  # fmt: skip

    def get_assignee_name(self, task) -> str:
        return _name(task.assignee)

    def get_assigned_by_name(self, task) -> str:
        return _name(task.assigned_by)

    def get_late(self, task) -> bool:
        """Open and past its deadline in force."""
        return task.is_open and task.due_at < timezone.now()


class TaskEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TaskEvent
        fields = ["id", "kind", "kind_label", "at", "actor", "actor_name", "note", "progress", "file", "old_due_at",
                  "new_due_at"]  # fmt: skip

    def get_actor_name(self, event) -> str:
        return _name(event.actor)


class TaskFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = TaskFile
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, stored) -> str:
        return reverse("v1:work-task-file", args=[stored.task_id, stored.pk])


class TaskExtensionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ExtensionRequest
        fields = ["id", "status", "status_label", "requested_by", "requested_by_name", "requested_at", "reason",
                  "proposed_deadline", "decided_by", "decided_by_name", "decided_at", "granted_deadline",
                  "decision_note"]  # fmt: skip

    def get_requested_by_name(self, extension) -> str:
        return _name(extension.requested_by)

    def get_decided_by_name(self, extension) -> str:
        return _name(extension.decided_by)


class TaskDetailSerializer(serializers.Serializer):
    task = TaskSerializer()
    timeline = TaskEventSerializer(many=True)
    files = TaskFileSerializer(many=True)
    extensions = TaskExtensionSerializer(many=True)
    allowed_steps = serializers.ListField(child=serializers.CharField(), help_text="Các bước người gọi được làm")


def _task(request, pk: int) -> Task:
    task = selectors.task_for(request.user, pk)
    if task is None:
        raise Http404
    return task


def _detail(request, task: Task) -> dict:
    return TaskDetailSerializer({
        "task": task, "timeline": selectors.timeline(task), "files": selectors.task_files(task),
        "extensions": selectors.extensions(task), "allowed_steps": sorted(services.allowed_steps(request.user, task)),
    }).data  # fmt: skip


class TaskAssignSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                  allow_null=True, default=None)  # fmt: skip
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    working_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                            max_value=365)  # fmt: skip
    priority = serializers.ChoiceField(choices=Task.Priority.choices, default=Task.Priority.NORMAL)
    program_item = serializers.IntegerField(required=False, allow_null=True, default=None,
                                            help_text="Nội dung chương trình công tác giao thành nhiệm vụ")  # fmt: skip
    incoming_document = serializers.IntegerField(required=False, allow_null=True, default=None,
                                                 help_text="Văn bản đến giao thành nhiệm vụ")  # fmt: skip
    document_reference = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def service_arguments(self, user) -> dict:
        data = dict(self.validated_data)
        item_id, document_id = data.pop("program_item"), data.pop("incoming_document")
        if item_id is not None:
            item = selectors.program_item_for(user, item_id)
            if item is None:
                raise serializers.ValidationError({"program_item": [_("Không tìm thấy nội dung chương trình.")]})
            data.update(source=Task.Source.PROGRAM, program_item=item)
        elif document_id is not None:
            document = selectors.incoming_document_for(user, document_id)
            if document is None:
                raise serializers.ValidationError({"incoming_document": [_("Không tìm thấy văn bản đến.")]})
            reference = data["document_reference"] or selectors.document_reference(document)
            data.update(source=Task.Source.DOCUMENT, incoming_document_id=document.pk, document_reference=reference)
        return data


SCOPE_PARAMETERS = [
    OpenApiParameter("scope", str, enum=["visible", "mine", "assigned"],
                     description="visible: mọi nhiệm vụ tôi xem được; mine: giao cho tôi; assigned: tôi giao"),
    OpenApiParameter("status", str, enum=list(Task.Status.values), description="Lọc theo trạng thái"),
    OpenApiParameter("open", bool, description="Chỉ nhiệm vụ đang thực hiện"),
]  # fmt: skip


class TaskListView(generics.ListAPIView):
    serializer_class = TaskSerializer
    filter_backends = []

    @extend_schema(parameters=SCOPE_PARAMETERS, summary="Nhiệm vụ tôi xem được (của tôi, do tôi giao), theo hạn")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params, user = self.request.query_params, self.request.user
        scope = params.get("scope", "visible")
        if scope == "mine":
            tasks = selectors.my_tasks(user, open_only=False)
        elif scope == "assigned":
            tasks = selectors.tasks_assigned_by(user)
        else:
            tasks = selectors.visible_tasks(user)
        if params.get("status") in Task.Status.values:
            tasks = tasks.filter(status=params["status"])
        if params.get("open") in ("1", "true", "True"):
            tasks = tasks.filter(status__in=selectors.OPEN)
        return tasks.order_by("due_at", "pk")

    @extend_schema(request=TaskAssignSerializer, responses={201: TaskSerializer},
                   summary="Lãnh đạo giao nhiệm vụ cho đơn vị hoặc cán bộ, với thời hạn (ngày làm việc)")  # fmt: skip
    def post(self, request):
        serializer = TaskAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.assign_task(actor=request.user, **serializer.service_arguments(request.user))
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailView(APIView):
    @extend_schema(
        responses=TaskDetailSerializer,
        summary="Một nhiệm vụ: thông tin, hạn ban đầu và hạn hiện hành, diễn biến, tệp, đề nghị gia hạn",
    )
    def get(self, request, pk: int):
        return Response(_detail(request, _task(request, pk)))


class TaskFileView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes},
                   summary="Tải một tệp của nhiệm vụ (báo cáo tiến độ, sản phẩm)")  # fmt: skip
    def get(self, request, pk: int, file_pk: int):
        stored = selectors.task_file(request.user, pk, file_pk)
        if stored is None:
            raise Http404
        return task_files.serve(stored)


class TaskProgressSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    percent = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class TaskCompleteSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=5000)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class TaskExtensionRequestSerializer(serializers.Serializer):
    proposed_deadline = serializers.DateField()
    reason = serializers.CharField(max_length=5000)


class TaskExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    granted_deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                             help_text="Ngày được gia hạn; bỏ trống: ngày đề nghị")  # fmt: skip
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class TaskNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class TaskCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class TaskReassignSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                  allow_null=True, default=None)  # fmt: skip
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StepView(APIView):
    """One step on a task: the body is checked by `serializer`, the service is called with the task and the actor,
    and the task's detail (as GET answers) comes back."""

    serializer = TaskNoteSerializer
    service = staticmethod(services.accept)
    answer_status = status.HTTP_200_OK

    def post(self, request, pk: int):
        task = _task(request, pk)
        serializer = self.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.service(actor=request.user, task=task, **serializer.validated_data)
        return Response(_detail(request, _task(request, pk)), status=self.answer_status)


def _step(name: str, serializer, service, summary: str, *, files: bool = False):
    body = {"multipart/form-data": serializer, "application/json": serializer} if files else serializer

    def post(self, request, pk: int):
        return StepView.post(self, request, pk)

    post = extend_schema(request=body, responses=TaskDetailSerializer, summary=summary)(post)
    attributes = {"serializer": serializer, "service": staticmethod(service), "post": post}
    if files:
        attributes["parser_classes"] = [JSONParser, MultiPartParser, FormParser]
    return type(name, (StepView,), attributes)


ProgressView = _step("ProgressView", TaskProgressSerializer, services.report_progress,
                     "Người thực hiện báo cáo tiến độ (%, nội dung, tệp kèm)", files=True)  # fmt: skip
ExtensionView = _step("ExtensionView", TaskExtensionRequestSerializer, services.request_extension,
                      "Người thực hiện xin gia hạn (một ngày làm việc sau hạn hiện hành)")  # fmt: skip
DecisionView = _step("DecisionView", TaskExtensionDecisionSerializer, services.decide_extension,
                     "Người giao đồng ý (có thể với ngày khác) hoặc không đồng ý gia hạn")  # fmt: skip
CompleteView = _step("CompleteView", TaskCompleteSerializer, services.complete,
                     "Người thực hiện báo cáo hoàn thành với sản phẩm (đánh giá trước hạn, đúng hạn, quá hạn)",
                     files=True)  # fmt: skip
AcceptView = _step("AcceptView", TaskNoteSerializer, services.accept, "Người giao nghiệm thu nhiệm vụ")
ReturnView = _step("ReturnView", TaskNoteSerializer, services.return_task,
                   "Người giao trả lại, yêu cầu làm tiếp (nêu yêu cầu)")  # fmt: skip
ReassignView = _step("ReassignView", TaskReassignSerializer, services.reassign,
                     "Người giao giao lại cho đơn vị, cán bộ khác thuộc quyền")  # fmt: skip
CancelView = _step("CancelView", TaskCancelSerializer, services.cancel, "Người giao thu hồi nhiệm vụ (nêu lý do)")


# --- the leader's follow-up ----------------------------------------------------------------------------------------


class TaskCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField(help_text="Đang thực hiện")
    due_week = serializers.IntegerField(help_text="Đến hạn trong tuần (thứ Hai – Chủ nhật)")
    due_soon = serializers.IntegerField(help_text="Đến hạn hôm nay hoặc ngày làm việc tiếp theo")
    late = serializers.IntegerField(help_text="Đang quá hạn")
    finished_late = serializers.IntegerField(help_text="Hoàn thành quá hạn trong năm")


class TaskFollowUpPersonSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(allow_null=True, help_text="Trống: giao cho đơn vị, không giao cho người")
    person_name = serializers.CharField()
    counts = TaskCountsSerializer()


class TaskFollowUpUnitSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    counts = TaskCountsSerializer()
    people = TaskFollowUpPersonSerializer(many=True)


class TaskFollowUpSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    week_start = serializers.DateField()
    week_end = serializers.DateField()
    totals = TaskCountsSerializer()
    units = TaskFollowUpUnitSerializer(many=True)


def _year(request) -> int:
    value = request.query_params.get("year", "")
    if not value:
        return timezone.localdate().year
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise serializers.ValidationError({"year": [_("Năm không hợp lệ.")]})
    return int(value)


YEAR_PARAMETER = OpenApiParameter("year", int, description="Năm tính số hoàn thành quá hạn (mặc định năm nay)")


class FollowUpView(APIView):
    @extend_schema(parameters=[YEAR_PARAMETER], responses=TaskFollowUpSerializer,
                   summary="Theo dõi nhiệm vụ của lãnh đạo: theo đơn vị và cán bộ, đến hạn trong tuần, quá hạn, "
                           "hoàn thành quá hạn")  # fmt: skip
    def get(self, request):
        return Response(TaskFollowUpSerializer(selectors.follow_up(request.user, year=_year(request))).data)


class LateReportsSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    late = serializers.IntegerField(help_text="Số báo cáo quá hạn chưa nộp (dự thảo hoặc bị trả lại)")
    first_cycle_id = serializers.IntegerField()


class FollowUpLateReportsView(APIView):
    @extend_schema(responses=LateReportsSerializer(many=True),
                   summary="Theo dõi của lãnh đạo: các đơn vị nợ báo cáo quá hạn")  # fmt: skip
    def get(self, request):
        rows = report_selectors.late_reports_by_unit(request.user)
        return Response(LateReportsSerializer(rows, many=True).data)


class FollowUpTasksView(generics.ListAPIView):
    serializer_class = TaskSerializer
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=list(selectors.KINDS), required=True, description="Số liệu nào"),
            YEAR_PARAMETER,
            OpenApiParameter("unit", int, description="Đơn vị thực hiện (đúng đơn vị này)"),
            OpenApiParameter("person", str, description="Mã cán bộ, hoặc none: giao cho đơn vị không giao cho người"),
        ],
        summary="Danh sách nhiệm vụ sau một số liệu của trang theo dõi",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        kind = params.get("kind", "")
        if kind not in selectors.KINDS:
            raise serializers.ValidationError({"kind": [_("Chọn một loại số liệu hợp lệ.")]})
        unit, person = params.get("unit", ""), params.get("person", "")
        if (unit and not unit.isdigit()) or (person and person != "none" and not person.isdigit()):
            raise serializers.ValidationError({"unit": [_("Đơn vị hoặc cán bộ không hợp lệ.")]})
        return selectors.follow_up_tasks(
            self.request.user, kind, year=_year(self.request), unit_id=int(unit) if unit else None,
            person=(person if person == "none" else int(person)) if person else None,
        )  # fmt: skip


urlpatterns = [
    path("work/tasks/", TaskListView.as_view(), name="work-tasks"),
    path("work/tasks/<int:pk>/", TaskDetailView.as_view(), name="work-task"),
    path("work/tasks/<int:pk>/files/<int:file_pk>/", TaskFileView.as_view(), name="work-task-file"),
    path("work/tasks/<int:pk>/progress/", ProgressView.as_view(), name="work-task-progress"),
    path("work/tasks/<int:pk>/extension/", ExtensionView.as_view(), name="work-task-extension"),
    path("work/tasks/<int:pk>/extension/decision/", DecisionView.as_view(), name="work-task-extension-decision"),
    path("work/tasks/<int:pk>/complete/", CompleteView.as_view(), name="work-task-complete"),
    path("work/tasks/<int:pk>/accept/", AcceptView.as_view(), name="work-task-accept"),
    path("work/tasks/<int:pk>/return/", ReturnView.as_view(), name="work-task-return"),
    path("work/tasks/<int:pk>/reassign/", ReassignView.as_view(), name="work-task-reassign"),
    path("work/tasks/<int:pk>/cancel/", CancelView.as_view(), name="work-task-cancel"),
    path("work/follow-up/", FollowUpView.as_view(), name="work-follow-up"),
    path("work/follow-up/late-reports/", FollowUpLateReportsView.as_view(), name="work-follow-up-late-reports"),
    path("work/follow-up/tasks/", FollowUpTasksView.as_view(), name="work-follow-up-tasks"),
]
