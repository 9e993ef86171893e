"""Reads on the exchange, scoped to the reader: a unit's sent documents (per recipient, with the statuses and the
delivery attempts) to those who read its outgoing register; its inbox to those who keep its incoming register."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.documents.models import (
    Confidentiality,
    Dispatch,
    DispatchStatus,
    ExchangeOrgan,
    InboxDocument,
    OutboxMessage,
    Urgency,
)
from apps.documents.selectors.intake import registration_deadline_of
from apps.documents.selectors.registers import can_keep_register, can_read_register, can_see_secret
from apps.org.models import Unit


def outbox(user, unit: Unit) -> QuerySet[Dispatch]:
    """The unit's documents sent through the exchange, one row per recipient, newest first."""
    if not can_read_register(user, unit):
        return Dispatch.objects.none()
    dispatches = Dispatch.objects.filter(outgoing__unit=unit)
    if not can_see_secret(user, unit):
        dispatches = dispatches.filter(outgoing__confidentiality=Confidentiality.NORMAL)
    return (
        dispatches.select_related("outgoing", "peer")
        .prefetch_related(
            Prefetch("statuses", queryset=DispatchStatus.objects.order_by("reported_at", "pk")),
            Prefetch("messages", queryset=OutboxMessage.objects.defer("envelope").order_by("pk")),
        )
        .order_by("-created_at", "-pk")
    )


def inbox(user, unit: Unit, state: str | None = None) -> QuerySet[InboxDocument]:
    """Documents arrived for the unit; only its register's keepers (they decide to accept or reject)."""
    if not can_keep_register(user, unit):
        return InboxDocument.objects.none()
    items = InboxDocument.objects.filter(unit=unit).defer("envelope", "pending_change")
    if state:
        items = items.filter(state=state)
    return items.select_related("incoming").order_by("-arrived_at", "-pk")


def registration_deadline(item: InboxDocument) -> dt.datetime | None:
    """When an arrived item must be in the register (Decree 30/2020, art. 22, the rule of the paper scans: urgent
    at once, others by the end of the next working day after arrival); None once the clerk has decided."""
    from apps.documents.services.exchange import URGENCY_OF_PRIORITY

    if item.state != InboxDocument.State.ARRIVED:
        return None
    urgency = URGENCY_OF_PRIORITY.get(item.priority, Urgency.NORMAL)
    return registration_deadline_of(item.unit, urgency, item.arrived_at)


def with_registration_deadlines(items, now: dt.datetime | None = None) -> list[InboxDocument]:
    """The items with `deadline` (see registration_deadline) and `late` (waiting past it)."""
    now = now or timezone.now()
    listed = list(items)
    for item in listed:
        item.deadline = registration_deadline(item)
        item.late = item.deadline is not None and now > item.deadline
    return listed


def inbox_item(user, pk: int) -> InboxDocument | None:
    item = InboxDocument.objects.select_related("unit", "incoming").filter(pk=pk).first()
    if item is None or not can_keep_register(user, item.unit):
        return None
    return item


def undelivered(user, unit: Unit) -> QuerySet[OutboxMessage]:
    """Messages from the unit still waiting for delivery (documents and statuses), the next due first."""
    if not can_read_register(user, unit):
        return OutboxMessage.objects.none()
    return (
        OutboxMessage.objects.filter(sender_organ=unit.agency_code or "")
        .exclude(state=OutboxMessage.State.DELIVERED)
        .defer("envelope")
        .order_by("next_attempt_at", "pk")
    )


def recipients_directory(exclude: Unit | None = None) -> list[tuple[str, str]]:
    """(OrganId, name) of every organ a document can be sent to: the units of this installation with an agency
    code, then the organs of the peers."""
    local = Unit.objects.filter(is_active=True).exclude(agency_code=None).exclude(agency_code="")
    if exclude is not None:
        local = local.exclude(pk=exclude.pk)
    organs = [(u.agency_code, u.name) for u in local.order_by("agency_code")]
    organs += [
        (o.organ_id, f"{o.name} ({o.peer.name})")
        for o in ExchangeOrgan.objects.filter(peer__is_active=True).select_related("peer").order_by("organ_id")
    ]
    return organs
