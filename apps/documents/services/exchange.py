"""Exchange between agencies (edXML, QCVN 102:2016): sending released documents, receiving them, the statuses sent
back, recall, update and replacement, delivery with retries, and the hash-chained log of every message.

Identity: this installation has an agency id (settings.EXCHANGE_AGENCY_ID or the file EXCHANGE_DIR/agency_id) and
an RSA key with a self-signed certificate (EXCHANGE_DIR/key.pem, cert.pem), made by `manage.py exchange_identity`.
Every message it emits is signed with that key; its TraceHeader names the installation, so the receiver checks the
signature against that peer's certificate (or its own, for its own units).

Organs: a local unit's OrganId is its agency_code; other organs belong to a peer (ExchangeOrgan, or the peer's own
identifier). A message claiming an organ of another installation, or of this one, is refused.

Delivery: one OutboxMessage per recipient and per status, delivered at least once (to a peer by HTTP POST of the
signed bytes, to a local unit by calling receive_envelope on the same bytes: the same verification, log and
statuses); a failure is retried with exponential back-off and jitter, capped. Receipt is idempotent: one inbox
record per (DocumentId, recipient unit), one status record per (dispatch, code, time reported).

Rules chosen for recall, update and replacement (QCVN 102:2016 leaves them to the agencies):
- a recall (business type 1) is an order: applied at once, without a clerk. Not yet accepted, the arrived document
  leaves the inbox; already registered, the incoming document is frozen (recalled_at, handling status recalled,
  kept in the register, out of every queue). Answer 13. Nothing to recall (never arrived): answer 16.
- an update (2) or replacement (3) of a document still in the inbox replaces what arrived and answers 15; of a
  document already in the register it waits for the clerk, who agrees (15: the new files are attached as a new
  version, the summary updated) or refuses (16). A recalled or rejected document refuses it (16)."""

import datetime as dt
import hashlib
import json
import logging
import os
import random
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from signxml.exceptions import InvalidInput

from apps.core.actors import SYSTEM, staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError
from apps.core.files import ALLOWED_TYPES
from apps.core.text import normalize_multiline
from apps.documents.models import (
    Confidentiality,
    Dispatch,
    DispatchStatus,
    DocType,
    DocumentFile,
    ExchangeLogEntry,
    ExchangeLogHead,
    ExchangeOrgan,
    ExchangePeer,
    InboxDocument,
    IncomingDocument,
    OutboxMessage,
    OutgoingDocument,
    Urgency,
)
from apps.documents.services import edxml
from apps.documents.services.outgoing import DOCX
from apps.documents.services.registers import incoming_register, require_keeper
from apps.documents.services.search import index_incoming
from apps.org import selectors as org
from apps.org.models import Unit

logger = logging.getLogger("congvu.exchange")
Organ = edxml.Organ

RECEIVE_PATH = "/api/v1/documents/exchange/receive/"
GENESIS = "0" * 64
CLAIM_LEASE = dt.timedelta(minutes=2)
ENQUEUE_PAUSE_SECONDS = 30
_enqueue_paused_until = 0.0
_deliveries_held: ContextVar[bool] = ContextVar("exchange_deliveries_held", default=False)

PRIORITY_OF_URGENCY = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.VERY_URGENT: 2, Urgency.FLASH: 3}
URGENCY_OF_PRIORITY = {0: Urgency.NORMAL, 1: Urgency.URGENT, 2: Urgency.VERY_URGENT, 3: Urgency.FLASH,
                       4: Urgency.FLASH}  # fmt: skip
OCTET_STREAM = "application/octet-stream"
HANDLING_STATUS = {IncomingDocument.Handling.ASSIGNED: "05", IncomingDocument.Handling.DONE: "06"}


class ExchangeRefused(DomainError):
    """A message this installation will not take (bad signature, unknown peer or recipient): the sender must not
    retry it."""

    code = "exchange_refused"
    status = 400


# ---- identity ----------------------------------------------------------------------------------------------------


def _identity_dir() -> Path:
    return Path(settings.EXCHANGE_DIR)


def agency_id() -> str:
    if settings.EXCHANGE_AGENCY_ID:
        return settings.EXCHANGE_AGENCY_ID
    path = _identity_dir() / "agency_id"
    return path.read_text().strip() if path.exists() else ""


def own_certificate() -> bytes:
    return (_identity_dir() / "cert.pem").read_bytes()


def _own_key() -> bytes:
    return (_identity_dir() / "key.pem").read_bytes()


def has_identity() -> bool:
    return bool(agency_id()) and (_identity_dir() / "key.pem").exists() and (_identity_dir() / "cert.pem").exists()


def ensure_identity(identifier: str, name: str) -> bool:
    """Make this installation's agency id and key pair unless they exist (the key is never replaced: peers hold
    its certificate). Returns True when made now."""
    if has_identity():
        return False
    directory = _identity_dir()
    directory.mkdir(parents=True, exist_ok=True)
    key_pem, cert_pem = edxml.make_identity(identifier, name)
    _write_private(directory / "key.pem", key_pem)
    (directory / "cert.pem").write_bytes(cert_pem)
    (directory / "agency_id").write_text(identifier + "\n")
    return True


def _write_private(path: Path, data: bytes) -> None:
    """Created readable by the owner only (write-then-chmod leaves a moment when anyone may read the key); never
    over an existing file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _sign(message: bytes) -> bytes:
    if not has_identity():
        raise DomainError(_("Hệ thống chưa có mã định danh liên thông (chạy manage.py exchange_identity)."))
    try:
        return edxml.sign(message, key_pem=_own_key(), cert_pem=own_certificate())
    except (edxml.EnvelopeError, etree.LxmlError, InvalidInput, ValueError) as error:
        logger.error("exchange message could not be signed: %s", error)
        raise DomainError(_("Không ký số được gói tin liên thông: %(error)s") % {"error": error}) from error


# ---- directory -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    organ_id: str
    name: str
    unit: Unit | None = None
    peer: ExchangePeer | None = None


def route(organ_id: str) -> Route | None:
    """Where an organ is: a unit of this installation or an organ of an active peer; None when unknown."""
    unit = Unit.objects.filter(agency_code=organ_id, is_active=True).first()
    if unit is not None:
        return Route(organ_id, unit.name, unit=unit)
    organ = ExchangeOrgan.objects.select_related("peer").filter(organ_id=organ_id, peer__is_active=True).first()
    if organ is not None:
        return Route(organ_id, organ.name, peer=organ.peer)
    peer = ExchangePeer.objects.filter(identifier=organ_id, is_active=True).first()
    return Route(organ_id, peer.name, peer=peer) if peer is not None else None


@transaction.atomic
def peer_save(*, actor, identifier: str, name: str, base_url: str, certificate_pem: str,
              organs: dict[str, str] | None = None, is_active: bool = True) -> ExchangePeer:  # fmt: skip
    """Add or update a peer and the organs it serves."""
    edxml.certificate_fingerprint(certificate_pem)  # refuses what is not a PEM certificate
    _check_peer_url(base_url)
    if identifier == agency_id():
        raise DomainError(_("Mã định danh trùng với hệ thống này."), field="identifier")
    peer, created = ExchangePeer.objects.update_or_create(
        identifier=identifier,
        defaults={"name": name, "base_url": base_url.rstrip("/"), "certificate_pem": certificate_pem,
                  "is_active": is_active},
    )  # fmt: skip
    for organ_id, organ_name in (organs or {}).items():
        if Unit.objects.filter(agency_code=organ_id).exists():
            raise DomainError(_("Cơ quan %(organ)s thuộc hệ thống này.") % {"organ": organ_id}, field="organs")
        ExchangeOrgan.objects.update_or_create(organ_id=organ_id, defaults={"name": organ_name, "peer": peer})
    record_event(
        "documents.exchange.peer_save", actor=actor, obj=peer,
        changes={"identifier": identifier, "created": created, "base_url": peer.base_url,
                 "fingerprint": edxml.certificate_fingerprint(certificate_pem), "organs": sorted(organs or {})},
    )  # fmt: skip
    return peer


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _check_peer_url(base_url: str) -> None:
    """https, except on this machine (tests) or when settings.EXCHANGE_ALLOW_HTTP allows a closed network."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and (parts.hostname in LOOPBACK_HOSTS or settings.EXCHANGE_ALLOW_HTTP):
        return
    raise DomainError(_("Địa chỉ hệ thống liên thông phải dùng https."), field="base_url")


# ---- the log -------------------------------------------------------------------------------------------------------


def _chain_hash(entry: ExchangeLogEntry) -> str:
    payload = {
        "seq": entry.seq, "direction": entry.direction, "kind": entry.kind, "document_id": entry.document_id,
        "sender": entry.sender_organ, "recipient": entry.recipient_organ, "business_type": entry.business_type,
        "status_code": entry.status_code, "outcome": entry.outcome, "sha256": entry.sha256,
        "prev_hash": entry.prev_hash, "recorded_at": entry.recorded_at.astimezone(dt.UTC).isoformat(),
    }  # fmt: skip
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def log_message(*, direction: str, kind: str, envelope: bytes, document_id: str, sender: str, recipient: str,
                business_type: int = 0, status_code: str = "", outcome: str = "",
                now: dt.datetime | None = None) -> ExchangeLogEntry:  # fmt: skip
    """Append one message to the chain (inside the caller's transaction: it is kept if and only if the message
    is), recorded at `now` (by default the present). Append only: nothing here or elsewhere updates or deletes an
    entry."""
    with transaction.atomic():
        head, _created = ExchangeLogHead.objects.select_for_update().get_or_create(pk=1)
        entry = ExchangeLogEntry(
            seq=head.seq + 1, direction=direction, kind=kind, document_id=document_id[:200],
            sender_organ=sender[:35], recipient_organ=recipient[:35], business_type=business_type,
            status_code=status_code, outcome=outcome[:30], envelope=envelope,
            sha256=hashlib.sha256(envelope).hexdigest(), prev_hash=head.chain_hash,
            recorded_at=now or timezone.now(),
        )  # fmt: skip
        entry.chain_hash = _chain_hash(entry)
        entry.save(force_insert=True)
        head.seq, head.chain_hash = entry.seq, entry.chain_hash
        head.save(update_fields=["seq", "chain_hash"])
    return entry


@dataclass(frozen=True)
class LogProblem:
    seq: int | None
    detail: str


def verify_log(batch: int = 500) -> LogProblem | None:
    """Recompute the chain from the first entry; the first broken link (an edited envelope or field, an entry
    inserted, removed or reordered, the head not at the last entry), or None when whole."""
    previous, expected = GENESIS, 1
    for entry in ExchangeLogEntry.objects.order_by("seq").iterator(chunk_size=batch):
        if entry.seq != expected:
            return LogProblem(entry.seq, f"expected #{expected}, found #{entry.seq} (an entry removed)")
        if entry.prev_hash != previous:
            return LogProblem(entry.seq, "previous hash does not match the entry before it")
        if hashlib.sha256(bytes(entry.envelope)).hexdigest() != entry.sha256:
            return LogProblem(entry.seq, "the message's bytes do not match their sha256")
        if _chain_hash(entry) != entry.chain_hash:
            return LogProblem(entry.seq, "the entry's fields do not match its chain hash")
        previous, expected = entry.chain_hash, expected + 1
    head = ExchangeLogHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.chain_hash) != (expected - 1, previous):
        return LogProblem(head.seq, f"the head names #{head.seq} but the chain ends at #{expected - 1}")
    return None


# ---- outbox and delivery -------------------------------------------------------------------------------------------


def _queue(*, kind: str, envelope: bytes, route_to: Route, document_id: str, sender: str, business_type: int = 0,
           status_code: str = "", dispatch: Dispatch | None = None, now: dt.datetime) -> OutboxMessage:  # fmt: skip
    message = OutboxMessage.objects.create(
        kind=kind, dispatch=dispatch, peer=route_to.peer, document_id=document_id, sender_organ=sender,
        recipient_organ=route_to.organ_id, business_type=business_type, status_code=status_code,
        envelope=envelope, next_attempt_at=now, created_at=now,
    )  # fmt: skip
    log_message(direction="out", kind=kind, envelope=envelope, document_id=document_id, sender=sender,
                recipient=route_to.organ_id, business_type=business_type, status_code=status_code,
                outcome="queued", now=now)  # fmt: skip
    transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


@contextmanager
def deliveries_held():
    """Inside, nothing is handed to the worker after a commit: the caller delivers with deliver_due(now=...) (the
    demo's past year, where each delivery happens at a moment in the past, not when a worker gets to it)."""
    token = _deliveries_held.set(True)
    try:
        yield
    finally:
        _deliveries_held.reset(token)


def enqueue_delivery(message_id: int) -> None:
    """Ask the worker to deliver now. Never raises (it runs after the commit): when the queue is down the
    periodic pass delivers it."""
    global _enqueue_paused_until
    if _deliveries_held.get() or time.monotonic() < _enqueue_paused_until:
        return
    from apps.documents.tasks import deliver_exchange_message

    try:
        deliver_exchange_message(message_id)
    except Exception:
        _enqueue_paused_until = time.monotonic() + ENQUEUE_PAUSE_SECONDS
        logger.warning("queue unreachable: exchange message %s left to the outbox pass", message_id, exc_info=True)


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """Exponential back-off with jitter, capped: base·2^(n-1) seconds after the n-th failure, at most the cap,
    then a random point in its upper half (peers coming back are not hit by every sender at the same second)."""
    ceiling = min(
        settings.EXCHANGE_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 30), settings.EXCHANGE_RETRY_CAP_SECONDS
    )
    return dt.timedelta(seconds=ceiling * (rng or random).uniform(0.5, 1.0))


def _claim(queryset, limit: int, now: dt.datetime | None = None) -> list[OutboxMessage]:
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            queryset.filter(state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.RETRYING],
                            next_attempt_at__lte=now)
            .select_for_update(skip_locked=True, of=("self",)).select_related("peer")
            .order_by("next_attempt_at", "pk")[:limit]
        )  # fmt: skip
        OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(next_attempt_at=now + CLAIM_LEASE)
    return claimed


class _Refused(Exception):
    pass


def _transmit(message: OutboxMessage, now: dt.datetime | None = None) -> None:
    envelope = bytes(message.envelope)
    if message.peer is None:
        try:
            receive_envelope(envelope, now=now)
        except ExchangeRefused as refused:
            raise _Refused(refused.message) from refused
        return
    import requests  # 90 ms to import: only the worker delivering to a peer pays it, not every process at start

    response = requests.post(
        f"{message.peer.base_url}{RECEIVE_PATH}", data=envelope,
        headers={"Content-Type": "application/xml"}, timeout=settings.EXCHANGE_TIMEOUT_SECONDS,
    )  # fmt: skip
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        raise _Refused(f"HTTP {response.status_code}: {response.text[:300]}")
    response.raise_for_status()


def _attempt(message: OutboxMessage, now: dt.datetime | None = None) -> bool:
    """One delivery; `now` is the moment it happens (the present unless a past is being replayed): a local
    recipient receives it then."""
    attempts = message.attempts + 1
    try:
        _transmit(message, now)
    except _Refused as refused:
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxMessage.State.REFUSED, attempts=attempts, last_error=str(refused)[:1000], next_attempt_at=None
        )
        logger.error("exchange message %s refused by %s: %s", message.pk, message.recipient_organ, refused)
        return False
    except Exception as error:  # the peer down or failing: retried, never lost
        retry_at = (now or timezone.now()) + retry_delay(attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxMessage.State.RETRYING,
            attempts=attempts,
            last_error=str(error)[:1000],
            next_attempt_at=retry_at,
        )
        logger.warning("exchange message %s to %s failed (attempt %s): %s", message.pk, message.recipient_organ,
                       attempts, error)  # fmt: skip
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.DELIVERED, attempts=attempts, last_error="", next_attempt_at=None,
        delivered_at=now or timezone.now(),
    )  # fmt: skip
    return True


def deliver_message(message_id: int, now: dt.datetime | None = None) -> bool:
    """Deliver one message if it is still due (the task enqueued after the commit)."""
    return any(_attempt(m, now) for m in _claim(OutboxMessage.objects.filter(pk=message_id), 1, now))


def deliver_due(batch: int = 100, now: dt.datetime | None = None) -> int:
    """One pass over every message due at `now` (the periodic job, `manage.py deliver_outbox`; the present unless a
    past is being replayed). Returns how many were delivered."""
    delivered = 0
    seen: set[int] = set()
    while claimed := _claim(OutboxMessage.objects.exclude(pk__in=seen), batch, now):
        seen.update(m.pk for m in claimed)
        delivered += sum(_attempt(m, now) for m in claimed)
    return delivered


# ---- sending ---------------------------------------------------------------------------------------------------------


def document_id_of(document: OutgoingDocument, sender_organ: str) -> str:
    """QCVN 102:2016 DocumentId: "{issuing organ},{YYYY/MM/DD promulgation},{number/symbol}"."""
    issued = timezone.localtime(document.released_at).date()
    return f"{sender_organ},{issued:%Y/%m/%d},{document.symbol}"


def _outgoing_files(document: OutgoingDocument) -> list[edxml.Attachment]:
    """The files of the most advanced stage (released, else signed, else the last draft)."""
    files = list(document.files.all())
    for stage in (DocumentFile.Stage.RELEASED, DocumentFile.Stage.SIGNED, DocumentFile.Stage.DRAFT):
        chosen = [f for f in files if f.stage == stage]
        if chosen:
            break
    attachments = []
    for stored in chosen:
        with stored.file.open("rb") as handle:
            attachments.append(edxml.Attachment(stored.name, stored.content_type, handle.read(),
                                                stored.get_kind_display()))  # fmt: skip
    return attachments


def _check_attachments_size(attachments: list[edxml.Attachment]) -> None:
    """What the receiving end takes (edxml.MAX_ENVELOPE_BYTES, once in base64): refused here rather than by the
    peer, which would answer 413 and end the retries."""
    if sum(len(a.data) for a in attachments) > edxml.MAX_ATTACHMENTS_BYTES:
        raise DomainError(
            _("Các tệp của văn bản quá lớn để gửi liên thông (tổng cộng tối đa %(mb)d MB).")
            % {"mb": edxml.MAX_ATTACHMENTS_BYTES // (1024 * 1024)},
            field="files",
        )


def _document_envelope(document, sender: Organ, recipient: Route, document_id: str, attachments, *,
                       business_type: int = edxml.NEW, reason: str = "", now: dt.datetime) -> bytes:  # fmt: skip
    number, _slash, notation = document.symbol.partition("/")
    envelope = edxml.DocumentEnvelope(
        sender=sender, recipient=edxml.Organ(recipient.organ_id, recipient.name), document_id=document_id,
        code_number=number, code_notation=notation,
        promulgation_date=timezone.localtime(document.released_at).date(), subject=document.summary,
        place=document.unit.name, type_code=document.doc_type, type_name=document.get_doc_type_display(),
        signer_position=document.signer_position, signer_name=document.signer_name,
        priority=PRIORITY_OF_URGENCY.get(document.urgency, 0), business_type=business_type,
        business_reason=reason, trace_organ=agency_id(), timestamp=now, attachments=attachments,
    )  # fmt: skip
    return _sign(edxml.build_document(envelope))


def _sender_organ(document: OutgoingDocument) -> Organ:
    organ_id = org.agency_code_of(document.unit)
    if not organ_id:
        raise DomainError(_("Cơ quan ban hành chưa có mã định danh điện tử nên không gửi liên thông được."))
    unit = Unit.objects.filter(agency_code=organ_id).first()
    return Organ(organ_id, unit.name if unit else document.unit.name)


@transaction.atomic
def send_outgoing(*, actor, document: OutgoingDocument, recipients: list[str],
                  now: dt.datetime | None = None) -> list[Dispatch]:  # fmt: skip
    """Send a released document to recipient organs (OrganIds, here or at peers): one signed envelope and one
    record per recipient; the document becomes "sent". A recipient already sent to is not sent to again."""
    now = now or timezone.now()
    document = OutgoingDocument.objects.select_for_update(of=("self",)).select_related("unit").get(pk=document.pk)
    require_keeper(actor, document.unit)
    if document.status not in (OutgoingDocument.Status.RELEASED, OutgoingDocument.Status.SENT):
        raise ConflictError(_("Chỉ gửi được văn bản đã ban hành."))
    if document.confidentiality != Confidentiality.NORMAL:
        raise DomainError(_("Văn bản mật không được gửi qua trục liên thông."), field="recipients")
    organ_ids = list(dict.fromkeys(r.strip().upper() for r in recipients if r and r.strip()))
    if not organ_ids:
        raise DomainError(_("Hãy chọn ít nhất một nơi nhận."), field="recipients")
    sender = _sender_organ(document)
    routes = []
    for organ_id in organ_ids:
        found = route(organ_id)
        if found is None:
            raise DomainError(_("Không tìm thấy cơ quan có mã định danh %(organ)s.") % {"organ": organ_id},
                              field="recipients")  # fmt: skip
        if found.organ_id == sender.organ_id:
            raise DomainError(_("Không gửi văn bản cho chính cơ quan ban hành."), field="recipients")
        routes.append(found)
    document_id = document_id_of(document, sender.organ_id)
    already = set(Dispatch.objects.filter(document_id=document_id).values_list("recipient_organ", flat=True))
    attachments = _outgoing_files(document)
    _check_attachments_size(attachments)
    dispatches = []
    for target in (r for r in routes if r.organ_id not in already):
        dispatch = Dispatch.objects.create(
            outgoing=document, document_id=document_id, sender_organ=sender.organ_id, recipient_organ=target.organ_id,
            recipient_name=target.name, peer=target.peer, created_at=now, created_by=staff_user(actor),
        )  # fmt: skip
        envelope = _document_envelope(document, sender, target, document_id, attachments, now=now)
        _queue(kind=OutboxMessage.Kind.DOCUMENT, envelope=envelope, route_to=target, document_id=document_id,
               sender=sender.organ_id, dispatch=dispatch, now=now)  # fmt: skip
        dispatches.append(dispatch)
    if document.status != OutgoingDocument.Status.SENT:
        document.status = OutgoingDocument.Status.SENT
        document.save(update_fields=["status"])
    record_event(
        "documents.exchange.send", actor=actor, obj=document, unit=document.unit,
        changes={"document_id": document_id, "recipients": [d.recipient_organ for d in dispatches]},
    )  # fmt: skip
    return dispatches


@transaction.atomic
def recall_outgoing(*, actor, document: OutgoingDocument, reason: str, business_type: int = edxml.RECALL,
                    now: dt.datetime | None = None) -> list[Dispatch]:  # fmt: skip
    """Recall (1), or send an update (2) or replacement (3) of, a sent document to every recipient that has not
    rejected it; the recipients answer 13 / 15 / 16."""
    now = now or timezone.now()
    document = OutgoingDocument.objects.select_for_update(of=("self",)).select_related("unit").get(pk=document.pk)
    require_keeper(actor, document.unit)
    if business_type not in (edxml.RECALL, edxml.UPDATE, edxml.REPLACE):
        raise DomainError(_("Nghiệp vụ không hợp lệ."), field="business_type")
    reason = normalize_multiline(reason)
    if not reason:
        raise DomainError(_("Hãy ghi lý do."), field="reason")
    dispatches = list(document.dispatches.filter(recalled_at__isnull=True).exclude(last_status="02"))
    if not dispatches:
        raise ConflictError(_("Văn bản chưa được gửi liên thông hoặc đã thu hồi."))
    sender = _sender_organ(document)
    attachments = [] if business_type == edxml.RECALL else _outgoing_files(document)
    _check_attachments_size(attachments)
    for dispatch in dispatches:
        target = Route(dispatch.recipient_organ, dispatch.recipient_name, peer=dispatch.peer)
        envelope = _document_envelope(document, sender, target, dispatch.document_id, attachments,
                                      business_type=business_type, reason=reason, now=now)  # fmt: skip
        _queue(kind=OutboxMessage.Kind.DOCUMENT, envelope=envelope, route_to=target, document_id=dispatch.document_id,
               sender=sender.organ_id, business_type=business_type, dispatch=dispatch, now=now)  # fmt: skip
        if business_type == edxml.RECALL:
            dispatch.recalled_at = now
            dispatch.save(update_fields=["recalled_at"])
    record_event(
        "documents.exchange.recall" if business_type == edxml.RECALL else "documents.exchange.update",
        actor=actor, obj=document, unit=document.unit,
        changes={"business_type": business_type, "reason": reason,
                 "recipients": [d.recipient_organ for d in dispatches]},
    )  # fmt: skip
    return dispatches


# ---- receiving -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    accepted: bool
    outcome: str  # received, duplicate, status, recalled, update_applied, update_waiting, update_refused, unknown…
    detail: str = ""
    # the statuses to answer, sent after the message is logged (the log reads in order: in, then its answer)
    replies: tuple = ()


def _certificate_of(installation: str) -> tuple[bytes | str, ExchangePeer | None]:
    if installation and installation == agency_id():
        return own_certificate(), None
    peer = ExchangePeer.objects.filter(identifier=installation, is_active=True).first()
    if peer is None:
        raise ExchangeRefused(_("Hệ thống gửi %(peer)s không có trong danh sách liên thông.") % {"peer": installation})
    return peer.certificate_pem, peer


def _check_sender(organ: edxml.Organ, peer: ExchangePeer | None) -> None:
    """The sending organ must belong to the installation that signed: a local unit for this one, the peer itself or
    an organ configured for it (exchange_peer --organ) for a peer. Never learned from a message: the first peer to
    name an organ would own it."""
    local = Unit.objects.filter(agency_code=organ.organ_id).exists()
    if peer is None:
        if not local:
            raise ExchangeRefused(_("Cơ quan gửi %(organ)s không thuộc hệ thống này.") % {"organ": organ.organ_id})
        return
    if local or ExchangePeer.objects.filter(identifier=organ.organ_id).exclude(pk=peer.pk).exists():
        raise ExchangeRefused(_("Cơ quan gửi %(organ)s không thuộc hệ thống %(peer)s.")
                              % {"organ": organ.organ_id, "peer": peer.identifier})  # fmt: skip
    if organ.organ_id == peer.identifier:
        return
    if not ExchangeOrgan.objects.filter(organ_id=organ.organ_id, peer=peer).exists():
        logger.warning("exchange: %s signed a message from %s, not one of its organs", peer.identifier,
                       organ.organ_id)  # fmt: skip
        raise ExchangeRefused(_("Cơ quan gửi %(organ)s không thuộc hệ thống %(peer)s.")
                              % {"organ": organ.organ_id, "peer": peer.identifier})  # fmt: skip


def receive_envelope(message: bytes, *, now: dt.datetime | None = None) -> Receipt:
    """Take a signed message from a peer or from a unit of this installation: verify, log, act (idempotent).
    Raises ExchangeRefused for what is not signed by a known installation (nothing is logged then)."""
    now = now or timezone.now()
    try:
        installation = edxml.claimed_installation(message)
        certificate, peer = _certificate_of(installation)
        parsed = edxml.parse(edxml.verify(message, cert_pem=certificate))
    except edxml.EnvelopeError as error:
        raise ExchangeRefused(
            _("Gói tin không hợp lệ hoặc chữ ký số không đúng: %(error)s") % {"error": error}
        ) from error
    if parsed.trace_organ != installation:
        raise ExchangeRefused(_("Gói tin không hợp lệ."))
    with transaction.atomic():
        _check_sender(parsed.sender, peer)
        if _already_processed(message):
            receipt = Receipt(True, "duplicate")
            kind = OutboxMessage.Kind.STATUS if isinstance(parsed, edxml.StatusMessage) else OutboxMessage.Kind.DOCUMENT
            business_type = getattr(parsed, "business_type", 0)
            status_code = getattr(parsed, "status_code", "")
        elif isinstance(parsed, edxml.StatusMessage):
            receipt = _receive_status(parsed, now)
            kind, business_type, status_code = OutboxMessage.Kind.STATUS, 0, parsed.status_code
        else:
            receipt = _receive_document(parsed, peer, message, now)
            kind, business_type, status_code = OutboxMessage.Kind.DOCUMENT, parsed.business_type, ""
        log_message(direction="in", kind=kind, envelope=message, document_id=parsed.document_id,
                    sender=parsed.sender.organ_id, recipient=parsed.recipient.organ_id, business_type=business_type,
                    status_code=status_code, outcome=receipt.outcome, now=now)  # fmt: skip
        for item, code, description in receipt.replies:
            _reply(item, code, description=description, now=now)
    return receipt


def _already_processed(message: bytes) -> bool:
    """These very bytes came in before (the log keeps the sha256 of every message): a replay changes nothing."""
    digest = hashlib.sha256(message).hexdigest()
    return ExchangeLogEntry.objects.filter(direction=ExchangeLogEntry.Direction.IN, sha256=digest).exists()


def _receive_status(status: edxml.StatusMessage, now: dt.datetime) -> Receipt:
    dispatch = (
        Dispatch.objects.select_for_update()
        .filter(document_id=status.document_id, recipient_organ=status.sender.organ_id)
        .first()
    )
    if dispatch is None:
        return Receipt(True, "unknown", "no such dispatch")
    reported_at = status.timestamp or now
    try:
        with transaction.atomic():
            DispatchStatus.objects.create(
                dispatch=dispatch, code=status.status_code, description=status.description[:2000],
                staff_name=status.staff_name[:255], reported_at=reported_at, received_at=now,
            )  # fmt: skip
    except IntegrityError:
        return Receipt(True, "duplicate")
    if dispatch.last_status_at is None or reported_at >= dispatch.last_status_at:
        dispatch.last_status, dispatch.last_status_at = status.status_code, reported_at
        dispatch.save(update_fields=["last_status", "last_status_at"])
    return Receipt(True, "status")


def _receive_document(envelope: edxml.DocumentEnvelope, peer, message: bytes, now: dt.datetime) -> Receipt:
    unit = Unit.objects.filter(agency_code=envelope.recipient.organ_id, is_active=True).first()
    if unit is None:
        raise ExchangeRefused(
            _("Không có cơ quan nhận %(organ)s ở hệ thống này.") % {"organ": envelope.recipient.organ_id}
        )
    if envelope.business_type == edxml.NEW:
        return _receive_new(envelope, unit, peer, message, now)
    item = InboxDocument.objects.select_for_update().filter(document_id=envelope.document_id, unit=unit).first()
    if item is not None and not _sent_by(item, envelope, peer):
        return _refuse_foreign(envelope, item, unit, peer, message)
    if envelope.business_type == edxml.RECALL:
        return _receive_recall(envelope, item, now)
    return _receive_change(envelope, item, message, now)


def _sent_by(item: InboxDocument, envelope: edxml.DocumentEnvelope, peer: ExchangePeer | None) -> bool:
    """Whether the signed sender (installation and organ) of a recall or update is the one of the original."""
    return item.peer_id == (peer.pk if peer else None) and item.sender_organ == envelope.sender.organ_id


def _refuse_foreign(envelope, item: InboxDocument, unit: Unit, peer, message: bytes) -> Receipt:
    """A recall or update of a document someone else sent: nothing changes; 16 goes back to whoever asked."""
    logger.warning("exchange: %s (%s) tried to recall or change %s, sent by %s", envelope.sender.organ_id,
                   peer.identifier if peer else "here", item.document_id, item.sender_organ)  # fmt: skip
    record_event("documents.exchange.foreign_change_refused", actor=SYSTEM, obj=item, unit=unit,
                 changes={"document_id": item.document_id, "from": envelope.sender.organ_id,
                          "business_type": envelope.business_type})  # fmt: skip
    # an unsaved record only to address the answer to the requester (_reply reads these fields)
    requester = InboxDocument(document_id=envelope.document_id, unit=unit, peer=peer, envelope=message,
                              sender_organ=envelope.sender.organ_id,
                              sender_name=envelope.sender.name or envelope.sender.organ_id)  # fmt: skip
    return Receipt(True, "refused_not_sender",
                   replies=((requester, "16", _("Cơ quan gửi yêu cầu không phải nơi đã gửi văn bản.")),))  # fmt: skip


def _inbox_fields(envelope: edxml.DocumentEnvelope) -> dict:
    symbol = f"{envelope.code_number}/{envelope.code_notation}" if envelope.code_notation else envelope.code_number
    return {
        "sender_organ": envelope.sender.organ_id, "sender_name": envelope.sender.name or envelope.sender.organ_id,
        "number_symbol": symbol[:100], "issued_date": envelope.promulgation_date,
        "doc_type_name": (envelope.type_name or envelope.type_code)[:100], "summary": envelope.subject,
        "signer": " ".join(p for p in (envelope.signer_position, envelope.signer_name) if p)[:255],
        "priority": envelope.priority, "due_date": envelope.due_date,
    }  # fmt: skip


def _receive_new(envelope, unit: Unit, peer, message: bytes, now) -> Receipt:
    try:
        with transaction.atomic():
            item = InboxDocument.objects.create(
                document_id=envelope.document_id, unit=unit, peer=peer, envelope=message, arrived_at=now,
                **_inbox_fields(envelope),
            )  # fmt: skip
    except IntegrityError:
        return Receipt(True, "duplicate")
    record_event("documents.exchange.receive", actor=SYSTEM, obj=item, unit=unit,
                 changes={"document_id": item.document_id, "from": item.sender_organ})  # fmt: skip
    return Receipt(True, "received", replies=((item, "01", ""),))


def _receive_recall(envelope, item: InboxDocument | None, now) -> Receipt:
    if item is None:
        return Receipt(True, "recall_unknown")
    if item.state == InboxDocument.State.RECALLED:
        return Receipt(True, "duplicate")
    if item.state == InboxDocument.State.REJECTED:
        return Receipt(True, "recall_refused", replies=((item, "16", _("Văn bản đã bị từ chối tiếp nhận.")),))
    if item.incoming_id is not None:
        _freeze_incoming(item, envelope, now)
    item.state, item.decided_at, item.pending_change = InboxDocument.State.RECALLED, now, None
    item.save(update_fields=["state", "decided_at", "pending_change"])
    record_event("documents.exchange.recalled", actor=SYSTEM, obj=item, unit=item.unit,
                 changes={"document_id": item.document_id, "incoming": item.incoming_id,
                          "reason": envelope.business_reason})  # fmt: skip
    return Receipt(True, "recalled", replies=((item, "13", envelope.business_reason),))


def _freeze_incoming(item: InboxDocument, envelope, now) -> None:
    IncomingDocument.objects.filter(pk=item.incoming_id).update(
        recalled_at=now, handling_status=IncomingDocument.Handling.RECALLED
    )
    incoming = IncomingDocument.objects.get(pk=item.incoming_id)
    record_event("documents.incoming.recalled", actor=SYSTEM, obj=incoming, unit=incoming.unit,
                 changes={"document_id": item.document_id, "from": item.sender_organ,
                          "reason": envelope.business_reason})  # fmt: skip


def _is_stale(envelope, item: InboxDocument) -> bool:
    """An update signed before the one already applied or waiting (an old message replayed, or overtaken)."""
    if envelope.timestamp is None:
        return False
    for applied in (item.pending_change, item.envelope):
        if applied is not None:
            applied_at = edxml.parse(bytes(applied)).timestamp
            if applied_at is not None and envelope.timestamp < applied_at:
                return True
    return False


def _receive_change(envelope, item: InboxDocument | None, message: bytes, now) -> Receipt:
    if item is None or item.state in (InboxDocument.State.RECALLED, InboxDocument.State.REJECTED):
        replies = ((item, "16", _("Văn bản đã bị thu hồi hoặc từ chối.")),) if item is not None else ()
        return Receipt(True, "update_refused", replies=replies)
    if _is_stale(envelope, item):
        return Receipt(True, "update_stale",
                       replies=((item, "16", _("Đã có bản cập nhật mới hơn của văn bản này.")),))  # fmt: skip
    if item.state == InboxDocument.State.ARRIVED:
        for name, value in _inbox_fields(envelope).items():
            setattr(item, name, value)
        item.envelope = message
        item.save()
        return Receipt(True, "update_applied", replies=((item, "15", envelope.business_reason),))
    replaced = item.pending_change is not None
    item.pending_change = message
    item.save(update_fields=["pending_change"])
    # the clerk decides on the newest; the sender learns the one it replaces will not be applied
    replies = ((item, "16", _("Đã được thay bằng yêu cầu cập nhật mới hơn.")),) if replaced else ()
    return Receipt(True, "update_waiting", replies=replies)


def _reply(item: InboxDocument, code: str, *, description: str = "", staff_name: str = "", now) -> OutboxMessage:
    """Queue a signed status notification back to the document's sender."""
    envelope = edxml.parse(bytes(item.envelope))
    status = edxml.StatusMessage(
        sender=edxml.Organ(item.unit.agency_code, item.unit.name),
        recipient=edxml.Organ(item.sender_organ, item.sender_name), document_id=item.document_id,
        status_code=code, code_number=envelope.code_number, code_notation=envelope.code_notation,
        promulgation_date=envelope.promulgation_date, description=description or edxml.STATUS_CODES[code],
        staff_name=staff_name, trace_organ=agency_id(), timestamp=now,
    )  # fmt: skip
    target = Route(item.sender_organ, item.sender_name, peer=item.peer)
    return _queue(kind=OutboxMessage.Kind.STATUS, envelope=_sign(edxml.build_status(status)), route_to=target,
                  document_id=item.document_id, sender=item.unit.agency_code, status_code=code, now=now)  # fmt: skip


# ---- the recipient's clerk -------------------------------------------------------------------------------------------


def _locked_item(item: InboxDocument) -> InboxDocument:
    return InboxDocument.objects.select_for_update(of=("self",)).select_related("unit").get(pk=item.pk)


def _doc_type(envelope: edxml.DocumentEnvelope) -> str:
    if envelope.type_code in DocType.values:
        return envelope.type_code
    by_label = {str(label).casefold(): value for value, label in DocType.choices}
    return by_label.get(envelope.type_name.casefold(), DocType.OFFICIAL_LETTER)


RECEIVED_TYPES = {**ALLOWED_TYPES, DOCX: "DOCX"}


def received_content_type(data: bytes) -> str:
    """The type read from the content (never the sender's word): PDF, JPEG, PNG or DOCX like an upload; anything
    else is kept as application/octet-stream (only ever downloaded, never shown in the browser)."""
    kind = filetype.guess(data[:8192])
    return kind.mime if kind is not None and kind.mime in RECEIVED_TYPES else OCTET_STREAM


def _attach(incoming: IncomingDocument, envelope: edxml.DocumentEnvelope, *, actor, version: int, now) -> None:
    for index, attachment in enumerate(envelope.attachments):
        DocumentFile.objects.create(
            incoming=incoming, kind=DocumentFile.Kind.MAIN if index == 0 else DocumentFile.Kind.ATTACHMENT,
            stage=DocumentFile.Stage.RECEIVED, version=version,
            file=ContentFile(attachment.data, name=attachment.name), name=attachment.name[:255],
            content_type=received_content_type(attachment.data), size=len(attachment.data),
            sha256=hashlib.sha256(attachment.data).hexdigest(), uploaded_at=now, uploaded_by=staff_user(actor),
        )  # fmt: skip


@transaction.atomic
def accept_inbox(*, actor, item: InboxDocument, confirm_duplicate: bool = False, note: str = "",
                 now: dt.datetime | None = None) -> IncomingDocument:  # fmt: skip
    """The clerk takes an arrived document into the incoming register (with its files): status 03 then 04."""
    now = now or timezone.now()
    item = _locked_item(item)
    require_keeper(actor, item.unit)
    if item.state != InboxDocument.State.ARRIVED:
        raise ConflictError(_("Văn bản này đã được xử lý (%(state)s).") % {"state": item.get_state_display()})
    envelope = edxml.parse(bytes(item.envelope))
    incoming, _duplicates = incoming_register(
        actor=actor, unit=item.unit, issuer_name=item.sender_name, number_symbol=item.number_symbol,
        issued_date=item.issued_date, doc_type=_doc_type(envelope), summary=item.summary,
        urgency=URGENCY_OF_PRIORITY.get(item.priority, Urgency.NORMAL), note=note, now=now,
        received_at=item.arrived_at,
        confirm_duplicate=confirm_duplicate, source=IncomingDocument.Source.EXCHANGE,
    )  # fmt: skip
    _attach(incoming, envelope, actor=actor, version=1, now=now)
    index_incoming(incoming)
    item.state, item.incoming, item.decided_at, item.decided_by = (
        InboxDocument.State.ACCEPTED,
        incoming,
        now,
        staff_user(actor),
    )
    item.save(update_fields=["state", "incoming", "decided_at", "decided_by"])
    staff = _staff_name(actor)
    _reply(item, "03", staff_name=staff, description=_("Đã vào sổ văn bản đến số %(number)02d.")
           % {"number": incoming.number}, now=now)  # fmt: skip
    _reply(item, "04", staff_name=staff, now=now)
    record_event("documents.exchange.accept", actor=actor, obj=item, unit=item.unit,
                 changes={"document_id": item.document_id, "incoming": incoming.pk})  # fmt: skip
    return incoming


@transaction.atomic
def reject_inbox(*, actor, item: InboxDocument, reason: str, now: dt.datetime | None = None) -> InboxDocument:
    """The clerk refuses an arrived document (wrong recipient, incomplete…) with a reason: status 02."""
    now = now or timezone.now()
    item = _locked_item(item)
    require_keeper(actor, item.unit)
    reason = normalize_multiline(reason)
    if not reason:
        raise DomainError(_("Hãy ghi lý do từ chối."), field="reason")
    if item.state != InboxDocument.State.ARRIVED:
        raise ConflictError(_("Văn bản này đã được xử lý (%(state)s).") % {"state": item.get_state_display()})
    item.state, item.reject_reason, item.decided_at, item.decided_by = (
        InboxDocument.State.REJECTED,
        reason,
        now,
        staff_user(actor),
    )
    item.save(update_fields=["state", "reject_reason", "decided_at", "decided_by"])
    _reply(item, "02", description=reason, staff_name=_staff_name(actor), now=now)
    record_event("documents.exchange.reject", actor=actor, obj=item, unit=item.unit,
                 changes={"document_id": item.document_id, "reason": reason})  # fmt: skip
    return item


@transaction.atomic
def decide_change(*, actor, item: InboxDocument, agree: bool, now: dt.datetime | None = None) -> InboxDocument:
    """The clerk agrees (15) or refuses (16) an update or replacement of a document already in the register.
    Agreed: the summary follows and the new files are attached as the next version (the earlier ones kept)."""
    now = now or timezone.now()
    item = _locked_item(item)
    require_keeper(actor, item.unit)
    if item.pending_change is None:
        raise ConflictError(_("Không có yêu cầu cập nhật nào đang chờ."))
    envelope = edxml.parse(bytes(item.pending_change))
    if agree and item.incoming_id is not None:
        incoming = IncomingDocument.objects.select_for_update().get(pk=item.incoming_id)
        if incoming.recalled_at is not None:
            raise ConflictError(_("Văn bản đã bị thu hồi."))
        incoming.summary = envelope.subject
        incoming.save(update_fields=["summary"])
        version = (incoming.files.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        _attach(incoming, envelope, actor=actor, version=version, now=now)
        index_incoming(incoming)
        item.envelope = item.pending_change
        item.summary = envelope.subject
    item.pending_change = None
    item.save()
    _reply(item, "15" if agree else "16", description=envelope.business_reason, staff_name=_staff_name(actor), now=now)
    record_event("documents.exchange.change_decided", actor=actor, obj=item, unit=item.unit,
                 changes={"document_id": item.document_id, "agree": agree})  # fmt: skip
    return item


def _staff_name(actor) -> str:
    user = staff_user(actor)
    if user is None:
        return ""
    return user.get_full_name()[:255]


def report_handling(document: IncomingDocument, *, actor, now: dt.datetime | None = None) -> None:
    """Tell the sender where a document received through the exchange stands: 05 when assigned, 06 when done.
    The handling services call it in their transaction after changing handling_status; once per change (a
    document reopened after 06 reports 05 again, a reassignment does not repeat 05)."""
    code = HANDLING_STATUS.get(document.handling_status)
    if code is None or document.source != IncomingDocument.Source.EXCHANGE or document.recalled_at is not None:
        return
    item = InboxDocument.objects.select_related("unit").filter(incoming=document).first()
    if item is None:
        return
    last_reported = (
        OutboxMessage.objects.filter(
            kind=OutboxMessage.Kind.STATUS,
            document_id=item.document_id,
            sender_organ=item.unit.agency_code,
            status_code__in=HANDLING_STATUS.values(),
        )
        .order_by("-created_at", "-pk")
        .values_list("status_code", flat=True)
        .first()
    )
    if last_reported == code:
        return
    _reply(item, code, staff_name=_staff_name(actor), now=now or timezone.now())
