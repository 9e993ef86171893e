"""The staff menu: what each role sees. Later apps add their entries here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.documents.selectors.handling import my_handling
from apps.org.models import Role
from apps.org.selectors import user_has_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in staff member
    also_when: Callable | None = None  # shown besides to a user without the roles for whom this says True

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _holds_documents(user) -> bool:
    """Anyone can be given an incoming document to handle; they find it from the menu while they hold one."""
    return my_handling(user).exists()


STAFF_MENU = (
    NavItem(_("Trang làm việc"), "portal:staff-home"),
    NavItem(_("Hồ sơ"), "dossiers:queue"),
    NavItem(_("Tiếp nhận"), "dossiers:receive", (Role.DESK_CLERK,)),
    NavItem(_("Trễ hạn"), "dossiers:late", (Role.UNIT_LEADER,)),
    NavItem(_("Sổ theo dõi"), "dossiers:book", (Role.DESK_CLERK, Role.UNIT_LEADER)),
    NavItem(_("Phản ánh"), "feedback:queue"),
    NavItem(_("Sổ văn bản"), "documents:registers", (Role.CLERICAL_OFFICER, Role.UNIT_LEADER)),
    NavItem(_("Liên thông"), "documents:exchange-inbox", (Role.CLERICAL_OFFICER,)),
    NavItem(_("Chờ cho ý kiến"), "documents:awaiting-direction", (Role.UNIT_LEADER,)),
    NavItem(
        _("Xử lý văn bản"),
        "documents:my-handling",
        (Role.HANDLING_OFFICER, Role.UNIT_LEADER, Role.CLERICAL_OFFICER),
        also_when=_holds_documents,
    ),
    NavItem(_("Công việc"), "work:my-tasks"),
    NavItem(_("Theo dõi nhiệm vụ"), "work:follow-up", (Role.UNIT_LEADER,)),
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
    return [item for item in STAFF_MENU if _shown(item, user)]


def _shown(item: NavItem, user) -> bool:
    if not item.roles or any(user_has_role(user, role) for role in item.roles):
        return True
    return item.also_when is not None and item.also_when(user)
