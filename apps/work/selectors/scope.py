"""Who sees and directs what in the work app: the one place the unit scope of tasks, programmes, reports,
commitments and briefings is written.

* A member of staff sees the work of the units they see (their own units and subtrees, and explicit grants:
  `apps.org.selectors.units_visible_to`), plus what they assigned or were given by name. A commune sees nothing of
  another commune.
* A leader (role unit_leader) leads their own units and everything below them: they assign tasks there, approve
  extensions, and follow it on the follow-up page."""

from django.db.models import Q

from apps.org import selectors as org
from apps.org.models import Role, Unit


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_units_q(user, prefix: str = "unit__") -> Q:
    """The units `user` sees, as a filter on the unit reached by `prefix` ("" on Unit itself)."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return Q(**{f"{prefix or 'pk__'}in": org.units_visible_to(user)})


def led_paths(user) -> list[str]:
    """Paths of the units `user` leads (their memberships, when they hold the leader role)."""
    if not _authenticated(user) or not org.user_has_role(user, Role.UNIT_LEADER):
        return []
    cached = getattr(user, "_congvu_led_paths", None)
    if cached is None:
        cached = sorted(org.active_memberships(user).values_list("unit__path", flat=True))
        user._congvu_led_paths = cached
    return cached


def led_units_q(user, prefix: str = "unit__") -> Q:
    """The units `user` leads and those below them, as a filter on the unit reached by `prefix`; nothing for a
    non-leader; everything for a superuser."""
    if _authenticated(user) and user.is_superuser:
        return Q()
    paths = led_paths(user)
    if not paths:
        return Q(pk__in=[])
    led = Q()
    for path in paths:
        led |= Q(**{f"{prefix}path__startswith": path})
    return led


def leads(user, unit: Unit) -> bool:
    if _authenticated(user) and user.is_superuser:
        return True
    return any(unit.path.startswith(path) for path in led_paths(user))


def led_units(user):
    """The units `user` may direct (assign to, ask reports of), in tree order."""
    return Unit.objects.filter(led_units_q(user, prefix=""), is_active=True).order_by("path")


def works_within(user, unit: Unit) -> bool:
    """`user` works (today) in `unit` or in a unit below it."""
    return org.active_memberships(user).filter(unit__path__startswith=unit.path).exists()
