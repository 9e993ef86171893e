"""The API of commitments: the visible list and my commitments; draft one; one commitment with its targets and
where it stands; the signer's targets and signature; the superior's review, evaluation and publication; and the
public commitments of a unit (its service charter, no login, no personal data).

A commitment the caller may not see answers 404; a step they may not take answers 403 with the reason."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.org.models import Unit, User
from apps.work.models import Commitment, CommitmentTarget, Metric, PeriodKind
from apps.work.selectors import commitments as selectors
from apps.work.services import commitments as services


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


class TargetSerializer(serializers.ModelSerializer):
    metric_label = serializers.CharField(source="get_metric_display", read_only=True)
    comparison_label = serializers.CharField(source="get_comparison_display", read_only=True)

    class Meta:
        model = CommitmentTarget
        fields = ["id", "order", "text", "metric", "metric_label", "comparison", "comparison_label", "target_value",
                  "actual_value", "met", "review_note"]  # fmt: skip


class CommitmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    signer_name = serializers.SerializerMethodField()
    superior_name = serializers.SerializerMethodField()
    period_label = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = Commitment
        fields = ["id", "kind", "kind_label", "title", "unit", "unit_name", "signer", "signer_name", "superior",
                  "superior_name", "period_kind", "year", "number", "period_label", "status", "status_label",
                  "is_public", "created_at", "signed_at", "result", "result_label", "evaluated_at", "evaluated_by",
                  "review_note"]  # fmt: skip

    def get_signer_name(self, commitment) -> str:
        return _name(commitment.signer)

    def get_superior_name(self, commitment) -> str:
        return _name(commitment.superior)

    def get_period_label(self, commitment) -> str:
        return selectors.period_label(commitment)


class TargetStandingSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    expected = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                        help_text="Mức cần đạt đến hôm nay (chỉ tiêu số lượng tối thiểu: theo tỷ lệ "
                                                  "thời gian đã qua của kỳ)")  # fmt: skip
    on_track = serializers.BooleanField(allow_null=True)


class StandingSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    as_of = serializers.DateField()
    elapsed_days = serializers.IntegerField()
    total_days = serializers.IntegerField()
    on_track = serializers.BooleanField(allow_null=True)
    targets = TargetStandingSerializer(many=True)


class CommitmentDetailSerializer(CommitmentSerializer):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta(CommitmentSerializer.Meta):
        fields = [*CommitmentSerializer.Meta.fields, "targets"]


class CommitmentPageSerializer(serializers.Serializer):
    commitment = CommitmentDetailSerializer()
    standing = StandingSerializer()


class CommitmentWriteSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    superior = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    kind = serializers.ChoiceField(choices=Commitment.Kind.choices)
    title = serializers.CharField(max_length=500)
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    number = serializers.IntegerField(min_value=1, max_value=12, default=1)


class TargetWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    metric = serializers.ChoiceField(choices=Metric.choices, required=False, allow_blank=True, default="")
    comparison = serializers.ChoiceField(choices=CommitmentTarget.Comparison.choices, required=False,
                                         allow_blank=True, default="")  # fmt: skip
    target_value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True,
                                            default=None)  # fmt: skip


class ReviewSerializer(serializers.Serializer):
    met = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EvaluateSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PublicSerializer(serializers.Serializer):
    is_public = serializers.BooleanField()


def _commitment(request, pk: int) -> Commitment:
    commitment = selectors.commitment_detail(request.user, pk)
    if commitment is None:
        raise Http404
    return commitment


def _target(commitment: Commitment, target_pk: int) -> CommitmentTarget:
    for target in commitment.targets.all():
        if target.pk == target_pk:
            return target
    raise Http404


def _page_body(request, pk: int) -> dict:
    commitment = _commitment(request, pk)
    return CommitmentPageSerializer({"commitment": commitment, "standing": selectors.standing(commitment)}).data


class CommitmentListView(generics.ListAPIView):
    serializer_class = CommitmentSerializer
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Năm của kỳ cam kết"),
            OpenApiParameter("status", str, enum=Commitment.Status.values, description="Trạng thái"),
        ],
        summary="Các bản cam kết tôi được xem (đơn vị tôi xem được; tôi ký hoặc được cam kết với tôi)",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        year = self.request.query_params.get("year", "")
        status_ = self.request.query_params.get("status", "")
        return selectors.commitment_list(
            self.request.user, year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
            status=status_ if status_ in Commitment.Status.values else "",
        )  # fmt: skip

    @extend_schema(request=CommitmentWriteSerializer, responses={201: CommitmentDetailSerializer},
                   summary="Soạn bản cam kết của tôi với cấp trên (dự thảo)")  # fmt: skip
    def post(self, request):
        serializer = CommitmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        commitment = services.draft_commitment(actor=request.user, **serializer.validated_data)
        return Response(CommitmentDetailSerializer(commitment).data, status=status.HTTP_201_CREATED)


class MyCommitmentsSerializer(serializers.Serializer):
    signed_by_me = CommitmentDetailSerializer(many=True)
    signed_to_me = CommitmentDetailSerializer(many=True)


class MyCommitmentsView(APIView):
    @extend_schema(responses=MyCommitmentsSerializer, summary="Cam kết của tôi: tôi ký, và cam kết với tôi")
    def get(self, request):
        return Response(MyCommitmentsSerializer(selectors.my_commitments(request.user)).data)


class CommitmentDetailView(APIView):
    @extend_schema(responses=CommitmentPageSerializer,
                   summary="Một bản cam kết: các chỉ tiêu và tình hình thực hiện đến hôm nay")  # fmt: skip
    def get(self, request, pk: int):
        return Response(_page_body(request, pk))

    @extend_schema(request=CommitmentWriteSerializer, responses=CommitmentPageSerializer,
                   summary="Sửa bản cam kết (người cam kết, khi còn dự thảo)")  # fmt: skip
    def put(self, request, pk: int):
        commitment = _commitment(request, pk)
        serializer = CommitmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("unit") != commitment.unit:
            raise serializers.ValidationError({"unit": [_("Không đổi được đơn vị của bản cam kết.")]})
        services.edit_commitment(actor=request.user, commitment=commitment, **data)
        return Response(_page_body(request, pk))


class TargetListView(APIView):
    @extend_schema(
        request=TargetWriteSerializer,
        responses={201: TargetSerializer},
        summary="Thêm chỉ tiêu: nội dung tự do, hoặc gắn với một chỉ số của hệ thống (so sánh, mức)",
    )
    def post(self, request, pk: int):
        commitment = _commitment(request, pk)
        serializer = TargetWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = services.add_target(actor=request.user, commitment=commitment, **serializer.validated_data)
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)


class TargetDetailView(APIView):
    @extend_schema(request=TargetWriteSerializer, responses=TargetSerializer,
                   summary="Sửa chỉ tiêu (người cam kết, khi còn dự thảo)")  # fmt: skip
    def put(self, request, pk: int, target_pk: int):
        target = _target(_commitment(request, pk), target_pk)
        serializer = TargetWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = services.edit_target(actor=request.user, target=target, **serializer.validated_data)
        return Response(TargetSerializer(target).data)

    @extend_schema(responses={204: None}, summary="Bỏ chỉ tiêu (người cam kết, khi còn dự thảo)")
    def delete(self, request, pk: int, target_pk: int):
        services.remove_target(actor=request.user, target=_target(_commitment(request, pk), target_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TargetReviewView(APIView):
    @extend_schema(request=ReviewSerializer, responses=TargetSerializer,
                   summary="Cấp trên đánh giá một chỉ tiêu tự do: đạt hay không, nhận xét")  # fmt: skip
    def post(self, request, pk: int, target_pk: int):
        target = _target(_commitment(request, pk), target_pk)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = services.review_target(actor=request.user, target=target, **serializer.validated_data)
        return Response(TargetSerializer(target).data)


class SignView(APIView):
    @extend_schema(request=None, responses=CommitmentPageSerializer,
                   summary="Người cam kết ký bản cam kết (sau khi ký không sửa được)")  # fmt: skip
    def post(self, request, pk: int):
        services.sign_commitment(actor=request.user, commitment=_commitment(request, pk))
        return Response(_page_body(request, pk))


class EvaluateView(APIView):
    @extend_schema(
        request=EvaluateSerializer,
        responses=CommitmentPageSerializer,
        summary="Cấp trên đánh giá bản cam kết sau khi hết kỳ (chỉ tiêu gắn số liệu tính tự động)",
    )
    def post(self, request, pk: int):
        serializer = EvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.evaluate_commitment(actor=request.user, commitment=_commitment(request, pk),
                                     note=serializer.validated_data["note"])  # fmt: skip
        return Response(_page_body(request, pk))


class PublishView(APIView):
    @extend_schema(request=PublicSerializer, responses=CommitmentPageSerializer,
                   summary="Cấp trên công khai (hoặc thôi công khai) cam kết phục vụ trên cổng thông tin")  # fmt: skip
    def post(self, request, pk: int):
        serializer = PublicSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_public(actor=request.user, commitment=_commitment(request, pk),
                            is_public=serializer.validated_data["is_public"])  # fmt: skip
        return Response(_page_body(request, pk))


class PublicTargetSerializer(serializers.Serializer):
    text = serializers.CharField(source="target.text")
    metric = serializers.CharField(source="target.metric")
    metric_label = serializers.CharField(source="target.get_metric_display")
    comparison = serializers.CharField(source="target.comparison")
    target_value = serializers.DecimalField(source="target.target_value", max_digits=12, decimal_places=2,
                                            allow_null=True)  # fmt: skip
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    on_track = serializers.BooleanField(allow_null=True)
    actual_value = serializers.DecimalField(source="target.actual_value", max_digits=12, decimal_places=2,
                                            allow_null=True)  # fmt: skip
    met = serializers.BooleanField(source="target.met", allow_null=True)


class PublicCommitmentSerializer(serializers.Serializer):
    """A unit's public commitment for citizens: the unit, the period, the targets and their standing; no names."""

    id = serializers.IntegerField(source="commitment.pk")
    title = serializers.CharField(source="commitment.title")
    period_label = serializers.CharField()
    status = serializers.CharField(source="commitment.status")
    result = serializers.CharField(source="commitment.result")
    as_of = serializers.DateField(source="standing.as_of")
    targets = PublicTargetSerializer(source="standing.targets", many=True)


class PublicUnitCommitmentsSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    commitments = PublicCommitmentSerializer(many=True)


def public_rows(unit: Unit) -> list[dict]:
    return [
        {"commitment": c, "standing": selectors.standing(c), "period_label": selectors.period_label(c)}
        for c in selectors.public_commitments(unit)
    ]


class PublicCommitmentsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=PublicUnitCommitmentsSerializer,
        summary="Cam kết phục vụ công khai của một cơ quan, đơn vị và tình hình thực hiện (không cần đăng nhập)",
    )
    def get(self, request, unit_pk: int):
        unit = get_object_or_404(selectors.public_units(), pk=unit_pk)
        body = {"unit": unit, "commitments": public_rows(unit)}
        return Response(PublicUnitCommitmentsSerializer(body).data)


urlpatterns = [
    path("work/commitments/", CommitmentListView.as_view(), name="work-commitments"),
    path("work/commitments/mine/", MyCommitmentsView.as_view(), name="work-commitments-mine"),
    path("work/commitments/<int:pk>/", CommitmentDetailView.as_view(), name="work-commitment"),
    path("work/commitments/<int:pk>/targets/", TargetListView.as_view(), name="work-commitment-targets"),
    path("work/commitments/<int:pk>/targets/<int:target_pk>/", TargetDetailView.as_view(),
         name="work-commitment-target"),
    path("work/commitments/<int:pk>/targets/<int:target_pk>/review/", TargetReviewView.as_view(),
         name="work-commitment-target-review"),
    path("work/commitments/<int:pk>/sign/", SignView.as_view(), name="work-commitment-sign"),
    path("work/commitments/<int:pk>/evaluate/", EvaluateView.as_view(), name="work-commitment-evaluate"),
    path("work/commitments/<int:pk>/public/", PublishView.as_view(), name="work-commitment-public"),
    path("work/public-commitments/<int:unit_pk>/", PublicCommitmentsView.as_view(),
         name="work-commitments-public"),
]  # fmt: skip
