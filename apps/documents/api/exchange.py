"""Exchange API: the endpoint peers POST signed edXML messages to (authenticated by the message's signature, not a
session), and the staff API: send a released document, recall or update it, the outbox per recipient with its
statuses and delivery attempts, the inbox with accept (03, 04) and reject (02)."""

import datetime as dt
import logging

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ErrorSerializer, error_body
from apps.core.middleware import client_ip
from apps.core.ratelimit import SharedScopedRateThrottle, over_limit, retry_after
from apps.documents import selectors
from apps.documents.api.registers import IncomingSerializer, unit_param
from apps.documents.models import Dispatch, DispatchStatus, InboxDocument, OutboxMessage
from apps.documents.selectors import exchange as exchange_selectors
from apps.documents.services import exchange, registers
from apps.documents.services.edxml import MAX_ENVELOPE_BYTES

logger = logging.getLogger("congvu.exchange")


class ReceiptSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="received, duplicate, status, recalled, update_applied…")


REFUSED_SCOPE = "exchange_refused"


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _read_envelope(request) -> bytes | None:
    """The body, read with the exchange's own limit (not DATA_UPLOAD_MAX_MEMORY_SIZE, meant for forms: a signed
    envelope legitimately carries tens of MB); None when over it."""
    declared = _declared_length(request)
    if declared is not None and declared > MAX_ENVELOPE_BYTES:
        return None
    body = request._request.read(MAX_ENVELOPE_BYTES + 1)
    return None if len(body) > MAX_ENVELOPE_BYTES else body


def _refused_rate() -> tuple[int, int]:
    throttle = SharedScopedRateThrottle()
    throttle.scope = REFUSED_SCOPE
    return throttle.parse_rate(throttle.get_rate())


def _blocked_key(request) -> str:
    return f"exchange-refused-block:{client_ip(request)}"


def _is_blocked(request) -> bool:
    return cache.get(_blocked_key(request)) is not None


def _count_refusal(request) -> None:
    """A client whose messages keep being refused is turned away for the rest of the window, before its bodies
    are read or any signature checked (accepted messages are never counted: a peer delivers its backlog at once)."""
    limit, period = _refused_rate()
    if over_limit(request, REFUSED_SCOPE, limit, period):
        cache.set(_blocked_key(request), 1, retry_after(period))


class ReceiveView(APIView):
    """Peers deliver here. No session or token: the XML signature, checked against the sending peer's
    certificate, is the authentication; anything else answers 400 and is not kept."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # a peer delivers its whole backlog at once when it comes back

    @extend_schema(
        request={"application/xml": OpenApiTypes.BINARY},
        responses={200: ReceiptSerializer, 400: ErrorSerializer, 413: ErrorSerializer, 429: ErrorSerializer},
        summary="Nhận gói tin edXML đã ký số (văn bản hoặc trạng thái) từ hệ thống liên thông",
        description=(
            f"Gói tin tối đa {MAX_ENVELOPE_BYTES // (1024 * 1024)} MB (lớn hơn: 413). Địa chỉ gửi nhiều gói tin bị "
            "từ chối (400) bị tạm ngừng nhận đến hết khoảng thời gian giới hạn (429)."
        ),
        auth=[],
    )
    def post(self, request):
        if _is_blocked(request):
            _limit, period = _refused_rate()
            response = Response(error_body("throttled", _("Quá nhiều gói tin bị từ chối, hãy thử lại sau.")),
                                status=status.HTTP_429_TOO_MANY_REQUESTS)  # fmt: skip
            response["Retry-After"] = str(retry_after(period))
            return response
        message = _read_envelope(request)
        if message is None:
            return Response(
                error_body("too_large", _("Gói tin quá lớn (tối đa %(mb)d MB).")
                           % {"mb": MAX_ENVELOPE_BYTES // (1024 * 1024)}),
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )  # fmt: skip
        try:
            receipt = exchange.receive_envelope(message)
        except exchange.ExchangeRefused as refused:
            logger.warning("exchange message refused from %s: %s", client_ip(request), refused.message)
            _count_refusal(request)
            return Response(error_body(refused.code, refused.message), status=status.HTTP_400_BAD_REQUEST)
        return Response({"outcome": receipt.outcome})


UNIT_PARAMETER = OpenApiParameter("unit", int, required=True, description="Mã số đơn vị")


class StatusSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = DispatchStatus
        fields = ["code", "label", "description", "staff_name", "reported_at", "received_at"]

    def get_label(self, obj) -> str:
        from apps.documents.services.edxml import STATUS_CODES

        return STATUS_CODES.get(obj.code, "")


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxMessage
        fields = ["id", "kind", "business_type", "state", "attempts", "last_error", "next_attempt_at", "delivered_at",
                  "created_at"]  # fmt: skip


class DispatchSerializer(serializers.ModelSerializer):
    outgoing = serializers.IntegerField(source="outgoing_id")
    symbol = serializers.CharField(source="outgoing.symbol")
    summary = serializers.CharField(source="outgoing.summary")
    statuses = StatusSerializer(many=True)
    deliveries = DeliverySerializer(many=True, source="messages")

    class Meta:
        model = Dispatch
        fields = ["id", "outgoing", "symbol", "summary", "document_id", "recipient_organ", "recipient_name",
                  "last_status", "last_status_at", "recalled_at", "created_at", "statuses", "deliveries"]  # fmt: skip


class OutboxView(generics.ListAPIView):
    serializer_class = DispatchSerializer
    filter_backends: list = []

    @extend_schema(parameters=[UNIT_PARAMETER], summary="Văn bản đã gửi liên thông: trạng thái theo từng nơi nhận")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return exchange_selectors.outbox(self.request.user, unit_param(self.request, keeper=False))


class InboxSerializer(serializers.ModelSerializer):
    incoming = IncomingSerializer(allow_null=True)
    has_pending_change = serializers.SerializerMethodField()
    registration_deadline = serializers.SerializerMethodField(
        help_text="Hạn vào sổ của văn bản chờ tiếp nhận (khẩn: ngay khi đến; khác: hết ngày làm việc tiếp theo)"
    )
    late = serializers.SerializerMethodField(help_text="Đã quá hạn vào sổ")

    class Meta:
        model = InboxDocument
        fields = ["id", "document_id", "sender_organ", "sender_name", "number_symbol", "issued_date",
                  "doc_type_name", "summary", "signer", "priority", "due_date", "state", "reject_reason",
                  "arrived_at", "decided_at", "incoming", "has_pending_change", "registration_deadline",
                  "late"]  # fmt: skip

    def get_has_pending_change(self, obj) -> bool:
        return obj.pending_change is not None

    def get_registration_deadline(self, obj) -> dt.datetime | None:
        return exchange_selectors.registration_deadline(obj)

    def get_late(self, obj) -> bool:
        deadline = exchange_selectors.registration_deadline(obj)
        return deadline is not None and timezone.now() > deadline


class InboxView(generics.ListAPIView):
    serializer_class = InboxSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[UNIT_PARAMETER, OpenApiParameter("state", str, enum=InboxDocument.State.values)],
        summary="Văn bản đến qua liên thông của đơn vị (chờ tiếp nhận, đã vào sổ, đã từ chối, đã thu hồi)",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        state = self.request.query_params.get("state") or None
        if state is not None and state not in InboxDocument.State.values:
            raise serializers.ValidationError({"state": [_("Giá trị không hợp lệ.")]})
        items = exchange_selectors.inbox(self.request.user, unit_param(self.request, keeper=True), state)
        return items.defer(None).select_related("unit")


def _inbox_item(request, pk: int) -> InboxDocument:
    item = exchange_selectors.inbox_item(request.user, pk)
    if item is None:
        raise Http404
    return item


class AcceptSerializer(serializers.Serializer):
    confirm_duplicate = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AcceptView(APIView):
    @extend_schema(request=AcceptSerializer, responses={200: IncomingSerializer, 409: ErrorSerializer},
                   summary="Tiếp nhận vào sổ văn bản đến (gửi trạng thái 03 rồi 04 cho nơi gửi)")  # fmt: skip
    def post(self, request, pk: int):
        item = _inbox_item(request, pk)
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            incoming = exchange.accept_inbox(actor=request.user, item=item, **serializer.validated_data)
        except registers.DuplicateDocumentError as error:
            body = error_body(error.code, error.message)
            body["duplicates"] = IncomingSerializer(error.duplicates, many=True).data
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(IncomingSerializer(incoming).data)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RejectView(APIView):
    @extend_schema(request=RejectSerializer, responses={200: InboxSerializer, 409: ErrorSerializer},
                   summary="Từ chối văn bản đến qua liên thông, có lý do (gửi trạng thái 02)")  # fmt: skip
    def post(self, request, pk: int):
        item = _inbox_item(request, pk)
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = exchange.reject_inbox(actor=request.user, item=item, reason=serializer.validated_data["reason"])
        return Response(InboxSerializer(item).data)


class ChangeDecisionSerializer(serializers.Serializer):
    agree = serializers.BooleanField()


class ChangeDecisionView(APIView):
    @extend_schema(request=ChangeDecisionSerializer, responses={200: InboxSerializer, 409: ErrorSerializer},
                   summary="Đồng ý (15) hoặc từ chối (16) cập nhật, thay thế văn bản đã vào sổ")  # fmt: skip
    def post(self, request, pk: int):
        item = _inbox_item(request, pk)
        serializer = ChangeDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = exchange.decide_change(actor=request.user, item=item, agree=serializer.validated_data["agree"])
        return Response(InboxSerializer(item).data)


def _outgoing(request, pk: int):
    document = selectors.outgoing_document(request.user, pk)
    if document is None:
        raise Http404
    return document


class SendSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=serializers.CharField(max_length=35), min_length=1, max_length=500,
                                       help_text="Mã định danh (OrganId) các nơi nhận")  # fmt: skip


class SendView(APIView):
    @extend_schema(request=SendSerializer, responses={201: DispatchSerializer(many=True), 409: ErrorSerializer},
                   summary="Gửi liên thông văn bản đã ban hành: một gói tin edXML ký số cho mỗi nơi nhận")  # fmt: skip
    def post(self, request, pk: int):
        document = _outgoing(request, pk)
        serializer = SendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatches = exchange.send_outgoing(actor=request.user, document=document,
                                            recipients=serializer.validated_data["recipients"])  # fmt: skip
        return Response(DispatchSerializer(dispatches, many=True).data, status=status.HTTP_201_CREATED)


class RecallSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    business_type = serializers.ChoiceField(choices=[(1, "thu hồi"), (2, "cập nhật"), (3, "thay thế")], default=1)


class RecallView(APIView):
    @extend_schema(request=RecallSerializer, responses={200: DispatchSerializer(many=True), 409: ErrorSerializer},
                   summary="Thu hồi (1), cập nhật (2) hoặc thay thế (3) văn bản đã gửi liên thông")  # fmt: skip
    def post(self, request, pk: int):
        document = _outgoing(request, pk)
        serializer = RecallSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatches = exchange.recall_outgoing(actor=request.user, document=document, **serializer.validated_data)
        return Response(DispatchSerializer(dispatches, many=True).data)
