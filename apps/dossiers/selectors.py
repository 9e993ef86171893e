"""Reads of dossiers, always through the unit scope: desk, handling units at any step, leaders over the subtree."""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.calendar.selectors import due_soon_limit
from apps.core.phones import same_phone
from apps.core.text import search_terms
from apps.dossiers.models import Apology, Dossier, DossierStep
from apps.org.selectors import active_memberships, units_visible_to, user_roles

QUEUE_SCOPES = ("waiting", "mine", "unit", "due_soon", "late")
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


def queue_unit_ids(user) -> list[int] | None:
    """The units whose queues the user sees, as a list (None: all). Handing the database literal ids lets SQLite's
    planner pick the queue index; a subquery looks unselective to it and it scans every open dossier instead."""
    return None if user.is_superuser else list(units_visible_to(user).values_list("pk", flat=True))


def work_queue(
    user,
    *,
    scope: str = "unit",
    query: str = "",
    procedure_id: int | None = None,
    now: dt.datetime | None = None,
    unit_ids: list[int] | None = None,
) -> QuerySet[Dossier]:
    """Open dossiers waiting at a step in the user's scope, oldest deadline first.

    The queue columns (current_unit, current_due_at) are set exactly while a dossier waits at a step and cleared
    when it closes, so they alone select the open dossiers; the index on them answers with a range scan per unit,
    whatever the province's size. A dossier waiting at one of the user's units is visible to the user by definition.
    """
    now = now or timezone.now()
    if not user.is_superuser:
        unit_ids = queue_unit_ids(user) if unit_ids is None else unit_ids
    if scope == "waiting":
        return _filtered(awaiting_desk_check(user, unit_ids=unit_ids), query, procedure_id).order_by(
            "submitted_at", "pk"
        )
    dossiers = Dossier.objects.filter(current_unit__isnull=False)
    if not user.is_superuser:
        dossiers = dossiers.filter(current_unit__in=unit_ids)
    if scope == "mine":
        my_units = set(active_memberships(user).values_list("unit_id", flat=True))
        # A step is assigned within its unit, so "mine" stays on the queue index: my units first, then the person.
        dossiers = dossiers.filter(current_unit__in=sorted(my_units)).filter(
            Q(current_step__assignee=user)
            | Q(current_step__assignee__isnull=True, current_step__role__in=sorted(user_roles(user)))
        )
    elif scope == "due_soon":
        dossiers = dossiers.filter(current_due_at__gte=now, current_due_at__lte=due_soon_limit(now))
    elif scope == "late":
        dossiers = dossiers.filter(Q(current_due_at__lt=now) | Q(due_at__lt=now))
    return _filtered(dossiers, query, procedure_id).order_by("current_due_at", "pk")


def _filtered(dossiers: QuerySet[Dossier], query: str, procedure_id: int | None) -> QuerySet[Dossier]:
    for term in search_terms(query):
        dossiers = dossiers.filter(search_key__contains=term)
    if procedure_id:
        dossiers = dossiers.filter(procedure_id=procedure_id)
    return dossiers.select_related(*LIST_RELATED)


def awaiting_desk_check(user, *, unit_ids: list[int] | None = None) -> QuerySet[Dossier]:
    """Dossiers submitted online (or completed by the citizen) that wait for a desk's check before receipt: no
    clock runs yet, so they are in no step's queue. Only desks the user works at or oversees."""
    dossiers = Dossier.objects.filter(status=Dossier.Status.SUBMITTED)
    if user.is_superuser:
        return dossiers
    return dossiers.filter(desk__in=queue_unit_ids(user) if unit_ids is None else unit_ids)


def queue_page(queryset: QuerySet[Dossier], page_number, per_page: int = 30):
    """Paginate on the narrow (id, due time) index first, then load the page's rows with their joins: sorting a
    few thousand ids is cheap, sorting a few thousand fully joined rows is not."""
    from django.core.paginator import Paginator

    page = Paginator(queryset.select_related(None).values_list("pk", flat=True), per_page).get_page(page_number)
    ids = list(page.object_list)
    rows = queryset.model.objects.select_related(*LIST_RELATED).in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def queue_counts(user, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The tab counts in one query each (they do not grow with rows)."""
    now = now or timezone.now()
    unit_ids = queue_unit_ids(user)
    return {scope: work_queue(user, scope=scope, now=now, unit_ids=unit_ids).count() for scope in QUEUE_SCOPES}


def late_and_at_risk(user, *, now: dt.datetime | None = None) -> dict:
    """For leaders: open dossiers past their appointment or whose current step is late, grouped by the unit and
    the officer holding them."""
    now = now or timezone.now()
    late = work_queue(user, scope="late", now=now)
    by_unit = late.values("current_unit__name").annotate(count=Count("pk")).order_by("-count", "current_unit__name")
    by_officer = (
        late.exclude(current_step__assignee__isnull=True)
        .values("current_step__assignee__full_name", "current_step__assignee__username")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    return {"dossiers": late, "by_unit": list(by_unit), "by_officer": list(by_officer)}


def apologies_waiting(user) -> QuerySet[Apology]:
    """BM.04 drafts in the user's scope, the most urgent first."""
    return (
        Apology.objects.filter(dossier__in=dossiers_visible_to(user), status=Apology.Status.DRAFT)
        .select_related("dossier", "unit", "dossier__procedure")
        .order_by("original_appointment_at")
    )


def apologies_signed_late(user, *, limit: int = 50) -> QuerySet[Apology]:
    """Signed apologies that reached the citizen only after the due time they apologise for (the latest first)."""
    return (
        Apology.objects.filter(
            dossier__in=dossiers_visible_to(user),
            status=Apology.Status.APPROVED,
            approved_at__gt=F("original_appointment_at"),
        )
        .select_related("dossier", "unit")
        .order_by("-approved_at")[:limit]
    )


def dossier_of_owner(code: str, secret: str) -> Dossier | None:
    """The dossier with this code when `secret` is its applicant's phone (however typed) or ID number; else None
    (the same answer for a wrong code and a wrong secret, so neither can be guessed apart)."""
    dossier = (
        Dossier.objects.select_related("procedure", "desk", "filing_unit").filter(code=code.strip().upper()).first()
    )
    if dossier is None or not secret:
        return None
    return dossier if is_owner(secret, dossier.applicant_phone, dossier.applicant_id_number) else None


def is_owner(secret: str, phone: str, id_number: str) -> bool:
    """The secret an applicant gives is the dossier's phone (however typed) or ID number."""
    secret = secret.strip()
    return same_phone(secret, phone) or secret.replace(" ", "") == id_number


def dossier_by_code(code: str) -> Dossier | None:
    """A dossier named by its code (another app links to it, e.g. a feedback item about a dossier)."""
    return Dossier.objects.select_related("procedure").filter(code=code).first()
