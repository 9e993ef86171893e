"""The demo province "Sơn Hà": fictional units, staff for every role, calendar days. Idempotent.

The staff have worked in their units since the two-level local government took office (1 July 2025), or since the
first day of a longer generated history: who received or handled a generated dossier was in post that day."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from apps.calendar import services as calendar_services
from apps.core.text import fold
from apps.demo.catalogue import load_catalogue
from apps.demo.exchange import ensure_demo_identity
from apps.demo.feedback_catalogue import load_feedback_catalogue
from apps.demo.signing import load_signing
from apps.org import services as org_services
from apps.org.models import Role, Unit, User

DEMO_PASSWORD = "congvu@2026"
# Local government has two levels since 1 July 2025 (DOMAIN.md): the communes and wards took office that day.
STAFF_SINCE = dt.date(2025, 7, 1)
PROVINCE = "Sơn Hà"
K, L = Unit.Kind, Unit.Level

DEPARTMENTS = [
    ("Văn phòng Ủy ban nhân dân tỉnh", "VP", "H99.01", "vp"),
    ("Sở Tư pháp", "STP", "H99.02", "stp"),
    ("Sở Xây dựng", "SXD", "H99.03", "sxd"),
    ("Sở Tài chính", "STC", "H99.04", "stc"),
    ("Sở Nội vụ", "SNV", "H99.05", "snv"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT", "H99.06", "snnmt"),
]
COMMUNES = [
    "Phường Đông Thành",
    "Phường Tây Sơn",
    "Phường Bắc Hà",
    "Xã An Phú",
    "Xã Bình Minh",
    "Xã Hòa Lạc",
    "Xã Tân Lập",
    "Xã Thanh Xuân",
    "Xã Phúc Thịnh",
    "Xã Đồng Tâm",
    "Xã Minh Ngọc",
    "Đặc khu Hòn Ngọc",
]
COMMUNE_DIVISIONS = [
    ("Bộ phận Một cửa", K.ONE_STOP_DESK, "BPMC"),
    ("Văn phòng HĐND và UBND", K.DEPARTMENT, "VP"),
    ("Phòng Kinh tế", K.DEPARTMENT, "PKT"),
    ("Phòng Văn hóa - Xã hội", K.DEPARTMENT, "VHXH"),
]
PARTY_CELLS = [
    "Chi bộ Tổng hợp - Kinh tế",
    "Chi bộ Nội chính",
    "Chi bộ Khoa giáo - Văn xã",
    "Chi bộ Hành chính - Tổ chức",
    "Chi bộ Quản trị - Tài vụ",
    "Chi bộ Tiếp công dân",
    "Chi bộ Thông tin - Tin học",
]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hùng", "Lan", "Linh", "Long", "Mai", "Minh",
         "Nam", "Nga", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến"]  # fmt: skip
FAMILY = [
    "Nguyễn Văn",
    "Trần Thị",
    "Lê Văn",
    "Phạm Thị",
    "Hoàng Văn",
    "Vũ Thị",
    "Đặng Văn",
    "Bùi Thị",
    "Đỗ Văn",
]


@dataclass
class Login:
    username: str
    role: str
    where: str


def _slug(name: str) -> str:
    words = fold(name).split(" ")
    for prefix in (["phuong"], ["xa"], ["dac", "khu"]):
        if words[: len(prefix)] == prefix:
            words = words[len(prefix) :]
    return "".join(words)


class DemoBuilder:
    def __init__(self, since: dt.date | None = None):
        self.since = min(since or STAFF_SINCE, STAFF_SINCE)  # memberships start then (new staff only)
        self.password = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
        self.logins: list[Login] = []
        self._names = 0

    def _person(self) -> str:
        self._names += 1
        return f"{FAMILY[self._names % len(FAMILY)]} {GIVEN[(self._names * 7) % len(GIVEN)]}"

    def unit(self, name, kind, level, parent=None, symbol="", code=None, short_name="") -> Unit:
        existing = Unit.objects.filter(parent=parent, name=name).first()
        if existing:
            return existing
        return org_services.unit_create(
            actor=None,
            parent=parent,
            name=name,
            kind=kind,
            level=level,
            symbol=symbol,
            agency_code=code,
            short_name=short_name,
        )

    def staff(self, username, roles, unit, position, *, is_head=False, show=True, superuser=False) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = org_services.staff_create(
                actor=None,
                username=username,
                full_name=self._person(),
                email=f"{username}@sonha.gov.vn",
                roles=roles,
                unit=unit,
                position=position,
                is_head=is_head,
                start_date=self.since,
            )
            user.password = self.password
            user.is_staff = superuser or Role.ADMINISTRATOR in roles
            user.is_superuser = superuser
            user.save(update_fields=["password", "is_staff", "is_superuser"])
        if show:
            where = (
                f"{unit.name}, {unit.parent.short_name}"
                if unit.parent and unit.parent.level == L.COMMUNE
                else unit.name
            )
            self.logins.append(Login(username, ", ".join(str(Role(r).label) for r in roles), where))
        return user

    @transaction.atomic
    def build(self) -> list[Login]:
        root = self.unit(
            f"Ủy ban nhân dân tỉnh {PROVINCE}",
            K.PEOPLES_COMMITTEE,
            L.PROVINCE,
            symbol="UBND",
            code="000.00.00.H99",
            short_name=f"UBND tỉnh {PROVINCE}",
        )
        self.staff("admin", [Role.ADMINISTRATOR], root, "Quản trị hệ thống", superuser=True)
        self.staff("chutich.tinh", [Role.UNIT_LEADER], root, "Chủ tịch", is_head=True)
        for name, symbol, code, slug in DEPARTMENTS:
            dept = self.unit(name, K.DEPARTMENT, L.PROVINCE, root, symbol, code)
            self.staff(
                f"giamdoc.{slug}",
                [Role.UNIT_LEADER],
                dept,
                "Giám đốc" if slug != "vp" else "Chánh Văn phòng",
                is_head=True,
                show=slug in {"stp", "vp"},
            )
            self.staff(f"chuyenvien.{slug}", [Role.HANDLING_OFFICER], dept, "Chuyên viên", show=slug == "stp")
        self.staff("vanthu.vp", [Role.CLERICAL_OFFICER], Unit.objects.get(agency_code="H99.01"), "Văn thư")
        centre = self.unit(
            "Trung tâm Phục vụ hành chính công tỉnh", K.SERVICE_CENTRE, L.PROVINCE, root, "TTPVHCC", "H99.10"
        )
        self.staff("giamdoc.ttpvhcc", [Role.UNIT_LEADER], centre, "Giám đốc", is_head=True, show=False)
        self.staff("motcua.tinh", [Role.DESK_CLERK], centre, "Cán bộ tiếp nhận")
        operator = self.staff("tongdai.1022", [Role.HOTLINE_OPERATOR], centre, "Điện thoại viên Tổng đài 1022")
        if not operator.access_grants.filter(unit=root).exists():
            org_services.access_grant(
                actor=None, user=operator, unit=root, reason="Tổng đài 1022 chuyển phản ánh đến mọi đơn vị của tỉnh"
            )
        for index, commune_name in enumerate(COMMUNES, start=21):
            self._commune(root, commune_name, index, show=index == 24)  # Xã An Phú is shown in full
        self._party()
        self.unit(
            f"Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh {PROVINCE}",
            K.MASS_ORGANISATION,
            L.PROVINCE,
            symbol="MTTQ",
            code="H99.90",
        )
        self._calendar(centre, root)
        self._department_clerks()
        load_signing(root, self.since)
        load_catalogue()
        load_feedback_catalogue()
        return self.logins

    def _department_clerks(self):
        """Each department keeps its own registers (Decree 30/2020, art. 6); the committee's are kept by its office's
        clerk (vanthu.vp). Made last, so the names given to the staff made before stay as they were."""
        for _name, _symbol, code, slug in DEPARTMENTS:
            if slug != "vp":
                dept = Unit.objects.get(agency_code=code)
                self.staff(f"vanthu.{slug}", [Role.CLERICAL_OFFICER], dept, "Văn thư", show=slug == "stp")

    def _commune(self, root, name, index, show):
        slug = _slug(name)
        commune = self.unit(
            f"Ủy ban nhân dân {name[0].lower()}{name[1:]}",
            K.PEOPLES_COMMITTEE,
            L.COMMUNE,
            root,
            "UBND",
            f"H99.{index}",
            short_name=name,
        )
        divisions = {
            symbol: self.unit(f"{title}", kind, L.COMMUNE, commune, symbol) for title, kind, symbol in COMMUNE_DIVISIONS
        }
        self.staff(f"chutich.{slug}", [Role.UNIT_LEADER], commune, "Chủ tịch", is_head=True, show=show)
        self.staff(
            f"motcua.{slug}",
            [Role.DESK_CLERK],
            divisions["BPMC"],
            "Công chức một cửa",
            show=show or index == 21,
        )
        self.staff(
            f"chuyenvien.{slug}",
            [Role.HANDLING_OFFICER],
            divisions["VHXH"],
            "Công chức Văn hóa - Xã hội",
            show=show,
        )
        self.staff(
            f"truongphong.{slug}",
            [Role.UNIT_LEADER],
            divisions["VHXH"],
            "Trưởng phòng",
            is_head=True,
            show=show,
        )
        self.staff(f"vanthu.{slug}", [Role.CLERICAL_OFFICER], divisions["VP"], "Văn thư", show=show)
        self.staff(f"tuphap.{slug}", [Role.HANDLING_OFFICER], divisions["VP"], "Công chức Tư pháp - Hộ tịch", show=show)
        self.staff(f"kinhte.{slug}", [Role.HANDLING_OFFICER], divisions["PKT"], "Công chức Kinh tế", show=False)
        self.staff(
            f"chanhvanphong.{slug}", [Role.UNIT_LEADER], divisions["VP"], "Chánh Văn phòng", is_head=True, show=show
        )
        if show:
            self.staff(f"quantri.{slug}", [Role.ADMINISTRATOR], commune, "Quản trị hệ thống cấp xã")

    def _party(self):
        committee = self.unit(f"Tỉnh ủy {PROVINCE}", K.PARTY_COMMITTEE, L.PROVINCE, symbol="TU", code="H99.80")
        office = self.unit("Văn phòng Tỉnh ủy", K.DEPARTMENT, L.PROVINCE, committee, "VPTU")
        self.staff("vanphong.tinhuy", [Role.PARTY_OFFICE], office, "Chuyên viên Văn phòng Tỉnh ủy")
        party = self.unit("Đảng bộ Văn phòng UBND tỉnh", K.PARTY_COMMITTEE, L.PROVINCE, committee, "ĐU")
        for number, cell_name in enumerate(PARTY_CELLS, start=1):
            cell = self.unit(cell_name, K.PARTY_CELL, L.PROVINCE, party, "CB")
            self.staff(
                f"bithu.chibo{number}",
                [Role.PARTY_OFFICE],
                cell,
                "Bí thư chi bộ",
                is_head=True,
                show=number == 1,
            )

    def _calendar(self, centre, root):
        """Volunteer Saturdays at the provincial centre for the next two months (desk open, no deadline count)."""
        today = timezone.localdate()
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
        for week in range(0, 8, 2):
            day = saturday + dt.timedelta(weeks=week)
            if not centre.calendar_overrides.filter(date=day).exists():
                calendar_services.override_set(
                    actor=None, unit=centre, date=day, kind="service_day", note="Thứ Bảy tình nguyện"
                )


def load_demo(since: dt.date | None = None) -> list[Login]:
    """Build (or complete) the demo province; staff created now are in post from `since` (or 1 July 2025)."""
    logins = DemoBuilder(since).build()
    ensure_demo_identity(f"Ủy ban nhân dân tỉnh {PROVINCE}")
    return logins


# --- a province of real size, for benchmarks -------------------------------------------------------------------
# A province after the 2025 merger has 100–170 communes and wards and a commune-level catalogue of a few hundred
# procedures. The demo has 12 and 13: enough to show every page, too few to measure the dashboards of a real
# province (the daily counts grow with units × procedures, not with dossiers).
PLACE_FIRST = ["An", "Bình", "Tân", "Phước", "Hòa", "Long", "Thạnh", "Vĩnh", "Phú", "Mỹ", "Đông", "Quảng"]
PLACE_SECOND = ["Hưng", "Lợi", "Thuận", "Lộc", "Thành", "Điền", "Sơn", "Khánh", "Trung", "Hải", "Yên", "Định"]


def extra_commune_names(count: int) -> list[str]:
    """Names of further communes, none repeating a demo one (12 × 12 = 144 possible)."""
    taken = set(COMMUNES)
    names = [f"Xã {first} {second}" for first in PLACE_FIRST for second in PLACE_SECOND]
    return [name for name in names if name not in taken][:count]


@transaction.atomic
def extend_province(communes: int) -> int:
    """At least `communes` communes and wards under the province, each laid out as a demo commune (desk, divisions,
    staff); returns how many were added."""
    root = Unit.objects.get(level=L.PROVINCE, kind=K.PEOPLES_COMMITTEE, parent__isnull=True)
    existing = set(Unit.objects.filter(parent=root, level=L.COMMUNE).values_list("short_name", flat=True))
    missing = max(0, communes - len(existing))
    names = [name for name in extra_commune_names(len(PLACE_FIRST) * len(PLACE_SECOND)) if name not in existing]
    if missing > len(names):
        raise ValueError(f"at most {len(existing) + len(names)} communes")
    taken = set(Unit.objects.filter(agency_code__startswith="H99.").values_list("agency_code", flat=True))
    free = (index for index in range(21, 1000) if f"H99.{index}" not in taken and not 80 <= index < 100)
    builder = DemoBuilder()
    for name in names[:missing]:
        builder._commune(root, name, next(free), show=False)
    return missing
