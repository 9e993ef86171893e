"""Documents API: the handling of incoming documents. One document with its assignment, files and timeline; the
leader's direction (assign, reassign, reopen) and the holders' steps (forward, progress, reply, done); the deadline a
number of working days gives; the queues (awaiting my direction, my handling) and the follow-up register.

A document the caller may not see answers 404; a step they may not take answers 403 with the reason."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.documents.api.registers import REGISTER_PARAMETERS, IncomingSerializer, _register_unit
from apps.documents.models import (
    DocumentFile,
    HandlingAssignment,
    HandlingEvent,
    HandlingParty,
    IncomingDocument,
    OutgoingDocument,
)
from apps.documents.selectors import handling as selectors
from apps.documents.services import access
from apps.documents.services import handling as services
from apps.org.models import Unit, User


class PartySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="holder_name")
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = HandlingParty
        fields = ["id", "role", "role_label", "unit", "user", "name", "forwarded_by", "added_at"]


class AssignmentSerializer(serializers.ModelSerializer):
    parties = PartySerializer(many=True, read_only=True)
    reply_symbol = serializers.CharField(source="reply_outgoing.symbol", default="", read_only=True)

    class Meta:
        model = HandlingAssignment
        fields = ["id", "assigned_by", "assigned_at", "instruction", "working_days", "deadline", "due_at",
                  "due_soon_on", "last_progress", "last_progress_at", "reply_outgoing", "reply_symbol", "reply_file",
                  "done_at", "parties"]  # fmt: skip


class QueueAssignmentSerializer(AssignmentSerializer):
    document = IncomingSerializer(read_only=True)
    my_role = serializers.CharField(read_only=True, default=None)
    deadline_state = serializers.CharField(read_only=True, help_text="late | due_soon | on_time | done | done_late")

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "document", "my_role", "deadline_state"]


class EventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    actor_name = serializers.SerializerMethodField()
    reply_symbol = serializers.CharField(source="reply_outgoing.symbol", default="")

    class Meta:
        model = HandlingEvent
        fields = ["id", "kind", "kind_label", "at", "actor", "actor_name", "note", "to_unit", "to_user", "file",
                  "reply_outgoing", "reply_symbol"]  # fmt: skip

    def get_actor_name(self, event) -> str:
        return (event.actor.get_full_name() or event.actor.get_username()) if event.actor else ""


class FileSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentFile
        fields = ["id", "kind", "name", "content_type", "size", "sha256", "uploaded_at", "note"]


class IncomingDetailSerializer(IncomingSerializer):
    handling_status = serializers.CharField()
    recalled_at = serializers.DateTimeField()

    class Meta(IncomingSerializer.Meta):
        fields = [*IncomingSerializer.Meta.fields, "handling_status", "recalled_at"]


class DocumentHandlingSerializer(serializers.Serializer):
    document = IncomingDetailSerializer()
    assignment = AssignmentSerializer(allow_null=True)
    files = FileSerializer(many=True)
    timeline = EventSerializer(many=True)


def _document(request, pk: int) -> IncomingDocument:
    document = selectors.incoming_document(request.user, pk)
    if document is None:
        raise Http404
    return document


def _handling_body(document: IncomingDocument) -> dict:
    assignment = selectors.current_assignment(document)
    return DocumentHandlingSerializer({
        "document": document, "assignment": assignment, "files": selectors.document_files(document),
        "timeline": selectors.timeline(document),
    }).data  # fmt: skip


class IncomingHandlingView(APIView):
    @extend_schema(
        responses=DocumentHandlingSerializer,
        summary="Một văn bản đến: thông tin, phân công xử lý hiện hành, các tệp và diễn biến xử lý",
    )
    def get(self, request, pk: int):
        document = _document(request, pk)
        access.log_opening(request.user, document, via="api")
        return Response(_handling_body(document))


def _holders(units, users) -> list:
    return [*units, *users]


class AssignSerializer(serializers.Serializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    lead_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    co_handler_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    co_handler_users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    informed_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    informed_users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    working_days = serializers.IntegerField(min_value=1, max_value=services.MAX_WORKING_DAYS)
    instruction = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if bool(data.get("lead_unit")) == bool(data.get("lead_user")):
            raise serializers.ValidationError({"lead_unit": [_("Hãy chọn một đơn vị hoặc một người chủ trì.")]})
        return data

    def service_arguments(self) -> dict:
        data = self.validated_data
        return {
            "lead": data.get("lead_unit") or data.get("lead_user"),
            "co_handlers": _holders(data.get("co_handler_units", []), data.get("co_handler_users", [])),
            "informed": _holders(data.get("informed_units", []), data.get("informed_users", [])),
            "working_days": data["working_days"], "instruction": data["instruction"],
        }  # fmt: skip


class AssignView(APIView):
    reassign = False

    @extend_schema(request=AssignSerializer, responses={201: AssignmentSerializer},
                   summary="Lãnh đạo giao xử lý: chủ trì, phối hợp, để biết và thời hạn (ngày làm việc)")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = services.reassign if self.reassign else services.assign
        assignment = service(actor=request.user, document=document, **serializer.service_arguments())
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class ReassignView(AssignView):
    reassign = True

    @extend_schema(
        request=AssignSerializer,
        responses={201: AssignmentSerializer},
        summary="Lãnh đạo giao lại (phân công mới thay phân công hiện hành; thời hạn tính lại từ hôm nay)",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class ForwardSerializer(serializers.Serializer):
    to_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    to_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if bool(data.get("to_unit")) == bool(data.get("to_user")):
            raise serializers.ValidationError({"to_unit": [_("Hãy chọn một đơn vị hoặc một người nhận.")]})
        return data


class ForwardView(APIView):
    @extend_schema(request=ForwardSerializer, responses={201: PartySerializer},
                   summary="Chuyển văn bản cho người, đơn vị khác xử lý (cùng vai trò)")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = ForwardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        party = services.forward(actor=request.user, document=document, to=data.get("to_unit") or data.get("to_user"),
                                 note=data["note"])  # fmt: skip
        return Response(PartySerializer(party).data, status=status.HTTP_201_CREATED)


class ProgressSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    file = serializers.FileField(required=False, allow_null=True)


class ProgressView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ProgressSerializer, "application/json": ProgressSerializer},
                   responses={201: EventSerializer}, summary="Báo cáo tiến độ xử lý (kèm tệp nếu có)")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = ProgressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.report_progress(actor=request.user, document=document, **serializer.validated_data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class ReplySerializer(serializers.Serializer):
    outgoing = serializers.PrimaryKeyRelatedField(
        queryset=OutgoingDocument.objects.select_related("unit"), required=False, allow_null=True
    )
    file = serializers.FileField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReplyView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ReplySerializer, "application/json": ReplySerializer},
                   responses={201: EventSerializer},
                   summary="Đính kèm văn bản trả lời (văn bản đi đã ban hành và/hoặc tệp)")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outgoing = serializer.validated_data.get("outgoing")
        if outgoing is not None and not selectors.reply_candidates(request.user, document).filter(pk=outgoing.pk):
            raise serializers.ValidationError({"outgoing": [_("Văn bản đi ngoài phạm vi của bạn.")]})
        event = services.attach_reply(actor=request.user, document=document, **serializer.validated_data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DoneView(APIView):
    @extend_schema(request=NoteSerializer, responses=EventSerializer, summary="Kết thúc xử lý văn bản")
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(EventSerializer(services.mark_done(actor=request.user, document=document,
                                                           **serializer.validated_data)).data)  # fmt: skip


class ReopenView(APIView):
    @extend_schema(request=NoteSerializer, responses=EventSerializer,
                   summary="Lãnh đạo mở lại văn bản đã xử lý xong (ghi lý do)")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(EventSerializer(services.reopen(actor=request.user, document=document,
                                                        **serializer.validated_data)).data)  # fmt: skip


class DeadlineSerializer(serializers.Serializer):
    working_days = serializers.IntegerField()
    deadline = serializers.DateField()
    due_at = serializers.DateTimeField()


class DeadlineView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("working_days", int, required=True, description="Số ngày làm việc")],
        responses=DeadlineSerializer,
        summary="Hạn xử lý nếu giao hôm nay với số ngày làm việc này (lịch làm việc của cơ quan nhận)",
    )
    def get(self, request, pk: int):
        document = _document(request, pk)
        days = request.query_params.get("working_days", "")
        if not days.isdigit() or not 1 <= int(days) <= services.MAX_WORKING_DAYS:
            message = _("Thời hạn xử lý là số ngày làm việc từ 1 đến %(max)d.") % {"max": services.MAX_WORKING_DAYS}
            raise serializers.ValidationError({"working_days": [message]})
        due_at, deadline, _soon = services.deadline_for(document.unit, timezone.now(), int(days))
        return Response(DeadlineSerializer({"working_days": int(days), "deadline": deadline, "due_at": due_at}).data)


class AwaitingDirectionSerializer(IncomingDetailSerializer):
    pass


class AwaitingDirectionView(generics.ListAPIView):
    serializer_class = AwaitingDirectionSerializer
    filter_backends = []

    @extend_schema(summary="Văn bản đến chờ tôi cho ý kiến chỉ đạo (khẩn trước)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.awaiting_direction(self.request.user)


class MyHandlingView(generics.ListAPIView):
    serializer_class = QueueAssignmentSerializer
    filter_backends = []

    @extend_schema(summary="Văn bản tôi (hoặc đơn vị tôi) chủ trì, phối hợp, được để biết: hạn, sắp đến hạn, quá hạn")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.my_handling(self.request.user)


class FollowUpView(generics.ListAPIView):
    serializer_class = QueueAssignmentSerializer
    filter_backends = []

    @extend_schema(parameters=REGISTER_PARAMETERS, summary="Sổ theo dõi giải quyết văn bản đến của đơn vị trong năm")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unit, year = _register_unit(self.request)
        return selectors.follow_up_register(self.request.user, unit, year)
