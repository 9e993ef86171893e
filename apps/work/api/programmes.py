"""The API of work programmes: the programmes the caller sees (by unit, year, kind), one programme with its items,
creating one, its items (add, edit, remove, reorder, status), its moves (submit, approve, return), drawing a
month's programme from the quarter's and the year's, and a task from an item.

A programme the caller may not see answers 404; a move they may not make answers 403 with the reason."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.org.models import Unit, User
from apps.work.models import PeriodKind, ProgramItem, Task, WorkProgram
from apps.work.selectors import programmes as selectors
from apps.work.services import programmes as services


class ProgramSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    period = serializers.SerializerMethodField()
    approved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = WorkProgram
        fields = ["id", "unit", "unit_name", "kind", "kind_label", "year", "number", "period", "title", "status",
                  "status_label", "created_at", "submitted_at", "approved_by", "approved_by_name", "approved_at",
                  "note"]  # fmt: skip

    def get_period(self, program) -> str:
        return selectors.period_label(program.kind, program.year, program.number)

    def get_approved_by_name(self, program) -> str:
        return program.approved_by.get_full_name() if program.approved_by else ""


class ItemSerializer(serializers.ModelSerializer):
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    person_in_charge_name = serializers.SerializerMethodField()
    co_handler_names = serializers.SerializerMethodField()
    product_kind_label = serializers.CharField(source="get_product_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    has_task = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = ProgramItem
        fields = ["id", "order", "title", "lead_unit", "lead_unit_name", "person_in_charge", "person_in_charge_name",
                  "co_handlers", "co_handler_names", "product_kind", "product_kind_label", "product", "deadline",
                  "due_at", "status", "status_label", "done_at", "note", "source_item", "has_task"]  # fmt: skip

    def get_person_in_charge_name(self, item) -> str:
        return item.person_in_charge.get_full_name() if item.person_in_charge else ""

    def get_co_handler_names(self, item) -> list[str]:
        return [unit.name for unit in item.co_handlers.all()]


class ProgramDetailSerializer(ProgramSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "items"]


class CreateSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    number = serializers.IntegerField(min_value=1, max_value=12, default=1)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ItemWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=5000)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    person_in_charge = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False,
                                                          allow_null=True, default=None)  # fmt: skip
    co_handlers = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False,
                                                     default=list)  # fmt: skip
    product_kind = serializers.ChoiceField(choices=ProgramItem.Product.choices, default=ProgramItem.Product.OTHER)
    product = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    deadline = serializers.DateField()
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReorderSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), max_length=1000)


class ReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProgramItem.Status.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DrawMonthSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class DrawnSerializer(serializers.Serializer):
    program = ProgramDetailSerializer()
    added = serializers.IntegerField()


class TaskMadeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "unit", "assignee", "deadline", "due_at", "source", "program_item", "status"]


def _program(request, pk: int) -> WorkProgram:
    program = selectors.program_detail(request.user, pk)
    if program is None:
        raise Http404
    return program


def _item(request, pk: int) -> ProgramItem:
    item = selectors.program_item(request.user, pk)
    if item is None:
        raise Http404
    return item


def _detail(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(ProgramDetailSerializer(_program(request, pk)).data, status=code)


LIST_PARAMETERS = [
    OpenApiParameter("unit", int, description="Đơn vị"),
    OpenApiParameter("year", int, description="Năm"),
    OpenApiParameter("kind", str, enum=PeriodKind.values, description="Loại chương trình"),
    OpenApiParameter("status", str, enum=WorkProgram.Status.values, description="Trạng thái"),
]


class ProgramListView(generics.ListAPIView):
    serializer_class = ProgramSerializer
    filter_backends: list = []

    def get_queryset(self):
        programs = selectors.visible_programs(self.request.user).order_by("-year", "unit__path", "kind", "number")
        params = self.request.query_params
        for name, field in (("unit", "unit_id"), ("year", "year")):
            value = params.get(name, "")
            if value:
                if not value.isdigit():
                    return programs.none()
                programs = programs.filter(**{field: int(value)})
        for name in ("kind", "status"):
            if params.get(name):
                programs = programs.filter(**{name: params[name]})
        return programs

    @extend_schema(parameters=LIST_PARAMETERS, summary="Các chương trình công tác người dùng được xem")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CreateSerializer, responses={201: ProgramDetailSerializer},
                   summary="Lập chương trình công tác (dự thảo) của một đơn vị cho một năm, quý, tháng")  # fmt: skip
    def post(self, request):
        serializer = CreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        program = services.create_program(actor=request.user, **serializer.validated_data)
        return _detail(request, program.pk, status.HTTP_201_CREATED)


class ProgramDetailView(APIView):
    @extend_schema(responses=ProgramDetailSerializer, summary="Một chương trình công tác và các nội dung của nó")
    def get(self, request, pk: int):
        return _detail(request, pk)


class ItemListView(APIView):
    @extend_schema(request=ItemWriteSerializer, responses={201: ItemSerializer},
                   summary="Thêm nội dung vào chương trình (dự thảo)")  # fmt: skip
    def post(self, request, pk: int):
        program = _program(request, pk)
        serializer = ItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.add_item(actor=request.user, program=program, **serializer.validated_data)
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ItemDetailView(APIView):
    @extend_schema(request=ItemWriteSerializer, responses=ItemSerializer,
                   summary="Sửa một nội dung của chương trình (dự thảo)")  # fmt: skip
    def put(self, request, pk: int):
        item = _item(request, pk)
        serializer = ItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.edit_item(actor=request.user, item=item, **serializer.validated_data)
        return Response(ItemSerializer(item).data)

    @extend_schema(responses={204: None}, summary="Xóa một nội dung của chương trình (dự thảo)")
    def delete(self, request, pk: int):
        services.remove_item(actor=request.user, item=_item(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReorderView(APIView):
    @extend_schema(request=ReorderSerializer, responses=ProgramDetailSerializer,
                   summary="Sắp xếp lại thứ tự các nội dung (đủ mọi nội dung, mỗi nội dung một lần)")  # fmt: skip
    def post(self, request, pk: int):
        program = _program(request, pk)
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reorder_items(actor=request.user, program=program, item_ids=serializer.validated_data["items"])
        return _detail(request, pk)


class SubmitView(APIView):
    @extend_schema(request=None, responses=ProgramDetailSerializer, summary="Trình duyệt chương trình")
    def post(self, request, pk: int):
        services.submit_program(actor=request.user, program=_program(request, pk))
        return _detail(request, pk)


class ApproveView(APIView):
    @extend_schema(request=None, responses=ProgramDetailSerializer,
                   summary="Thủ trưởng đơn vị hoặc lãnh đạo cấp trên phê duyệt chương trình")  # fmt: skip
    def post(self, request, pk: int):
        services.approve_program(actor=request.user, program=_program(request, pk))
        return _detail(request, pk)


class ReturnView(APIView):
    @extend_schema(request=ReturnSerializer, responses=ProgramDetailSerializer,
                   summary="Trả lại chương trình về dự thảo để sửa (ghi rõ nội dung cần sửa)")  # fmt: skip
    def post(self, request, pk: int):
        program = _program(request, pk)
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.return_program(actor=request.user, program=program, note=serializer.validated_data["note"])
        return _detail(request, pk)


class ItemStatusView(APIView):
    @extend_schema(request=StatusSerializer, responses=ItemSerializer,
                   summary="Cập nhật tình trạng thực hiện một nội dung (chương trình đã phê duyệt)")  # fmt: skip
    def post(self, request, pk: int):
        item = _item(request, pk)
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.set_item_status(actor=request.user, item=item, **serializer.validated_data)
        return Response(ItemSerializer(item).data)


class ItemTaskView(APIView):
    @extend_schema(request=None, responses={201: TaskMadeSerializer},
                   summary="Giao nhiệm vụ từ một nội dung của chương trình đã phê duyệt")  # fmt: skip
    def post(self, request, pk: int):
        task = services.make_task(actor=request.user, item=_item(request, pk))
        return Response(TaskMadeSerializer(task).data, status=status.HTTP_201_CREATED)


class DrawMonthView(APIView):
    @extend_schema(request=DrawMonthSerializer, responses={200: DrawnSerializer},
                   summary="Lập chương trình tháng từ chương trình quý và năm đã phê duyệt")  # fmt: skip
    def post(self, request):
        serializer = DrawMonthSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        program, added = services.draw_month(actor=request.user, **serializer.validated_data)
        shown = _program(request, program.pk)
        return Response(DrawnSerializer({"program": shown, "added": added}).data)


urlpatterns = [
    path("work/programs/", ProgramListView.as_view(), name="work-programs"),
    path("work/programs/draw-month/", DrawMonthView.as_view(), name="work-programs-draw-month"),
    path("work/programs/<int:pk>/", ProgramDetailView.as_view(), name="work-program"),
    path("work/programs/<int:pk>/items/", ItemListView.as_view(), name="work-program-items"),
    path("work/programs/<int:pk>/reorder/", ReorderView.as_view(), name="work-program-reorder"),
    path("work/programs/<int:pk>/submit/", SubmitView.as_view(), name="work-program-submit"),
    path("work/programs/<int:pk>/approve/", ApproveView.as_view(), name="work-program-approve"),
    path("work/programs/<int:pk>/return/", ReturnView.as_view(), name="work-program-return"),
    path("work/programs/items/<int:pk>/", ItemDetailView.as_view(), name="work-program-item"),
    path("work/programs/items/<int:pk>/status/", ItemStatusView.as_view(), name="work-program-item-status"),
    path("work/programs/items/<int:pk>/task/", ItemTaskView.as_view(), name="work-program-item-task"),
]
