"""One-stop dossiers: the dossier, its BM.05 step rows, papers, attachments, and numbered slips."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.choices import SatisfactionLevel
from apps.core.files import GeneratedName
from apps.core.text import fold
from apps.org.models import Role, Unit
from apps.procedures.models import Procedure, ProcedureStep, RequiredPaper


class Outcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Dossier(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ tiếp nhận")
        NEEDS_COMPLETION = "needs_completion", _("Cần bổ sung trước khi tiếp nhận")
        RECEIVED = "received", _("Đã tiếp nhận")
        IN_PROGRESS = "in_progress", _("Đang giải quyết")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ công dân bổ sung (tạm dừng tính thời gian)")
        READY = "ready", _("Đã có kết quả, chờ trả")
        RETURNED = "returned", _("Đã trả kết quả")
        REFUSED = "refused", _("Từ chối tiếp nhận, giải quyết")
        WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        DESK = "desk", _("Trực tiếp tại Bộ phận Một cửa")
        POST = "post", _("Qua bưu chính")

    class ApplicantKind(models.TextChoices):
        PERSON = "person", _("Cá nhân")
        ORGANISATION = "organisation", _("Tổ chức")

    class Payment(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Không thu phí")
        UNPAID = "unpaid", _("Chưa nộp")
        PAID_AT_DESK = "paid_at_desk", _("Đã nộp tại Bộ phận Một cửa")
        PAID_ONLINE = "paid_online", _("Đã nộp trực tuyến")

    class Delivery(models.TextChoices):
        DESK = "desk", _("Nhận tại Bộ phận Một cửa")
        POST = "post", _("Nhận qua bưu chính")
        ONLINE = "online", _("Nhận bản điện tử")

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED, Status.READY)

    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    filing_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="filed_dossiers"
    )
    desk = models.ForeignKey(
        Unit, verbose_name=_("Bộ phận Một cửa"), on_delete=models.PROTECT, related_name="desk_dossiers"
    )
    # Decree 118/2025: received regardless of administrative boundary; the result is returned where the citizen
    # chose (None: at the receiving desk).
    return_desk = models.ForeignKey(
        Unit, verbose_name=_("nơi trả kết quả"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("trạng thái"), max_length=30, choices=Status.choices, db_index=True)

    applicant_kind = models.CharField(
        _("người nộp là"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("họ tên người nộp / tên tổ chức"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500)
    representative = models.CharField(_("người được ủy quyền"), max_length=255, blank=True)
    # BM.01 (Circular 03/2025, Mẫu số 01): the authorised person's own particulars, when someone files for another.
    representative_id_number = models.CharField(_("số định danh người được ủy quyền"), max_length=20, blank=True)
    representative_phone = models.CharField(_("điện thoại người được ủy quyền"), max_length=20, blank=True)
    representative_address = models.CharField(_("địa chỉ người được ủy quyền"), max_length=500, blank=True)
    request_summary = models.TextField(_("nội dung yêu cầu"), blank=True)
    home_service = models.BooleanField(_("phục vụ tại nhà"), default=False)
    home_service_address = models.CharField(_("địa chỉ phục vụ tại nhà"), max_length=500, blank=True)
    sets = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)

    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    payment = models.CharField(_("thanh toán"), max_length=20, choices=Payment.choices, default=Payment.NOT_REQUIRED)
    delivery = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=Delivery.choices, default=Delivery.DESK
    )

    submitted_at = models.DateTimeField(_("nộp lúc"))
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The legal due time: the limit from receipt plus supplement pauses. Lateness is judged against it, never
    # against the appointment, which an apology may move (BM.04).
    due_at = models.DateTimeField(_("hạn giải quyết theo quy định"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    original_appointment_at = models.DateTimeField(_("ngày hẹn ban đầu"), null=True, blank=True)
    rescheduled = models.BooleanField(_("đã hẹn lại"), default=False)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    ready_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả đúng hạn"), max_length=10, choices=Outcome.choices, blank=True)
    # Refused during processing: the competent unit's reasoned notice (BM.03) is the result, returned as any result
    # and counted as resolved (DOMAIN.md, lifecycle 5).
    result_is_refusal = models.BooleanField(_("kết quả là văn bản từ chối"), default=False)
    current_step = models.ForeignKey("DossierStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Copied from the current step so that a unit's queue is one index range scan (unit, due time) even with ten
    # million dossiers; set together with current_step in services, never on their own.
    current_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    current_due_at = models.DateTimeField(null=True, blank=True)
    book_volume = models.PositiveIntegerField(_("sổ theo dõi: quyển"), null=True, blank=True)
    book_entry = models.PositiveIntegerField(_("sổ theo dõi: số"), null=True, blank=True)
    search_key = models.CharField(max_length=400, editable=False, default="", db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["filing_unit", "status"], name="dossier_unit_status_idx"),
            models.Index(fields=["desk", "received_at"], name="dossier_desk_received_idx"),
            models.Index(fields=["status", "appointment_at"], name="dossier_status_appt_idx"),
            models.Index(fields=["current_unit", "current_due_at"], name="dossier_queue_idx"),
            # the daily counts of the dashboards recount one unit's day of receipts or returns at each change
            models.Index(fields=["filing_unit", "received_at"], name="dossier_unit_received_idx"),
            models.Index(fields=["filing_unit", "returned_at"], name="dossier_unit_returned_idx"),
            models.Index(fields=["filing_unit", "appointment_at"], name="dossier_unit_appt_idx"),
            # late now and the next deadline of the dashboards: by the legal due time
            models.Index(fields=["filing_unit", "due_at"], name="dossier_unit_due_idx"),
            # online dossiers waiting for a desk's check (the clerk's first tab)
            models.Index(fields=["desk", "status", "submitted_at"], name="dossier_desk_waiting_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.code} {self.applicant_name}")[:400]
        super().save(*args, **kwargs)

    @property
    def collection_desk(self) -> Unit:
        """Where the result is handed over: the desk the citizen chose, else the desk that received it."""
        return self.return_desk or self.desk

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DossierStep(models.Model):
    """A row of the BM.05 control slip: one unit's turn with the dossier, its budget and how it ended."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    procedure_step = models.ForeignKey(ProcedureStep, null=True, blank=True, on_delete=models.SET_NULL)
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=ProcedureStep.Kind.choices)
    name = models.CharField(_("bước"), max_length=255)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="dossier_steps")
    role = models.CharField(max_length=30, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="dossier_steps"
    )
    started_at = models.DateTimeField(_("nhận lúc"))
    due_at = models.DateTimeField(_("hạn bước"), db_index=True)
    finished_at = models.DateTimeField(_("giao lúc"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["dossier", "order"]
        verbose_name = _("bước giải quyết")
        verbose_name_plural = _("phiếu kiểm soát quá trình giải quyết")
        constraints = [models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order_unique")]
        indexes = [models.Index(fields=["unit", "finished_at"], name="dossier_step_unit_open_idx")]

    def __str__(self) -> str:
        return f"{self.dossier.code} · {self.order}. {self.name}"


class DossierPaper(models.Model):
    """The desk's checklist: which required papers were handed in."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers")
    required_paper = models.ForeignKey(RequiredPaper, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=500)
    form = models.CharField(max_length=20, choices=RequiredPaper.Form.choices)
    copies = models.PositiveSmallIntegerField(default=1)
    provided = models.BooleanField(default=False)
    # Digitised (Decree 45/2020, art. 25): the paper's electronic copy, scanned or uploaded into its slot at receipt,
    # or an earlier digitised copy of the same person's paper reused by reference (then `digitised_file` belongs to the
    # earlier dossier and `reused_from` names the earlier paper; the file is not copied).
    digitised_at = models.DateTimeField(_("số hóa lúc"), null=True, blank=True)
    digitised_file = models.ForeignKey(
        "Attachment", verbose_name=_("bản điện tử"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reused_from = models.ForeignKey(
        "self", verbose_name=_("dùng lại bản số hóa của"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def required(self) -> bool:
        return self.required_paper_id is not None and not self.required_paper.optional

    @property
    def is_digitised(self) -> bool:
        return self.digitised_at is not None and self.digitised_file_id is not None


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        SUBMISSION = "submission", _("Hồ sơ nộp")
        SUPPLEMENT = "supplement", _("Bổ sung")
        RESULT = "result", _("Kết quả")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    paper = models.ForeignKey(DossierPaper, null=True, blank=True, on_delete=models.SET_NULL)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.SUBMISSION)
    file = models.FileField(upload_to=GeneratedName("dossiers"))  # never the client's name
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # A result signed by the unit's certificate (PAdES). No signing yet (issue 11): results are stored unsigned.
    signed = models.BooleanField(_("đã ký số"), default=False)

    class Meta:
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Slip(models.Model):
    """Numbered slips of one unit and year: BM.02 supplement request, BM.03 refusal (BM.04 apologies later)."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")

    SUFFIX = {Kind.SUPPLEMENT: "PBS", Kind.REFUSAL: "PTC"}

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="slips")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField(_("số phiếu"), max_length=60)
    year = models.PositiveSmallIntegerField(_("năm"))  # numbers restart at 01 each year
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    items = models.TextField(_("nội dung yêu cầu bổ sung"), blank=True)
    reason = models.TextField(_("lý do"))
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "number"], name="slip_number_year_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Apology(models.Model):
    """BM.04: the late unit's apology with a new appointment. One per dossier: the appointment moves only once."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo, chờ thủ trưởng ký")
        APPROVED = "approved", _("Đã ký, đã gửi công dân")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị để trễ hạn"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số phiếu"), max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reason = models.TextField(_("lý do"))
    original_appointment_at = models.DateTimeField(_("ngày hẹn cũ"))
    proposed_appointment_at = models.DateTimeField(_("ngày hẹn đề xuất"))
    new_appointment_at = models.DateTimeField(_("ngày hẹn mới"), null=True, blank=True)
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu xin lỗi và hẹn lại ngày trả kết quả")
        verbose_name_plural = _("phiếu xin lỗi và hẹn lại ngày trả kết quả")

    def __str__(self) -> str:
        return self.number or f"BM.04 {self.dossier.code}"

    def signed_late(self, now=None) -> bool:
        """Signed (or still unsigned) after the due time it apologises for: the citizen learnt of the delay late."""
        moment = self.approved_at or now
        return moment is not None and moment > self.original_appointment_at


class Rating(models.Model):
    """The citizen's rating of a returned dossier, once."""

    Level = SatisfactionLevel

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    overall = models.CharField(_("mức độ hài lòng"), max_length=20, choices=Level.choices)
    politeness = models.CharField(_("thái độ phục vụ"), max_length=20, choices=Level.choices)
    timeliness = models.CharField(_("thời gian giải quyết"), max_length=20, choices=Level.choices)
    comment = models.TextField(_("góp ý"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")

    def __str__(self) -> str:
        return f"{self.dossier.code}: {self.get_overall_display()}"


class PublicTracking(models.Model):
    """The public tracking answer of a dossier, rendered at each change (in Vietnamese, no personal data) as the
    API's JSON and as the tracking page's public part, so the busiest public read is one primary-key lookup. Unit
    and procedure names are those of the last change, as on the paper slips; `manage.py publish_tracking --all`
    rebuilds every row (after a unit's rename, for instance)."""

    code = models.CharField(_("mã hồ sơ"), max_length=60, primary_key=True)  # as long as Dossier.code
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    part = models.TextField(_("phần trang tra cứu"), blank=True, default="", db_default="")  # empty: older rows
    published_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bản tra cứu công khai")
        verbose_name_plural = _("bản tra cứu công khai")

    def __str__(self):
        return self.code
