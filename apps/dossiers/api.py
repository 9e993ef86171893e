"""Dossier API: public tracking, submission and rating (rate-limited, no personal data), staff transitions."""

import time

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import error_body
from apps.core.ratelimit import PublicThrottle, public_lookup_rate
from apps.core.schema import error_response
from apps.dossiers import selectors, services, tracking
from apps.dossiers.links import code_from_rating_token, tracking_url
from apps.dossiers.models import Apology, Dossier, DossierStep, Rating
from apps.org.models import Unit
from apps.org.selectors import units_visible_to
from apps.procedures.models import Procedure

# --- public ----------------------------------------------------------------------------------------------


class PublicStepSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    outcome_label = serializers.CharField(source="get_outcome_display")

    class Meta:
        model = DossierStep
        fields = ["order", "name", "unit", "started_at", "due_at", "finished_at", "outcome", "outcome_label"]


class PublicDossierSerializer(serializers.ModelSerializer):
    """Tracking without personal data: no name, ID, phone, address or officer names."""

    procedure = serializers.CharField(source="procedure.name")
    procedure_code = serializers.CharField(source="procedure.code")
    agency = serializers.CharField(source="filing_unit.name")
    status_label = serializers.CharField(source="get_status_display")
    outcome_label = serializers.CharField(source="get_outcome_display")
    fee_unpaid = serializers.SerializerMethodField(help_text="Còn phí, lệ phí chưa nộp")
    electronic_result = serializers.SerializerMethodField(help_text="Đã có kết quả điện tử để tải (cần số điện thoại)")
    steps = PublicStepSerializer(many=True)
    tracking_url = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["code", "procedure", "procedure_code", "agency", "channel", "status", "status_label",
                  "submitted_at", "received_at", "due_at", "appointment_at", "original_appointment_at",
                  "rescheduled", "ready_at", "returned_at", "outcome", "outcome_label", "fee_vnd", "fee_unpaid",
                  "electronic_result", "steps", "tracking_url"]  # fmt: skip

    def get_fee_unpaid(self, dossier) -> bool:
        return dossier.payment == Dossier.Payment.UNPAID

    def get_electronic_result(self, dossier) -> bool:
        return dossier.status in tracking.RESULT_STATUSES and services.electronic_result(dossier) is not None

    def get_tracking_url(self, dossier) -> str:
        return tracking_url(dossier.code)


class JSONOnly(BaseContentNegotiation):
    """No negotiation (DRF's costs as much as the lookup itself): the answer is JSON, whatever is asked."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PublicTrackingView(APIView):
    """The busiest public read. A GET skips DRF's request wrapping, authentication, permission, throttle and
    negotiation steps (none applies: anonymous, JSON only, counted in the lookup's own cache round trip): they cost
    a fifth of the request. The class stays an APIView for the OpenAPI schema and any other method's 405."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    throttle_classes = []

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET":
            return self.get(request, **kwargs)  # the plain Django request
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        responses={200: PublicDossierSerializer, 429: error_response("Tra cứu quá nhiều lần (giới hạn riêng)")},
        summary="Tra cứu tiến độ hồ sơ (công khai, không có dữ liệu cá nhân)",
    )
    def get(self, request, code: str):
        return public_tracking_answer(request, code)


def public_tracking_answer(request, code: str) -> HttpResponse:
    """The tracking API's answer: the published JSON, a 404 or a 429. Also served by apps.core.middleware.
    PublicReadMiddleware, ahead of the middleware an anonymous GET does not need."""
    limit, period = public_lookup_rate()
    limited, body = tracking.public_tracking_lookup(request, code.strip().upper(), limit, period)
    if limited:
        wait = int(period - time.time() % period) or 1
        message = _("Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau %(seconds)d giây.") % {"seconds": wait}
        response = _json(error_body("throttled", message), status.HTTP_429_TOO_MANY_REQUESTS)
        response["Retry-After"] = str(wait)
        return response
    if body is None:
        return _json(error_body("not_found", _("Không tìm thấy hồ sơ có mã này.")), status.HTTP_404_NOT_FOUND)
    return HttpResponse(body, content_type="application/json")  # already rendered: see PublicTracking


def _json(data: dict, status_code: int) -> JsonResponse:
    return JsonResponse(data, status=status_code, json_dumps_params={"ensure_ascii": False})


class ApplicantSerializer(serializers.Serializer):
    applicant_kind = serializers.ChoiceField(choices=Dossier.ApplicantKind.choices, default="person")
    applicant_name = serializers.CharField(max_length=255)
    applicant_id_number = serializers.CharField(max_length=20)
    applicant_phone = serializers.CharField(max_length=20)
    applicant_email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    applicant_address = serializers.CharField(max_length=500)
    representative = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    representative_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    representative_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    representative_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SubmissionSerializer(ApplicantSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", queryset=Procedure.objects.filter(is_active=True))
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind=Unit.Kind.PEOPLES_COMMITTEE, is_active=True),
        help_text="Ủy ban nhân dân nơi nộp (xã, phường hoặc tỉnh)",
    )
    request_summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    home_service = serializers.BooleanField(default=False)
    home_service_address = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    delivery = serializers.ChoiceField(choices=Dossier.Delivery.choices, default=Dossier.Delivery.DESK)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=services.MAX_FILES_PER_UPLOAD,
        help_text="Giấy tờ đính kèm (multipart/form-data): PDF, JPEG, PNG; tối đa 10 MB mỗi tệp",
    )  # fmt: skip


class SubmissionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    tracking_url = serializers.CharField()
    next_steps = serializers.CharField()


class PublicSubmissionView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public_submit"
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": SubmissionSerializer, "multipart/form-data": SubmissionSerializer},
        responses={201: SubmissionResultSerializer},
        summary="Nộp hồ sơ trực tuyến (kèm giấy tờ khi gửi multipart/form-data)",
    )
    def post(self, request):
        serializer = SubmissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        applicant = {name: data.pop(name) for name in list(ApplicantSerializer().fields)}
        dossier = services.dossier_submit_online(
            procedure=data.pop("procedure"), filing_unit=data.pop("agency"), applicant=applicant, **data
        )
        body = {
            "code": dossier.code,
            "status": dossier.get_status_display(),
            "tracking_url": tracking_url(dossier.code),
            "next_steps": _("Bộ phận Một cửa sẽ kiểm tra hồ sơ và báo kết quả tiếp nhận qua điện thoại, thư điện tử."),
        }
        return Response(SubmissionResultSerializer(body).data, status=status.HTTP_201_CREATED)


class RatingSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Mã trong đường dẫn đánh giá gửi kèm thông báo trả kết quả")
    overall = serializers.ChoiceField(choices=Rating.Level.choices)
    politeness = serializers.ChoiceField(choices=Rating.Level.choices)
    timeliness = serializers.ChoiceField(choices=Rating.Level.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PublicRatingView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public_submit"

    @extend_schema(
        request=RatingSerializer,
        responses={201: inline_serializer("RatingDone", {"code": serializers.CharField()})},
        summary="Đánh giá mức độ hài lòng (một lần cho mỗi hồ sơ)",
    )
    def post(self, request, code: str):
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if code_from_rating_token(data.pop("token")) != code:
            return Response(
                {"code": "permission_denied", "message": _("Đường dẫn đánh giá không khớp với hồ sơ."), "errors": {}},
                status=status.HTTP_403_FORBIDDEN,
            )
        services.rating_submit(dossier=get_object_or_404(Dossier, code=code), **data)
        return Response({"code": code}, status=status.HTTP_201_CREATED)


# --- staff -----------------------------------------------------------------------------------------------


class StepSerializer(PublicStepSerializer):
    assignee = serializers.CharField(source="assignee.get_full_name", default=None)
    finished_by = serializers.CharField(source="finished_by.get_full_name", default=None)

    class Meta(PublicStepSerializer.Meta):
        fields = [*PublicStepSerializer.Meta.fields, "kind", "role", "assignee", "finished_by", "note"]


class DossierListSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.name")
    status_label = serializers.CharField(source="get_status_display")
    current_step = serializers.CharField(source="current_step.name", default=None)
    current_unit = serializers.CharField(source="current_step.unit.name", default=None)
    step_due_at = serializers.DateTimeField(source="current_step.due_at", default=None)

    class Meta:
        model = Dossier
        fields = ["code", "procedure", "applicant_name", "status", "status_label", "received_at", "appointment_at",
                  "current_step", "current_unit", "step_due_at", "rescheduled"]  # fmt: skip


class DossierDetailSerializer(DossierListSerializer):
    steps = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [*DossierListSerializer.Meta.fields, "applicant_kind", "applicant_id_number", "applicant_phone",
                  "applicant_email", "applicant_address", "representative", "request_summary", "channel",
                  "home_service", "home_service_address", "fee_vnd", "payment", "delivery", "outcome",
                  "original_appointment_at", "book_volume", "book_entry", "steps", "allowed_actions"]  # fmt: skip

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, dossier) -> list[dict]:
        return StepSerializer(selectors.dossier_timeline(dossier), many=True).data

    def get_allowed_actions(self, dossier) -> list[str]:
        user = self.context["request"].user if "request" in self.context else None
        return [action.name for action in services.allowed_actions(dossier, user)]


MAX_ID = 2**63 - 1
QUEUE_PARAMS = [
    OpenApiParameter("scope", str, enum=list(selectors.QUEUE_SCOPES), description="mine | unit | due_soon | late"),
    OpenApiParameter("q", str, description="Mã hồ sơ hoặc tên người nộp, không cần dấu"),
    OpenApiParameter("procedure", int),
]


@extend_schema(parameters=QUEUE_PARAMS, summary="Hàng đợi hồ sơ của cán bộ")
class DossierQueueView(generics.ListAPIView):
    serializer_class = DossierListSerializer
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        scope = params.get("scope", "unit")
        if scope not in selectors.QUEUE_SCOPES:
            raise serializers.ValidationError({"scope": [_("Phạm vi không hợp lệ.")]})
        procedure = params.get("procedure") or None
        # an id the database's 64-bit keys cannot hold is refused here, not by the database as a server error
        if procedure is not None and not (procedure.isdigit() and int(procedure) <= MAX_ID):
            raise serializers.ValidationError({"procedure": [_("Mã thủ tục không hợp lệ.")]})
        return selectors.work_queue(
            self.request.user,
            scope=scope,
            query=params.get("q", ""),
            procedure_id=int(procedure) if procedure is not None else None,
        )


class WalkInSerializer(ApplicantSerializer):
    desk = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    procedure = serializers.SlugRelatedField(slug_field="code", queryset=Procedure.objects.filter(is_active=True))
    provided_papers = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    channel = serializers.ChoiceField(
        choices=[Dossier.Channel.DESK, Dossier.Channel.POST], default=Dossier.Channel.DESK
    )
    request_summary = serializers.CharField(required=False, allow_blank=True, default="")
    sets = serializers.IntegerField(min_value=1, max_value=20, default=1)
    home_service = serializers.BooleanField(default=False)
    home_service_address = serializers.CharField(required=False, allow_blank=True, default="")
    delivery = serializers.ChoiceField(choices=Dossier.Delivery.choices, default=Dossier.Delivery.DESK)


class DossierDetailView(APIView):
    @extend_schema(responses=DossierDetailSerializer, summary="Chi tiết hồ sơ (trong phạm vi)")
    def get(self, request, code: str):
        dossier = get_object_or_404(
            selectors.dossiers_visible_to(request.user).select_related(*selectors.LIST_RELATED), code=code
        )
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


class WalkInView(APIView):
    @extend_schema(
        request=WalkInSerializer,
        responses={201: DossierDetailSerializer},
        summary="Tiếp nhận hồ sơ trực tiếp tại Bộ phận Một cửa",
    )
    def post(self, request):
        serializer = WalkInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        applicant = {name: data.pop(name) for name in list(ApplicantSerializer().fields)}
        desk = data.pop("desk")
        if not units_visible_to(request.user).filter(pk=desk.pk).exists():
            return Response({"code": "not_found", "message": _("Không tìm thấy."), "errors": {}}, status=404)
        dossier = services.dossier_receive_walk_in(
            actor=request.user, desk=desk, applicant=applicant, provided_paper_ids=data.pop("provided_papers"), **data
        )
        return Response(
            DossierDetailSerializer(dossier, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    items = serializers.CharField(required=False, allow_blank=True, default="")
    provided_papers = serializers.ListField(child=serializers.IntegerField(), required=False)
    delivery = serializers.ChoiceField(choices=Dossier.Delivery.choices, required=False)


class DossierActionView(APIView):
    @extend_schema(
        request=ActionSerializer,
        responses=DossierDetailSerializer,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=services.STAFF_ACTIONS)],
        summary="Chuyển trạng thái hồ sơ (mỗi thao tác kiểm tra quyền và bảng chuyển trạng thái)",
    )
    def post(self, request, code: str, action: str):
        dossier = get_object_or_404(selectors.dossiers_visible_to(request.user), code=code)
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if action not in services.STAFF_ACTIONS:
            raise Http404
        inputs = dict(serializer.validated_data)
        inputs["papers"] = inputs.pop("provided_papers", None)
        services.run_action(action, request.user, dossier, inputs)
        dossier = Dossier.objects.select_related(*selectors.LIST_RELATED).get(pk=dossier.pk)
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


class ApologySerializer(serializers.ModelSerializer):
    dossier = serializers.CharField(source="dossier.code")
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = Apology
        fields = ["id", "dossier", "unit", "number", "status", "reason", "original_appointment_at",
                  "proposed_appointment_at", "new_appointment_at", "approved_at"]  # fmt: skip


class ApologyApproveSerializer(serializers.Serializer):
    new_appointment_at = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ApologyApproveView(APIView):
    @extend_schema(
        request=ApologyApproveSerializer,
        responses=ApologySerializer,
        summary="Thủ trưởng đơn vị ký phiếu xin lỗi (BM.04) và hẹn lại — chỉ một lần",
    )
    def post(self, request, pk: int):
        apology = get_object_or_404(
            Apology.objects.filter(dossier__in=selectors.dossiers_visible_to(request.user)), pk=pk
        )
        serializer = ApologyApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        apology = services.apology_approve(actor=request.user, apology=apology, **serializer.validated_data)
        return Response(ApologySerializer(apology).data)
