"""Official documents (Decree 30/2020/NĐ-CP on clerical work): the outgoing and incoming registers of a unit.

An outgoing document is drafted without a number; the number is taken at release from the unit's yearly series
(secret documents have their own series), so the register is gap-free. Incoming documents get a number continuous
within the year of the receiving unit."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from apps.org.models import Unit

__all__ = [
    "ABBREVIATIONS",
    "NOT_SECRET",
    "Confidentiality",
    "DocType",
    "IncomingDocument",
    "OutgoingDocument",
    "Urgency",
]


class DocType(models.TextChoices):
    """Decree 30/2020, Appendix III: types of administrative documents; ABBREVIATIONS gives the symbol part."""

    OFFICIAL_LETTER = "cong_van", _("Công văn")
    RESOLUTION = "nghi_quyet", _("Nghị quyết")
    DECISION = "quyet_dinh", _("Quyết định")
    DIRECTIVE = "chi_thi", _("Chỉ thị")
    STATUTE = "quy_che", _("Quy chế")
    REGULATION = "quy_dinh", _("Quy định")
    COMMUNIQUE = "thong_cao", _("Thông cáo")
    NOTICE = "thong_bao", _("Thông báo")
    GUIDANCE = "huong_dan", _("Hướng dẫn")
    PROGRAMME = "chuong_trinh", _("Chương trình")
    PLAN = "ke_hoach", _("Kế hoạch")
    SCHEME = "phuong_an", _("Phương án")
    PROPOSAL = "de_an", _("Đề án")
    PROJECT = "du_an", _("Dự án")
    REPORT = "bao_cao", _("Báo cáo")
    MINUTES = "bien_ban", _("Biên bản")
    SUBMISSION = "to_trinh", _("Tờ trình")
    CONTRACT = "hop_dong", _("Hợp đồng")
    OFFICIAL_TELEGRAM = "cong_dien", _("Công điện")
    MEMORANDUM = "ban_ghi_nho", _("Bản ghi nhớ")
    AGREEMENT = "ban_thoa_thuan", _("Bản thỏa thuận")
    AUTHORISATION = "giay_uy_quyen", _("Giấy ủy quyền")
    INVITATION = "giay_moi", _("Giấy mời")
    INTRODUCTION = "giay_gioi_thieu", _("Giấy giới thiệu")
    LEAVE = "giay_nghi_phep", _("Giấy nghỉ phép")
    DISPATCH_SLIP = "phieu_gui", _("Phiếu gửi")
    TRANSFER_SLIP = "phieu_chuyen", _("Phiếu chuyển")
    NOTICE_SLIP = "phieu_bao", _("Phiếu báo")


ABBREVIATIONS = {
    DocType.OFFICIAL_LETTER: "", DocType.RESOLUTION: "NQ", DocType.DECISION: "QĐ", DocType.DIRECTIVE: "CT",
    DocType.STATUTE: "QC", DocType.REGULATION: "QyĐ", DocType.COMMUNIQUE: "TC", DocType.NOTICE: "TB",
    DocType.GUIDANCE: "HD", DocType.PROGRAMME: "CTr", DocType.PLAN: "KH", DocType.SCHEME: "PA", DocType.PROPOSAL: "ĐA",
    DocType.PROJECT: "DA", DocType.REPORT: "BC", DocType.MINUTES: "BB", DocType.SUBMISSION: "TTr",
    DocType.CONTRACT: "HĐ", DocType.OFFICIAL_TELEGRAM: "CĐ", DocType.MEMORANDUM: "BGN", DocType.AGREEMENT: "BTT",
    DocType.AUTHORISATION: "GUQ", DocType.INVITATION: "GM", DocType.INTRODUCTION: "GGT", DocType.LEAVE: "GNP",
    DocType.DISPATCH_SLIP: "PG", DocType.TRANSFER_SLIP: "PC", DocType.NOTICE_SLIP: "PB",
}  # fmt: skip


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Thường")
    SECRET = "secret", _("Mật")
    TOP_SECRET = "top_secret", _("Tối mật")
    ABSOLUTE_SECRET = "absolute_secret", _("Tuyệt mật")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


NOT_SECRET = Q(confidentiality=Confidentiality.NORMAL)


class OutgoingDocument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        REVIEW = "review", _("Đang xin ý kiến")
        SIGNED = "signed", _("Đã ký")
        RELEASED = "released", _("Đã ban hành")
        SENT = "sent", _("Đã gửi")

    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+")
    drafting_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị soạn thảo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    doc_type = models.CharField(_("loại văn bản"), max_length=30, choices=DocType.choices)
    summary = models.TextField(_("trích yếu nội dung"))
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    confidentiality = models.CharField(
        _("độ mật"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    urgency = models.CharField(_("độ khẩn"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Mật, tối mật and tuyệt mật share one series (services.registers.series_key), listed after the ordinary one.
    secret_series = models.GeneratedField(
        expression=Case(When(NOT_SECRET, then=Value(False)), default=Value(True)),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        indexes = [
            models.Index(fields=["unit", "year", "number"], name="doc_out_register"),
            # the register page's order (the secret series after the other) and the filters, so that a page's ids
            # are read from the index alone (views.registers.register_page); not partial: SQLite uses a partial index
            # only when its condition is a literal, not a bound parameter
            models.Index(
                fields=["unit", "year", "secret_series", "number", "status", "id"], name="doc_out_register_order"
            ),
            # a unit's drafts, newest first, without reading its register
            models.Index(fields=["unit", "status", "-created_at"], name="doc_out_unit_status"),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "number"], condition=Q(number__isnull=False) & NOT_SECRET,
                name="doc_out_number_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "number"], condition=Q(number__isnull=False) & ~NOT_SECRET,
                name="doc_out_secret_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "signed"], number__isnull=True)
                | Q(status__in=["released", "sent"], number__isnull=False),
                name="doc_out_number_at_release",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.symbol or _('Dự thảo')} — {self.summary[:80]}"

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL


class IncomingDocument(models.Model):
    class Source(models.TextChoices):
        PAPER = "paper", _("Bản giấy")
        UPLOAD = "upload", _("Tệp tải lên")
        EXCHANGE = "exchange", _("Liên thông điện tử")

    class Handling(models.TextChoices):
        """Where the document stands in its handling; the exchange status sent back to the sender follows it
        (04 awaiting assignment, 05 assigned / in progress, 06 done)."""

        AWAITING_DIRECTION = "awaiting_direction", _("Chờ lãnh đạo cho ý kiến")
        ASSIGNED = "assigned", _("Đang xử lý")
        DONE = "done", _("Đã xử lý xong")
        RECALLED = "recalled", _("Đã bị thu hồi")

    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số đến"))
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100)
    issued_date = models.DateField(_("ngày văn bản"))
    doc_type = models.CharField(_("loại văn bản"), max_length=30, choices=DocType.choices)
    summary = models.TextField(_("trích yếu nội dung"))
    urgency = models.CharField(_("độ khẩn"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        _("độ mật"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    received_at = models.DateTimeField(_("ngày đến"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices, default=Source.PAPER)
    handling_status = models.CharField(
        _("tình trạng xử lý"), max_length=20, choices=Handling.choices, default=Handling.AWAITING_DIRECTION
    )
    # A recall order freezes the document: kept in the register, withdrawn from every queue, no longer changed.
    recalled_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # The folded issuer and number/symbol: the same document registered twice is found by one indexed match.
    duplicate_key = models.CharField(max_length=400, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "number"], name="doc_in_number_unique")]
        # a register page's ids from the index alone (views.registers.register_page)
        indexes = [
            models.Index(fields=["unit", "year", "number", "confidentiality", "id"], name="doc_in_register_order"),
            # the queues: documents awaiting direction per unit, in handling (counted on every documents page)
            models.Index(fields=["handling_status", "unit"], name="doc_in_handling_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}/{self.year} — {self.number_symbol} — {self.issuer_name}"

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL
