"""edXML envelopes (QCVN 102:2016): build, parse, sign and verify the messages exchanged between agencies.

Pure functions on bytes, no database. A document travels as

    edXML
      edXMLEnvelope
        edXMLHeader
          MessageHeader   From, To, Code, PromulgationInfo, DocumentType, Subject, SignerInfo, DueDate,
                          OtherInfo/Priority, SteeringType, DocumentId
          TraceHeaderList TraceHeader (OrganId of the sending installation, Timestamp), Bussiness (BussinessDocType
                          0 new, 1 recall, 2 update, 3 replace; BussinessDocReason)
        edXMLBody         edXMLManifest/Reference (one per attachment, ContentId "cid:…")
      AttachmentEncoded   Attachment (ContentId, AttachmentName, ContentType, ContentTransferEncoded = base64)
      ds:Signature        enveloped XML signature over the whole message, RSA-SHA256, with the sender's certificate

and a status notification as edXMLEnvelope/edXMLHeader/Status (ResponseFor, From, StaffInfo, StatusCode,
Description, Timestamp) with the same TraceHeaderList and signature. The spelling "Bussiness" is the standard's.

The receiver reads the claimed sending installation (TraceHeader/OrganId) unverified only to pick that peer's
certificate; everything else is read from what the signature covers (signxml's signed_xml), so a message wrapped
around a signed one cannot smuggle fields in."""

import base64
import datetime as dt
import functools
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureConfiguration, SignatureMethod, XMLSigner, XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
NSMAP = {"edXML": NS}
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"

NEW, RECALL, UPDATE, REPLACE = 0, 1, 2, 3
BUSINESS_TYPES = (NEW, RECALL, UPDATE, REPLACE)
STATUS_CODES = {
    "01": "Đã tiếp nhận", "02": "Từ chối tiếp nhận", "03": "Đã vào sổ", "04": "Chờ phân công",
    "05": "Đã phân công, đang xử lý", "06": "Đã xử lý xong", "13": "Đã thu hồi",
    "15": "Đồng ý thu hồi, cập nhật", "16": "Từ chối thu hồi, cập nhật",
}  # fmt: skip
# One limit for a signed message, everywhere: the receive endpoint reads at most this much (settings.MAX_REQUEST_BODY
# refuses larger bodies before that) and the sender refuses to send files whose envelope would be larger.
MAX_ENVELOPE_BYTES = 30 * 1024 * 1024
# The attachments of one message together: base64 makes 4 bytes of 3, and 1 MB is left for the header and signature.
MAX_ATTACHMENTS_BYTES = (MAX_ENVELOPE_BYTES - 1024 * 1024) * 3 // 4


class EnvelopeError(Exception):
    """The message is not a well-formed edXML message, or its signature does not hold."""


@dataclass(frozen=True)
class Organ:
    organ_id: str
    name: str = ""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes
    description: str = ""


@dataclass
class DocumentEnvelope:
    sender: Organ
    recipient: Organ
    document_id: str
    code_number: str
    code_notation: str
    promulgation_date: dt.date
    subject: str
    place: str = ""
    type_code: str = ""
    type_name: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: dt.date | None = None
    priority: int = 0
    steering_type: int = 0
    business_type: int = NEW
    business_reason: str = ""
    trace_organ: str = ""  # the sending installation's agency id (whose key signs)
    timestamp: dt.datetime | None = None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class StatusMessage:
    sender: Organ  # the organ reporting the status (the document's recipient)
    recipient: Organ  # the organ that sent the document
    document_id: str
    status_code: str
    code_number: str = ""
    code_notation: str = ""
    promulgation_date: dt.date | None = None
    description: str = ""
    staff_name: str = ""
    department: str = ""
    trace_organ: str = ""
    timestamp: dt.datetime | None = None


def _el(parent, name: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{name}", **attrs)
    if text is not None:
        element.text = text
    return element


def _organ(parent, name: str, organ: Organ) -> None:
    element = _el(parent, name)
    _el(element, "OrganId", organ.organ_id)
    _el(element, "OrganName", organ.name)


def _date(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def _timestamp(value: dt.datetime | None) -> str:
    value = value or dt.datetime.now(dt.UTC)
    return value.astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)


def _trace(header, trace_organ: str, timestamp: dt.datetime | None, business_type: int, reason: str) -> None:
    trace_list = _el(header, "TraceHeaderList")
    trace = _el(trace_list, "TraceHeader")
    _el(trace, "OrganId", trace_organ)
    _el(trace, "Timestamp", _timestamp(timestamp))
    business = _el(trace_list, "Bussiness")
    _el(business, "BussinessDocType", str(business_type))
    _el(business, "BussinessDocReason", reason)


def _root():
    root = etree.Element(f"{{{NS}}}edXML", nsmap=NSMAP)
    envelope = _el(root, "edXMLEnvelope")
    return root, envelope, _el(envelope, "edXMLHeader")


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_document(envelope: DocumentEnvelope) -> bytes:
    """The unsigned edXML message of a document (attachments base64 in AttachmentEncoded)."""
    if envelope.business_type not in BUSINESS_TYPES:
        raise ValueError(f"business type {envelope.business_type}")
    if not 0 <= envelope.priority <= 4:
        raise ValueError(f"priority {envelope.priority}")
    root, env, header = _root()
    message = _el(header, "MessageHeader")
    _organ(message, "From", envelope.sender)
    _organ(message, "To", envelope.recipient)
    code = _el(message, "Code")
    _el(code, "CodeNumber", envelope.code_number)
    _el(code, "CodeNotation", envelope.code_notation)
    promulgation = _el(message, "PromulgationInfo")
    _el(promulgation, "Place", envelope.place)
    _el(promulgation, "PromulgationDate", _date(envelope.promulgation_date))
    doc_type = _el(message, "DocumentType")
    _el(doc_type, "Type", envelope.type_code)
    _el(doc_type, "TypeName", envelope.type_name)
    _el(message, "Subject", envelope.subject)
    signer = _el(message, "SignerInfo")
    _el(signer, "Competence", envelope.signer_competence)
    _el(signer, "Position", envelope.signer_position)
    _el(signer, "FullName", envelope.signer_name)
    _el(message, "DueDate", _date(envelope.due_date))
    other = _el(message, "OtherInfo")
    _el(other, "Priority", str(envelope.priority))
    _el(message, "SteeringType", str(envelope.steering_type))
    _el(message, "DocumentId", envelope.document_id)
    _trace(header, envelope.trace_organ, envelope.timestamp, envelope.business_type, envelope.business_reason)
    manifest = _el(_el(env, "edXMLBody"), "edXMLManifest", version="1.0")
    encoded = _el(root, "AttachmentEncoded")
    for index, attachment in enumerate(envelope.attachments, start=1):
        content_id = f"att{index}"
        reference = _el(manifest, "Reference")
        _el(reference, "ContentId", f"cid:{content_id}")
        _el(reference, "AttachmentName", attachment.name)
        _el(reference, "ContentType", attachment.content_type)
        item = _el(encoded, "Attachment")
        _el(item, "ContentType", attachment.content_type)
        _el(item, "ContentId", content_id)
        _el(item, "Description", attachment.description)
        _el(item, "AttachmentName", attachment.name)
        _el(item, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
    return _bytes(root)


def build_status(status: StatusMessage) -> bytes:
    """The unsigned edXML status notification sent back to the document's sender."""
    if status.status_code not in STATUS_CODES:
        raise ValueError(f"status code {status.status_code}")
    root, _env, header = _root()
    element = _el(header, "Status")
    response_for = _el(element, "ResponseFor")
    _el(response_for, "OrganId", status.recipient.organ_id)
    _el(response_for, "OrganName", status.recipient.name)
    code = _el(response_for, "Code")
    _el(code, "CodeNumber", status.code_number)
    _el(code, "CodeNotation", status.code_notation)
    _el(response_for, "PromulgationDate", _date(status.promulgation_date))
    _el(response_for, "DocumentId", status.document_id)
    _organ(element, "From", status.sender)
    staff = _el(element, "StaffInfo")
    _el(staff, "Department", status.department)
    _el(staff, "Staff", status.staff_name)
    _el(element, "StatusCode", status.status_code)
    _el(element, "Description", status.description or STATUS_CODES[status.status_code])
    _el(element, "Timestamp", _timestamp(status.timestamp))
    _trace(header, status.trace_organ, status.timestamp, NEW, "")
    return _bytes(root)


# ---- keys and signatures -------------------------------------------------------------------------------------


def make_identity(agency_id: str, name: str, *, years: int = 10) -> tuple[bytes, bytes]:
    """A new RSA 2048 key and a self-signed certificate naming the installation (CN = agency id, O = name):
    (private key PEM, certificate PEM). Peers exchange certificates out of band."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, agency_id),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name or agency_id),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    ])  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def certificate_fingerprint(cert_pem: bytes | str) -> str:
    cert_pem = cert_pem.encode() if isinstance(cert_pem, str) else cert_pem
    return x509.load_pem_x509_certificate(cert_pem).fingerprint(hashes.SHA256()).hex()


@functools.lru_cache(maxsize=8)
def _private_key(key_pem: bytes):
    """Loaded once per key: loading checks the RSA key's consistency, ~0.1 s, far more than a signature."""
    return serialization.load_pem_private_key(key_pem, password=None)


class _Signer(XMLSigner):
    """signxml re-parses what it signs with a parser that refuses text nodes over 10 MB (an attachment of 8 MB is
    one base64 node of 11 MB); its verifier takes `parser=`, its signer only this attribute."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parser = _xml_parser()


def sign(message: bytes, *, key_pem: bytes, cert_pem: bytes) -> bytes:
    """The message with an enveloped XML signature (RSA-SHA256, SHA-256 digests) and the signer's certificate."""
    root = _parse(message)
    signer = _Signer(signature_algorithm="rsa-sha256", digest_algorithm="sha256")
    cert = cert_pem.decode() if isinstance(cert_pem, bytes) else cert_pem
    signed = signer.sign(root, key=_private_key(key_pem), cert=cert)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


EXPECT = SignatureConfiguration(
    signature_methods=frozenset({SignatureMethod.RSA_SHA256}), expect_references=1, require_x509=True
)


def verify(message: bytes, *, cert_pem: bytes | str) -> bytes:
    """The signed content (the message as the signature covers it) when the signature holds with this
    certificate; raises EnvelopeError otherwise (altered content, another key, no signature)."""
    cert_pem = cert_pem.decode() if isinstance(cert_pem, bytes) else cert_pem
    try:
        result = XMLVerifier().verify(message, x509_cert=cert_pem, expect_config=EXPECT, parser=_xml_parser())
    except (InvalidSignature, InvalidInput, etree.XMLSyntaxError, ValueError) as error:
        raise EnvelopeError(f"signature: {error}") from error
    return etree.tostring(result.signed_xml, encoding="UTF-8")


# ---- parsing ---------------------------------------------------------------------------------------------------


def _xml_parser() -> etree.XMLParser:
    """No entities, no network, large text nodes allowed (the attachments); one per call (a parser is not to be
    shared between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def _parse(message: bytes):
    if len(message) > MAX_ENVELOPE_BYTES:
        raise EnvelopeError("message too large")
    try:
        root = etree.fromstring(message, parser=_xml_parser())
    except etree.XMLSyntaxError as error:
        raise EnvelopeError(f"not XML: {error}") from error
    if root.tag != f"{{{NS}}}edXML":
        raise EnvelopeError("not an edXML message")
    return root


def _text(element, path: str) -> str:
    found = element.find(path, NSMAP)
    return (found.text or "").strip() if found is not None else ""


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).date() if value else None
    except ValueError as error:
        raise EnvelopeError(f"date {value!r}") from error


def _parse_timestamp(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=dt.UTC) if value else None
    except ValueError as error:
        raise EnvelopeError(f"timestamp {value!r}") from error


def _int(value: str, allowed) -> int:
    if not value.isdigit() or int(value) not in allowed:
        raise EnvelopeError(f"value {value!r}")
    return int(value)


def claimed_installation(message: bytes) -> str:
    """The sending installation named in the trace header, unverified: only to choose whose key to check."""
    return _text(_parse(message), "edXML:edXMLEnvelope/edXML:edXMLHeader/edXML:TraceHeaderList/edXML:TraceHeader/"
                 "edXML:OrganId")  # fmt: skip


def _read_organ(element, path: str) -> Organ:
    return Organ(_text(element, f"{path}/edXML:OrganId"), _text(element, f"{path}/edXML:OrganName"))


def parse(message: bytes) -> DocumentEnvelope | StatusMessage:
    """Read a (verified) message: a document envelope or a status notification."""
    root = _parse(message)
    header = root.find("edXML:edXMLEnvelope/edXML:edXMLHeader", NSMAP)
    if header is None:
        raise EnvelopeError("no edXMLHeader")
    trace_organ = _text(header, "edXML:TraceHeaderList/edXML:TraceHeader/edXML:OrganId")
    timestamp = _parse_timestamp(_text(header, "edXML:TraceHeaderList/edXML:TraceHeader/edXML:Timestamp"))
    status = header.find("edXML:Status", NSMAP)
    if status is not None:
        return _parse_status(status, trace_organ)
    message_header = header.find("edXML:MessageHeader", NSMAP)
    if message_header is None:
        raise EnvelopeError("neither MessageHeader nor Status")
    return _parse_document(root, message_header, header, trace_organ, timestamp)


def _parse_status(status, trace_organ: str) -> StatusMessage:
    code = _text(status, "edXML:StatusCode")
    if code not in STATUS_CODES:
        raise EnvelopeError(f"status code {code!r}")
    message = StatusMessage(
        sender=_read_organ(status, "edXML:From"),
        recipient=Organ(_text(status, "edXML:ResponseFor/edXML:OrganId"),
                        _text(status, "edXML:ResponseFor/edXML:OrganName")),
        document_id=_text(status, "edXML:ResponseFor/edXML:DocumentId"), status_code=code,
        code_number=_text(status, "edXML:ResponseFor/edXML:Code/edXML:CodeNumber"),
        code_notation=_text(status, "edXML:ResponseFor/edXML:Code/edXML:CodeNotation"),
        promulgation_date=_parse_date(_text(status, "edXML:ResponseFor/edXML:PromulgationDate")),
        description=_text(status, "edXML:Description"), staff_name=_text(status, "edXML:StaffInfo/edXML:Staff"),
        department=_text(status, "edXML:StaffInfo/edXML:Department"), trace_organ=trace_organ,
        timestamp=_parse_timestamp(_text(status, "edXML:Timestamp")),
    )  # fmt: skip
    if not message.document_id or not message.sender.organ_id or not message.recipient.organ_id:
        raise EnvelopeError("status without document id or organs")
    return message


def _parse_document(root, message, header, trace_organ: str, timestamp) -> DocumentEnvelope:
    envelope = DocumentEnvelope(
        sender=_read_organ(message, "edXML:From"), recipient=_read_organ(message, "edXML:To"),
        document_id=_text(message, "edXML:DocumentId"), code_number=_text(message, "edXML:Code/edXML:CodeNumber"),
        code_notation=_text(message, "edXML:Code/edXML:CodeNotation"),
        promulgation_date=_parse_date(_text(message, "edXML:PromulgationInfo/edXML:PromulgationDate")),
        place=_text(message, "edXML:PromulgationInfo/edXML:Place"),
        type_code=_text(message, "edXML:DocumentType/edXML:Type"),
        type_name=_text(message, "edXML:DocumentType/edXML:TypeName"), subject=_text(message, "edXML:Subject"),
        signer_competence=_text(message, "edXML:SignerInfo/edXML:Competence"),
        signer_position=_text(message, "edXML:SignerInfo/edXML:Position"),
        signer_name=_text(message, "edXML:SignerInfo/edXML:FullName"),
        due_date=_parse_date(_text(message, "edXML:DueDate")),
        priority=_int(_text(message, "edXML:OtherInfo/edXML:Priority") or "0", range(5)),
        steering_type=_int(_text(message, "edXML:SteeringType") or "0", range(10)),
        business_type=_int(_text(header, "edXML:TraceHeaderList/edXML:Bussiness/edXML:BussinessDocType") or "0",
                           BUSINESS_TYPES),
        business_reason=_text(header, "edXML:TraceHeaderList/edXML:Bussiness/edXML:BussinessDocReason"),
        trace_organ=trace_organ, timestamp=timestamp,
    )  # fmt: skip
    if not envelope.document_id or not envelope.sender.organ_id or not envelope.recipient.organ_id:
        raise EnvelopeError("document without document id or organs")
    if envelope.promulgation_date is None:
        raise EnvelopeError("document without promulgation date")
    for item in root.findall("edXML:AttachmentEncoded/edXML:Attachment", NSMAP):
        try:
            data = base64.b64decode(_text(item, "edXML:ContentTransferEncoded"), validate=True)
        except ValueError as error:
            raise EnvelopeError("attachment not base64") from error
        envelope.attachments.append(Attachment(
            name=_text(item, "edXML:AttachmentName") or "tep-dinh-kem",
            content_type=_text(item, "edXML:ContentType") or "application/octet-stream", data=data,
            description=_text(item, "edXML:Description"),
        ))  # fmt: skip
    return envelope
