"""Payment API: the gateway's IPN, the citizen's payment and receipt (code + phone, POST), staff's list and
receipts within their unit scope."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFoundError
from apps.core.middleware import client_ip
from apps.core.ratelimit import PublicThrottle
from apps.core.schema import error_response
from apps.dossiers.selectors import dossier_of_owner
from apps.payments import receipts, selectors, services
from apps.payments.models import Payment

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="Biên lai điện tử (PDF)")
IPN_PARAMS = [
    OpenApiParameter(name, str, description=description)
    for name, description in (
        ("vnp_TmnCode", "Mã website của đơn vị tại VNPAY"),
        ("vnp_Amount", "Số tiền × 100"),
        ("vnp_BankCode", "Mã ngân hàng"),
        ("vnp_BankTranNo", "Mã giao dịch tại ngân hàng"),
        ("vnp_CardType", "Loại thẻ"),
        ("vnp_PayDate", "Thời điểm thanh toán, yyyyMMddHHmmss (GMT+7)"),
        ("vnp_OrderInfo", "Nội dung thanh toán"),
        ("vnp_TransactionNo", "Mã giao dịch tại VNPAY"),
        ("vnp_ResponseCode", "Mã phản hồi (00: thành công)"),
        ("vnp_TransactionStatus", "Tình trạng giao dịch (00: thành công)"),
        ("vnp_TxnRef", "Mã giao dịch của hệ thống"),
        ("vnp_SecureHash", "HMAC-SHA512 của các tham số vnp_ đã sắp xếp"),
    )
]


class IpnAnswerSerializer(serializers.Serializer):
    RspCode = serializers.CharField(
        help_text="00 xác nhận thành công · 01 không tìm thấy giao dịch · 02 giao dịch đã được xác nhận · "
        "04 số tiền không đúng · 97 chữ ký không hợp lệ · 99 lỗi khác"
    )
    Message = serializers.CharField()


class VnpayIpnView(APIView):
    """VNPAY's server-to-server confirmation (IPN URL registered with VNPAY). Always 200 with RspCode: the
    gateway retries until it reads 00 or 02."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=IPN_PARAMS,
        responses={200: IpnAnswerSerializer},
        summary="IPN của VNPAY: xác nhận kết quả thanh toán (kiểm tra chữ ký, số tiền, mã giao dịch)",
    )
    def get(self, request):
        answer = services.payment_ipn(request.query_params)
        return Response(answer.as_dict())


class OwnerSerializer(serializers.Serializer):
    phone = serializers.CharField(
        max_length=30, help_text="Số điện thoại hoặc số định danh của người nộp hồ sơ (như trên giấy hẹn)"
    )


class PaymentStartedSerializer(serializers.ModelSerializer):
    payment_url = serializers.CharField(help_text="Chuyển người nộp tới địa chỉ này để thanh toán")

    class Meta:
        model = Payment
        fields = ["txn_ref", "amount_vnd", "status", "created_at", "expires_at", "payment_url"]


def _owner_dossier(request, code: str):
    serializer = OwnerSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    dossier = dossier_of_owner(code, serializer.validated_data["phone"])
    if dossier is None:
        raise NotFoundError(_("Mã hồ sơ và số điện thoại (hoặc số định danh) không khớp."))
    return dossier


class PublicPaymentView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public_lookup"

    @extend_schema(
        request=OwnerSerializer,
        responses={
            201: PaymentStartedSerializer,
            400: error_response("Dữ liệu không hợp lệ hoặc chưa có cổng thanh toán"),
            404: error_response("Mã hồ sơ và số điện thoại không khớp"),
            409: error_response("Hồ sơ không có khoản phí nào chờ nộp"),
        },
        summary="Công dân nộp phí, lệ phí trực tuyến (mã hồ sơ + số điện thoại): tạo giao dịch, nhận địa chỉ VNPAY",
    )
    def post(self, request, code: str):
        dossier = _owner_dossier(request, code)
        payment, url = services.payment_start(
            dossier=dossier,
            return_url=request.build_absolute_uri(reverse("payments:return")),
            client_ip=client_ip(request),
        )
        payment.payment_url = url
        return Response(PaymentStartedSerializer(payment).data, status=status.HTTP_201_CREATED)


class PublicReceiptView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    throttle_scope = "public_lookup"

    @extend_schema(
        request=OwnerSerializer,
        responses={
            (200, "application/pdf"): PDF,
            404: error_response("Mã hồ sơ và số điện thoại không khớp, hoặc hồ sơ chưa có biên lai"),
        },
        summary="Công dân tải biên lai điện tử (mã hồ sơ + số điện thoại)",
    )
    def post(self, request, code: str):
        receipt = selectors.latest_receipt(_owner_dossier(request, code))
        if receipt is None:
            raise NotFoundError(_("Hồ sơ chưa có biên lai thanh toán trực tuyến."))
        return receipts.receipt_download(receipt)


class PaymentSerializer(serializers.ModelSerializer):
    dossier = serializers.CharField(source="dossier.code")
    status_label = serializers.CharField(source="get_status_display")
    receipt_number = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ["txn_ref", "dossier", "provider", "amount_vnd", "status", "status_label", "created_at",
                  "expires_at", "confirmed_at", "paid_at", "response_code", "transaction_no", "bank_code",
                  "needs_refund", "receipt_number"]  # fmt: skip

    def get_receipt_number(self, payment) -> str | None:
        receipt = getattr(payment, "receipt", None)
        return f"{receipt.label}/{receipt.year}" if receipt else None


@extend_schema(
    parameters=[OpenApiParameter("dossier", str, description="Mã hồ sơ")],
    summary="Giao dịch thanh toán trực tuyến của các hồ sơ trong phạm vi",
)
class PaymentListView(generics.ListAPIView):
    serializer_class = PaymentSerializer
    filter_backends = []

    def get_queryset(self):
        payments = selectors.payments_visible_to(self.request.user)
        code = self.request.query_params.get("dossier", "").strip().upper()
        return payments.filter(dossier__code=code) if code else payments


class PaymentReceiptView(APIView):
    @extend_schema(responses={(200, "application/pdf"): PDF}, summary="Biên lai điện tử của một giao dịch")
    def get(self, request, txn_ref: str):
        payment = get_object_or_404(selectors.payments_visible_to(request.user), txn_ref=txn_ref)
        receipt = getattr(payment, "receipt", None)
        if receipt is None:
            raise NotFoundError(_("Giao dịch chưa có biên lai."))
        return receipts.receipt_download(receipt)
