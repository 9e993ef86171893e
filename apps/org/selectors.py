"""Reads on the organisation. `units_visible_to` is the one scope every other selector builds on."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.core.text import search_terms
from apps.org.models import AccessGrant, Membership, Role, Unit, User


def memberships_active_on(day=None) -> QuerySet[Membership]:
    """The one definition of a membership in force: started on or before the day and not ended before it."""
    day = day or timezone.localdate()
    return Membership.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def active_memberships(user) -> QuerySet[Membership]:
    return memberships_active_on().filter(user=user)


def primary_units(user) -> list[Unit]:
    return [m.unit for m in active_memberships(user).select_related("unit")]


def _scope_q(user) -> Q | None:
    """The Q over Unit for what `user` may see; None means everything (superuser)."""
    if user.is_superuser:
        return None
    cache = getattr(user, "_congvu_scope_q", None)
    if cache is not None:
        return cache
    today = timezone.localdate()
    scope = Q(pk__in=[])
    for path in active_memberships(user).values_list("unit__path", flat=True):
        scope |= Q(path__startswith=path)
    grants = AccessGrant.objects.filter(user=user).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    for path, unit_id, include_subtree in grants.values_list("unit__path", "unit_id", "include_subtree"):
        scope |= Q(path__startswith=path) if include_subtree else Q(pk=unit_id)
    user._congvu_scope_q = scope  # memoised for the request: the user object lives as long as it
    return scope


def units_visible_to(user) -> QuerySet[Unit]:
    """Own units and their subtrees plus explicit grants. Anonymous users see none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    scope = _scope_q(user)
    return Unit.objects.all() if scope is None else Unit.objects.filter(scope)


def can_see_unit(user, unit: Unit) -> bool:
    return units_visible_to(user).filter(pk=unit.pk).exists()


def can_move_unit(user, unit: Unit) -> bool:
    """A unit is moved by someone who sees it and its parent, and is not one of their own units: an administrator
    cannot re-hang the top of their own scope (they would lose sight of it)."""
    if user.is_superuser:
        return True
    if unit.parent_id is None or not can_see_unit(user, unit) or not can_see_unit(user, unit.parent):
        return False
    return not active_memberships(user).filter(unit=unit).exists()


def unit_list(user, *, query: str = "", kind: str = "", level: str = "") -> QuerySet[Unit]:
    units = units_visible_to(user).select_related("parent")
    for term in search_terms(query):
        units = units.filter(search_key__contains=term)
    if kind:
        units = units.filter(kind=kind)
    if level:
        units = units.filter(level=level)
    return units.order_by("path")


def unit_subtree(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=unit.path)


def unit_ancestors(unit: Unit) -> list[Unit]:
    by_id = Unit.objects.in_bulk(unit.ancestor_ids)
    return [by_id[pk] for pk in unit.ancestor_ids if pk in by_id]


def staff_visible_to(user, *, query: str = "", unit: Unit | None = None) -> QuerySet[User]:
    """Staff with an active membership in a unit the user may see."""
    units = units_visible_to(user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    members = memberships_active_on().filter(unit__in=units)
    staff = User.objects.filter(pk__in=members.values("user_id"))
    for term in search_terms(query):
        staff = staff.filter(search_key__contains=term)
    return staff.order_by("full_name", "username")


def user_roles(user) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    cache = getattr(user, "_congvu_roles", None)
    if cache is None:
        cache = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._congvu_roles = cache
    return cache


def user_has_role(user, role: str) -> bool:
    return user is not None and user.is_authenticated and (user.is_superuser or role in user_roles(user))


def head_of(unit: Unit) -> User | None:
    membership = active_memberships_of_unit(unit).filter(is_head=True).select_related("user").first()
    return membership.user if membership else None


def active_memberships_of_unit(unit: Unit) -> QuerySet[Membership]:
    return memberships_active_on().filter(unit=unit)


def is_head_of(user, unit: Unit) -> bool:
    return active_memberships_of_unit(unit).filter(user=user, is_head=True).exists()


def filing_unit_for_desk(desk: Unit) -> Unit | None:
    """The committee a desk receives for: a commune desk's parent, or (service centre) the province."""
    return desk.parent if desk.kind == Unit.Kind.ONE_STOP_DESK else province_root()


def one_stop_desk_for(unit: Unit) -> Unit | None:
    """Where dossiers for `unit` are received: its own one-stop desk, else (province level) the service centre."""
    desk = unit.children.filter(kind=Unit.Kind.ONE_STOP_DESK, is_active=True).order_by("sort_order", "pk").first()
    if desk is not None:
        return desk
    if unit.level == Unit.Level.PROVINCE:
        root = Unit.objects.filter(pk=unit.ancestor_ids[0]).first() if unit.ancestor_ids else None
        if root is not None:
            return unit_subtree(root).filter(kind=Unit.Kind.SERVICE_CENTRE, is_active=True).order_by("path").first()
    return None


def agency_code_of(unit: Unit) -> str | None:
    """The electronic identifier of the unit or of its nearest ancestor that has one."""
    if unit.agency_code:
        return unit.agency_code
    for ancestor in reversed(unit_ancestors(unit)):
        if ancestor.agency_code:
            return ancestor.agency_code
    return None


def is_leader_over(user, unit: Unit) -> bool:
    """A unit leader whose own unit is this unit or one of its ancestors."""
    if not user_has_role(user, Role.UNIT_LEADER):
        return False
    return active_memberships(user).filter(unit_id__in=unit.ancestor_ids).exists()


def committees_in_province_of(unit: Unit) -> QuerySet[Unit]:
    """The people's committees of the province `unit` belongs to: any of them may be the competent unit of a
    dossier received at one of its desks (Decree 118/2025, receipt regardless of administrative boundary)."""
    root = unit.ancestor_ids[0] if unit.ancestor_ids else unit.pk
    return Unit.objects.filter(path__startswith=f"/{root}/", kind=Unit.Kind.PEOPLES_COMMITTEE, is_active=True).order_by(
        "level", "sort_order", "name"
    )


def desks_in_province_of(unit: Unit) -> QuerySet[Unit]:
    root = unit.ancestor_ids[0] if unit.ancestor_ids else unit.pk
    desk_kinds = (Unit.Kind.ONE_STOP_DESK, Unit.Kind.SERVICE_CENTRE)
    return (
        Unit.objects.filter(path__startswith=f"/{root}/", kind__in=desk_kinds, is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def province_root() -> Unit | None:
    return (
        Unit.objects.filter(parent__isnull=True, level=Unit.Level.PROVINCE, kind=Unit.Kind.PEOPLES_COMMITTEE)
        .order_by("sort_order", "pk")
        .first()
    )


PROVINCE_NAME_KEY = "congvu:province_name"
PROVINCE_NAME_SECONDS = 300
_province_memo: dict = {"name": None, "at": 0.0}


def province_name() -> str:
    """The province's name for page headers: PROVINCE_NAME, else the root people's committee's. Every page shows
    it, so each process keeps it for five minutes (no cache round trip per page); a rename shows within that."""
    if settings.PROVINCE_NAME:
        return settings.PROVINCE_NAME
    if _province_memo["name"] is not None and time.monotonic() - _province_memo["at"] < PROVINCE_NAME_SECONDS:
        return _province_memo["name"]
    name = cache.get(PROVINCE_NAME_KEY)
    if not name:
        root = province_root()
        name = root.name.removeprefix("Ủy ban nhân dân").strip() if root else ""
        name = name[:1].upper() + name[1:]
        if name:
            cache.set(PROVINCE_NAME_KEY, name, 3600)
    if name:  # none yet (a new installation): asked again next time
        _province_memo.update(name=name, at=time.monotonic())
    return name


def forget_province_name() -> None:
    _province_memo["name"] = None


def staff_profile(user) -> dict:
    """What the staff home needs about the signed-in person: units, roles, headships."""
    memberships = list(active_memberships(user).select_related("unit", "unit__parent"))
    return {
        "memberships": memberships,
        "roles": sorted(user_roles(user)),
        "role_labels": [Role(code).label for code in sorted(user_roles(user))],
        "heads": [m.unit for m in memberships if m.is_head],
    }
