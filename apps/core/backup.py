"""Backups: one tar file holding the database (SQLite online backup, or `pg_dump -Fc`), the files (a tar of the
media folder), the audit checkpoints and, only when asked, the audit keys; a manifest lists each part's SHA-256.

Restoring checks everything before it changes anything: the archive's format, that it was taken on the same
database engine, every part's hash, and that its audit keys don't contradict the ones held here."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection

from apps.core.audit import AuditChainBroken, write_checkpoint
from apps.core.audit_checkpoints import checkpoint_path

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_PART = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_PART, CHECKPOINTS_PART, KEYS_PART = "media.tar", "audit/checkpoints.jsonl", "audit/keys"


class BackupError(Exception):
    """A backup or restore that can't be done; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class RestoreReport:
    engine: str
    created_at: str
    parts: list[str]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    if connection.vendor not in DATABASE_PART:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    return connection.vendor


def _pg_command(program: str, *args: str) -> tuple[list[str], dict]:
    db = connection.settings_dict
    command = [program, "--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or os.environ.get("PGPASSWORD", "")}
    return [*command, *args], env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as missing:
        raise BackupError(f"Không tìm thấy {command[0]} (cài gói postgresql-client).") from missing
    if done.returncode != 0:
        raise BackupError(f"{command[0]} thất bại: {done.stderr.strip()[-2000:]}")


# --- taking a backup ------------------------------------------------------------------------------


def _dump_database(engine: str, target: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # online: a consistent copy while the app keeps writing
        copy.close()
    else:
        _run(*_pg_command("pg_dump", "--format=custom", "--file", str(target)))


def _media_location() -> Path | None:
    """The media folder, when files are stored on this machine's disk (object storage keeps its own versions)."""
    return Path(default_storage.location) if isinstance(default_storage, FileSystemStorage) else None


def _tar_folder(folder: Path, target: Path) -> None:
    with tarfile.open(target, "w") as tar:
        if folder.exists():
            tar.add(folder, arcname=".")


def _keys_text() -> str:
    return "".join(f"{key_id} {secret}\n" for key_id, secret in settings.AUDIT_KEYS.items())


def _anchor_head() -> str:
    """A fresh checkpoint, so that the archive's checkpoints cover the head it holds."""
    try:
        checkpoint = write_checkpoint()
    except AuditChainBroken as broken:
        return f"từ chối: {len(broken.problems)} lỗi trong chuỗi"
    return f"#{checkpoint.seq}" if checkpoint is not None else "không có sự kiện mới"


def _write_parts(work: Path, engine: str, include_audit_keys: bool) -> dict:
    notes = {"audit_checkpoint": _anchor_head()}
    _dump_database(engine, work / DATABASE_PART[engine])
    media = _media_location()
    if media is not None:
        _tar_folder(media, work / MEDIA_PART)
    else:
        notes["media"] = "không sao lưu: tệp nằm trong kho đối tượng (S3), dùng phiên bản của kho"
    if checkpoint_path().exists():
        (work / CHECKPOINTS_PART).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(checkpoint_path(), work / CHECKPOINTS_PART)
    if include_audit_keys:
        (work / KEYS_PART).parent.mkdir(parents=True, exist_ok=True)
        (work / KEYS_PART).write_text(_keys_text())
    return notes


def create_backup(output_dir: Path, *, include_audit_keys: bool = False) -> Path:
    """Write `congvu-YYYYmmdd-HHMMSS.tar` into `output_dir` and return its path."""
    engine = _engine()
    if connection.in_atomic_block:  # SQLite's online backup would wait for this very transaction, for ever
        raise BackupError("Không sao lưu được từ bên trong một giao dịch.")
    output_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    archive = output_dir / f"congvu-{now:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as folder:
        work = Path(folder)
        notes = _write_parts(work, engine, include_audit_keys)
        parts = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": now.isoformat(),
            "parts": {name: {"sha256": _sha256(work / name), "bytes": (work / name).stat().st_size} for name in parts},
            "notes": notes,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        draft = work / "archive.tar"
        with tarfile.open(draft, "w") as tar:
            for name in [MANIFEST, *parts]:
                tar.add(work / name, arcname=name)
        draft.chmod(0o600)  # may hold personal data (and the audit keys)
        os.replace(draft, archive)
    return archive


# --- restoring ------------------------------------------------------------------------------------


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError("Tệp sao lưu không có bảng kê (manifest.json) hợp lệ.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng sao lưu {manifest.get('format')!r} không được hỗ trợ (cần {FORMAT}).")
    return manifest


def _extract_checked(tar: tarfile.TarFile, manifest: dict, work: Path) -> None:
    for name, part in manifest["parts"].items():
        member = tar.getmember(name) if name in tar.getnames() else None
        if member is None or not member.isfile():
            raise BackupError(f"Thiếu phần {name} trong tệp sao lưu.")
        tar.extract(member, work, filter="data")
        if _sha256(work / name) != part["sha256"]:
            raise BackupError(f"Mã băm của phần {name} không khớp: tệp sao lưu bị hỏng hoặc bị sửa.")


def _key_file() -> Path:
    return Path(os.environ.get("AUDIT_KEY_FILE", Path(settings.VAR_DIR) / "audit_key"))


def _parse_keys(text: str) -> dict[str, str]:
    return dict(line.split(maxsplit=1) for line in text.splitlines() if len(line.split()) == 2)


def _keys_to_add(work: Path) -> dict[str, str]:
    if not (work / KEYS_PART).exists():
        return {}
    archived = _parse_keys((work / KEYS_PART).read_text())
    for key_id, secret in archived.items():
        if settings.AUDIT_KEYS.get(key_id, secret) != secret:
            raise BackupError(f"Khóa nhật ký {key_id} trong tệp sao lưu khác khóa cùng tên đang dùng.")
    return {key_id: secret for key_id, secret in archived.items() if key_id not in settings.AUDIT_KEYS}


def _restore_database(engine: str, source: Path) -> None:
    connection.close()
    if engine == "sqlite":
        with sqlite3.connect(source) as archived, sqlite3.connect(settings.DATABASES["default"]["NAME"]) as target:
            archived.backup(target)
        archived.close()
        target.close()
    else:
        # --no-privileges: grants name roles that may not exist here; `db_app_role` grants again.
        _run(*_pg_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                          "--single-transaction", "--exit-on-error", str(source)))  # fmt: skip


def _restore_media(archive_part: Path) -> None:
    media = _media_location()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_part) as tar:
        tar.extractall(media, filter="data")


def _restore_checkpoints(archived: Path) -> None:
    """The archived checkpoints replace the file; a file already here is kept aside, never lost."""
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() != archived.read_bytes():
        path.rename(path.with_name(f"{path.name}.before-restore-{datetime.now(UTC):%Y%m%d-%H%M%S}"))
    shutil.copyfile(archived, path)


def _add_keys(keys: dict[str, str]) -> None:
    if keys:
        with os.fdopen(os.open(_key_file(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a") as handle:
            handle.write("".join(f"{key_id} {secret}\n" for key_id, secret in keys.items()))


def _refuse_what_cannot_be_placed(media: bool, new_keys: dict) -> None:
    if media and _media_location() is None:
        raise BackupError("Tệp lưu trong kho đối tượng (S3): khôi phục tệp bằng phiên bản của kho, dùng --no-media.")
    if new_keys and os.environ.get("AUDIT_KEY"):
        raise BackupError("Khóa nhật ký lấy từ biến AUDIT_KEY: thêm các khóa của bản sao lưu vào biến đó.")


def restore_backup(archive: Path, *, media: bool = True) -> RestoreReport:
    """Replace this instance's database (and files, checkpoints) with the archive's, after checking it whole."""
    engine = _engine()
    with tarfile.open(archive) as tar, tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        manifest = _read_manifest(tar)
        if manifest["engine"] != engine:
            raise BackupError(f"Bản sao lưu của {manifest['engine']} không khôi phục được vào {engine}.")
        _extract_checked(tar, manifest, work)
        new_keys = _keys_to_add(work)
        media = media and (work / MEDIA_PART).exists()
        _refuse_what_cannot_be_placed(media, new_keys)
        _restore_database(engine, work / DATABASE_PART[engine])
        if media:
            _restore_media(work / MEDIA_PART)
        if (work / CHECKPOINTS_PART).exists():
            _restore_checkpoints(work / CHECKPOINTS_PART)
        _add_keys(new_keys)
    return RestoreReport(engine=engine, created_at=manifest["created_at"], parts=sorted(manifest["parts"]))
