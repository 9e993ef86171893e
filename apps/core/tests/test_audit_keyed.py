"""The chain against its own database's superuser: a keyed hash (HMAC) and checkpoints written outside the database."""

import hashlib
import hmac
import json
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from apps.core.audit import HASHED_FIELDS, verify_chain
from apps.core.audit_checkpoints import checkpoint_path
from apps.core.db import install_append_only_guard, remove_append_only_guard
from apps.core.models import AuditChainHead, AuditEvent
from apps.core.tests.test_audit import _three_events

pytestmark = pytest.mark.django_db

GENESIS = "0" * 64


def _plain_sha256(row: dict) -> str:
    """The chain's hash as anyone who reads the code can compute it without a key (the SHA-256 of the row)."""
    payload = {name: row[name] for name in HASHED_FIELDS}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _rows() -> list[dict]:
    rows = []
    for event in AuditEvent.objects.order_by("seq"):
        row = {name: getattr(event, name) for name in HASHED_FIELDS}
        row["created_at"] = event.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        row["id"] = event.pk
        rows.append(row)
    return rows


def _rechain_as_superuser(*, downgrade: bool = False) -> None:
    """Renumber the rows 1…n, recompute every hash with plain SHA-256 from the genesis hash, move the head.

    With `downgrade`, also mark each row as a legacy (unkeyed) row, as an attacker who reads the code would."""
    previous = GENESIS
    with connection.cursor() as cursor:
        for number, row in enumerate(_rows(), start=1):
            row["seq"], row["prev_hash"] = number, previous
            previous = _plain_sha256(row)
            cursor.execute(
                "UPDATE core_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [number, row["prev_hash"], previous, row["id"]],
            )
            if downgrade:
                cursor.execute("UPDATE core_auditevent SET hash_version = 1, key_id = '' WHERE id = %s", [row["id"]])
        AuditChainHead.objects.filter(pk=1).update(seq=len(_rows()), hash=previous)


def _as_superuser(*statements: tuple[str, list]) -> None:
    remove_append_only_guard(connection)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def test_superuser_rewrite_delete_and_plain_rehash_is_found():
    """The attack as filed: one row rewritten, another removed, the rest re-hashed with SHA-256, the head moved."""
    events = _three_events()
    _as_superuser(
        ("UPDATE core_auditevent SET object_label = %s WHERE id = %s", ["sửa trộm", events[0].pk]),
        ("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk]),
    )
    _rechain_as_superuser()
    install_append_only_guard(connection)
    problems = list(verify_chain())
    assert {p.kind for p in problems} >= {"edited"}
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("audit_verify")


def test_superuser_who_downgrades_every_row_to_the_legacy_hash_is_caught_by_the_checkpoint():
    events = _three_events()
    call_command("audit_checkpoint")
    _as_superuser(("UPDATE core_auditevent SET object_label = %s WHERE id = %s", ["sửa trộm", events[0].pk]))
    _rechain_as_superuser(downgrade=True)
    install_append_only_guard(connection)
    assert [(p.seq, p.kind) for p in verify_chain()] == [(events[2].seq, "checkpoint_mismatch")]


def test_superuser_who_truncates_the_tail_and_moves_the_head_is_caught_by_the_checkpoint():
    events = _three_events()
    call_command("audit_checkpoint")
    _as_superuser(("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk]))
    AuditChainHead.objects.filter(pk=1).update(seq=events[1].seq, hash=events[1].hash)
    install_append_only_guard(connection)
    problems = list(verify_chain())
    assert [(p.seq, p.kind) for p in problems] == [(events[2].seq, "behind_checkpoint")]
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("audit_verify")


def test_new_events_are_hmac_sha256_with_the_current_key(settings):
    settings.AUDIT_KEYS, settings.AUDIT_KEY_ID = {"old": "s" * 64, "new": "t" * 64}, "new"
    event = _three_events()[0]
    event.refresh_from_db()
    payload = {name: getattr(event, name) for name in (*HASHED_FIELDS, "hash_version", "key_id")}
    payload["created_at"] = event.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert (event.hash_version, event.key_id) == (2, "new")
    assert event.hash == hmac.new(b"t" * 64, canonical, hashlib.sha256).hexdigest()
    assert event.hash != _plain_sha256({**payload, "created_at": payload["created_at"]})


def test_events_keyed_with_a_retired_key_still_verify_and_an_unknown_key_is_named(settings):
    settings.AUDIT_KEYS, settings.AUDIT_KEY_ID = {"k1": "a" * 64}, "k1"
    first = _three_events()
    settings.AUDIT_KEYS, settings.AUDIT_KEY_ID = {"k1": "a" * 64, "k2": "b" * 64}, "k2"
    second = _three_events()
    assert {e.key_id for e in first} == {"k1"} and {e.key_id for e in second} == {"k2"}
    assert list(verify_chain()) == []
    settings.AUDIT_KEYS = {"k2": "b" * 64}
    written_with_k1 = range(1, first[-1].seq + 1)  # the factories' own events too
    assert {(p.seq, p.kind) for p in verify_chain()} == {(seq, "unknown_key") for seq in written_with_k1}


def _legacy_chain(count: int) -> None:
    """Rows as the code before the key wrote them: plain SHA-256, hash_version 1."""
    previous = GENESIS
    for seq in range(1, count + 1):
        event = AuditEvent(seq=seq, created_at=timezone.now(), action=f"legacy{seq}", changes={}, prev_hash=previous)
        row = {name: getattr(event, name) for name in HASHED_FIELDS}
        row["created_at"] = event.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        event.hash = previous = _plain_sha256(row)
        event.save(force_insert=True)
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": count, "hash": previous})


def test_legacy_rows_verify_as_before_and_keyed_rows_follow_them():
    _legacy_chain(2)
    _three_events()
    legacy, first_keyed = AuditEvent.objects.get(seq=2), AuditEvent.objects.get(seq=3)
    assert (legacy.hash_version, first_keyed.hash_version) == (1, 2) and first_keyed.prev_hash == legacy.hash
    assert list(verify_chain()) == []


def test_an_unkeyed_row_after_keyed_rows_is_a_downgrade():
    events = _three_events()
    row = {name: getattr(events[2], name) for name in HASHED_FIELDS}
    row["created_at"] = events[2].created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    forged_hash = _plain_sha256(row)
    _as_superuser(
        (
            "UPDATE core_auditevent SET hash_version = 1, key_id = '', hash = %s WHERE id = %s",
            [forged_hash, events[2].pk],
        )
    )
    AuditChainHead.objects.filter(pk=1).update(hash=forged_hash)
    install_append_only_guard(connection)
    assert [(p.seq, p.kind) for p in verify_chain()] == [(events[2].seq, "downgraded")]


def test_checkpoint_lines_are_signed_and_a_forged_line_is_found():
    events = _three_events()
    call_command("audit_checkpoint")
    path = checkpoint_path()
    line = json.loads(path.read_text())
    assert (line["seq"], line["hash"]) == (events[2].seq, events[2].hash)
    assert list(verify_chain()) == []
    # Forge the anchor to fit a rewritten chain without the key: the signature no longer matches.
    path.write_text(json.dumps({**line, "hash": "f" * 64}) + "\n")
    kinds = [p.kind for p in verify_chain()]
    assert kinds == ["checkpoint_forged"]


def test_checkpoint_is_written_once_per_new_head_and_refused_over_a_tampered_segment(capsys):
    events = _three_events()
    call_command("audit_checkpoint")
    call_command("audit_checkpoint")
    assert "Không có sự kiện mới" in capsys.readouterr().out
    more = _three_events()
    _as_superuser(("UPDATE core_auditevent SET action = %s WHERE id = %s", ["giả", more[1].pk]))
    install_append_only_guard(connection)
    with pytest.raises(CommandError, match="không ghi mốc neo"):
        call_command("audit_checkpoint")
    seqs = [json.loads(line)["seq"] for line in checkpoint_path().read_text().splitlines()]
    assert seqs == [events[2].seq]


def test_hourly_task_anchors_the_head():
    from apps.core.tasks import write_audit_checkpoint

    events = _three_events()
    assert write_audit_checkpoint.call_local() == events[2].seq
    assert write_audit_checkpoint.call_local() is None
    assert [json.loads(line)["seq"] for line in checkpoint_path().read_text().splitlines()] == [events[2].seq]


def test_audit_key_file_is_generated_once_private_and_env_keys_keep_their_order(monkeypatch, tmp_path):
    from congvu import settings as project_settings

    monkeypatch.delenv("AUDIT_KEY", raising=False)
    monkeypatch.setenv("AUDIT_KEY_FILE", str(tmp_path / "audit_key"))
    generated = project_settings._audit_keys()
    assert project_settings._audit_keys() == generated and len(generated) == 1
    assert stat.S_IMODE(os.stat(tmp_path / "audit_key").st_mode) == 0o600
    assert len(next(iter(generated.values()))) == 64
    monkeypatch.setenv("AUDIT_KEY", "old " + "a" * 64 + ", new " + "b" * 64)
    assert list(project_settings._audit_keys().items()) == [("old", "a" * 64), ("new", "b" * 64)]
