"""Reads of feedback: staff see what their units received, handle or are named in; the public sees only
published answers, never contact details."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.calendar.selectors import due_soon_limit
from apps.core.phones import normalize_phone
from apps.core.text import search_terms
from apps.feedback.models import Category, Feedback
from apps.org.selectors import active_memberships, units_visible_to

S = Feedback.Status
QUEUE_SCOPES = ("to_classify", "unit", "mine", "approval", "due_soon", "late", "answered", "forwarded")
LIST_RELATED = ("category", "assigned_unit", "assignee", "receiving_unit")
PUBLIC_FIELDS = ("code", "channel", "category__name", "category__code", "title", "content", "address", "latitude",
                 "longitude", "status", "received_at", "due_at", "assigned_unit__name", "answer", "answered_at",
                 "published_at", "is_public", "forwarded_to")  # fmt: skip
# An unpublished item shows these only: everything else was written by the sender, about them, or for them.
UNPUBLISHED_FIELDS = ("code", "status", "received_at", "due_at", "answered_at", "published_at", "is_public")


def feedback_visible_to(user) -> QuerySet[Feedback]:
    if user is None or not user.is_authenticated:
        return Feedback.objects.none()
    if user.is_superuser:
        return Feedback.objects.all()
    units = units_visible_to(user).values("pk")
    return Feedback.objects.filter(Q(receiving_unit__in=units) | Q(assigned_unit__in=units) | Q(about_unit__in=units))


def feedback_queue(user, *, scope: str = "unit", query: str = "", category: str = "", now=None) -> QuerySet[Feedback]:
    now = now or timezone.now()
    items = feedback_visible_to(user)
    if scope == "to_classify":
        items = items.filter(status=S.RECEIVED)
    elif scope == "unit":
        items = items.filter(status=S.ASSIGNED, assigned_unit__in=active_memberships(user).values("unit_id"))
    elif scope == "mine":
        items = items.filter(status=S.ASSIGNED, assignee=user)
    elif scope == "approval":
        items = items.filter(status=S.APPROVAL)  # answers waiting for a leader over the unit
    elif scope == "due_soon":
        items = items.filter(status__in=Feedback.OPEN_STATUSES, due_at__gte=now, due_at__lte=due_soon_limit(now))
    elif scope == "late":
        items = items.filter(status__in=Feedback.OPEN_STATUSES, due_at__lt=now)
    elif scope == "answered":  # forwarded outside is not answered (and a closed forwarded item has no answer)
        items = items.filter(status__in=(S.ANSWERED, S.CLOSED), answered_at__isnull=False)
    elif scope == "forwarded":
        items = items.filter(forwarded_at__isnull=False, status__in=(S.FORWARDED, S.CLOSED))
    for term in search_terms(query):
        items = items.filter(search_key__contains=term)
    if category:
        items = items.filter(category__code=category)
    order = {"answered": ("-answered_at", "-pk"), "forwarded": ("-forwarded_at", "-pk")}.get(scope, ("due_at", "pk"))
    return items.select_related(*LIST_RELATED).order_by(*order)


def queue_counts(user, *, now=None) -> dict[str, int]:
    now = now or timezone.now()
    return {scope: feedback_queue(user, scope=scope, now=now).count() for scope in QUEUE_SCOPES}


def feedback_by_phone(user, phone: str, *, limit: int = 20) -> list[Feedback]:
    """The hotline operator's lookup: earlier feedback from the same number, newest first."""
    phone = normalize_phone(phone)
    if len(phone) < 9:
        return []
    return list(
        feedback_visible_to(user)
        .filter(contact_phone=phone)
        .select_related(*LIST_RELATED)
        .order_by("-received_at")[:limit]
    )


def feedback_for(user, code: str) -> Feedback:
    return feedback_visible_to(user).select_related(*LIST_RELATED, "procedure", "dossier", "about_unit").get(code=code)


def public_feedback(code: str) -> dict | None:
    """What anyone may see by the code: its code, status and dates; the rest (title, question, place, unit, answer)
    only once the unit published it. Contact details never."""
    row = Feedback.objects.filter(code=code).values(*PUBLIC_FIELDS).first()
    if row is None or row["is_public"]:
        return row
    return {name: value if name in UNPUBLISHED_FIELDS else None for name, value in row.items()}


def feedback_by_rating_token(token: str) -> Feedback | None:
    """The item a rating link was sent for (the token is the proof that the holder is its sender)."""
    if not token:
        return None
    return Feedback.objects.select_related("category", "assigned_unit").filter(rating_token=token).first()


def published_answers(*, query: str = "", category: str = "") -> QuerySet[Feedback]:
    items = Feedback.objects.filter(is_public=True)
    for term in search_terms(query):
        items = items.filter(search_key__contains=term)
    if category:
        items = items.filter(category__code=category)
    return items.select_related("category", "assigned_unit").order_by("-published_at", "-pk")


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)
