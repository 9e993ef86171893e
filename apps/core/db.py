"""Database-level guard: the audit table refuses UPDATE and DELETE, on PostgreSQL and SQLite alike."""

AUDIT_TABLE = "core_auditevent"

_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {AUDIT_TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {AUDIT_TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

_PG_CREATE = [
    """CREATE OR REPLACE FUNCTION congvu_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS audit_no_change ON {AUDIT_TABLE}",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
        FOR EACH ROW EXECUTE FUNCTION congvu_audit_append_only()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {AUDIT_TABLE}",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {AUDIT_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION congvu_audit_append_only()""",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {AUDIT_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {AUDIT_TABLE}",
]


def _statements(connection, *, create: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return _PG_CREATE if create else _PG_DROP
    if connection.vendor == "sqlite":
        return _SQLITE_CREATE if create else _SQLITE_DROP
    raise NotImplementedError(f"append-only guard not written for {connection.vendor}")


def install_append_only_guard(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=True):
            cursor.execute(sql)


def remove_append_only_guard(connection) -> None:
    """Only for archiving old years (and for emptying a test database): never called by the app."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=False):
            cursor.execute(sql)
