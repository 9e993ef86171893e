"""Outgoing documents' workflow API: the document with its versions, comments, reviewers and what the caller may do;
a new draft version (multipart), review, comments, the leader's signature; any PDF's signatures checked. Release is
/documents/outgoing/{id}/release/ (api.registers): it also stamps the number and applies the agency's signature."""

from dataclasses import asdict

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import DomainError
from apps.core.schema import error_response
from apps.documents.api.registers import OutgoingSerializer
from apps.documents.models import DocumentFile
from apps.documents.selectors import outgoing as selectors
from apps.documents.services import access, signing
from apps.documents.services import outgoing as services
from apps.documents.services.outgoing import DOCX, PDF
from apps.documents.views.files import file_response

MAX_VERIFY_BYTES = 20 * 1024 * 1024
UNSUPPORTED = error_response("Định dạng dữ liệu không được hỗ trợ (cần multipart/form-data)")


class SignatureCheckSerializer(serializers.Serializer):
    field_name = serializers.CharField()
    signer_name = serializers.CharField(help_text="Người ký (CN của chứng thư)")
    unit = serializers.CharField(help_text="Cơ quan (O của chứng thư)")
    serial = serializers.CharField()
    issuer = serializers.CharField(help_text="Tổ chức chứng thực cấp chứng thư")
    signing_time = serializers.DateTimeField(allow_null=True, help_text="Thời điểm ký do người ký khai (PAdES B-B)")
    intact = serializers.BooleanField(help_text="Nội dung đã ký không bị thay đổi")
    valid = serializers.BooleanField(help_text="Chữ ký đúng về mật mã")
    trusted = serializers.BooleanField(help_text="Chứng thư thuộc tổ chức chứng thực được tin cậy")
    covers_whole_document = serializers.BooleanField()
    modified_after = serializers.BooleanField(help_text="Có phần được thêm vào sau chữ ký")
    modification_permitted = serializers.BooleanField(help_text="Phần thêm sau (nếu có) là được phép, như chữ ký khác")
    modification_level = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
    ok = serializers.BooleanField()


class SignatureReportSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["valid", "untrusted", "invalid", "unsigned", "unreadable"])
    verdict_label = serializers.CharField()
    error = serializers.CharField()
    signatures = SignatureCheckSerializer(many=True)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(source="author.get_full_name", default="")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class VersionSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()
    comments = CommentSerializer(many=True, read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.get_full_name", default="")

    class Meta:
        model = DocumentFile
        fields = ["id", "version", "stage", "name", "content_type", "size", "sha256", "note", "uploaded_at",
                  "uploaded_by", "download", "comments"]  # fmt: skip

    def get_download(self, obj) -> str:
        return reverse("v1:document-file", args=[obj.pk])


class ReviewerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="reviewer.pk")
    name = serializers.CharField(source="reviewer.get_full_name")
    requested_at = serializers.DateTimeField()


class AllowedSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    comment = serializers.BooleanField()
    sign = serializers.BooleanField()
    release = serializers.BooleanField()


class OutgoingDetailSerializer(serializers.Serializer):
    document = OutgoingSerializer()
    versions = VersionSerializer(many=True)
    reviewers = ReviewerSerializer(many=True)
    allowed = AllowedSerializer()
    signatures = SignatureReportSerializer(allow_null=True, help_text="Kiểm tra chữ ký của tệp đã ký mới nhất")


def report_data(report: signing.SignatureReport) -> dict:
    return {
        "verdict": report.verdict, "verdict_label": report.verdict_label, "error": report.error,
        "signatures": [{**asdict(check), "problems": list(check.problems), "ok": check.ok}
                       for check in report.signatures],
    }  # fmt: skip


def _document(request, pk: int):
    document = selectors.outgoing_document(request.user, pk)
    if document is None:
        raise Http404
    return document


def detail_response(request, document) -> Response:
    checked = selectors.signed_file(document)
    return Response({
        "document": OutgoingSerializer(document).data,
        "versions": VersionSerializer(selectors.outgoing_versions(document), many=True).data,
        "reviewers": ReviewerSerializer(selectors.outgoing_reviewers(document), many=True).data,
        "allowed": selectors.allowed_actions(request.user, document),
        "signatures": report_data(signing.verify_document_file(checked)) if checked else None,
    })  # fmt: skip


class OutgoingDetailView(APIView):
    @extend_schema(responses=OutgoingDetailSerializer, summary="Văn bản đi: các phiên bản, ý kiến, chữ ký số")
    def get(self, request, pk: int):
        document = _document(request, pk)
        access.log_opening(request.user, document, via="api")
        return detail_response(request, document)


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Tệp dự thảo (PDF hoặc DOCX; chỉ PDF ký số được)")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class OutgoingVersionView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": VersionUploadSerializer},
                   responses={201: VersionSerializer, 415: UNSUPPORTED},
                   summary="Tải lên phiên bản dự thảo mới (các phiên bản trước được giữ)")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = VersionUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stored = services.outgoing_attach_version(
            actor=request.user, document=document, uploaded=data["file"], note=data["note"]
        )
        return Response(VersionSerializer(stored).data, status=status.HTTP_201_CREATED)


class ReviewRequestSerializer(serializers.Serializer):
    reviewers = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=50)


class OutgoingReviewView(APIView):
    @extend_schema(request=ReviewRequestSerializer, responses=OutgoingDetailSerializer,
                   summary="Xin ý kiến về dự thảo (lãnh đạo, công chức của cơ quan ban hành)")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = ReviewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["reviewers"])
        # only the people the page offers: an id outside them is refused without naming whom it belongs to
        users = list(selectors.reviewer_candidates(document).filter(pk__in=ids))
        if len(users) != len(ids):
            raise DomainError(
                _("Chỉ xin ý kiến được lãnh đạo, công chức của %(unit)s.") % {"unit": document.unit.name},
                field="reviewers",
            )
        services.outgoing_submit_for_review(actor=request.user, document=document, reviewers=users)
        return detail_response(request, _document(request, pk))


class CommentRequestSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    file = serializers.IntegerField(required=False, min_value=1, help_text="Phiên bản được góp ý (mặc định: mới nhất)")


class OutgoingCommentView(APIView):
    @extend_schema(request=CommentRequestSerializer, responses={201: CommentSerializer},
                   summary="Góp ý một phiên bản dự thảo")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        serializer = CommentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = None
        if serializer.validated_data.get("file"):
            version = selectors.version_of(document, serializer.validated_data["file"])
            if version is None:
                raise serializers.ValidationError({"file": [_("Phiên bản không thuộc văn bản này.")]})
        comment = services.outgoing_comment(
            actor=request.user, document=document, body=serializer.validated_data["body"], file=version
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class OutgoingSignView(APIView):
    @extend_schema(request=None, responses=OutgoingDetailSerializer,
                   summary="Lãnh đạo ký số (PAdES) dự thảo PDF mới nhất")  # fmt: skip
    def post(self, request, pk: int):
        document = _document(request, pk)
        services.outgoing_sign(actor=request.user, document=document)
        return detail_response(request, _document(request, pk))


class DocumentFileView(APIView):
    @extend_schema(
        responses={(200, PDF): OpenApiTypes.BINARY, (200, DOCX): OpenApiTypes.BINARY},
        summary="Tải tệp của văn bản đi (PDF, hoặc DOCX với dự thảo)",
    )
    def get(self, request, pk: int):
        stored = selectors.outgoing_file(request.user, pk)
        if stored is None:
            raise Http404
        return file_response(request, stored.file, content_type=stored.content_type, name=stored.name,
                             document=stored.outgoing, download=True, via="api")  # fmt: skip


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Tệp PDF cần kiểm tra chữ ký số")


class VerifyPdfView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": VerifyUploadSerializer},
                   responses={200: SignatureReportSerializer, 415: UNSUPPORTED},
                   summary="Kiểm tra chữ ký số của một tệp PDF (hợp lệ, người ký, thời điểm, toàn vẹn)")  # fmt: skip
    def post(self, request):
        serializer = VerifyUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        uploaded = serializer.validated_data["file"]
        if uploaded.size > MAX_VERIFY_BYTES:
            raise serializers.ValidationError({"file": [_("Tệp quá lớn (tối đa 20 MB).")]})
        return Response(report_data(signing.verify_pdf(uploaded.read())))
