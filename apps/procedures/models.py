"""The catalogue of administrative procedures (TTHC) and their internal steps (quy trình nội bộ)."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.text import fold
from apps.org.models import Role, Unit

national_code_validator = RegexValidator(r"^\d\.\d{6}$", _("Mã thủ tục quốc gia có dạng d.dddddd, ví dụ 1.001193."))


class Field(models.Model):
    """Lĩnh vực: civil status, certification, household business, construction, ..."""

    name = models.CharField(_("tên lĩnh vực"), max_length=150, unique=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("ngày làm việc")
        WORKING_HOURS = "working_hours", _("giờ làm việc")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Toàn trình")
        PARTIAL = "partial", _("Một phần")
        NONE = "none", _("Trực tiếp")

    code = models.CharField(_("mã thủ tục"), max_length=20, unique=True, validators=[national_code_validator])
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=Unit.Level.choices)
    competent_unit_kind = models.CharField(
        _("loại cơ quan có thẩm quyền"), max_length=30, choices=Unit.Kind.choices, default=Unit.Kind.PEOPLES_COMMITTEE
    )
    time_limit = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0.25)]
    )
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices)
    time_limit_text = models.CharField(
        _("thời hạn theo văn bản"), max_length=500, blank=True,
        help_text=_("Nguyên văn quy định, ví dụ: Ngay trong ngày; sau 15 giờ thì trả trong ngày làm việc tiếp theo."),
    )  # fmt: skip
    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    fee_text = models.CharField(_("ghi chú phí, lệ phí"), max_length=500, blank=True)
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    result = models.CharField(_("kết quả"), max_length=500, blank=True)
    description = models.TextField(_("trình tự thực hiện"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    search_key = models.CharField(max_length=700, editable=False, default="", db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["field__sort_order", "name"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        indexes = [models.Index(fields=["level", "is_active"], name="procedure_level_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.code} {self.name}")[:700]
        super().save(*args, **kwargs)

    @property
    def time_limit_display(self) -> str:
        value = f"{self.time_limit.normalize():f}".replace(".", ",")
        return f"{value} {self.get_time_unit_display()}"


class RequiredPaper(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("Bản chính")
        COPY = "copy", _("Bản sao")
        CERTIFIED_COPY = "certified_copy", _("Bản sao có chứng thực hoặc bản chính để đối chiếu")
        PRESENT = "present", _("Xuất trình bản chính")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="papers")
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    form = models.CharField(_("hình thức"), max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    optional = models.BooleanField(_("chỉ nộp khi có"), default=False)
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to="procedure-templates/", blank=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name


class ProcedureStep(models.Model):
    """One step of the internal process. The responsible unit is fixed or relative to where the dossier is filed:
    the filing commune (or the province), optionally one of its divisions picked by document symbol."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Tiếp nhận")
        HANDLE = "handle", _("Thẩm định, xử lý")
        APPROVE = "approve", _("Phê duyệt")
        SIGN = "sign", _("Ký")
        RETURN = "return", _("Trả kết quả")

    class Scope(models.TextChoices):
        FILING = "filing", _("Đơn vị nơi nộp hồ sơ")
        PROVINCE = "province", _("Cấp tỉnh")
        FIXED = "fixed", _("Đơn vị cố định")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("bước"))
    kind = models.CharField(_("loại bước"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên bước"), max_length=255)
    scope = models.CharField(_("đơn vị thực hiện"), max_length=20, choices=Scope.choices, default=Scope.FILING)
    fixed_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cố định"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_symbol = models.CharField(
        _("ký hiệu phòng, ban"), max_length=30, blank=True,
        help_text=_("Để trống: chính đơn vị; ví dụ VHXH: Phòng Văn hóa - Xã hội của đơn vị đó."),
    )  # fmt: skip
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    budget = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0.25)])
    budget_unit = models.CharField(_("đơn vị thời gian"), max_length=20, choices=Procedure.TimeUnit.choices)

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình nội bộ")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="procedure_step_order_unique"),
            models.CheckConstraint(
                condition=~Q(scope="fixed") | Q(fixed_unit__isnull=False), name="procedure_step_fixed_needs_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
