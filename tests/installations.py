"""Live installations of Công vụ on this machine, each with its own database, var/ directory, exchange identity
and server: for the two-installations test and the exchange bench.

SQLite (the default): one file in each installation's var/. PostgreSQL (when DATABASE_URL names one): a database
per installation, `<the test database's name>_a`, `_b`, created here and dropped by `destroy()`."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
MARK = "@@RESULT@@"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_url(database_url: str) -> tuple[str, str]:
    """(the URL of the server's maintenance database, the base name) of a PostgreSQL URL."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _pg(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


SETUP = """
import datetime as dt
from apps.org import services as org_services
from apps.org.models import Role, Unit
from rest_framework.authtoken.models import Token
unit = Unit.objects.filter(agency_code=ORGAN).first() or org_services.unit_create(
    actor=None, parent=None, name=NAME, kind=Unit.Kind.DEPARTMENT, level=Unit.Level.PROVINCE, symbol=SYMBOL,
    agency_code=ORGAN)
user = org_services.staff_create(actor=None, username="vanthu", full_name="Văn thư " + SYMBOL,
    roles=[Role.CLERICAL_OFFICER], unit=unit, position="Văn thư", start_date=dt.date(2020, 1, 1))
result = {"unit": unit.pk, "token": Token.objects.create(user=user).key}
"""

RELEASE = """
import hashlib
from django.core.files.base import ContentFile
from django.utils import timezone
from apps.core.actors import SYSTEM
from apps.documents import services
from apps.documents.models import DocumentFile
from apps.org.models import Unit
unit = Unit.objects.get(agency_code=ORGAN)
ids = []
for index in range(COUNT):
    document = services.outgoing_draft(actor=SYSTEM, unit=unit, doc_type="cong_van", signer_name="Nguyễn Văn An",
        signer_position="Giám đốc", summary=f"Về việc phối hợp thực hiện nhiệm vụ số {index + 1}")
    document = services.outgoing_release(actor=SYSTEM, document=document)
    pdf = b"%PDF-1.7\\n% van ban " + str(document.pk).encode() + b"\\n%%EOF\\n"
    DocumentFile.objects.create(outgoing=document, stage="released", file=ContentFile(pdf, name="vb.pdf"),
        name="van-ban.pdf", content_type="application/pdf", size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_at=timezone.now())
    ids.append(document.pk)
result = ids
"""


class Installation:
    def __init__(self, name: str, agency_id: str, organ_id: str, root: Path, *, database_url: str = "",
                 suffix: str = "", **env: str):  # fmt: skip
        self.name, self.agency_id, self.organ_id, self.root = name, agency_id, organ_id, root
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.server: subprocess.Popen | None = None
        self.token = ""
        self.unit_id = 0
        self.admin_url = ""
        self.env = {
            key: value for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "AUDIT_KEY", "EXCHANGE_DIR",
                           "EXCHANGE_AGENCY_ID", "MEDIA_ROOT", "PYTEST_CURRENT_TEST"}
        }  # fmt: skip
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "congvu.settings", "CONGVU_VAR_DIR": str(root),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "EXCHANGE_RETRY_BASE_SECONDS": "0.05",
            "EXCHANGE_RETRY_CAP_SECONDS": "0.2", "EXCHANGE_TIMEOUT_SECONDS": "5", "PYTHONUNBUFFERED": "1",
            **env,
        })  # fmt: skip
        if database_url:
            self.admin_url, base = _admin_url(database_url)
            self.database = f"{base}_{suffix}"
            _pg(self.admin_url, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            _pg(self.admin_url, f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = urlunsplit(urlsplit(database_url)._replace(path=f"/{self.database}"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=600)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str, **names):
        """Run code in the installation (its settings and database); returns its `result` (JSON)."""
        prelude = "".join(f"{key} = {value!r}\n" for key, value in names.items())
        out = self.manage("shell", "-c", f"{prelude}{code}\nimport json\nprint({MARK!r} + json.dumps(result))")
        return json.loads(out.split(MARK, 1)[1])

    def set_up(self) -> None:
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("exchange_identity", "--agency-id", self.agency_id, "--name", self.name)
        found = self.python(SETUP, ORGAN=self.organ_id, NAME=self.name, SYMBOL=self.organ_id.split(".")[0])
        self.token, self.unit_id = found["token"], found["unit"]

    @property
    def certificate(self) -> Path:
        return self.root / "exchange" / "cert.pem"

    def add_peer(self, other: "Installation") -> None:
        self.manage("exchange_peer", other.agency_id, "--name", other.name, "--url", other.url,
                    "--cert", str(other.certificate), "--organ", f"{other.organ_id}={other.name}")  # fmt: skip

    def release(self, count: int = 1) -> list[int]:
        return self.python(RELEASE, ORGAN=self.organ_id, COUNT=count)

    def start(self, *command: str) -> None:
        command = command or (PYTHON, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}")
        log = open(self.root / "server.log", "ab")  # noqa: SIM115 (kept open while the server runs)
        self.server = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"{self.name}: server exited: {(self.root / 'server.log').read_text()[-2000:]}")
            try:
                requests.get(f"{self.url}/api/v1/documents/exchange/receive/", timeout=10)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        raise RuntimeError(f"{self.name}: server did not start")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.url}/api/v1{path}", headers=headers, timeout=30, **kwargs)

    def deliver(self) -> str:
        return self.manage("deliver_outbox")

    def destroy(self) -> None:
        self.stop()
        if self.admin_url:
            _pg(self.admin_url, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
