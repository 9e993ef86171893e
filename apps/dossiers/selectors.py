"""Reads of dossiers, always through the unit scope: desk, handling units at any step, leaders over the subtree."""

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.core.text import search_terms
from apps.dossiers.models import Dossier, DossierStep
from apps.org.selectors import active_memberships, units_visible_to, user_roles

QUEUE_SCOPES = ("mine", "unit", "due_soon", "late")
LIST_RELATED = ("procedure", "desk", "filing_unit", "current_step", "current_step__unit", "current_step__assignee")


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    units = units_visible_to(user).values("pk")
    at_my_steps = DossierStep.objects.filter(dossier=OuterRef("pk"), unit__in=units)
    return Dossier.objects.filter(Q(filing_unit__in=units) | Q(desk__in=units) | Exists(at_my_steps))


def dossier_for(user, *, code: str) -> Dossier:
    return dossiers_visible_to(user).select_related(*LIST_RELATED, "received_by").get(code=code)


def dossier_timeline(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.select_related("unit", "assignee", "finished_by").order_by("order"))


def _due_soon_limit(now: dt.datetime) -> dt.datetime:
    """Until the end of the next working day (nationally): what must move today or tomorrow."""
    from apps.calendar.selectors import national_calendar

    return national_calendar().add_working_days(now, 1)


def work_queue(
    user, *, scope: str = "unit", query: str = "", procedure_id: int | None = None, now: dt.datetime | None = None
) -> QuerySet[Dossier]:
    """Open dossiers waiting at a step in the user's scope, oldest deadline first."""
    now = now or timezone.now()
    # A dossier waiting at a step of one's own units is visible by definition: no need for the wider scope query.
    dossiers = Dossier.objects.filter(status__in=Dossier.OPEN_STATUSES, current_step__isnull=False)
    if not user.is_superuser:
        dossiers = dossiers.filter(current_step__unit__in=units_visible_to(user).values("pk"))
    if scope == "mine":
        my_units = active_memberships(user).values("unit_id")
        dossiers = dossiers.filter(
            Q(current_step__assignee=user)
            | Q(current_step__assignee__isnull=True, current_step__unit__in=my_units,
                current_step__role__in=sorted(user_roles(user)))
        )  # fmt: skip
    elif scope == "due_soon":
        dossiers = dossiers.filter(current_step__due_at__gte=now, current_step__due_at__lte=_due_soon_limit(now))
    elif scope == "late":
        dossiers = dossiers.filter(Q(current_step__due_at__lt=now) | Q(appointment_at__lt=now))
    for term in search_terms(query):
        dossiers = dossiers.filter(search_key__contains=term)
    if procedure_id:
        dossiers = dossiers.filter(procedure_id=procedure_id)
    return dossiers.select_related(*LIST_RELATED).order_by("current_step__due_at", "pk")


def queue_counts(user, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The four tab counts in one query each (they do not grow with rows)."""
    now = now or timezone.now()
    return {scope: work_queue(user, scope=scope, now=now).count() for scope in QUEUE_SCOPES}


def late_and_at_risk(user, *, now: dt.datetime | None = None) -> dict:
    """For leaders: open dossiers past their appointment or whose current step is late, grouped by the unit and
    the officer holding them."""
    now = now or timezone.now()
    late = work_queue(user, scope="late", now=now)
    by_unit = (
        late.values("current_step__unit__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "current_step__unit__name")
    )
    by_officer = (
        late.exclude(current_step__assignee__isnull=True)
        .values("current_step__assignee__full_name", "current_step__assignee__username")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    return {"dossiers": late, "by_unit": list(by_unit), "by_officer": list(by_officer)}


TRACKING_CACHE_SECONDS = 30
PUBLIC_FIELDS = ("code", "channel", "status", "submitted_at", "received_at", "appointment_at",
                 "original_appointment_at", "rescheduled", "ready_at", "returned_at", "outcome",
                 "procedure__name", "procedure__code", "filing_unit__name")  # fmt: skip


def tracking_cache_key(code: str) -> str:
    return f"tracking:{code}"


def public_tracking(code: str) -> Dossier | None:
    """The dossier with its steps for the public page (no personal data is shown there)."""
    return (
        Dossier.objects.select_related("procedure", "desk", "filing_unit")
        .prefetch_related("steps__unit")
        .filter(code=code)
        .first()
    )


def public_tracking_data(code: str) -> dict | None:
    """What anyone may see of a dossier by its code: status, dates, steps with their units; no personal data.

    Two indexed queries and no model instances; cached briefly, and dropped by every service that changes the
    dossier (see services._lock), so a citizen never sees a stale status after a change."""
    key = tracking_cache_key(code)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    row = Dossier.objects.filter(code=code).values("pk", *PUBLIC_FIELDS).first()
    if row is None:
        cache.set(key, {}, TRACKING_CACHE_SECONDS)
        return None
    steps = list(
        DossierStep.objects.filter(dossier_id=row.pop("pk"))
        .order_by("order")
        .values("order", "name", "unit__name", "started_at", "due_at", "finished_at", "outcome")
    )
    data = {**row, "steps": steps}
    cache.set(key, data, TRACKING_CACHE_SECONDS)
    return data
