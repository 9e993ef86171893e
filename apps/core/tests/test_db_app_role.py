"""`make run` on PostgreSQL serves as a role that can't drop the audit triggers nor rewrite the audit rows."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from apps.core.audit import record_event

only_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL only")


@pytest.fixture
def app_role(flushable_db, monkeypatch):
    """A role named after the test database (roles are cluster-wide), dropped afterwards."""
    role = f"{connection.settings_dict['NAME']}_app"
    monkeypatch.setenv("DATABASE_APP_PASSWORD", "mat-khau-thu")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


def _url(role: str) -> str:
    out = io.StringIO()
    call_command("db_app_role", "--role", role, "--print-url", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def _refused(cursor, sql: str, params=()) -> bool:
    import psycopg

    try:
        cursor.execute(sql, params)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


@only_postgresql
def test_app_role_writes_rows_but_cannot_touch_the_audit_guard(app_role):
    import psycopg

    url = _url(app_role)
    assert url == _url(app_role)  # idempotent
    assert url.startswith(f"postgres://{app_role}:") and url.endswith(f"/{connection.settings_dict['NAME']}")
    event = record_event("test.before")
    with psycopg.connect(url, autocommit=True) as app:
        cursor = app.cursor()
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (app_role, False)
        cursor.execute(
            "INSERT INTO core_auditevent (seq, created_at, actor_label, unit_label, action, object_type, object_id,"
            " object_label, changes, prev_hash, hash, hash_version, key_id)"
            " VALUES (%s, now(), '', '', 'test.app', '', '', '', '{}', %s, %s, 2, 'k')",
            [event.seq + 1, event.hash, "e" * 64],
        )
        cursor.execute("UPDATE core_auditchainhead SET seq = seq WHERE id = 1")
        assert _refused(cursor, "UPDATE core_auditevent SET action = 'forged'")
        assert _refused(cursor, "DELETE FROM core_auditevent")
        assert _refused(cursor, "TRUNCATE core_auditevent")
        assert _refused(cursor, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
        assert _refused(cursor, "DROP TRIGGER audit_no_change ON core_auditevent")
        assert _refused(cursor, "DROP TABLE core_auditevent")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass AND tgenabled = 'O'"
        )
        assert cursor.fetchone()[0] == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite answer")
def test_on_sqlite_it_says_so_and_prints_no_url(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("db_app_role", "--print-url", stdout=out, stderr=err)
    assert out.getvalue() == "" and "SQLite" in err.getvalue()
