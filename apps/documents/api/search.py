"""Documents API: search over both registers (accent-insensitive; only what the reader may see)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.documents import selectors
from apps.documents.models import DocType, DocumentKind, IncomingDocument, OutgoingDocument, SearchEntry, Urgency


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                              help_text="Từ cần tìm, có dấu hoặc không dấu")  # fmt: skip
    register = serializers.ChoiceField(choices=DocumentKind.choices, required=False, help_text="in: đến, out: đi")
    year = serializers.IntegerField(min_value=1900, max_value=9999, required=False)
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False)
    issuer = serializers.CharField(max_length=255, required=False, help_text="Cơ quan ban hành (phần đầu tên)")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    status = serializers.ChoiceField(choices=[*OutgoingDocument.Status.choices, *IncomingDocument.Handling.choices],
                                     required=False)  # fmt: skip
    unit = serializers.IntegerField(min_value=1, required=False, help_text="Chỉ sổ của đơn vị này")
    page = serializers.IntegerField(min_value=1, max_value=10_000, required=False, default=1)


class SearchResultSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    doc_type_label = serializers.CharField(source="get_doc_type_display")
    snippet = serializers.CharField(help_text="Đoạn văn bản có từ tìm thấy (HTML, từ tìm thấy trong <mark>)")

    class Meta:
        model = SearchEntry
        fields = ["kind", "document_id", "unit_id", "unit", "year", "doc_type", "doc_type_label", "issuer",
                  "urgency", "status", "confidentiality", "date", "number", "number_symbol", "summary",
                  "snippet"]  # fmt: skip


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Số kết quả, đếm tới 200")
    more_than_count = serializers.BooleanField(help_text="Có thể còn nhiều hơn số đã đếm (đếm tới 200)")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = SearchResultSerializer(many=True)


class DocumentSearchView(APIView):
    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchPageSerializer,
                   summary="Tìm văn bản đến và đi (không phân biệt dấu; chỉ những văn bản bạn được xem)")  # fmt: skip
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        results = selectors.search_documents(request.user, data.pop("q"), **data)
        return Response(SearchPageSerializer({
            "count": results.total, "more_than_count": results.more_than_shown, "page": results.page,
            "pages": results.pages, "results": results.entries,
        }).data)  # fmt: skip
