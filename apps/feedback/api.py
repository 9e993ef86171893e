"""Feedback API: public sending, following, published answers, rating and reopening (rate-limited, no contact
details out); staff queue, detail, logging a call and every workflow action."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.ratelimit import PublicThrottle
from apps.core.schema import error_response
from apps.feedback import selectors, services
from apps.feedback.models import Category, Feedback, FeedbackRating, FeedbackSettings
from apps.org.selectors import units_visible_to
from apps.procedures.models import Procedure


class CategorySerializer(serializers.ModelSerializer):
    group_label = serializers.CharField(source="get_group_display")

    class Meta:
        model = Category
        fields = ["code", "name", "group", "group_label", "description", "answer_days"]


class PublicFeedbackSerializer(serializers.Serializer):
    """No contact details, ever; an unpublished item shows its code, status and dates only (the other fields null),
    a published one what the unit published: title, question, place, handling unit and answer."""

    code = serializers.CharField()
    category = serializers.CharField(source="category__name", allow_null=True)
    title = serializers.CharField(allow_null=True)
    content = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    unit = serializers.CharField(source="assigned_unit__name", allow_null=True)
    forwarded_to = serializers.CharField(allow_null=True)
    answer = serializers.CharField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)

    def get_status_label(self, row) -> str:
        return str(Feedback.Status(row["status"]).label)


class SubmitSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True))
    title = serializers.CharField(max_length=255)
    content = serializers.CharField(max_length=10000)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    procedure = serializers.SlugRelatedField(
        slug_field="code", queryset=Procedure.objects.all(), required=False, allow_null=True, default=None
    )
    dossier = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


def submit_from(data: dict, *, channel: str, actor=None) -> Feedback:
    """Shared by the public API and the operator's endpoint: the serializer's data to the service."""
    data = dict(data)
    contact = {name: data.pop(name) for name in ("contact_name", "contact_phone", "contact_email")}
    return services.feedback_submit(channel=channel, contact=contact, dossier_code=data.pop("dossier"), actor=actor,
                                    **data)  # fmt: skip


class PublicFeedbackListView(generics.ListAPIView):
    """Published answers, searchable without accents."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PublicFeedbackSerializer
    filter_backends = []

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("category", str)],
        summary="Tra cứu câu trả lời phản ánh, kiến nghị đã công khai",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        items = selectors.published_answers(query=params.get("q", ""), category=params.get("category", ""))
        return items.values(*selectors.PUBLIC_FIELDS)

    @extend_schema(
        request={"multipart/form-data": SubmitSerializer, "application/json": SubmitSerializer},
        responses={201: PublicFeedbackSerializer},
        summary="Gửi phản ánh, kiến nghị (không bắt buộc để lại thông tin liên hệ)",
    )
    def post(self, request):
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = submit_from(serializer.validated_data, channel=Feedback.Channel.WEB)
        return Response(
            PublicFeedbackSerializer(selectors.public_feedback(feedback.code)).data, status=status.HTTP_201_CREATED
        )

    def get_throttles(self):
        if self.request.method == "POST":
            self.throttle_scope = "public_submit"
            return [PublicThrottle()]
        return super().get_throttles()

    parser_classes = [JSONParser, MultiPartParser, FormParser]


class PublicFeedbackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public_lookup"

    @extend_schema(responses=PublicFeedbackSerializer, summary="Theo dõi phản ánh theo mã (không có thông tin cá nhân)")
    def get(self, request, code: str):
        row = selectors.public_feedback(code.strip().upper())
        if row is None:
            return Response(
                {"code": "not_found", "message": _("Không tìm thấy phản ánh có mã này."), "errors": {}},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(PublicFeedbackSerializer(row).data)


class RateResultSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=FeedbackRating.Level.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RateSerializer(RateResultSerializer):
    """Only the sender rates: the token of the rating link sent with the answer, or the phone given when sending."""

    token = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64,
        help_text="Mã trong đường dẫn đánh giá gửi kèm thông báo trả lời",
    )  # fmt: skip
    phone = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20, help_text="Số điện thoại đã dùng khi gửi phản ánh"
    )


class ReopenSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20, help_text="Số điện thoại đã dùng khi gửi phản ánh")
    reason = serializers.CharField(max_length=5000)


class PublicFeedbackRateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public_submit"

    @extend_schema(
        request=RateSerializer,
        responses={
            201: RateResultSerializer,
            403: error_response("Không chứng minh được là người gửi (đường dẫn đánh giá hoặc số điện thoại)"),
            409: error_response("Chưa có câu trả lời, hoặc câu trả lời đã được đánh giá"),
        },
        summary="Người gửi đánh giá câu trả lời (một lần): kèm mã đường dẫn đánh giá hoặc số điện thoại khi gửi",
    )
    def post(self, request, code: str):
        serializer = RateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = services.feedback_rate(feedback=get_object_or_404(Feedback, code=code), **serializer.validated_data)
        return Response(RateResultSerializer(rating).data, status=status.HTTP_201_CREATED)


class PublicFeedbackReopenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public_submit"

    @extend_schema(
        request=ReopenSerializer,
        responses={200: PublicFeedbackSerializer},
        summary="Chưa đồng ý với câu trả lời: mở lại (một lần, trong 30 ngày làm việc)",
    )
    def post(self, request, code: str):
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.feedback_reopen(
            feedback=get_object_or_404(Feedback, code=code), **serializer.validated_data
        )
        return Response(PublicFeedbackSerializer(selectors.public_feedback(feedback.code)).data)


class CategoryListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.active_categories()


# --- staff -----------------------------------------------------------------------------------------------


class FeedbackSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.CharField(source="get_status_display")
    unit = serializers.CharField(source="assigned_unit.name", default=None)
    assignee = serializers.CharField(source="assignee.username", default=None)
    drafted_by = serializers.CharField(source="drafted_by.username", default=None)
    approved_by = serializers.CharField(source="approved_by.username", default=None)

    class Meta:
        model = Feedback
        fields = ["code", "channel", "category", "category_name", "title", "content", "contact_name",
                  "contact_phone", "contact_email", "address", "latitude", "longitude", "status", "status_label",
                  "received_at", "classify_due_at", "due_at", "unit", "assignee", "forwarded_to", "forwarded_at",
                  "forward_note", "answer", "drafted_at", "drafted_by", "return_comment", "approved_at",
                  "approved_by", "answered_at", "answered_on_time", "is_public", "published_at",
                  "reopened_at"]  # fmt: skip


class OperatorSubmitSerializer(SubmitSerializer):
    channel = serializers.ChoiceField(
        choices=[(c, label) for c, label in Feedback.Channel.choices if c != Feedback.Channel.OPEN311]
    )


@extend_schema(
    parameters=[
        OpenApiParameter("scope", str, enum=list(selectors.QUEUE_SCOPES)),
        OpenApiParameter("q", str),
        OpenApiParameter("phone", str, description="Tìm phản ánh trước đây theo số điện thoại"),
    ],
    summary="Hàng đợi phản ánh của cán bộ",
)
class FeedbackQueueView(generics.ListCreateAPIView):
    serializer_class = FeedbackSerializer
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        params = self.request.query_params
        if params.get("phone"):
            ids = [f.pk for f in selectors.feedback_by_phone(self.request.user, params["phone"])]
            return Feedback.objects.filter(pk__in=ids).select_related(*selectors.LIST_RELATED).order_by("-received_at")
        scope = params.get("scope", "unit")
        if scope not in selectors.QUEUE_SCOPES:
            raise serializers.ValidationError({"scope": [_("Phạm vi không hợp lệ.")]})
        return selectors.feedback_queue(self.request.user, scope=scope, query=params.get("q", ""))

    @extend_schema(request=OperatorSubmitSerializer, responses={201: FeedbackSerializer}, summary="Ghi nhận cuộc gọi")
    def post(self, request):
        serializer = OperatorSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        feedback = submit_from(data, channel=data.pop("channel"), actor=request.user)
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


class FeedbackDetailView(generics.RetrieveAPIView):
    serializer_class = FeedbackSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.feedback_visible_to(self.request.user).select_related(*selectors.LIST_RELATED)


class FeedbackActionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, help_text="assign: đơn vị xử lý")
    assignee = serializers.CharField(required=False, allow_blank=True, help_text="assign: tên đăng nhập cán bộ")
    category = serializers.CharField(required=False, allow_blank=True, help_text="assign: đổi loại phản ánh")
    to = serializers.CharField(required=False, allow_blank=True, help_text="forward: cơ quan có thẩm quyền")
    answer = serializers.CharField(required=False, allow_blank=True, help_text="answer / forward: nội dung")
    publish = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="answer: công khai ngay; approve: công khai (bỏ trống: theo đề nghị của cán bộ)",
    )  # fmt: skip
    comment = serializers.CharField(required=False, allow_blank=True, help_text="return: ý kiến của lãnh đạo")


class FeedbackActionView(APIView):
    @extend_schema(
        request=FeedbackActionSerializer,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(services.ACTIONS))],
        responses={
            200: FeedbackSerializer,
            403: error_response("Không có quyền (duyệt trả lời: chỉ lãnh đạo phụ trách đơn vị xử lý)"),
            409: error_response("Trạng thái hiện tại không cho phép thao tác này"),
        },
        summary="Phân loại, chuyển xử lý, trả lời, duyệt hoặc trả lại câu trả lời, công khai, kết thúc phản ánh",
        operation_id="feedback_action",
    )
    def post(self, request, code: str, action: str):
        feedback = get_object_or_404(selectors.feedback_visible_to(request.user), code=code)
        serializer = FeedbackActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.feedback_act(action, actor=request.user, feedback=feedback, **serializer.validated_data)
        return Response(FeedbackSerializer(feedback).data)


class FeedbackSettingsSerializer(serializers.Serializer):
    unit = serializers.IntegerField(read_only=True)
    answer_needs_approval = serializers.BooleanField(
        help_text="Trả lời của cán bộ phải được lãnh đạo đơn vị duyệt trước khi gửi người dân và công khai"
    )
    inherited = serializers.BooleanField(read_only=True, help_text="Đơn vị chưa tự đặt: theo đơn vị cấp trên")


class FeedbackSettingsView(APIView):
    """A unit's feedback settings: read by anyone who sees the unit, changed by a leader over it or its
    administrator."""

    def _unit(self, request, unit_id: int):
        return get_object_or_404(units_visible_to(request.user), pk=unit_id)

    def _body(self, unit) -> dict:
        own = FeedbackSettings.objects.filter(unit=unit).first()
        return {"unit": unit.pk, "answer_needs_approval": services.answer_needs_approval(unit),
                "inherited": own is None}  # fmt: skip

    @extend_schema(responses=FeedbackSettingsSerializer, summary="Thiết lập phản ánh của một đơn vị")
    def get(self, request, unit_id: int):
        return Response(FeedbackSettingsSerializer(self._body(self._unit(request, unit_id))).data)

    @extend_schema(
        request=FeedbackSettingsSerializer,
        responses={200: FeedbackSettingsSerializer, 403: error_response("Chỉ lãnh đạo hoặc quản trị của đơn vị")},
        summary="Đặt thiết lập phản ánh của một đơn vị (trả lời phải được lãnh đạo duyệt)",
    )
    def put(self, request, unit_id: int):
        unit = self._unit(request, unit_id)
        serializer = FeedbackSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.feedback_settings_set(actor=request.user, unit=unit, **serializer.validated_data)
        return Response(FeedbackSettingsSerializer(self._body(unit)).data)
