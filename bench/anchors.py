"""The anchors of every public figure, served by the same gunicorn settings as the app in the same run:

- `minimal_app`: a WSGI app with no framework at all, answering a fixed JSON body: what this machine, gunicorn and
  wrk allow at most;
- `raw_lookup_app`: the same app reading the published tracking row (`dossiers_publictracking`, by primary key) with
  the database driver alone (sqlite3, or psycopg with a prepared statement): the least any tracking answer costs.

Between them and the bare Django view lies Django's own cost per request (the middleware, the URL resolver, the
request and response objects); between the bare view and the app's pages, the app's work. docs/performance.md says
how far each figure is from each anchor.
"""

import os
import sqlite3
import threading
from pathlib import Path

SQL = "SELECT body FROM dossiers_publictracking WHERE code = {}"
NOT_FOUND = b'{"error":{"code":"not_found"}}'
_local = threading.local()


def minimal_app(environ, start_response):
    body = b'{"status":"ok"}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _sqlite_path() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("CONGVU_VAR_DIR") or root / "var") / "congvu.sqlite3"


def _lookup(code: str):
    connection = getattr(_local, "connection", None)
    url = os.environ.get("DATABASE_URL", "")
    if connection is None:
        if url:
            import psycopg

            connection = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)
        else:
            connection = sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True, check_same_thread=False)
        _local.connection = connection
    if url:
        return connection.execute(SQL.format("%s"), [code], prepare=True).fetchone()
    return connection.execute(SQL.format("?"), [code]).fetchone()


def raw_lookup_app(environ, start_response):
    row = _lookup(environ.get("PATH_INFO", "").rsplit("/", 1)[-1].strip().upper())
    body = row[0].encode() if row else NOT_FOUND
    status = "200 OK" if row else "404 Not Found"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
