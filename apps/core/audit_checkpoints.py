"""Checkpoints of the audit chain, kept outside the database: one signed JSON line per checkpoint in
`AUDIT_CHECKPOINT_DIR/checkpoints.jsonl`, `{"seq", "hash", "at", "key_id", "mac"}`.

A superuser of the database can rewrite the rows and the chain head, but not the lines of this file (another
machine's volume, ideally) nor their MAC (the key is not in the database)."""

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from apps.core.audit_keys import UnknownAuditKey, current_key_id, keyed_mac, same

FILE_NAME = "checkpoints.jsonl"
_DOMAIN = b"congvu-audit-checkpoint\n"  # a checkpoint's MAC can never pass for an event's hash, nor the reverse


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    key_id: str
    mac: str = ""

    def signed_part(self) -> bytes:
        fields = {"seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id}
        return _DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class BadLine:
    line_no: int
    seq: int | None
    detail: str


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _parse(line: str) -> Checkpoint:
    data = json.loads(line)
    return Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]), key_id=str(data["key_id"]),
                      mac=str(data["mac"]))  # fmt: skip


def _check(line_no: int, line: str) -> Checkpoint | BadLine:
    try:
        checkpoint = _parse(line)
    except (ValueError, KeyError, TypeError):
        return BadLine(line_no, None, f"line {line_no} is not a checkpoint")
    try:
        expected = keyed_mac(checkpoint.key_id, checkpoint.signed_part())
    except UnknownAuditKey:
        return BadLine(line_no, checkpoint.seq, f"line {line_no} is signed with an unknown key {checkpoint.key_id!r}")
    if not same(expected, checkpoint.mac):
        return BadLine(line_no, checkpoint.seq, f"line {line_no}: the signature does not match")
    return checkpoint


def read_checkpoints() -> Iterator[Checkpoint | BadLine]:
    """Every line of the file, checked: a Checkpoint when its MAC is right, a BadLine otherwise."""
    path = checkpoint_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip():
                yield _check(line_no, line)


def last_checkpoint() -> Checkpoint | None:
    last = None
    for item in read_checkpoints():
        if isinstance(item, Checkpoint):
            last = item
    return last


def append_checkpoint(seq: int, chain_hash: str) -> Checkpoint:
    """Sign and append one line; flushed to disk before returning."""
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = Checkpoint(seq=seq, hash=chain_hash, at=at, key_id=current_key_id())
    checkpoint = Checkpoint(**{**asdict(unsigned), "mac": keyed_mac(unsigned.key_id, unsigned.signed_part())})
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(checkpoint), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint
