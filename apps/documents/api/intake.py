"""Documents API, incoming documents from a scan: upload a PDF or an image (OCR'd in the worker), follow its
progress, read the proposal made from its text, and register it with the values confirmed (a duplicate answers 400
with the earlier registrations unless `confirm_duplicate` is true). Register keepers only."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import error_body
from apps.documents import selectors, services
from apps.documents.api.registers import (
    DuplicateErrorSerializer,
    IncomingRegistrationSerializer,
    IncomingSerializer,
    unit_param,
)
from apps.documents.models import Scan
from apps.documents.selectors import intake as intake_selectors
from apps.documents.services import intake
from apps.org.models import Unit


class ProposedFieldSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Giá trị đề xuất (ngày theo ISO 8601, loại/độ khẩn/độ mật theo mã)")
    confidence = serializers.FloatField(help_text="Độ tin cậy 0–1")
    line = serializers.CharField(help_text="Dòng chữ nhận dạng được mà đề xuất dựa vào")


class ProposalSerializer(serializers.Serializer):
    issuer_name = ProposedFieldSerializer(required=False)
    number_symbol = ProposedFieldSerializer(required=False)
    issued_date = ProposedFieldSerializer(required=False)
    doc_type = ProposedFieldSerializer(required=False)
    summary = ProposedFieldSerializer(required=False)
    urgency = ProposedFieldSerializer(required=False)
    confidentiality = ProposedFieldSerializer(required=False)


class ScanSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="unit_id")
    proposal = ProposalSerializer()
    incoming = serializers.IntegerField(source="incoming_id", allow_null=True)
    deadline = serializers.SerializerMethodField(help_text="Hạn vào sổ (khẩn: ngay khi nhận)")

    class Meta:
        model = Scan
        fields = ["id", "unit", "name", "content_type", "size", "sha256", "uploaded_at", "status", "progress", "step",
                  "error", "proposal", "urgency", "confidentiality", "deadline", "incoming",
                  "discarded_at"]  # fmt: skip

    def get_deadline(self, scan: Scan) -> str:
        return intake_selectors.registration_deadline(scan).isoformat()


class ScanUploadSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    file = serializers.FileField(help_text="PDF, JPEG hoặc PNG, tối đa 10 MB")


class ScanRegistrationSerializer(IncomingRegistrationSerializer):
    unit = None


def _scan(request, pk: int) -> Scan:
    scan = intake_selectors.scan_for(request.user, pk)
    if scan is None:
        raise Http404
    return scan


class ScanListView(generics.ListAPIView):
    serializer_class = ScanSerializer
    filter_backends = []
    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[OpenApiParameter("unit", int, required=True, description="Mã số đơn vị (cơ quan giữ sổ)")],
        summary="Các bản quét chờ vào sổ của đơn vị, kèm hạn vào sổ",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return intake_selectors.waiting_scans(self.request.user, unit_param(self.request, keeper=True))

    @extend_schema(request={"multipart/form-data": ScanUploadSerializer}, responses={201: ScanSerializer},
                   summary="Tải lên bản quét văn bản đến (nhận dạng chữ tiếng Việt chạy nền)")  # fmt: skip
    def post(self, request):
        serializer = ScanUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not selectors.can_read_register(request.user, data["unit"]):
            raise serializers.ValidationError({"unit": [_("Đơn vị ngoài phạm vi của bạn.")]})
        scan = intake.upload_scan(actor=request.user, unit=data["unit"], uploaded=data["file"])
        return Response(ScanSerializer(scan).data, status=status.HTTP_201_CREATED)


class ScanDetailView(APIView):
    @extend_schema(responses=ScanSerializer, summary="Tình trạng nhận dạng (tiến độ %) và đề xuất của một bản quét")
    def get(self, request, pk: int):
        return Response(ScanSerializer(_scan(request, pk)).data)


class ScanRegisterView(APIView):
    @extend_schema(
        request=ScanRegistrationSerializer,
        responses={201: IncomingSerializer, 400: DuplicateErrorSerializer},
        summary="Vào sổ văn bản đến từ bản quét với các thông tin đã xác nhận",
    )
    def post(self, request, pk: int):
        scan = _scan(request, pk)
        serializer = ScanRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            document, _duplicates = intake.register_scan(actor=request.user, scan=scan, **serializer.validated_data)
        except services.DuplicateDocumentError as error:
            body = error_body(error.code, error.message)
            body["duplicates"] = IncomingSerializer(error.duplicates, many=True).data
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(IncomingSerializer(document).data, status=status.HTTP_201_CREATED)


class ScanDiscardView(APIView):
    @extend_schema(
        request=None, responses=ScanSerializer, summary="Bỏ bản quét tải nhầm hoặc trùng (lưu lại, không vào sổ)"
    )
    def post(self, request, pk: int):
        scan = intake.discard_scan(actor=request.user, scan=_scan(request, pk))
        return Response(ScanSerializer(scan).data)
