"""The exchange's security review, one regression test per finding: who may recall or change a document, what a
received attachment may be served as, envelopes of legitimate size, organs a peer may speak for, replays, the
receive endpoint under a flood of refused messages, the private key and peer addresses, and the legal dates."""

import datetime as dt
import hashlib
import stat
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from apps.core.errors import DomainError
from apps.core.models import AuditEvent
from apps.documents import services
from apps.documents.models import DocumentFile, ExchangeOrgan, InboxDocument, OutboxMessage
from apps.documents.selectors import exchange as exchange_selectors
from apps.documents.services import edxml, exchange, handling
from apps.documents.tests.test_exchange import PDF, PEER, add_peer, from_peer, peer_keys, released, statuses, w
from apps.org.models import Unit

__all__ = ["peer_keys", "w"]  # fixtures used by name

pytestmark = pytest.mark.django_db
THIRD = "000.00.00.H66"
RECEIVE = "/api/v1/documents/exchange/receive/"
DOCUMENT_ID = "H77.01,2026/03/02,12/QĐ-STP"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MB = 1024 * 1024


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HANOI)


@pytest.fixture
def third_keys():
    keys = edxml.make_identity(THIRD, "Tỉnh Thứ Ba")
    exchange.peer_save(actor=None, identifier=THIRD, name="Tỉnh Thứ Ba", base_url="https://third.invalid",
                       certificate_pem=keys[1].decode(), organs={"H66.01": "Sở X tỉnh Thứ Ba"})  # fmt: skip
    return keys


def signed(keys, *, sender="H77.01", trace=PEER, business_type=edxml.NEW, attachments=None, subject="Nội dung",
           timestamp=None, document_id=DOCUMENT_ID, to="H88.21", priority=0) -> bytes:  # fmt: skip
    envelope = edxml.DocumentEnvelope(
        sender=edxml.Organ(sender, "Cơ quan gửi"), recipient=edxml.Organ(to, "UBND xã An Phú"),
        document_id=document_id, code_number="12", code_notation="QĐ-STP", promulgation_date=dt.date(2026, 3, 2),
        subject=subject, type_code="quyet_dinh", trace_organ=trace, business_type=business_type,
        business_reason="lý do", timestamp=timestamp, priority=priority,
        attachments=[edxml.Attachment("qd.pdf", "application/pdf", PDF)] if attachments is None else attachments,
    )  # fmt: skip
    return edxml.sign(edxml.build_document(envelope), key_pem=keys[0], cert_pem=keys[1])


def answers(code: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="status", status_code=code))


# ---- 1. only the original sender recalls or changes a document ---------------------------------------------------


def test_another_peer_cannot_recall_a_document_it_did_not_send(w, peer_keys, third_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(from_peer(peer_keys))
    incoming = exchange.accept_inbox(actor=w.clerk, item=InboxDocument.objects.get())
    receipt = exchange.receive_envelope(signed(third_keys, sender="H66.01", trace=THIRD,
                                               business_type=edxml.RECALL))  # fmt: skip
    incoming.refresh_from_db()
    assert receipt.outcome == "refused_not_sender"
    assert InboxDocument.objects.get().state == "accepted" and incoming.recalled_at is None
    [refusal] = answers("16")
    assert (refusal.peer.identifier, refusal.recipient_organ) == (THIRD, "H66.01")  # answered to who asked
    assert AuditEvent.objects.filter(action="documents.exchange.foreign_change_refused").count() == 1


def test_another_peer_cannot_replace_an_arrived_document(w, peer_keys, third_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(from_peer(peer_keys))
    receipt = exchange.receive_envelope(signed(third_keys, sender="H66.01", trace=THIRD, subject="Nội dung giả",
                                               business_type=edxml.UPDATE))  # fmt: skip
    item = InboxDocument.objects.get()
    assert receipt.outcome == "refused_not_sender"
    assert (item.summary, item.sender_organ) == ("Về việc công bố thủ tục hành chính", "H77.01")


def test_another_organ_of_the_same_peer_cannot_recall_either(w, peer_keys):
    exchange.peer_save(actor=None, identifier=PEER, name="Tỉnh Khác", base_url="https://peer.invalid",
                       certificate_pem=peer_keys[1].decode(),
                       organs={"H77.01": "Sở Tư pháp", "H77.02": "Sở Y tế"})  # fmt: skip
    exchange.receive_envelope(from_peer(peer_keys))
    receipt = exchange.receive_envelope(signed(peer_keys, sender="H77.02", business_type=edxml.RECALL))
    assert receipt.outcome == "refused_not_sender" and InboxDocument.objects.get().state == "arrived"


# ---- 2. received attachments are typed by their content --------------------------------------------------------


def test_received_attachments_are_typed_by_content_and_others_only_downloaded(w, peer_keys):
    add_peer(peer_keys)
    attachments = [
        edxml.Attachment("a.pdf", "text/html", b"<html><script src='x.js'></script>hi</html>"),
        edxml.Attachment("x.js", "text/javascript", b"alert(document.cookie)"),
        edxml.Attachment("that-is-a-pdf.bin", "text/html", PDF),
    ]
    exchange.receive_envelope(signed(peer_keys, attachments=attachments))
    incoming = exchange.accept_inbox(actor=w.clerk, item=InboxDocument.objects.get())
    stored = {f.name: f for f in incoming.files.all()}
    assert {name: f.content_type for name, f in stored.items()} == {
        "a.pdf": "application/octet-stream", "x.js": "application/octet-stream",
        "that-is-a-pdf.bin": "application/pdf",
    }  # fmt: skip
    client = Client()
    client.force_login(w.clerk)

    def served(name):
        return client.get(f"/can-bo/van-ban/den/{incoming.pk}/tep/{stored[name].pk}/")

    for name in ("a.pdf", "x.js"):
        response = served(name)
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    response = served("that-is-a-pdf.bin")
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("inline")


# ---- 3. envelopes of legitimate size ---------------------------------------------------------------------------------


def big_pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + b"0" * size


def test_a_14_mb_signed_envelope_is_received_through_the_endpoint(w, peer_keys):
    add_peer(peer_keys)
    attachments = [edxml.Attachment(f"big{i}.pdf", "application/pdf", big_pdf(5 * MB)) for i in (1, 2)]
    body = signed(peer_keys, attachments=attachments)
    assert 13 * MB < len(body) < edxml.MAX_ENVELOPE_BYTES
    response = APIClient().post(RECEIVE, data=body, content_type="application/xml")
    assert response.status_code == 200, response.content[:300]
    assert response.json() == {"outcome": "received"}


def test_an_8_mb_file_goes_between_two_units_of_one_installation(w):
    document = released(w)
    data = big_pdf(8 * MB)
    DocumentFile.objects.filter(outgoing=document).update(stage=DocumentFile.Stage.DRAFT)
    DocumentFile.objects.create(
        outgoing=document, stage=DocumentFile.Stage.RELEASED, file=ContentFile(data, name="lon.pdf"),
        name="lon.pdf", content_type="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=timezone.now(),
    )  # fmt: skip
    exchange.send_outgoing(actor=w.clerk, document=document, recipients=["H88.22"])
    exchange.deliver_due()
    incoming = exchange.accept_inbox(actor=w.other_clerk, item=InboxDocument.objects.get())
    [stored] = incoming.files.all()
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_a_document_whose_files_exceed_the_limit_is_not_sent(w):
    document = released(w)
    limit = edxml.MAX_ENVELOPE_BYTES * 3 // 4  # base64 turns 3 bytes into 4
    data = big_pdf(limit)
    DocumentFile.objects.filter(outgoing=document).update(stage=DocumentFile.Stage.DRAFT)
    DocumentFile.objects.create(
        outgoing=document, stage=DocumentFile.Stage.RELEASED, file=ContentFile(data, name="qua-lon.pdf"),
        name="qua-lon.pdf", content_type="application/pdf", size=len(data), sha256="0" * 64,
        uploaded_at=timezone.now(),
    )  # fmt: skip
    with pytest.raises(DomainError, match="quá lớn"):
        exchange.send_outgoing(actor=w.clerk, document=document, recipients=["H88.22"])
    client = Client()
    client.force_login(w.clerk)
    url = f"/can-bo/van-ban/di/{document.pk}/gui-lien-thong/"
    assert f"tối đa {edxml.MAX_ATTACHMENTS_BYTES // MB} MB" in client.get(url).content.decode()
    page = client.post(url, {"recipients": ["H88.22"]})
    assert page.status_code == 200 and "quá lớn để gửi liên thông" in page.content.decode()
    assert "checked" in page.content.decode()  # the choice kept
    assert not OutboxMessage.objects.exists()


def test_signing_errors_are_domain_errors(w):
    with mock.patch.object(edxml, "sign", side_effect=ValueError("broken")), pytest.raises(DomainError):
        exchange.send_outgoing(actor=w.clerk, document=released(w), recipients=["H88.22"])


def test_the_endpoint_answers_a_bad_or_too_large_length_without_a_server_error(w):
    client = APIClient()
    response = client.post(RECEIVE, data=b"<x/>", content_type="application/xml", CONTENT_LENGTH="abc")
    assert response.status_code == 400
    response = client.post(RECEIVE, data=b"<x/>", content_type="application/xml",
                           CONTENT_LENGTH=str(edxml.MAX_ENVELOPE_BYTES + 1))  # fmt: skip
    assert response.status_code == 413


def test_the_receive_schema_states_the_limit(w):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    description = schema["paths"][RECEIVE]["post"]["description"]
    assert f"{edxml.MAX_ENVELOPE_BYTES // MB} MB" in description


# ---- 4. a peer speaks only for its configured organs ---------------------------------------------------------------


def test_an_unknown_organ_is_refused_not_learned(w, peer_keys):
    add_peer(peer_keys)
    with pytest.raises(exchange.ExchangeRefused):
        exchange.receive_envelope(signed(peer_keys, sender="H55.01", document_id="H55.01,x"))
    assert not ExchangeOrgan.objects.filter(organ_id="H55.01").exists()
    assert exchange.route("H55.01") is None
    assert not InboxDocument.objects.exists()


# ---- 5. replays and stale updates ---------------------------------------------------------------------------------


def test_an_old_update_replayed_does_not_undo_a_newer_one(w, peer_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(signed(peer_keys, subject="Bản đầu", timestamp=local(2026, 3, 2, 8)))
    first = signed(peer_keys, business_type=edxml.UPDATE, subject="Sửa lần 1", timestamp=local(2026, 3, 2, 9))
    second = signed(peer_keys, business_type=edxml.UPDATE, subject="Sửa lần 2", timestamp=local(2026, 3, 2, 10))
    assert exchange.receive_envelope(first).outcome == "update_applied"
    assert exchange.receive_envelope(second).outcome == "update_applied"
    assert exchange.receive_envelope(first).outcome == "duplicate"
    assert InboxDocument.objects.get().summary == "Sửa lần 2"


def test_an_update_signed_before_the_applied_one_is_refused(w, peer_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(signed(peer_keys, subject="Bản đầu", timestamp=local(2026, 3, 2, 8)))
    exchange.receive_envelope(signed(peer_keys, business_type=edxml.UPDATE, subject="Mới",
                                     timestamp=local(2026, 3, 2, 10)))  # fmt: skip
    older = signed(peer_keys, business_type=edxml.UPDATE, subject="Cũ", timestamp=local(2026, 3, 2, 9))
    assert exchange.receive_envelope(older).outcome == "update_stale"
    assert InboxDocument.objects.get().summary == "Mới"
    assert len(answers("16")) == 1


# ---- 6. the receive endpoint under a flood of refused messages --------------------------------------------------


def test_a_client_sending_refused_messages_is_throttled_before_any_work(w, peer_keys, monkeypatch):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {**SimpleRateThrottle.THROTTLE_RATES, "exchange_refused": "3/minute"})  # fmt: skip
    client = APIClient()
    unknown = signed(peer_keys)  # PEER is not configured
    with mock.patch.object(edxml, "verify", wraps=edxml.verify) as verify:
        codes = [client.post(RECEIVE, data=unknown, content_type="application/xml").status_code for _ in range(4)]
        assert verify.call_count == 0  # no RSA for a peer no one configured
    assert codes == [400, 400, 400, 400]
    with mock.patch.object(edxml, "claimed_installation") as parse:
        response = client.post(RECEIVE, data=unknown, content_type="application/xml")
        assert not parse.called
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    cache.clear()


def test_accepted_messages_are_not_throttled(w, peer_keys, monkeypatch):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {**SimpleRateThrottle.THROTTLE_RATES, "exchange_refused": "2/minute"})  # fmt: skip
    add_peer(peer_keys)
    client = APIClient()
    codes = [client.post(RECEIVE, data=signed(peer_keys, document_id=f"H77.01,2026/03/02,{n}/QĐ"),
                         content_type="application/xml").status_code for n in range(5)]  # fmt: skip
    assert codes == [200] * 5
    cache.clear()


# ---- 7. the private key and the peers' addresses -------------------------------------------------------------------


def test_the_private_key_is_never_readable_by_others(settings, tmp_path):
    settings.EXCHANGE_DIR = tmp_path / "identity"
    settings.EXCHANGE_AGENCY_ID = ""
    with mock.patch.object(Path, "chmod"):  # no reliance on a chmod after the write
        assert exchange.ensure_identity("000.00.00.H99", "Thử")
    mode = stat.S_IMODE((tmp_path / "identity" / "key.pem").stat().st_mode)
    assert mode == 0o600


def test_peers_are_reached_over_https_except_locally_or_when_allowed(w, peer_keys, settings):
    def save(url):
        return exchange.peer_save(actor=None, identifier=PEER, name="Tỉnh Khác", base_url=url,
                                  certificate_pem=peer_keys[1].decode())  # fmt: skip

    with pytest.raises(DomainError) as refused:
        save("http://congvu.tinhkhac.gov.vn")
    assert refused.value.field == "base_url"
    with pytest.raises(DomainError):
        save("ftp://congvu.tinhkhac.gov.vn")
    assert save("http://127.0.0.1:8001").base_url == "http://127.0.0.1:8001"
    assert save("http://localhost:8001").base_url == "http://localhost:8001"
    assert save("https://congvu.tinhkhac.gov.vn").base_url == "https://congvu.tinhkhac.gov.vn"
    settings.EXCHANGE_ALLOW_HTTP = True
    assert save("http://10.0.0.7").base_url == "http://10.0.0.7"


# ---- 8. legal details ---------------------------------------------------------------------------------------------


def test_the_date_received_is_the_arrival_and_the_number_the_registrations_year(w, peer_keys):
    add_peer(peer_keys)
    arrived = local(2026, 12, 31, 16, 30)
    exchange.receive_envelope(from_peer(peer_keys), now=arrived)
    with time_machine.travel(local(2027, 1, 4, 8, 15), tick=False):
        incoming = exchange.accept_inbox(actor=w.clerk, item=InboxDocument.objects.get())
    assert incoming.received_at == arrived
    assert incoming.year == 2027 and incoming.number == 1


def test_incoming_register_defaults_the_date_received_to_now(w):
    now = local(2026, 5, 4, 9)
    incoming, _ = services.incoming_register(
        actor=w.clerk, unit=w.commune, issuer_name="Sở Tư pháp", number_symbol="1/STP",
        issued_date=dt.date(2026, 5, 1), doc_type="cong_van", summary="Về việc thử", now=now,
    )  # fmt: skip
    assert incoming.received_at == now


def test_the_inbox_shows_the_registration_deadline_and_flags_late_items(w, peer_keys):
    add_peer(peer_keys)
    friday = local(2026, 11, 27, 10)  # Decree 30, art. 22: by the next working day, Monday 30/11; urgent at once
    exchange.receive_envelope(from_peer(peer_keys), now=friday)
    exchange.receive_envelope(signed(peer_keys, document_id="H77.01,2026/03/02,13/QĐ-STP", priority=1), now=friday)
    items = exchange_selectors.inbox(w.clerk, w.commune, "arrived").select_related("unit")
    monday = local(2026, 11, 30, 9)
    on_monday = {i.document_id: i for i in exchange_selectors.with_registration_deadlines(items, monday)}
    normal, urgent = on_monday[DOCUMENT_ID], on_monday["H77.01,2026/03/02,13/QĐ-STP"]
    assert timezone.localtime(normal.deadline, HANOI).date() == dt.date(2026, 11, 30) and not normal.late
    assert urgent.deadline == friday and urgent.late
    on_tuesday = exchange_selectors.with_registration_deadlines(items, local(2026, 12, 1, 8))
    assert all(i.late for i in on_tuesday)
    client = Client()
    with time_machine.travel(local(2026, 12, 1, 8), tick=False):
        client.force_login(w.clerk)
        page = client.get(f"/can-bo/van-ban/lien-thong/nhan/?don-vi={w.commune.pk}").content.decode()
    assert page.count("Quá hạn vào sổ") == 2 and "30/11/2026" in page
    api = APIClient()
    with time_machine.travel(monday, tick=False):
        api.force_authenticate(w.clerk)
        listed = api.get(f"/api/v1/documents/exchange/inbox/?unit={w.commune.pk}").json()["results"]
    by_id = {i["document_id"]: i for i in listed}
    assert (by_id[DOCUMENT_ID]["late"], by_id["H77.01,2026/03/02,13/QĐ-STP"]["late"]) == (False, True)
    assert by_id[DOCUMENT_ID]["registration_deadline"].startswith("2026-11-30")


def test_a_recall_writes_an_audit_event_on_the_incoming_document(w, peer_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(from_peer(peer_keys))
    incoming = exchange.accept_inbox(actor=w.clerk, item=InboxDocument.objects.get())
    exchange.receive_envelope(signed(peer_keys, business_type=edxml.RECALL))
    event = AuditEvent.objects.get(action="documents.incoming.recalled")
    assert (event.object_type, event.object_id) == ("documents.incomingdocument", str(incoming.pk))


def test_a_recall_of_a_rejected_document_is_answered_16(w, peer_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(from_peer(peer_keys))
    exchange.reject_inbox(actor=w.clerk, item=InboxDocument.objects.get(), reason="Gửi nhầm nơi nhận")
    receipt = exchange.receive_envelope(signed(peer_keys, business_type=edxml.RECALL))
    assert receipt.outcome != "recalled" and InboxDocument.objects.get().state == "rejected"
    assert len(answers("16")) == 1 and not answers("13")


def test_a_second_pending_update_answers_16_for_the_first(w, peer_keys):
    add_peer(peer_keys)
    exchange.receive_envelope(signed(peer_keys, timestamp=local(2026, 3, 2, 8)))
    exchange.accept_inbox(actor=w.clerk, item=InboxDocument.objects.get())
    exchange.receive_envelope(signed(peer_keys, business_type=edxml.UPDATE, subject="Sửa 1",
                                     timestamp=local(2026, 3, 2, 9)))  # fmt: skip
    assert not answers("16")
    second = signed(peer_keys, business_type=edxml.UPDATE, subject="Sửa 2", timestamp=local(2026, 3, 2, 10))
    exchange.receive_envelope(second)
    assert len(answers("16")) == 1
    assert bytes(InboxDocument.objects.get().pending_change) == second


def test_a_reopened_document_reports_05_again(w):
    document = released(w)
    [dispatch] = exchange.send_outgoing(actor=w.clerk, document=document, recipients=["H88.22"])
    exchange.deliver_due()
    incoming = exchange.accept_inbox(actor=w.other_clerk, item=InboxDocument.objects.get())
    leader = _leader_of(w.other_commune)
    steps = [
        lambda: handling.assign(actor=leader, document=incoming, lead=w.other_clerk, working_days=3),
        lambda: handling.mark_done(actor=leader, document=incoming),
        lambda: handling.reopen(actor=leader, document=incoming, note="Chưa trả lời đủ"),
        lambda: handling.mark_done(actor=leader, document=incoming),
    ]
    for day, step in enumerate(steps, start=1):  # statuses are stamped to the second: one step a day
        with time_machine.travel(timezone.now() + dt.timedelta(days=day), tick=False):
            step()
            exchange.deliver_due()
    assert statuses(dispatch) == ["01", "03", "04", "05", "06", "05", "06"]


def _leader_of(unit: Unit):
    from apps.org.models import Role
    from apps.org.tests.factories import staff_in

    return staff_in(unit, Role.UNIT_LEADER, is_head=True, username="chutich.khac")


def test_entities_are_never_expanded_nor_fetched(w, peer_keys):
    add_peer(peer_keys)
    head = b'<?xml version="1.0"?><!DOCTYPE edXML [%s]>'
    body = (b'<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope><edXML:edXMLHeader>'
            b"<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>%s</edXML:OrganId></edXML:TraceHeader>"
            b"</edXML:TraceHeaderList></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML:edXML>")  # fmt: skip
    laughs = (
        b'<!ENTITY a "'
        + b"A" * 1000
        + b'">'
        + b"".join(b'<!ENTITY %c "%s">' % (98 + i, (b"&" + bytes([97 + i]) + b";") * 10) for i in range(8))
    )
    xxe = b'<!ENTITY x SYSTEM "file:///etc/passwd">'
    client = APIClient()
    for entities, reference in ((laughs, b"&i;"), (xxe, b"&x;")):
        response = client.post(RECEIVE, data=head % entities + body % reference, content_type="application/xml")
        assert response.status_code == 400 and b"root:" not in response.content
