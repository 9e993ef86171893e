"""The exchange inside one installation (the same signed path as between two) and with a peer whose messages the
test signs itself: statuses, idempotent receipt, recall and update, retries with back-off, the hash-chained log."""

import datetime as dt
import hashlib
from io import StringIO
from unittest import mock

import pytest
import requests
import time_machine
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.documents import services
from apps.documents.models import (
    Dispatch,
    DocumentFile,
    ExchangeLogEntry,
    InboxDocument,
    IncomingDocument,
    OutboxMessage,
    OutgoingDocument,
)
from apps.documents.services import edxml, exchange
from apps.documents.tests.factories import draft, world
from apps.org.models import Unit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
HOME = "000.00.00.H88"
PEER = "000.00.00.H77"


@pytest.fixture
def w(settings, tmp_path):
    settings.EXCHANGE_DIR = tmp_path / "exchange"
    settings.EXCHANGE_AGENCY_ID = ""
    settings.EXCHANGE_RETRY_BASE_SECONDS = 30
    settings.EXCHANGE_RETRY_CAP_SECONDS = 3600
    exchange.ensure_identity(HOME, "Ủy ban nhân dân tỉnh Thử")
    w = world()
    Unit.objects.filter(pk=w.commune.pk).update(agency_code="H88.21")
    Unit.objects.filter(pk=w.other_commune.pk).update(agency_code="H88.22")
    w.commune.refresh_from_db()
    w.other_commune.refresh_from_db()
    return w


@pytest.fixture
def peer_keys():
    return edxml.make_identity(PEER, "Tỉnh Khác")


def released(w, **extra):
    document = services.outgoing_release(actor=w.clerk, document=draft(w, **extra))
    DocumentFile.objects.create(
        outgoing=document, stage=DocumentFile.Stage.RELEASED, file=ContentFile(PDF, name="qd.pdf"),
        name="quyet-dinh.pdf", content_type="application/pdf", size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(), uploaded_at=timezone.now(),
    )  # fmt: skip
    return document


def send_to_other_commune(w):
    document = released(w)
    [dispatch] = exchange.send_outgoing(actor=w.clerk, document=document, recipients=["H88.22"])
    return document, dispatch


def statuses(dispatch) -> list[str]:
    return list(dispatch.statuses.order_by("reported_at", "pk").values_list("code", flat=True))


def test_sending_inside_the_installation_goes_through_the_signed_path_and_answers_01(w):
    document, dispatch = send_to_other_commune(w)
    assert OutgoingDocument.objects.get(pk=document.pk).status == "sent"
    message = OutboxMessage.objects.get(dispatch=dispatch)
    edxml.verify(bytes(message.envelope), cert_pem=exchange.own_certificate())  # signed like any other
    assert not InboxDocument.objects.exists()  # nothing arrives before delivery: no shortcut
    exchange.deliver_due()  # the document, then the 01 it caused
    exchange.deliver_due()
    item = InboxDocument.objects.get()
    assert (item.unit, item.state, item.number_symbol) == (w.other_commune, "arrived", document.symbol)
    assert item.document_id == f"H88.21,{timezone.localdate():%Y/%m/%d},{document.symbol}"
    assert statuses(dispatch) == ["01"]
    assert Dispatch.objects.get(pk=dispatch.pk).last_status == "01"
    # out (document), in (document), out (01), in (01): every message in the chain
    assert list(ExchangeLogEntry.objects.values_list("direction", "kind")) == [
        ("out", "document"), ("in", "document"), ("out", "status"), ("in", "status")]  # fmt: skip
    assert exchange.verify_log() is None


def test_the_same_envelope_twice_makes_one_record(w):
    _document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    envelope = bytes(OutboxMessage.objects.get(dispatch=dispatch).envelope)
    receipt = exchange.receive_envelope(envelope)
    assert receipt.outcome == "duplicate"
    assert InboxDocument.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="status").count() == 1  # one 01, not two
    assert ExchangeLogEntry.objects.filter(direction="in", outcome="duplicate").count() == 1  # kept all the same


def test_accept_registers_with_the_files_and_answers_03_then_04(w):
    document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    item = InboxDocument.objects.get()
    incoming = exchange.accept_inbox(actor=w.other_clerk, item=item)
    exchange.deliver_due()
    assert statuses(dispatch) == ["01", "03", "04"]
    assert (incoming.unit, incoming.source, incoming.handling_status) == (
        w.other_commune, "exchange", "awaiting_direction")  # fmt: skip
    assert (incoming.number_symbol, incoming.issuer_name, incoming.doc_type) == (
        document.symbol, w.commune.name, "quyet_dinh")  # fmt: skip
    [stored] = incoming.files.all()
    assert (stored.stage, stored.name, stored.sha256) == ("received", "quyet-dinh.pdf", hashlib.sha256(PDF).hexdigest())
    with pytest.raises(ConflictError):
        exchange.accept_inbox(actor=w.other_clerk, item=item)


def test_only_the_recipients_clerk_accepts_or_rejects(w):
    send_to_other_commune(w)
    exchange.deliver_due()
    item = InboxDocument.objects.get()
    with pytest.raises(PermissionDeniedError):
        exchange.accept_inbox(actor=w.clerk, item=item)  # the sender's clerk
    with pytest.raises(PermissionDeniedError):
        exchange.reject_inbox(actor=w.officer, item=item, reason="Không đúng thẩm quyền")


def test_reject_needs_a_reason_and_answers_02(w):
    _document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    item = InboxDocument.objects.get()
    with pytest.raises(DomainError) as error:
        exchange.reject_inbox(actor=w.other_clerk, item=item, reason="  ")
    assert error.value.field == "reason"
    exchange.reject_inbox(actor=w.other_clerk, item=item, reason="Gửi nhầm nơi nhận")
    exchange.deliver_due()
    assert statuses(dispatch) == ["01", "02"]
    assert dispatch.statuses.get(code="02").description == "Gửi nhầm nơi nhận"


def test_handling_reports_05_and_06_once_each(w):
    _document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    incoming = exchange.accept_inbox(actor=w.other_clerk, item=InboxDocument.objects.get())
    for handling in ("assigned", "assigned", "done"):
        IncomingDocument.objects.filter(pk=incoming.pk).update(handling_status=handling)
        incoming.refresh_from_db()
        exchange.report_handling(incoming, actor=w.other_clerk)
    exchange.deliver_due()
    assert statuses(dispatch) == ["01", "03", "04", "05", "06"]


def test_a_paper_document_reports_nothing(w):
    incoming, _ = services.incoming_register(
        actor=w.clerk, unit=w.commune, issuer_name="Sở Tư pháp", number_symbol="1/STP",
        issued_date=dt.date(2026, 1, 2), doc_type="cong_van", summary="Về việc thử",
    )  # fmt: skip
    incoming.handling_status = "assigned"
    exchange.report_handling(incoming, actor=w.clerk)
    assert not OutboxMessage.objects.exists()


def test_recall_freezes_the_registered_document_and_answers_13(w):
    document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    incoming = exchange.accept_inbox(actor=w.other_clerk, item=InboxDocument.objects.get())
    exchange.recall_outgoing(actor=w.clerk, document=document, reason="Ban hành sai thẩm quyền")
    exchange.deliver_due()
    exchange.deliver_due()
    incoming.refresh_from_db()
    assert incoming.recalled_at is not None and incoming.handling_status == "recalled"
    assert InboxDocument.objects.get().state == "recalled"
    assert statuses(dispatch)[-1] == "13"
    assert Dispatch.objects.get(pk=dispatch.pk).recalled_at is not None
    # frozen: a later handling change is not reported, a second recall finds nothing to do
    exchange.report_handling(incoming, actor=w.other_clerk)
    with pytest.raises(ConflictError):
        exchange.recall_outgoing(actor=w.clerk, document=document, reason="lần nữa")


def test_recall_before_acceptance_withdraws_it_from_the_inbox(w):
    document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    exchange.recall_outgoing(actor=w.clerk, document=document, reason="Gửi nhầm")
    exchange.deliver_due()
    exchange.deliver_due()
    item = InboxDocument.objects.get()
    assert item.state == "recalled" and item.incoming is None
    assert statuses(dispatch) == ["01", "13"]
    with pytest.raises(ConflictError):
        exchange.accept_inbox(actor=w.other_clerk, item=item)


def test_update_of_a_registered_document_waits_for_the_clerk(w):
    document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    incoming = exchange.accept_inbox(actor=w.other_clerk, item=InboxDocument.objects.get())
    OutgoingDocument.objects.filter(pk=document.pk).update(summary="Về việc kiện toàn tổ công tác (sửa đổi)")
    exchange.recall_outgoing(actor=w.clerk, document=document, reason="Sửa trích yếu", business_type=edxml.UPDATE)
    exchange.deliver_due()
    item = InboxDocument.objects.get()
    assert item.pending_change is not None and statuses(dispatch) == ["01", "03", "04"]
    exchange.decide_change(actor=w.other_clerk, item=item, agree=True)
    exchange.deliver_due()
    incoming.refresh_from_db()
    assert incoming.summary == "Về việc kiện toàn tổ công tác (sửa đổi)"
    assert sorted(incoming.files.values_list("version", flat=True)) == [1, 2]  # the first file kept
    assert statuses(dispatch)[-1] == "15"


def test_replacement_refused_by_the_clerk_answers_16(w):
    document, dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    exchange.accept_inbox(actor=w.other_clerk, item=InboxDocument.objects.get())
    exchange.recall_outgoing(actor=w.clerk, document=document, reason="Thay thế", business_type=edxml.REPLACE)
    exchange.deliver_due()
    exchange.decide_change(actor=w.other_clerk, item=InboxDocument.objects.get(), agree=False)
    exchange.deliver_due()
    assert statuses(dispatch)[-1] == "16"


def test_secret_and_unreleased_documents_are_not_sent(w):
    with pytest.raises(DomainError):
        exchange.send_outgoing(actor=w.clerk, document=released(w, confidentiality="secret"), recipients=["H88.22"])
    with pytest.raises(ConflictError):
        exchange.send_outgoing(actor=w.clerk, document=draft(w), recipients=["H88.22"])
    with pytest.raises(DomainError) as error:
        exchange.send_outgoing(actor=w.clerk, document=released(w), recipients=["H00.99"])
    assert error.value.field == "recipients"
    with pytest.raises(PermissionDeniedError):
        exchange.send_outgoing(actor=w.other_clerk, document=released(w), recipients=["H88.22"])


# ---- a peer installation ---------------------------------------------------------------------------------------


def add_peer(peer_keys, url="https://peer.invalid"):
    return exchange.peer_save(
        actor=None, identifier=PEER, name="Tỉnh Khác", base_url=url, certificate_pem=peer_keys[1].decode(),
        organs={"H77.01": "Sở Tư pháp tỉnh Khác"},
    )  # fmt: skip


def from_peer(peer_keys, *, sender="H77.01", to="H88.21", trace=PEER, document_id="H77.01,2026/03/02,12/QĐ-STP"):
    envelope = edxml.DocumentEnvelope(
        sender=edxml.Organ(sender, "Sở Tư pháp tỉnh Khác"), recipient=edxml.Organ(to, "UBND xã An Phú"),
        document_id=document_id, code_number="12", code_notation="QĐ-STP", promulgation_date=dt.date(2026, 3, 2),
        subject="Về việc công bố thủ tục hành chính", type_code="quyet_dinh", trace_organ=trace,
        attachments=[edxml.Attachment("qd.pdf", "application/pdf", PDF)],
    )  # fmt: skip
    return edxml.sign(edxml.build_document(envelope), key_pem=peer_keys[0], cert_pem=peer_keys[1])


def test_a_peers_document_arrives_and_its_01_waits_while_the_peer_is_down(w, peer_keys):
    add_peer(peer_keys)
    assert exchange.receive_envelope(from_peer(peer_keys)).outcome == "received"
    status = OutboxMessage.objects.get(kind="status")
    assert (status.peer.identifier, status.status_code, status.recipient_organ) == (PEER, "01", "H77.01")
    start = timezone.now()
    with (
        time_machine.travel(start, tick=False),
        mock.patch("requests.post", side_effect=requests.ConnectionError("refused")) as post,
    ):
        assert exchange.deliver_due() == 0
    assert post.call_args.args[0] == "https://peer.invalid/api/v1/documents/exchange/receive/"
    status.refresh_from_db()
    assert (status.state, status.attempts, status.last_error) == ("retrying", 1, "refused")
    # first failure: base 30 s, jittered into its upper half
    assert dt.timedelta(seconds=15) <= status.next_attempt_at - start <= dt.timedelta(seconds=30)
    with mock.patch("requests.post") as post:
        assert exchange.deliver_due() == 0  # not due yet
        post.assert_not_called()
    with (
        time_machine.travel(start + dt.timedelta(seconds=31), tick=False),
        mock.patch("requests.post") as post,
    ):
        post.return_value.status_code = 200
        assert exchange.deliver_due() == 1
    status.refresh_from_db()
    assert (status.state, status.attempts, status.last_error) == ("delivered", 2, "")


def test_a_peer_refusing_a_message_stops_its_retries(w, peer_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(from_peer(peer_keys))
    with mock.patch("requests.post") as post:
        post.return_value.status_code = 400
        post.return_value.text = "bad signature"
        exchange.deliver_due()
    status = OutboxMessage.objects.get(kind="status")
    assert (status.state, status.next_attempt_at) == ("refused", None)


def test_back_off_doubles_and_is_capped():
    low = mock.Mock(uniform=lambda a, b: a)
    high = mock.Mock(uniform=lambda a, b: b)
    # base 30 s: 30, 60, 120 … seconds after the 1st, 2nd, 3rd failure; never more than the hour's cap
    assert [exchange.retry_delay(n, rng=high).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert exchange.retry_delay(1, rng=low).total_seconds() == 15
    assert exchange.retry_delay(40, rng=high).total_seconds() == 3600


def test_messages_not_signed_by_a_known_peer_are_refused_and_not_kept(w, peer_keys):
    with pytest.raises(exchange.ExchangeRefused):
        exchange.receive_envelope(from_peer(peer_keys))  # the peer is not in the table yet
    add_peer(peer_keys)
    tampered = from_peer(peer_keys).replace("công bố".encode(), "bãi bỏ".encode())
    with pytest.raises(exchange.ExchangeRefused):
        exchange.receive_envelope(tampered)
    stranger = edxml.make_identity(PEER, "Kẻ giả danh")
    with pytest.raises(exchange.ExchangeRefused):
        exchange.receive_envelope(from_peer(stranger))  # same name, another key
    with pytest.raises(exchange.ExchangeRefused):
        exchange.receive_envelope(from_peer(peer_keys, sender="H88.22"))  # a peer speaking for our unit
    with pytest.raises(exchange.ExchangeRefused):
        exchange.receive_envelope(from_peer(peer_keys, to="H00.99"))  # nobody here
    assert not InboxDocument.objects.exists() and not ExchangeLogEntry.objects.exists()


def test_the_receive_endpoint_answers_by_signature_alone(w, peer_keys):
    add_peer(peer_keys)
    client = APIClient()
    url = "/api/v1/documents/exchange/receive/"
    envelope = from_peer(peer_keys)
    first = client.post(url, data=envelope, content_type="application/xml")
    again = client.post(url, data=envelope, content_type="application/xml")
    assert (first.status_code, first.json()) == (200, {"outcome": "received"})
    assert (again.status_code, again.json()) == (200, {"outcome": "duplicate"})
    bad = client.post(url, data=envelope.replace(b"12/", b"13/", 1), content_type="application/xml")
    assert bad.status_code == 400 and bad.json()["code"] == "exchange_refused"
    assert InboxDocument.objects.count() == 1


def test_staff_api_send_accept_and_see_statuses(w):
    document = released(w)
    sender, receiver = APIClient(), APIClient()
    sender.force_authenticate(w.clerk)
    receiver.force_authenticate(w.other_clerk)
    sent = sender.post(f"/api/v1/documents/outgoing/{document.pk}/send/", {"recipients": ["H88.22"]}, format="json")
    assert sent.status_code == 201
    exchange.deliver_due()
    inbox = receiver.get(f"/api/v1/documents/exchange/inbox/?unit={w.other_commune.pk}").json()["results"]
    assert [row["number_symbol"] for row in inbox] == [document.symbol]
    assert sender.get(f"/api/v1/documents/exchange/inbox/?unit={w.other_commune.pk}").status_code == 404
    accepted = receiver.post(f"/api/v1/documents/exchange/inbox/{inbox[0]['id']}/accept/", {}, format="json")
    assert accepted.status_code == 200
    exchange.deliver_due()
    outbox = sender.get(f"/api/v1/documents/exchange/outbox/?unit={w.commune.pk}").json()["results"]
    assert [s["code"] for s in outbox[0]["statuses"]] == ["01", "03", "04"]
    assert outbox[0]["deliveries"][0]["state"] == "delivered"


# ---- the log ---------------------------------------------------------------------------------------------------


def test_the_log_refuses_updates_and_its_check_finds_a_removed_entry(w):
    send_to_other_commune(w)
    exchange.deliver_due()
    exchange.deliver_due()
    out = StringIO()
    call_command("verify_exchange_log", stdout=out)
    assert "4" in out.getvalue()
    with pytest.raises(DatabaseError), transaction.atomic():
        ExchangeLogEntry.objects.filter(seq=2).update(outcome="forged")
    ExchangeLogEntry.objects.filter(seq=2).delete()
    problem = exchange.verify_log()
    assert problem.seq == 3
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_exchange_log")


def test_the_log_check_finds_an_edited_envelope(w, django_db_blocker):
    send_to_other_commune(w)
    exchange.deliver_due()
    entry = ExchangeLogEntry.objects.get(seq=2)
    forged = bytes(entry.envelope).replace(b"UBND", b"UBNX", 1)
    # rewrite the row as an intruder with database access would (delete and insert back, the trigger aside)
    ExchangeLogEntry.objects.filter(pk=entry.pk).delete()
    entry.envelope = forged
    entry.save(force_insert=True)
    assert exchange.verify_log().seq == 2


# ---- pages -----------------------------------------------------------------------------------------------------


def test_pages_send_accept_reject_and_show_statuses(w, client):
    document = released(w)
    client.force_login(w.clerk)
    form = client.get(f"/can-bo/van-ban/di/{document.pk}/gui-lien-thong/")
    assert form.status_code == 200 and "H88.22" in form.content.decode()
    empty = client.post(f"/can-bo/van-ban/di/{document.pk}/gui-lien-thong/", {})
    assert "Hãy chọn ít nhất một nơi nhận." in empty.content.decode()
    sent = client.post(f"/can-bo/van-ban/di/{document.pk}/gui-lien-thong/", {"recipients": ["H88.22"]})
    assert sent.status_code == 302
    exchange.deliver_due()
    client.force_login(w.other_clerk)
    inbox = client.get(f"/can-bo/van-ban/lien-thong/nhan/?don-vi={w.other_commune.pk}")
    assert document.symbol in inbox.content.decode()
    item = InboxDocument.objects.get()
    kept = client.post(f"/can-bo/van-ban/lien-thong/nhan/{item.pk}/tu-choi/", {"reason": ""})
    assert "Hãy ghi lý do từ chối." in kept.content.decode()
    assert client.post(f"/can-bo/van-ban/lien-thong/nhan/{item.pk}/tiep-nhan/").status_code == 302
    exchange.deliver_due()
    client.force_login(w.clerk)
    outbox = client.get(f"/can-bo/van-ban/lien-thong/da-gui/?don-vi={w.commune.pk}").content.decode()
    assert "Đã tiếp nhận" in outbox and "Đã vào sổ" in outbox and "Chờ phân công" in outbox
    assert "Đã chuyển" in outbox
    register = client.get(f"/can-bo/van-ban/?don-vi={w.commune.pk}&so=di").content.decode()
    assert document.symbol in register  # a sent document stays in the outgoing register
    # the inbox is its keepers' only
    client.force_login(w.clerk)
    assert client.get(f"/can-bo/van-ban/lien-thong/nhan/?don-vi={w.other_commune.pk}").status_code == 404
    assert client.post(f"/can-bo/van-ban/lien-thong/nhan/{item.pk}/tiep-nhan/").status_code == 404


# ---- commands --------------------------------------------------------------------------------------------------


def test_identity_is_made_once_and_peers_are_added_by_command(w, tmp_path, peer_keys):
    out = StringIO()
    call_command("exchange_identity", stdout=out)
    assert HOME in out.getvalue() and "BEGIN CERTIFICATE" in out.getvalue()
    before = exchange.own_certificate()
    with pytest.raises(CommandError):
        call_command("exchange_identity", "--agency-id", "000.00.00.H11")  # the key is never replaced
    assert exchange.own_certificate() == before
    cert = tmp_path / "peer.pem"
    cert.write_bytes(peer_keys[1])
    call_command("exchange_peer", PEER, "--name", "Tỉnh Khác", "--url", "https://khac.example/", "--cert", str(cert),
                 "--organ", "H77.01=Sở Tư pháp tỉnh Khác", stdout=StringIO())  # fmt: skip
    assert exchange.route("H77.01").peer.base_url == "https://khac.example"
    cert.write_text("not a certificate")
    with pytest.raises(CommandError):
        call_command("exchange_peer", PEER, "--name", "x", "--url", "https://x.example", "--cert", str(cert))
