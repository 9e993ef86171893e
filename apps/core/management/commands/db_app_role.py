"""Serve as a PostgreSQL role that is neither a superuser nor the tables' owner: it reads and writes rows, but can't
alter, disable or drop the audit table's triggers, nor update or delete its rows. Idempotent (run it after every
migrate: it grants on the tables migrations added)."""

import os
import secrets
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from apps.core.db import AUDIT_TABLE


def _password() -> str:
    """DATABASE_APP_PASSWORD, else one generated once into var/db_app_password (0600)."""
    if os.environ.get("DATABASE_APP_PASSWORD"):
        return os.environ["DATABASE_APP_PASSWORD"]
    path = Path(settings.VAR_DIR) / "db_app_password"
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_urlsafe(24))
    except FileExistsError:
        pass
    return path.read_text().strip()


def _may_create_roles(cursor) -> bool:
    cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def _ensure_role(cursor, role: str, password: str) -> None:
    from psycopg import sql

    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    statement = sql.SQL(f"{verb} ROLE {{}} {attributes} PASSWORD {{}}").format(
        sql.Identifier(role), sql.Literal(password)
    )
    cursor.execute(statement.as_string(cursor.connection))


def _grant_rows_only(cursor, role: str, database: str) -> None:
    from psycopg import sql

    statements = [
        "GRANT CONNECT ON DATABASE {db} TO {role}",
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        # Append-only by privilege too, beside the triggers (which a non-owner can't touch).
        "REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {role}",
    ]
    names = {"db": sql.Identifier(database), "role": sql.Identifier(role), "audit": sql.Identifier(AUDIT_TABLE)}
    for text in statements:
        cursor.execute(sql.SQL(text).format(**names).as_string(cursor.connection))


def app_database_url(role: str, password: str) -> str:
    db = connection.settings_dict
    host = quote(db.get("HOST") or "localhost", safe="")  # a socket directory is written %2F…
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(role, safe='')}:{quote(password, safe='')}@{host}{port}/{quote(db['NAME'], safe='')}"


class Command(BaseCommand):
    help = (
        "Tạo (hoặc cập nhật) vai trò PostgreSQL chỉ được đọc/ghi dòng dữ liệu, không phải superuser, không sở hữu "
        "bảng. Create or update a PostgreSQL role that may only read and write rows (not a superuser, not the owner)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default=os.environ.get("DATABASE_APP_ROLE", "congvu_app"))
        parser.add_argument("--print-url", action="store_true", help="print the DATABASE_URL to serve with")

    def handle(self, *args, role: str, print_url: bool, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("SQLite: không có vai trò cơ sở dữ liệu riêng, bỏ qua (phục vụ bằng tệp var/).")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            if not _may_create_roles(cursor):
                self.stderr.write(
                    f"Vai trò {connection.settings_dict['USER']} không được tạo vai trò: tiếp tục phục vụ bằng nó."
                )
                return
            if role == connection.settings_dict["USER"]:
                raise CommandError("Vai trò ứng dụng phải khác vai trò sở hữu bảng.")
            password = _password()
            _ensure_role(cursor, role, password)
            _grant_rows_only(cursor, role, connection.settings_dict["NAME"])
        self.stderr.write(f"Vai trò {role}: chỉ đọc/ghi dòng, không sửa được trigger hay nhật ký.")
        if print_url:
            self.stdout.write(app_database_url(role, password))
