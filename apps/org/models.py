"""Organisation: a unit tree of any depth, staff, memberships, roles (groups) and explicit access grants."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.text import fold

# Decision 20/2020/QĐ-TTg: the electronic identifier of an agency, at most 35 characters of upper-case
# letters and digits in groups separated by dots (e.g. "000.00.00.H12", "H12.22").
agency_code_validator = RegexValidator(
    r"^(?=.{1,35}$)[A-Z0-9]+(\.[A-Z0-9]+)*$",
    _(
        "Mã định danh điện tử không hợp lệ: tối đa 35 ký tự gồm chữ in hoa A–Z, chữ số và dấu chấm ngăn nhóm "
        "(ví dụ 000.00.00.H12)."
    ),
)


class Role(models.TextChoices):
    """Roles are Django groups named by these codes."""

    DESK_CLERK = "desk_clerk", _("Cán bộ một cửa")
    HANDLING_OFFICER = "handling_officer", _("Chuyên viên xử lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")
    CLERICAL_OFFICER = "clerical_officer", _("Văn thư")
    PARTY_OFFICE = "party_office", _("Văn phòng cấp ủy")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")
    HOTLINE_OPERATOR = "hotline_operator", _("Điện thoại viên tổng đài 1022")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    search_key = models.CharField(max_length=300, editable=False, default="", db_index=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.full_name} {self.username}")[:300]
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.get_username()


class Unit(models.Model):
    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        DEPARTMENT = "department", _("Sở, ban, phòng chuyên môn")
        SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
        ONE_STOP_DESK = "one_stop_desk", _("Bộ phận Một cửa")
        PARTY_COMMITTEE = "party_committee", _("Cấp ủy, đảng bộ")
        PARTY_CELL = "party_cell", _("Chi bộ")
        MASS_ORGANISATION = "mass_organisation", _("Mặt trận, đoàn thể")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    symbol = models.CharField(_("ký hiệu trên văn bản"), max_length=30, blank=True, help_text=_("Ví dụ UBND, VP, STP."))
    kind = models.CharField(_("loại đơn vị"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices, default=Level.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )  # fmt: skip
    # Materialised path "/1/7/42/": a subtree is one indexed prefix match, whatever the depth.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    agency_code = models.CharField(
        _("mã định danh điện tử"), max_length=35, unique=True, null=True, blank=True,
        validators=[agency_code_validator], help_text=_("Theo Quyết định 20/2020/QĐ-TTg, ví dụ 000.00.00.H12."),
    )  # fmt: skip
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    search_key = models.CharField(max_length=255, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.name} {self.short_name} {self.agency_code or ''}")[:255]
        super().save(*args, **kwargs)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, read from the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Membership(models.Model):
    """A person's place in a unit: position, and whether they head it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    is_head = models.BooleanField(_("người đứng đầu đơn vị"), default=False)
    is_primary = models.BooleanField(_("nơi công tác chính"), default=True)
    start_date = models.DateField(_("từ ngày"), default=timezone.localdate)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("vị trí công tác")
        verbose_name_plural = _("vị trí công tác")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_user_unit_unique"),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(is_head=True, end_date__isnull=True), name="membership_one_head"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.position} — {self.unit}"


class AccessGrant(models.Model):
    """Access beyond one's own subtree, granted explicitly (e.g. a province office that oversees communes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="access_grants")
    include_subtree = models.BooleanField(_("gồm cả đơn vị trực thuộc"), default=True)
    reason = models.CharField(_("lý do"), max_length=255)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyền truy cập bổ sung")
        verbose_name_plural = _("quyền truy cập bổ sung")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="grant_user_unit_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"
