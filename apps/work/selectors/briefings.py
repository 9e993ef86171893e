"""Reads on briefings, scoped: a member of staff sees the briefings of the units they see, those they chair or are
invited to by name, and those a unit they see is invited to. One briefing comes with its participants, conclusions,
their tasks and its schedule entry in a fixed number of queries."""

from django.db.models import Prefetch, Q, QuerySet

from apps.org.models import Unit
from apps.work.models import Briefing, BriefingParticipant, Conclusion
from apps.work.selectors.scope import leads, led_units, visible_units_q


def _visible_q(user) -> Q:
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    return (
        visible_units_q(user)
        | Q(chaired_by=user)
        | Q(participants__user=user)
        | visible_units_q(user, prefix="participants__unit__")
    )


def briefings_for(user, *, status: str = "", unit: Unit | None = None) -> QuerySet[Briefing]:
    visible = Briefing.objects.filter(_visible_q(user)).values("pk")
    briefings = Briefing.objects.filter(pk__in=visible).select_related("unit", "chaired_by")
    if status:
        briefings = briefings.filter(status=status)
    if unit is not None:
        briefings = briefings.filter(unit=unit)
    return briefings.order_by("-starts_at", "pk")


def briefing_for(user, pk: int) -> Briefing | None:
    participants = Prefetch(
        "participants",
        queryset=BriefingParticipant.objects.select_related("user", "unit").order_by(
            "unit__path", "user__full_name", "pk"
        ),
    )
    conclusions = Prefetch(
        "conclusions",
        queryset=Conclusion.objects.select_related("owner_unit", "owner_user", "task").order_by("order", "pk"),
    )
    return (
        briefings_for(user)
        .filter(pk=pk)
        .select_related("schedule_entry", "created_by")
        .prefetch_related(participants, conclusions)
        .first()
    )


def can_organise(user, unit: Unit) -> bool:
    return leads(user, unit)


def can_manage(user, briefing: Briefing) -> bool:
    """The chair or a leader over the unit records attendance, minutes and conclusions."""
    return user.is_authenticated and (user.pk == briefing.chaired_by_id or leads(user, briefing.unit))


def organiser_units(user) -> QuerySet[Unit]:
    return led_units(user)
