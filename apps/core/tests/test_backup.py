"""`manage.py backup` / `restore`: a round trip into a fresh database (the restored instance passes `audit_verify`
and `rebuild_stats --check`), and every refusal made before anything is changed."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.core.audit import record_event
from apps.core.backup import BackupError, create_backup, restore_backup
from apps.core.models import AuditEvent

RESTORE_DATABASE = "congvu_h5_restore"
# What makes an instance; the restored one also runs without Redis (nothing it checks needs it).
INSTANCE_VARIABLES = {"DATABASE_URL", "REDIS_URL", "AUDIT_KEY", "AUDIT_KEY_FILE", "MEDIA_ROOT", "AUDIT_CHECKPOINT_DIR",
                      "DJANGO_SETTINGS_MODULE"}  # fmt: skip


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def _fresh_instance_env(var_dir: Path) -> dict:
    """An instance of its own: its var/ folder (no audit key yet: it comes from the archive) and its database."""
    env = {name: value for name, value in os.environ.items() if name not in INSTANCE_VARIABLES}
    env["CONGVU_VAR_DIR"] = str(var_dir)
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{RESTORE_DATABASE}"
    return env


@pytest.fixture
def restore_database():
    """On PostgreSQL, an empty database to restore into, dropped afterwards (SQLite: a file in the var/ folder)."""
    if connection.vendor != "postgresql":
        yield
        return
    import psycopg

    db = connection.settings_dict
    admin_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {RESTORE_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {RESTORE_DATABASE}")
    yield
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {RESTORE_DATABASE} WITH (FORCE)")


@pytest.fixture
def files_on_disk(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "dossiers").mkdir(parents=True)
    (settings.MEDIA_ROOT / "dossiers" / "to-khai.pdf").write_bytes(b"%PDF-1.7 to khai")
    return settings.MEDIA_ROOT


def _a_little_province() -> int:
    """The demo province and three walk-in dossiers; returns the number of audit events."""
    from apps.demo.province import load_demo
    from apps.dossiers import services
    from apps.dossiers.tests.factories import APPLICANT, world

    load_demo()
    w = world()
    for _ in range(3):
        services.dossier_receive_walk_in(
            actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=w.paper_ids()
        )
    return AuditEvent.objects.count()


def test_round_trip_into_a_fresh_database_passes_audit_verify_and_stats_check(
    flushable_db, restore_database, files_on_disk, tmp_path
):
    events = _a_little_province()
    out = io.StringIO()
    call_command("backup", "--output-dir", str(tmp_path / "backups"), "--include-audit-key", stdout=out,
                 stderr=io.StringIO())  # fmt: skip
    (archive,) = (tmp_path / "backups").glob("congvu-*.tar")
    assert archive.name.startswith("congvu-") and str(archive) in out.getvalue()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor and "media.tar" in manifest["parts"]
    assert "audit/checkpoints.jsonl" in manifest["parts"] and "audit/keys" in manifest["parts"]

    env = _fresh_instance_env(tmp_path / "restored")
    restored = _manage(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    verified = _manage(env, "audit_verify")
    assert verified.returncode == 0, verified.stderr
    assert f"{events} sự kiện" in verified.stdout and "khớp mốc neo" in verified.stdout
    checked = _manage(env, "rebuild_stats", "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (tmp_path / "restored" / "media" / "dossiers" / "to-khai.pdf").read_bytes() == b"%PDF-1.7 to khai"


def _archive(tmp_path: Path, manifest: dict, parts: dict[str, bytes]) -> Path:
    path = tmp_path / "crafted.tar"
    (tmp_path / "parts").mkdir(exist_ok=True)
    with tarfile.open(path, "w") as tar:
        for name, content in {"manifest.json": json.dumps(manifest).encode(), **parts}.items():
            (tmp_path / "parts" / name.replace("/", "_")).write_bytes(content)
            tar.add(tmp_path / "parts" / name.replace("/", "_"), arcname=name)
    return path


def _manifest(engine: str, parts: dict[str, bytes]) -> dict:
    hashes = {
        name: {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)} for name, content in parts.items()
    }
    return {"format": 1, "engine": engine, "created_at": "2025-01-01T00:00:00+00:00", "parts": hashes}


@pytest.mark.django_db
def test_restore_refuses_another_engine_and_changes_nothing(tmp_path):
    record_event("test.kept")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    parts = {"database.pgdump" if other == "postgresql" else "database.sqlite3": b"x"}
    with pytest.raises(BackupError, match=f"của {other} không khôi phục được vào {connection.vendor}"):
        restore_backup(_archive(tmp_path, _manifest(other, parts), parts))
    assert AuditEvent.objects.filter(action="test.kept").exists()


@pytest.mark.django_db
def test_restore_refuses_a_part_whose_hash_differs(tmp_path):
    record_event("test.kept")
    name = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    manifest = _manifest(connection.vendor, {name: b"the original dump"})
    with pytest.raises(BackupError, match=f"Mã băm của phần {name} không khớp"):
        restore_backup(_archive(tmp_path, manifest, {name: b"the altered dump!"}))
    assert AuditEvent.objects.filter(action="test.kept").exists()


@pytest.mark.django_db
def test_restore_refuses_an_audit_key_that_contradicts_ours(tmp_path, settings):
    name = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    key_id = next(iter(settings.AUDIT_KEYS))
    parts = {name: b"dump", "audit/keys": f"{key_id} {'9' * 64}\n".encode()}
    with pytest.raises(BackupError, match=f"Khóa nhật ký {key_id}"):
        restore_backup(_archive(tmp_path, _manifest(connection.vendor, parts), parts))


def test_restore_asks_for_yes(tmp_path):
    archive = tmp_path / "congvu-20250101-000000.tar"
    archive.write_bytes(b"")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))


def test_backup_leaves_the_key_out_unless_asked(flushable_db, tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = create_backup(tmp_path / "backups")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "audit/keys" not in names and "media.tar" in names
    assert oct(archive.stat().st_mode & 0o777) == oct(0o600)
