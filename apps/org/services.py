"""Writes on the organisation: each one a transaction that also writes its audit event."""

import datetime as dt

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.audit import model_changes, record_event, snapshot
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.text import normalize_text
from apps.org import selectors
from apps.org.models import AccessGrant, Membership, Role, Unit, User

UNIT_FIELDS = ["name", "short_name", "symbol", "kind", "level", "agency_code", "address", "phone", "email",
               "sort_order", "is_active"]  # fmt: skip


def _require_admin_of(actor, unit: Unit | None) -> None:
    """Only administrators may change the organisation, and only inside what they may see."""
    if actor is None or actor.is_superuser:
        return
    if not selectors.user_has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDeniedError(_("Chỉ quản trị hệ thống mới được thay đổi tổ chức."))
    if unit is None or not selectors.can_see_unit(actor, unit):
        raise PermissionDeniedError(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))


def check_unit_parent(*, actor, unit: Unit | None, parent: Unit | None) -> None:
    """Where `actor` may hang `unit` (None: a unit being created): under a unit of their scope, never under the unit
    itself or its subtree; a unit without a parent (a root) only for a superuser. Raises a DomainError."""
    if parent is None:
        if actor is not None and not actor.is_superuser:
            raise PermissionDeniedError(
                _("Chỉ quản trị viên cấp cao nhất mới tạo được đơn vị gốc; hãy chọn đơn vị cấp trên."), field="parent"
            )
    else:
        _require_admin_of(actor, parent)
    if unit is None or unit.pk is None:
        return
    _require_admin_of(actor, unit)
    if actor is not None and not selectors.can_move_unit(actor, unit):
        raise PermissionDeniedError(_("Bạn không thể chuyển đơn vị đứng đầu phạm vi quản lý của mình."), field="parent")
    if parent is not None and parent.path.startswith(unit.path):
        raise DomainError(_("Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc của nó."), field="parent")


def check_staff_unit(*, actor, unit: Unit | None) -> None:
    """Staff created by an administrator get a place in their scope; only a superuser creates staff without one."""
    if unit is None and actor is not None and not actor.is_superuser:
        raise DomainError(_("Hãy chọn đơn vị công tác của cán bộ."), field="unit")
    _require_admin_of(actor, unit)


def _clean_unit_values(values: dict) -> dict:
    cleaned = dict(values)
    for name in ("name", "short_name", "symbol", "address"):
        if name in cleaned:
            cleaned[name] = normalize_text(cleaned[name])
    if cleaned.get("agency_code") is not None:
        cleaned["agency_code"] = normalize_text(cleaned["agency_code"]).upper() or None
    return cleaned


def _set_path(unit: Unit) -> None:
    parent_path = unit.parent.path if unit.parent_id else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = parent_path.count("/") - 1


@transaction.atomic
def unit_create(*, actor, parent: Unit | None, **values) -> Unit:
    check_unit_parent(actor=actor, unit=None, parent=parent)
    unit = Unit(parent=parent, **_clean_unit_values(values))
    unit.full_clean(exclude=["path", "depth", "search_key"])
    unit.save()
    _set_path(unit)
    unit.save(update_fields=["path", "depth"])
    record_event("org.unit.create", actor=actor, obj=unit, unit=unit, changes=model_changes(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **values) -> Unit:
    _require_admin_of(actor, unit)
    before = snapshot(unit, UNIT_FIELDS)
    for name, value in _clean_unit_values(values).items():
        if name not in UNIT_FIELDS:
            raise DomainError(_("Không sửa được trường %(field)s.") % {"field": name}, field=name)
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth", "search_key"])
    unit.save()
    changes = model_changes(unit, UNIT_FIELDS, before)
    cache.delete(selectors.PROVINCE_NAME_KEY)
    selectors.forget_province_name()
    if changes:
        record_event("org.unit.update", actor=actor, obj=unit, unit=unit, changes=changes)
    return unit


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit | None) -> Unit:
    """Re-hang a unit (and its whole subtree) under another parent."""
    check_unit_parent(actor=actor, unit=unit, parent=new_parent)
    old_path, old_parent = unit.path, unit.parent
    unit.parent = new_parent
    _set_path(unit)
    depth_shift = unit.depth - (old_path.count("/") - 2)
    Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
        path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    unit.save(update_fields=["parent", "path", "depth", "updated_at"])
    record_event(
        "org.unit.move", actor=actor, obj=unit, unit=unit,
        changes={"parent": [str(old_parent) if old_parent else None, str(new_parent) if new_parent else None]},
    )  # fmt: skip
    return unit


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    phone: str = "",
    roles: list[str] | None = None,
    unit: Unit | None = None,
    position: str = "",
    is_head: bool = False,
    start_date: dt.date | None = None,
) -> User:
    check_staff_unit(actor=actor, unit=unit)
    username = normalize_text(username).lower()
    if not username:
        raise DomainError(_("Tên đăng nhập không được để trống."), field="username")
    if User.objects.filter(username=username).exists():
        raise DomainError(_("Tên đăng nhập %(username)s đã có người dùng.") % {"username": username}, field="username")
    user = User(
        username=username,
        full_name=normalize_text(full_name),
        email=normalize_text(email),
        phone=normalize_text(phone),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record_event(
        "org.staff.create",
        actor=actor,
        obj=user,
        unit=unit,
        changes={"username": username, "full_name": user.full_name},
    )
    if unit is not None:
        membership_add(actor=actor, user=user, unit=unit, position=position, is_head=is_head, start_date=start_date)
    if roles:
        roles_set(actor=actor, user=user, roles=roles)
    return user


@transaction.atomic
def roles_set(*, actor, user: User, roles: list[str]) -> None:
    for unit in selectors.primary_units(user) or [None]:
        _require_admin_of(actor, unit)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise DomainError(_("Vai trò không tồn tại: %(roles)s.") % {"roles": ", ".join(sorted(unknown))}, field="roles")
    before = sorted(selectors.user_roles(user))
    groups = [Group.objects.get_or_create(name=code)[0] for code in roles]
    user.groups.set(groups)
    record_event("org.staff.roles", actor=actor, obj=user, changes={"roles": [before, sorted(roles)]})


@transaction.atomic
def membership_add(
    *,
    actor,
    user: User,
    unit: Unit,
    position: str = "",
    is_head: bool = False,
    is_primary: bool = True,
    start_date: dt.date | None = None,
) -> Membership:
    """`start_date` defaults to today (a past date records someone who has worked there since)."""
    _require_admin_of(actor, unit)
    start_date = start_date or timezone.localdate()
    if is_head and Membership.objects.filter(unit=unit, is_head=True, end_date__isnull=True).exists():
        raise DomainError(
            _("Đơn vị %(unit)s đã có người đứng đầu; hãy kết thúc vị trí đó trước.") % {"unit": unit},
            field="is_head",
        )
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit,
        defaults={"position": normalize_text(position), "is_head": is_head, "is_primary": is_primary,
                  "start_date": start_date},
    )  # fmt: skip
    if not created:
        if membership.end_date is None:
            raise DomainError(_("%(user)s đã công tác tại %(unit)s.") % {"user": user, "unit": unit})
        membership.position, membership.is_head, membership.end_date = normalize_text(position), is_head, None
        membership.start_date = start_date
        membership.save()
    record_event(
        "org.membership.add",
        actor=actor,
        obj=membership,
        unit=unit,
        changes={"user": user.username, "position": membership.position, "is_head": is_head, "start": start_date},
    )
    return membership


@transaction.atomic
def membership_end(*, actor, membership: Membership, end_date=None) -> Membership:
    _require_admin_of(actor, membership.unit)
    if membership.end_date is not None:
        raise DomainError(_("Vị trí công tác này đã kết thúc."))
    membership.end_date = end_date or timezone.localdate()
    membership.save(update_fields=["end_date"])
    record_event(
        "org.membership.end",
        actor=actor,
        obj=membership,
        unit=membership.unit,
        changes={"end_date": membership.end_date},
    )
    return membership


@transaction.atomic
def access_grant(
    *, actor, user: User, unit: Unit, reason: str, include_subtree: bool = True, valid_until=None
) -> AccessGrant:
    _require_admin_of(actor, unit)
    reason = normalize_text(reason)
    if not reason:
        raise DomainError(_("Cần ghi lý do cấp quyền."), field="reason")
    grant, _created = AccessGrant.objects.update_or_create(
        user=user, unit=unit,
        defaults={"reason": reason, "include_subtree": include_subtree, "valid_until": valid_until,
                  "granted_by": actor},
    )  # fmt: skip
    record_event(
        "org.access.grant",
        actor=actor,
        obj=grant,
        unit=unit,
        changes={
            "user": user.username,
            "include_subtree": include_subtree,
            "reason": reason,
            "valid_until": valid_until,
        },
    )
    return grant


@transaction.atomic
def access_revoke(*, actor, grant: AccessGrant) -> None:
    _require_admin_of(actor, grant.unit)
    record_event("org.access.revoke", actor=actor, obj=grant, unit=grant.unit, changes={"user": grant.user.username})
    grant.delete()
