"""The audit log: `record_event` appends one chained event inside the caller's transaction;
`verify_chain` finds edited, inserted and deleted rows, and rows rewritten since a checkpoint.

Each event's hash is an HMAC-SHA256 keyed with a secret kept outside the database (apps.core.audit_keys), so
whoever controls the database can't forge a chain that verifies. Events written before the key existed keep
their plain SHA-256 (hash_version 1); no keyed event may be followed by an unkeyed one."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.core import context
from apps.core.audit_checkpoints import BadLine, Checkpoint, append_checkpoint, last_checkpoint, read_checkpoints
from apps.core.audit_keys import UnknownAuditKey, current_key_id, keyed_mac, same
from apps.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
LEGACY_SHA256, KEYED_HMAC = 1, 2
HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_label", "unit_id", "unit_label", "action",
    "object_type", "object_id", "object_label", "changes", "ip", "prev_hash",
)  # fmt: skip


def _json_safe(value):
    """What the JSON column will give back: the same value whatever the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(event: AuditEvent, fields: Iterable[str]) -> bytes:
    payload = {name: getattr(event, name) for name in fields}
    payload["created_at"] = _moment(event.created_at)
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compute_hash(event: AuditEvent) -> str:
    """The event's hash by its own version. Raises UnknownAuditKey when its key is not held here."""
    if event.hash_version == LEGACY_SHA256:
        return hashlib.sha256(_canonical(event, HASHED_FIELDS)).hexdigest()
    return keyed_mac(event.key_id, _canonical(event, (*HASHED_FIELDS, "hash_version", "key_id")))


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
            hash_version=KEYED_HMAC,
            key_id=current_key_id(),
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
    # "edited", "broken_link" (a row inserted or deleted before it), "missing_tail", "gap", "unknown_key",
    # "downgraded" (an unkeyed row after a keyed one), "checkpoint_forged", "checkpoint_mismatch" (the row a
    # checkpoint anchors was changed), "behind_checkpoint" (rows removed at the end, the head moved back)
    kind: str
    detail: str


class AuditChainBroken(Exception):
    def __init__(self, problems: list[ChainProblem]):
        super().__init__(f"{len(problems)} problem(s) in the audit chain")
        self.problems = problems


def _row_problems(event: AuditEvent, expected_seq: int, previous_hash: str, keyed_seen: bool) -> Iterator[ChainProblem]:
    if event.seq != expected_seq:
        yield ChainProblem(event.seq, "gap", f"expected #{expected_seq}, found #{event.seq}")
    if event.prev_hash != previous_hash:
        yield ChainProblem(event.seq, "broken_link", "previous hash does not match the row before it")
    if keyed_seen and event.hash_version != KEYED_HMAC:
        yield ChainProblem(event.seq, "downgraded", "an unkeyed row after keyed rows")
    try:
        if not same(compute_hash(event), event.hash):
            yield ChainProblem(event.seq, "edited", "the row's content does not match its hash")
    except UnknownAuditKey:
        yield ChainProblem(event.seq, "unknown_key", f"the row's key {event.key_id!r} is not held here")


def _walk(events: Iterable[AuditEvent], previous_hash: str, expected_seq: int, anchors: dict[int, list[Checkpoint]],
          keyed_seen: bool = False):  # fmt: skip
    """Check each row against the one before it and against the checkpoints that anchor it. Yields problems;
    returns (as a generator's return value) the last row's seq and hash."""
    last_seq = expected_seq - 1
    for event in events:
        yield from _row_problems(event, expected_seq, previous_hash, keyed_seen)
        for checkpoint in anchors.get(event.seq, ()):
            if checkpoint.hash != event.hash:
                yield ChainProblem(
                    event.seq, "checkpoint_mismatch", f"checkpoint of {checkpoint.at} anchors another row"
                )
        keyed_seen = keyed_seen or event.hash_version == KEYED_HMAC
        previous_hash, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    return last_seq, previous_hash


def _checked_checkpoints() -> tuple[dict[int, list[Checkpoint]], list[ChainProblem]]:
    anchors: dict[int, list[Checkpoint]] = {}
    problems = []
    for item in read_checkpoints():
        if isinstance(item, BadLine):
            problems.append(ChainProblem(item.seq, "checkpoint_forged", item.detail))
        else:
            anchors.setdefault(item.seq, []).append(item)
    return anchors, problems


def _tail_problems(head: AuditChainHead | None, last_seq: int, last_hash: str, anchors: dict) -> Iterator[ChainProblem]:
    if head is not None and (head.seq != last_seq or head.hash != last_hash):
        yield ChainProblem(head.seq, "missing_tail", f"the chain head says #{head.seq}, the last row is #{last_seq}")
    anchored = max(anchors, default=0)
    if anchored > last_seq:
        yield ChainProblem(
            anchored, "behind_checkpoint", f"a checkpoint anchors #{anchored}, the last row is #{last_seq}"
        )


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the whole chain in order and check it against the checkpoints; yield every problem found.
    Memory stays flat on large logs (the checkpoints, one an hour, are held)."""
    anchors, problems = _checked_checkpoints()
    yield from problems
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size)
    last_seq, last_hash = yield from _walk(events, GENESIS_HASH, 1, anchors)
    head = AuditChainHead.objects.filter(pk=1).first()
    yield from _tail_problems(head, last_seq, last_hash, anchors)


def write_checkpoint(batch_size: int = 5000) -> Checkpoint | None:
    """Anchor the chain's head outside the database, after checking the rows added since the last checkpoint
    (a tampered head is never anchored). None when nothing was added since. Safe to run twice."""
    last = last_checkpoint()
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0 or (last is not None and last.seq == head.seq and last.hash == head.hash):
        return None
    start_seq, start_hash = (last.seq, last.hash) if last is not None else (0, GENESIS_HASH)
    events = AuditEvent.objects.filter(seq__gte=start_seq, seq__lte=head.seq).order_by("seq").iterator(batch_size)
    problems = list(_segment_problems(events, start_seq, start_hash, head))
    if problems:
        raise AuditChainBroken(problems)
    return append_checkpoint(head.seq, head.hash)


def _segment_problems(events: Iterator[AuditEvent], start_seq: int, start_hash: str, head) -> Iterator[ChainProblem]:
    """The rows after the last checkpoint (`events` starts with the row it anchors, when there is one)."""
    keyed_seen = False
    if start_seq:
        anchored = next(events, None)  # the row of the last checkpoint: it must still be there, unchanged
        if anchored is None or anchored.seq != start_seq or anchored.hash != start_hash:
            yield ChainProblem(start_seq, "checkpoint_mismatch", "the row of the last checkpoint changed")
            return
        keyed_seen = anchored.hash_version == KEYED_HMAC
    last_seq, last_hash = yield from _walk(events, start_hash, start_seq + 1, {}, keyed_seen)
    yield from _tail_problems(head, last_seq, last_hash, {})
