"""Two live installations (two servers on two ports, two databases, two key pairs) exchange a document and all its
statuses end to end: send A→B, 01 at A, accept at B (03, 04), handling (05, 06), re-delivery of the same envelope
(one record), recall (13), B down (A's outbox retries with back-off), B up (delivered)."""

import os

import pytest

from tests.installations import Installation

pytestmark = pytest.mark.slow

REPORT = """
from apps.core.actors import SYSTEM
from apps.documents.models import IncomingDocument
from apps.documents.services.exchange import report_handling
document = IncomingDocument.objects.get(pk=PK)
document.handling_status = STATUS
document.save(update_fields=["handling_status"])
report_handling(document, actor=SYSTEM)
result = None
"""

REDELIVER = """
from django.utils import timezone
from apps.documents.models import OutboxMessage
message = OutboxMessage.objects.get(kind="document", business_type=0, document_id=DOCUMENT_ID)
OutboxMessage.objects.filter(pk=message.pk).update(state="pending", next_attempt_at=timezone.now())
result = message.pk
"""

INCOMING = """
from apps.documents.models import IncomingDocument
document = IncomingDocument.objects.get(pk=PK)
result = [document.handling_status, document.recalled_at is not None, document.source,
          [f.sha256 for f in document.files.all()]]
"""


@pytest.fixture
def installations(tmp_path):
    database_url = os.environ.get("DATABASE_URL", "") if "postgres" in os.environ.get("DATABASE_URL", "") else ""
    a = Installation("Sở Tư pháp tỉnh A", "000.00.00.HA1", "HA1.01", tmp_path / "a", database_url=database_url,
                     suffix="a")  # fmt: skip
    b = Installation("Sở Tư pháp tỉnh B", "000.00.00.HB1", "HB1.01", tmp_path / "b", database_url=database_url,
                     suffix="b")  # fmt: skip
    try:
        for installation in (a, b):
            installation.set_up()
        a.add_peer(b)
        b.add_peer(a)
        a.start()
        b.start()
        yield a, b
    finally:
        a.destroy()
        b.destroy()


def codes(a: Installation, outgoing: int) -> list[str]:
    rows = a.api("get", f"/documents/exchange/outbox/?unit={a.unit_id}").json()["results"]
    [row] = [r for r in rows if r["outgoing"] == outgoing]
    return [status["code"] for status in row["statuses"]]


def test_two_installations_exchange_a_document_with_every_status(installations):
    a, b = installations
    first, second = a.release(2)
    sent = a.api("post", f"/documents/outgoing/{first}/send/", json={"recipients": ["HB1.01"]})
    assert sent.status_code == 201, sent.text
    document_id = sent.json()[0]["document_id"]

    a.deliver()  # the signed envelope over HTTP to B
    inbox = b.api("get", f"/documents/exchange/inbox/?unit={b.unit_id}").json()["results"]
    assert [(i["sender_organ"], i["state"]) for i in inbox] == [("HA1.01", "arrived")]
    b.deliver()  # 01 back to A
    assert codes(a, first) == ["01"]

    accepted = b.api("post", f"/documents/exchange/inbox/{inbox[0]['id']}/accept/", json={})
    assert accepted.status_code == 200, accepted.text
    incoming = accepted.json()["id"]
    b.deliver()
    assert codes(a, first) == ["01", "03", "04"]

    for status in ("assigned", "done"):
        b.python(REPORT, PK=incoming, STATUS=status)
    b.deliver()
    assert codes(a, first) == ["01", "03", "04", "05", "06"]

    # the same envelope delivered again: B answers "duplicate" and keeps one record
    a.python(REDELIVER, DOCUMENT_ID=document_id)
    a.deliver()
    assert len(b.api("get", f"/documents/exchange/inbox/?unit={b.unit_id}").json()["results"]) == 1

    recalled = a.api("post", f"/documents/outgoing/{first}/recall/", json={"reason": "Ban hành chưa đúng thẩm quyền"})
    assert recalled.status_code == 200, recalled.text
    a.deliver()
    b.deliver()
    assert codes(a, first)[-1] == "13"
    handling, frozen, source, files = b.python(INCOMING, PK=incoming)
    assert (handling, frozen, source, len(files)) == ("recalled", True, "exchange", 1)

    # B down: A keeps the message and retries with back-off
    b.stop()
    assert a.api("post", f"/documents/outgoing/{second}/send/", json={"recipients": ["HB1.01"]}).status_code == 201
    for _ in range(2):
        a.deliver()
    rows = a.api("get", f"/documents/exchange/outbox/?unit={a.unit_id}").json()["results"]
    [delivery] = next(r for r in rows if r["outgoing"] == second)["deliveries"]
    assert delivery["state"] == "retrying" and delivery["attempts"] >= 2 and delivery["last_error"]
    assert delivery["next_attempt_at"] is not None

    b.start()
    a.deliver()
    b.deliver()
    assert codes(a, second) == ["01"]
    for installation in (a, b):
        assert "toàn vẹn" in installation.manage("verify_exchange_log")
