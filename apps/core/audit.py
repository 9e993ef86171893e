"""The audit log: `record_event` appends one chained event inside the caller's transaction;
`verify_chain` finds edited, inserted and deleted rows."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.core import context
from apps.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_label", "unit_id", "unit_label", "action",
    "object_type", "object_id", "object_label", "changes", "ip", "prev_hash",
)  # fmt: skip


def _json_safe(value):
    """What the JSON column will give back: the same value whatever the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(event: AuditEvent) -> str:
    payload = {name: getattr(event, name) for name in HASHED_FIELDS}
    payload["created_at"] = _moment(event.created_at)
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _label(obj) -> str:
    return str(obj)[:255] if obj is not None else ""


def _object_type(obj) -> str:
    meta = getattr(obj, "_meta", None)
    return meta.label_lower if meta else type(obj).__name__.lower()


def record_event(
    action: str,
    *,
    actor=None,
    obj=None,
    unit=None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the service's transaction: the event commits or rolls back with it.

    `actor` is a user (or None for the system); `unit` is the organisational unit the change belongs to.
    """
    request_context = context.current()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=actor.pk if actor is not None else request_context.user_id,
            actor_label=(actor.get_username() if actor is not None else request_context.user_label)[:150],
            unit_id=unit.pk if unit is not None else None,
            unit_label=_label(unit),
            action=action,
            object_type=_object_type(obj) if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and getattr(obj, "pk", None) is not None else "",
            object_label=_label(obj),
            changes=_json_safe(changes or {}),
            ip=request_context.ip,
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def model_changes(instance, fields: list[str], before: dict | None = None) -> dict:
    """{field: [old, new]} for the fields that differ; {field: new} when there is no `before`."""
    after = {name: getattr(instance, name) for name in fields}
    if before is None:
        return _json_safe(after)
    return _json_safe({name: [before.get(name), value] for name, value in after.items() if before.get(name) != value})


def snapshot(instance, fields: list[str]) -> dict:
    return {name: getattr(instance, name) for name in fields}


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    kind: str  # "edited", "broken_link" (a row inserted or deleted before it), "missing_tail", "gap"
    detail: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the whole chain in order; yield every problem found. Memory stays flat on large logs."""
    previous_hash, expected_seq, last_seq = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            yield ChainProblem(event.seq, "gap", f"expected #{expected_seq}, found #{event.seq}")
        if event.prev_hash != previous_hash:
            yield ChainProblem(event.seq, "broken_link", "previous hash does not match the row before it")
        if compute_hash(event) != event.hash:
            yield ChainProblem(event.seq, "edited", "the row's content does not match its hash")
        previous_hash, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.hash != previous_hash):
        yield ChainProblem(head.seq, "missing_tail", f"the chain head says #{head.seq}, the last row is #{last_seq}")
