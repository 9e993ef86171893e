"""The API of the reporting regime: report requests (list, create with the form's fields, one with its cycles),
a cycle's status per unit with the numbers added up (and the reminder now), the reports the caller's units must
send, one submission (values, pre-filled marks) and its steps: save values, submit, return, accept.

A request, cycle or submission the caller may not see answers 404; a step they may not take answers 403 with the
reason; wrong values answer 400 with one message per field (`field_<id>`)."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import error_body
from apps.org.models import Unit
from apps.work.models import Metric, PeriodKind, ReportCycle, ReportField, ReportRequest, ReportSubmission
from apps.work.selectors import reporting as selectors
from apps.work.services import reporting as services


class ReportFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportField
        fields = ["id", "order", "label", "kind", "measure", "choices", "required", "help_text", "prefill"]


class ReportFieldSpecSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=ReportField.Kind.choices)
    measure = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    choices = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list,
                                    max_length=50)  # fmt: skip
    required = serializers.BooleanField(required=False, default=True)
    help_text = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    prefill = serializers.ChoiceField(choices=Metric.choices, required=False, allow_blank=True, default="")


class ReportCycleSerializer(serializers.ModelSerializer):
    units = serializers.IntegerField(read_only=True, default=None)
    sent = serializers.IntegerField(read_only=True, default=None)
    sent_late = serializers.IntegerField(read_only=True, default=None)
    returned = serializers.IntegerField(read_only=True, default=None)
    not_sent = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = ReportCycle
        fields = ["id", "label", "period_start", "period_end", "deadline", "due_at", "units", "sent", "sent_late",
                  "returned", "not_sent"]  # fmt: skip


class ReportRequestSerializer(serializers.ModelSerializer):
    from_unit_name = serializers.CharField(source="from_unit.name", read_only=True)

    class Meta:
        model = ReportRequest
        fields = ["id", "title", "instructions", "from_unit", "from_unit_name", "kind", "frequency", "due_day",
                  "starts_on", "ends_on", "status", "created_at"]  # fmt: skip


class ReportCreateRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    instructions = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    from_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    recipients = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False,
                                                    help_text="Mặc định: các đơn vị trực thuộc trực tiếp")  # fmt: skip
    kind = serializers.ChoiceField(choices=ReportRequest.Kind.choices)
    frequency = serializers.ChoiceField(choices=PeriodKind.choices, required=False, allow_blank=True, default="")
    due_day = serializers.IntegerField(min_value=1, max_value=31, required=False, allow_null=True, default=None)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    deadline = serializers.DateField(required=False, allow_null=True, default=None, help_text="Báo cáo đột xuất")
    fields = ReportFieldSpecSerializer(many=True, min_length=1, max_length=services.MAX_FIELDS)

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        data["fields"] = [services.FieldSpec(**spec) for spec in data["fields"]]
        if "recipients" not in self.initial_data:
            data["recipients"] = None
        return data


class ReportValueSerializer(serializers.Serializer):
    field = serializers.IntegerField(source="field_id")
    number = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    text = serializers.CharField()
    file_name = serializers.CharField()
    prefilled = serializers.BooleanField()


class ReportSubmissionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = serializers.CharField(
        read_only=True, default="", help_text="submitted | accepted | returned | late | missing"
    )
    request = serializers.IntegerField(source="cycle.request_id", read_only=True)
    request_title = serializers.CharField(source="cycle.request.title", read_only=True)
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    deadline = serializers.DateField(source="cycle.deadline", read_only=True)

    class Meta:
        model = ReportSubmission
        fields = ["id", "request", "request_title", "cycle", "cycle_label", "deadline", "unit", "unit_name",
                  "status", "state", "submitted_at", "outcome", "returned_note", "decided_at"]  # fmt: skip


class ReportRequestDetailSerializer(serializers.Serializer):
    request = ReportRequestSerializer()
    fields = ReportFieldSerializer(many=True)
    cycles = ReportCycleSerializer(many=True, help_text="Phía đơn vị yêu cầu: mọi kỳ báo cáo")
    submissions = ReportSubmissionSerializer(many=True, help_text="Phía đơn vị báo cáo: báo cáo của đơn vị mình")


class ReportSubmissionDetailSerializer(serializers.Serializer):
    submission = ReportSubmissionSerializer()
    fields = ReportFieldSerializer(many=True)
    values = ReportValueSerializer(many=True)


class ReportTotalSerializer(serializers.Serializer):
    field = serializers.IntegerField()
    label = serializers.CharField()
    measure = serializers.CharField()
    total = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True)


class ReportCycleStatusSerializer(serializers.Serializer):
    cycle = ReportCycleSerializer()
    counts = serializers.DictField(child=serializers.IntegerField())
    submissions = ReportSubmissionSerializer(many=True)
    totals = ReportTotalSerializer(many=True, help_text="Cộng các chỉ tiêu số của các báo cáo đã nộp")


def _request(request, pk: int) -> ReportRequest:
    report = selectors.request_for(request.user, pk)
    if report is None:
        raise Http404
    return report


def _cycle(request, pk: int) -> ReportCycle:
    cycle = selectors.cycle_for(request.user, pk)
    if cycle is None:
        raise Http404
    return cycle


def _submission(request, pk: int) -> ReportSubmission:
    submission = selectors.submission_for(request.user, pk)
    if submission is None:
        raise Http404
    return submission


def submission_body(submission: ReportSubmission) -> dict:
    values = sorted(selectors.submission_values(submission).values(), key=lambda v: v.field_id)
    return ReportSubmissionDetailSerializer({
        "submission": submission, "fields": submission.cycle.request.fields.all(), "values": values,
    }).data  # fmt: skip


def invalid_values_response(error: services.ReportValuesInvalid) -> Response:
    errors = {f"field_{pk}": [message] for pk, message in error.errors.items()}
    return Response(error_body("invalid", error.message, errors), status=status.HTTP_400_BAD_REQUEST)


class RequestListView(generics.ListAPIView):
    serializer_class = ReportRequestSerializer
    filter_backends = []

    @extend_schema(summary="Các yêu cầu báo cáo người dùng được xem (đơn vị mình yêu cầu hoặc được yêu cầu)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.visible_requests(self.request.user).order_by("-created_at", "pk")

    @extend_schema(request=ReportCreateRequestSerializer, responses={201: ReportRequestSerializer},
                   summary="Lãnh đạo đơn vị yêu cầu các đơn vị trực thuộc báo cáo (định kỳ hoặc đột xuất)")  # fmt: skip
    def post(self, request):
        serializer = ReportCreateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.create_request(actor=request.user, **serializer.service_arguments())
        return Response(ReportRequestSerializer(report).data, status=status.HTTP_201_CREATED)


class RequestDetailView(APIView):
    @extend_schema(responses=ReportRequestDetailSerializer, summary="Một yêu cầu báo cáo: biểu mẫu và các kỳ báo cáo")
    def get(self, request, pk: int):
        report = _request(request, pk)
        requester = selectors.is_requester_side(request.user, report)
        cycles = selectors.request_cycles(report) if requester else []
        own = [] if requester else selectors.unit_submissions(request.user, report)
        return Response(ReportRequestDetailSerializer({
            "request": report, "fields": report.fields.all(), "cycles": cycles, "submissions": own,
        }).data)  # fmt: skip


class CloseView(APIView):
    @extend_schema(request=None, responses=ReportRequestSerializer,
                   summary="Dừng yêu cầu báo cáo định kỳ (không mở thêm kỳ mới)")  # fmt: skip
    def post(self, request, pk: int):
        report = services.close_request(actor=request.user, request=_request(request, pk))
        return Response(ReportRequestSerializer(report).data)


class CycleView(APIView):
    @extend_schema(responses=ReportCycleStatusSerializer,
                   summary="Một kỳ báo cáo: tình hình nộp của từng đơn vị và số liệu cộng dồn")  # fmt: skip
    def get(self, request, pk: int):
        table = selectors.cycle_table(_cycle(request, pk))
        totals = [{"field": f.pk, "label": f.label, "measure": f.measure, "total": table.totals.get(f.pk)}
                  for f in table.number_fields]  # fmt: skip
        return Response(ReportCycleStatusSerializer({
            "cycle": table.cycle, "counts": table.counts, "submissions": table.submissions, "totals": totals,
        }).data)  # fmt: skip


class ReportRemindSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()


class CycleRemindView(APIView):
    @extend_schema(
        request=None, responses=ReportRemindSerializer, summary="Nhắc ngay các đơn vị chưa nộp báo cáo kỳ này"
    )
    def post(self, request, pk: int):
        count = services.remind_now(actor=request.user, cycle=_cycle(request, pk))
        return Response(ReportRemindSerializer({"reminded": count}).data)


class MyReportsView(generics.ListAPIView):
    serializer_class = ReportSubmissionSerializer
    filter_backends = []

    @extend_schema(summary="Các báo cáo đơn vị của tôi phải nộp (chưa nộp hoặc bị trả lại)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.reports_to_submit(self.request.user)


class ReportValuesSerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=20000), required=False,
                                   default=dict, help_text="id chỉ tiêu → giá trị (số: 1.234 hoặc 12,5)")  # fmt: skip


class SubmissionView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ReportSubmissionDetailSerializer, summary="Một báo cáo của đơn vị với các số liệu")
    def get(self, request, pk: int):
        return Response(submission_body(_submission(request, pk)))

    @extend_schema(request=ReportValuesSerializer, responses=ReportSubmissionDetailSerializer,
                   summary="Ghi số liệu (JSON values hoặc multipart field_<id>); sai thì không ghi gì")  # fmt: skip
    def patch(self, request, pk: int):
        submission = _submission(request, pk)
        serializer = ReportValuesSerializer(data={"values": _typed_values(request)})
        serializer.is_valid(raise_exception=True)
        values = _keyed(serializer.validated_data["values"])
        files = _keyed(request.FILES)
        try:
            submission = services.save_values(actor=request.user, submission=submission, values=values, files=files)
        except services.ReportValuesInvalid as error:
            return invalid_values_response(error)
        return Response(submission_body(submission))


def _typed_values(request) -> dict:
    """JSON: {"values": {id: value}}; a form (with files): one `field_<id>` per value."""
    data = request.data
    if hasattr(data, "getlist"):
        return {key: data.get(key) for key in data if key.startswith("field_") and key not in request.FILES}
    if isinstance(data, dict) and isinstance(data.get("values", {}), dict):
        return data.get("values", {})
    return {}


def _keyed(mapping) -> dict[int, object]:
    keyed = {}
    for key, value in mapping.items():
        key = str(key).removeprefix("field_")
        if key.isdigit():
            keyed[int(key)] = value
    return keyed


class SubmitView(APIView):
    @extend_schema(request=None, responses=ReportSubmissionSerializer, summary="Nộp (hoặc nộp lại) báo cáo")
    def post(self, request, pk: int):
        try:
            submission = services.submit_report(actor=request.user, submission=_submission(request, pk))
        except services.ReportValuesInvalid as error:
            return invalid_values_response(error)
        return Response(ReportSubmissionSerializer(submission).data)


class ReportReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class ReturnView(APIView):
    @extend_schema(request=ReportReturnSerializer, responses=ReportSubmissionSerializer,
                   summary="Trả lại báo cáo để đơn vị hoàn thiện, nêu lý do")  # fmt: skip
    def post(self, request, pk: int):
        serializer = ReportReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.return_report(actor=request.user, submission=_submission(request, pk),
                                            note=serializer.validated_data["note"])  # fmt: skip
        return Response(ReportSubmissionSerializer(submission).data)


class AcceptView(APIView):
    @extend_schema(request=None, responses=ReportSubmissionSerializer, summary="Tiếp nhận báo cáo đã nộp")
    def post(self, request, pk: int):
        submission = services.accept_report(actor=request.user, submission=_submission(request, pk))
        return Response(ReportSubmissionSerializer(submission).data)


urlpatterns: list = [
    path("work/reports/", RequestListView.as_view(), name="work-reports"),
    path("work/reports/<int:pk>/", RequestDetailView.as_view(), name="work-report"),
    path("work/reports/<int:pk>/close/", CloseView.as_view(), name="work-report-close"),
    path("work/report-cycles/<int:pk>/", CycleView.as_view(), name="work-report-cycle"),
    path("work/report-cycles/<int:pk>/remind/", CycleRemindView.as_view(), name="work-report-cycle-remind"),
    path("work/report-submissions/", MyReportsView.as_view(), name="work-report-submissions"),
    path("work/report-submissions/<int:pk>/", SubmissionView.as_view(), name="work-report-submission"),
    path("work/report-submissions/<int:pk>/submit/", SubmitView.as_view(), name="work-report-submit"),
    path("work/report-submissions/<int:pk>/return/", ReturnView.as_view(), name="work-report-return"),
    path("work/report-submissions/<int:pk>/accept/", AcceptView.as_view(), name="work-report-accept"),
]
