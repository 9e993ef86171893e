"""Documents API: the outgoing and incoming registers of a unit and year, drafting and releasing an outgoing
document, registering an incoming one (a duplicate number/symbol from the same issuer answers 400 with the earlier
registrations unless `confirm_duplicate` is true)."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ErrorSerializer, error_body
from apps.documents import selectors, services
from apps.documents.models import Confidentiality, DocType, IncomingDocument, OutgoingDocument, Urgency
from apps.org.models import Unit

REGISTER_PARAMETERS = [
    OpenApiParameter("unit", int, required=True, description="Mã số đơn vị (cơ quan giữ sổ)"),
    OpenApiParameter("year", int, description="Năm của sổ (mặc định năm nay)"),
]


class OutgoingSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    drafting_unit = serializers.CharField(source="drafting_unit.name", allow_null=True, default=None)
    doc_type_label = serializers.CharField(source="get_doc_type_display")

    class Meta:
        model = OutgoingDocument
        fields = ["id", "unit", "drafting_unit", "doc_type", "doc_type_label", "summary", "signer_name",
                  "signer_position", "recipients", "confidentiality", "urgency", "status", "year", "number", "symbol",
                  "created_at", "released_at"]  # fmt: skip


class IncomingSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    doc_type_label = serializers.CharField(source="get_doc_type_display")

    class Meta:
        model = IncomingDocument
        fields = ["id", "unit", "year", "number", "issuer_name", "number_symbol", "issued_date", "doc_type",
                  "doc_type_label", "summary", "urgency", "confidentiality", "received_at", "note"]  # fmt: skip


class DuplicateErrorSerializer(ErrorSerializer):
    duplicates = IncomingSerializer(many=True, required=False, help_text="Những lần vào sổ trước của văn bản này")


def _unit_errors(request) -> dict:
    unit_id = request.query_params.get("unit", "")
    return {} if unit_id.isdigit() and len(unit_id) <= 12 else {"unit": [_("Hãy chọn đơn vị.")]}


def unit_param(request, *, keeper: bool = False) -> Unit:
    """The `unit` query parameter: a unit whose register the user reads (keeps, with `keeper`), else 404."""
    if errors := _unit_errors(request):
        raise serializers.ValidationError(errors)
    unit = Unit.objects.filter(pk=int(request.query_params["unit"])).first()
    allowed = selectors.can_keep_register if keeper else selectors.can_read_register
    if unit is None or not allowed(request.user, unit):
        raise Http404
    return unit


def _register_unit(request) -> tuple[Unit, int]:
    year = request.query_params.get("year") or str(timezone.localdate().year)
    errors = _unit_errors(request)
    if not year.isdigit() or not 1900 <= int(year) <= 9999:
        errors["year"] = [_("Năm không hợp lệ.")]
    if errors:  # both told at once
        raise serializers.ValidationError(errors)
    return unit_param(request), int(year)


class DraftSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    drafting_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    summary = serializers.CharField(max_length=5000)
    signer_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    signer_position = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    recipients = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, default=Confidentiality.NORMAL)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)


class OutgoingRegisterView(generics.ListAPIView):
    serializer_class = OutgoingSerializer
    filter_backends = []

    @extend_schema(parameters=REGISTER_PARAMETERS, summary="Sổ đăng ký văn bản đi của đơn vị trong năm")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unit, year = _register_unit(self.request)
        return selectors.outgoing_register(self.request.user, unit, year)

    @extend_schema(request=DraftSerializer, responses={201: OutgoingSerializer},
                   summary="Tạo dự thảo văn bản đi (chưa có số; số cấp khi ban hành)")  # fmt: skip
    def post(self, request):
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not selectors.can_read_register(request.user, data["unit"]):
            raise serializers.ValidationError({"unit": [_("Đơn vị ngoài phạm vi của bạn.")]})
        document = services.outgoing_draft(actor=request.user, **data)
        return Response(OutgoingSerializer(document).data, status=status.HTTP_201_CREATED)


class OutgoingReleaseView(APIView):
    @extend_schema(request=None, responses=OutgoingSerializer,
                   summary="Ban hành văn bản đi: cấp số trong năm và ký hiệu")  # fmt: skip
    def post(self, request, pk: int):
        document = selectors.outgoing_document(request.user, pk)
        if document is None:
            raise Http404
        document = services.outgoing_release(actor=request.user, document=document)
        return Response(OutgoingSerializer(document).data)


class IncomingRegistrationSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    issuer_name = serializers.CharField(max_length=255)
    number_symbol = serializers.CharField(max_length=100)
    issued_date = serializers.DateField()
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    summary = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, default=Confidentiality.NORMAL)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    confirm_duplicate = serializers.BooleanField(default=False)


class IncomingRegisterView(generics.ListAPIView):
    serializer_class = IncomingSerializer
    filter_backends = []

    @extend_schema(parameters=REGISTER_PARAMETERS, summary="Sổ đăng ký văn bản đến của đơn vị trong năm")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unit, year = _register_unit(self.request)
        return selectors.incoming_register(self.request.user, unit, year)

    @extend_schema(
        request=IncomingRegistrationSerializer,
        responses={201: IncomingSerializer, 400: DuplicateErrorSerializer},
        summary="Vào sổ văn bản đến (trùng số, ký hiệu và cơ quan ban hành: 400 kèm các lần vào sổ trước, "
        "trừ khi xác nhận)",
    )
    def post(self, request):
        serializer = IncomingRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not selectors.can_read_register(request.user, data["unit"]):
            raise serializers.ValidationError({"unit": [_("Đơn vị ngoài phạm vi của bạn.")]})
        try:
            document, _duplicates = services.incoming_register(actor=request.user, **data)
        except services.DuplicateDocumentError as error:
            body = error_body(error.code, error.message)
            body["duplicates"] = IncomingSerializer(error.duplicates, many=True).data
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(IncomingSerializer(document).data, status=status.HTTP_201_CREATED)
