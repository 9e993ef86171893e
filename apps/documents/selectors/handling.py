"""Reads on the handling of incoming documents, scoped to the reader.

Who sees an incoming document: the readers of its register (secret ones: the register's keepers only, see
selectors.registers) and the parties of its current assignment: the people named and the members of the units named.
A handler of another unit sees nothing of it. A recalled document stays in its register but leaves every queue.

The queues and the follow-up register carry their deadline state from columns written at assignment (due moment,
due-soon day), so they read in a constant number of queries whatever their length."""

import datetime as dt

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from apps.documents.models import (
    NOT_SECRET,
    Confidentiality,
    HandlingAssignment,
    HandlingEvent,
    HandlingParty,
    IncomingDocument,
    OutgoingDocument,
    Urgency,
)
from apps.documents.selectors import registers
from apps.documents.selectors.registers import can_read_register, can_see_secret
from apps.org import selectors as org
from apps.org.models import Role, Unit, User

Handling = IncomingDocument.Handling
ROLE_RANK = {HandlingParty.Role.LEAD: 0, HandlingParty.Role.CO_HANDLER: 1, HandlingParty.Role.INFORMED: 2}
URGENT_FIRST = Case(
    When(urgency=Urgency.FLASH, then=Value(0)), When(urgency=Urgency.VERY_URGENT, then=Value(1)),
    When(urgency=Urgency.URGENT, then=Value(2)), default=Value(3), output_field=IntegerField(),
)  # fmt: skip


class State:
    """The deadline state of an assignment (`deadline_state` annotation)."""

    LATE, DUE_SOON, ON_TIME, DONE, DONE_LATE = "late", "due_soon", "on_time", "done", "done_late"


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _member_units(user):
    """The user's own units as a subquery (no query of its own)."""
    return org.active_memberships(user).values("unit_id")


def _party_of(user) -> Q:
    return Q(user=user) | Q(unit_id__in=_member_units(user))


def current_assignment(document: IncomingDocument) -> HandlingAssignment | None:
    return (
        HandlingAssignment.objects.filter(document=document, superseded_at__isnull=True)
        .select_related("assigned_by", "reply_outgoing", "reply_file")
        .first()
    )


def parties(assignment: HandlingAssignment) -> list[HandlingParty]:
    return list(assignment.parties.select_related("unit", "user", "forwarded_by"))


def role_of(user, assignment: HandlingAssignment | None) -> str | None:
    """The user's strongest role in the assignment (lead, co-handler, informed), or None."""
    if assignment is None or not _signed_in(user):
        return None
    roles = assignment.parties.filter(_party_of(user)).values_list("role", flat=True)
    return min(roles, key=ROLE_RANK.__getitem__, default=None)


def holds(user, assignment: HandlingAssignment, roles) -> bool:
    return _signed_in(user) and assignment.parties.filter(_party_of(user), role__in=roles).exists()


def is_unit_leader(user) -> bool:
    return _signed_in(user) and org.user_has_role(user, Role.UNIT_LEADER)


def can_direct(user, document: IncomingDocument) -> bool:
    """A leader over the receiving unit gives the direction (assign, reassign, reopen)."""
    return _signed_in(user) and (user.is_superuser or registers.leads_within_agency(user, document.unit))


def _is_current_party(user, document: IncomingDocument) -> bool:
    return HandlingParty.objects.filter(
        _party_of(user), assignment__document=document, assignment__superseded_at__isnull=True
    ).exists()


def can_view_incoming(user, document: IncomingDocument) -> bool:
    if not _signed_in(user):
        return False
    if can_read_register(user, document.unit) and (not document.is_secret or can_see_secret(user, document.unit)):
        return True
    return _is_current_party(user, document)


def incoming_document(user, pk: int) -> IncomingDocument | None:
    """One incoming document if the user may see it (else None, as if it did not exist)."""
    document = IncomingDocument.objects.select_related("unit", "registered_by").filter(pk=pk).first()
    if document is None or not can_view_incoming(user, document):
        return None
    return document


def document_files(document: IncomingDocument):
    return document.files.select_related("uploaded_by").order_by("kind", "version", "pk")


def document_file(user, document_pk: int, file_pk: int):
    """A file of an incoming document the user may see, else None."""
    document = incoming_document(user, document_pk)
    if document is None:
        return None
    return document.files.filter(pk=file_pk).first()


def timeline(document: IncomingDocument) -> QuerySet[HandlingEvent]:
    return document.handling_events.select_related("actor", "to_unit", "to_user", "file", "reply_outgoing").order_by(
        "at", "pk"
    )


def _with_state(assignments: QuerySet[HandlingAssignment], now: dt.datetime | None = None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    return assignments.annotate(
        deadline_state=Case(
            When(done_at__isnull=False, done_at__gt=F("due_at"), then=Value(State.DONE_LATE)),
            When(done_at__isnull=False, then=Value(State.DONE)),
            When(due_at__lt=now, then=Value(State.LATE)),
            When(due_soon_on__lte=today, then=Value(State.DUE_SOON)),
            default=Value(State.ON_TIME),
        )
    )


def _live(assignments: QuerySet[HandlingAssignment]) -> QuerySet[HandlingAssignment]:
    return assignments.filter(superseded_at__isnull=True, document__recalled_at__isnull=True).exclude(
        document__handling_status=Handling.RECALLED
    )


def awaiting_direction(user) -> QuerySet[IncomingDocument]:
    """Documents of the units the user leads (and the units below them within the agency) waiting for direction,
    urgent first."""
    if not is_unit_leader(user):
        return IncomingDocument.objects.none()
    return (
        IncomingDocument.objects.filter(
            registers.led_units_q(user), handling_status=Handling.AWAITING_DIRECTION, recalled_at__isnull=True
        )
        .select_related("unit")
        .annotate(urgency_rank=URGENT_FIRST)
        .order_by("urgency_rank", "received_at", "pk")
    )


def my_handling(user, *, now: dt.datetime | None = None) -> QuerySet[HandlingAssignment]:
    """Current assignments of documents in handling where the user or one of their units is lead, co-handler or
    informed; `my_role` and `deadline_state` annotated; late first, then by deadline and urgency."""
    if not _signed_in(user):
        return HandlingAssignment.objects.none()
    now = now or timezone.now()
    mine = HandlingParty.objects.filter(_party_of(user), assignment=OuterRef("pk"))
    strongest = mine.annotate(
        rank=Case(*(When(role=role, then=Value(rank)) for role, rank in ROLE_RANK.items()), output_field=IntegerField())
    ).order_by("rank")
    assignments = _mine_in_handling(user).annotate(my_role=Subquery(strongest.values("role")[:1]))
    return (
        _with_state(assignments, now)
        .select_related("document", "document__unit", "assigned_by")
        .prefetch_related("parties__unit", "parties__user")
        .annotate(
            late_first=Case(When(due_at__lt=now, then=Value(0)), default=Value(1)),
            urgency_rank=Case(
                *(
                    When(document__urgency=u, then=Value(r))
                    for u, r in ((Urgency.FLASH, 0), (Urgency.VERY_URGENT, 1), (Urgency.URGENT, 2))
                ),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        .order_by("late_first", "deadline", "urgency_rank", "pk")
    )


COUNT_CAP = 999


def _mine_in_handling(user) -> QuerySet[HandlingAssignment]:
    """Current assignments in handling where the user or one of their units is a party. Read from the user's
    parties first (indexed by user and by unit), not from every document in handling."""
    parties = HandlingParty.objects.filter(_party_of(user)).values("assignment_id")
    return _live(HandlingAssignment.objects.filter(pk__in=parties, document__handling_status=Handling.ASSIGNED))


def handling_counts(user, *, now: dt.datetime | None = None) -> dict[str, int]:
    """For the documents' menu on every documents page: waiting for my direction, in my handling, and of those the
    late ones. Plain counts (two queries), without the queues' ordering and annotations."""
    if not _signed_in(user):
        return {"awaiting": 0, "mine": 0, "late": 0}
    now = now or timezone.now()
    mine = _mine_in_handling(user).aggregate(mine=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    # a badge needs no exact figure past a few hundred: counting stops there (the province's chairman can have tens
    # of thousands of documents under him waiting)
    return {"awaiting": awaiting_direction(user).order_by()[:COUNT_CAP].count(), **mine}


def follow_up_register(user, unit: Unit, year: int, *, now: dt.datetime | None = None):
    """The follow-up register (Decree 30/2020, Appendix IV: 7 columns) of the unit and year: every incoming
    document given a direction, in register order, with its current assignment and deadline state."""
    if not can_read_register(user, unit):
        return HandlingAssignment.objects.none()
    assignments = HandlingAssignment.objects.filter(
        superseded_at__isnull=True, document__unit=unit, document__year=year
    )
    if not can_see_secret(user, unit):
        assignments = assignments.filter(document__confidentiality=Confidentiality.NORMAL)
    return (
        _with_state(assignments, now)
        .select_related("document", "document__unit", "reply_outgoing")
        .prefetch_related("parties__unit", "parties__user")
        .order_by("document__number")
    )


def lead_names(assignment: HandlingAssignment) -> str:
    """The lead parties' names (from the prefetched parties)."""
    return "; ".join(p.holder_name for p in assignment.parties.all() if p.role == HandlingParty.Role.LEAD)


def assignable_units(document: IncomingDocument) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=document.unit.path, is_active=True).order_by("path")


def assignable_people(document: IncomingDocument) -> QuerySet[User]:
    """Staff of the receiving unit and the units below it, each with the name of their unit (`unit_name`)."""
    members = org.memberships_active_on().filter(unit__path__startswith=document.unit.path)
    return (
        User.objects.filter(pk__in=members.values("user_id"), is_active=True)
        .annotate(
            unit_name=Subquery(members.filter(user=OuterRef("pk")).order_by("unit__path").values("unit__name")[:1])
        )
        .order_by("full_name", "username")
    )


def assignees_by_document(documents) -> dict[int, tuple[str, dt.datetime]]:
    """For the incoming register's "assignee" and "date forwarded" columns: document id → (the lead parties of its
    current assignment, when it was assigned). One query for any number of documents."""
    rows = HandlingParty.objects.filter(
        role=HandlingParty.Role.LEAD, assignment__superseded_at__isnull=True, assignment__document__in=documents
    ).order_by("pk")
    found: dict[int, tuple[list[str], dt.datetime]] = {}
    for document_id, unit_name, full_name, username, assigned_at in rows.values_list(
        "assignment__document_id", "unit__name", "user__full_name", "user__username", "assignment__assigned_at"
    ):
        names, _at = found.setdefault(document_id, ([], assigned_at))
        names.append(unit_name or full_name or username)
    return {pk: ("; ".join(names), assigned_at) for pk, (names, assigned_at) in found.items()}


def reply_candidates(user, document: IncomingDocument) -> QuerySet[OutgoingDocument]:
    """Released outgoing documents of the receiving unit (and below) the user may see, newest first."""
    documents = OutgoingDocument.objects.filter(
        unit__path__startswith=document.unit.path,
        status__in=[OutgoingDocument.Status.RELEASED, OutgoingDocument.Status.SENT],
    )
    if not can_see_secret(user, document.unit):
        documents = documents.filter(NOT_SECRET)
    return documents.order_by("-released_at", "-pk")
