"""The staff menu: what each role sees. Later apps add their entries here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.org.models import Role
from apps.org.selectors import user_has_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in staff member

    @property
    def url(self) -> str:
        return reverse(self.url_name)


STAFF_MENU = (
    NavItem(_("Trang làm việc"), "portal:staff-home"),
    NavItem(_("Hồ sơ"), "dossiers:queue"),
    NavItem(_("Tiếp nhận"), "dossiers:receive", (Role.DESK_CLERK,)),
    NavItem(_("Trễ hạn"), "dossiers:late", (Role.UNIT_LEADER,)),
    NavItem(_("Sổ theo dõi"), "dossiers:book", (Role.DESK_CLERK, Role.UNIT_LEADER)),
    NavItem(_("Phản ánh"), "feedback:queue"),
    NavItem(_("Văn bản"), "documents:registers", (Role.CLERICAL_OFFICER,)),
    NavItem(_("Chờ cho ý kiến"), "documents:awaiting-direction", (Role.UNIT_LEADER,)),
    NavItem(_("Xử lý văn bản"), "documents:my-handling"),
    NavItem(_("Tổng đài 1022"), "feedback:operator", (Role.HOTLINE_OPERATOR,)),
    NavItem(_("Chất lượng phục vụ"), "stats:staff", (Role.UNIT_LEADER, Role.ADMINISTRATOR, Role.HOTLINE_OPERATOR)),
    NavItem(_("Đơn vị"), "portal:units"),
    NavItem(_("Lịch làm việc"), "portal:calendar"),
    NavItem(_("Nhật ký hệ thống"), "portal:audit", (Role.ADMINISTRATOR,)),
    NavItem(_("Quản trị"), "admin:index", (Role.ADMINISTRATOR,)),
)


def navigation_for(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    return [item for item in STAFF_MENU if not item.roles or any(user_has_role(user, r) for r in item.roles)]
