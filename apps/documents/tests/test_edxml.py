"""edXML envelopes (QCVN 102:2016): element names of the standard, round trip, signature refused when altered."""

import base64
import datetime as dt

import pytest
from lxml import etree

from apps.documents.services import edxml

NS = {"e": "http://www.mic.gov.vn/TBT/QCVN_102_2016", "ds": "http://www.w3.org/2000/09/xmldsig#"}
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 van ban thu\n%%EOF"


@pytest.fixture(scope="module")
def keys():
    return edxml.make_identity("000.00.00.H88", "Ủy ban nhân dân tỉnh Thử")


@pytest.fixture(scope="module")
def other_keys():
    return edxml.make_identity("000.00.00.H77", "Tỉnh khác")


def envelope(**changes) -> edxml.DocumentEnvelope:
    values = dict(  # noqa: C408
        sender=edxml.Organ("H88.21", "Ủy ban nhân dân xã An Phú"),
        recipient=edxml.Organ("H77.01", "Sở Tư pháp tỉnh Khác"),
        document_id="H88.21,2026/03/05,05/QĐ-UBND", code_number="05", code_notation="QĐ-UBND",
        promulgation_date=dt.date(2026, 3, 5), subject="Về việc kiện toàn tổ công tác cải cách hành chính",
        place="Xã An Phú", type_code="quyet_dinh", type_name="Quyết định", signer_competence="TM. UBND",
        signer_position="Chủ tịch", signer_name="Nguyễn Văn An", due_date=dt.date(2026, 3, 20), priority=2,
        steering_type=1, trace_organ="000.00.00.H88", timestamp=dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC),
        attachments=[edxml.Attachment("quyet-dinh.pdf", "application/pdf", PDF, "Văn bản"),
                     edxml.Attachment("phu-luc.pdf", "application/pdf", b"%PDF phu luc", "Phụ lục")],
    )  # fmt: skip
    values.update(changes)
    return edxml.DocumentEnvelope(**values)


def test_the_envelope_uses_the_standards_elements():
    root = etree.fromstring(edxml.build_document(envelope()))
    header = "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader"
    assert root.tag == "{http://www.mic.gov.vn/TBT/QCVN_102_2016}edXML"
    assert root.findtext(f"{header}/e:From/e:OrganId", namespaces=NS) == "H88.21"
    assert root.findtext(f"{header}/e:To/e:OrganName", namespaces=NS) == "Sở Tư pháp tỉnh Khác"
    assert root.findtext(f"{header}/e:Code/e:CodeNumber", namespaces=NS) == "05"
    assert root.findtext(f"{header}/e:Code/e:CodeNotation", namespaces=NS) == "QĐ-UBND"
    assert root.findtext(f"{header}/e:PromulgationInfo/e:PromulgationDate", namespaces=NS) == "2026/03/05"
    assert root.findtext(f"{header}/e:SignerInfo/e:FullName", namespaces=NS) == "Nguyễn Văn An"
    assert root.findtext(f"{header}/e:OtherInfo/e:Priority", namespaces=NS) == "2"
    assert root.findtext(f"{header}/e:SteeringType", namespaces=NS) == "1"
    assert root.findtext(f"{header}/e:DocumentId", namespaces=NS) == "H88.21,2026/03/05,05/QĐ-UBND"
    trace = "e:edXMLEnvelope/e:edXMLHeader/e:TraceHeaderList"
    assert root.findtext(f"{trace}/e:TraceHeader/e:OrganId", namespaces=NS) == "000.00.00.H88"
    assert root.findtext(f"{trace}/e:Bussiness/e:BussinessDocType", namespaces=NS) == "0"
    encoded = root.find("e:AttachmentEncoded/e:Attachment", NS)
    assert base64.b64decode(encoded.findtext("e:ContentTransferEncoded", namespaces=NS)) == PDF
    assert len(root.findall("e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference", NS)) == 2


def test_signed_envelope_round_trips(keys):
    key, cert = keys
    signed = edxml.sign(edxml.build_document(envelope()), key_pem=key, cert_pem=cert)
    root = etree.fromstring(signed)
    signature = root.find("ds:Signature", NS)
    assert signature is not None
    assert signature.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm").endswith("rsa-sha256")
    assert (
        root.find("ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform", NS).get("Algorithm")
        == "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    )
    parsed = edxml.parse(edxml.verify(signed, cert_pem=cert))
    assert parsed == envelope()


@pytest.mark.parametrize("business_type", [edxml.RECALL, edxml.UPDATE, edxml.REPLACE])
def test_business_types_round_trip(keys, business_type):
    key, cert = keys
    original = envelope(business_type=business_type, business_reason="Sai sót về số liệu", attachments=[])
    signed = edxml.sign(edxml.build_document(original), key_pem=key, cert_pem=cert)
    parsed = edxml.parse(edxml.verify(signed, cert_pem=cert))
    assert (parsed.business_type, parsed.business_reason) == (business_type, "Sai sót về số liệu")


@pytest.mark.parametrize("old, new", [
    ("Về việc kiện toàn".encode(), "Về việc giải thể".encode()),  # the subject
    (b"<edXML:OrganId>H77.01", b"<edXML:OrganId>H77.02"),  # the recipient
    (base64.b64encode(PDF), base64.b64encode(PDF.replace(b"thu", b"sua"))),  # the attached file
    (b"<edXML:BussinessDocType>0", b"<edXML:BussinessDocType>1"),  # new becomes recall
])  # fmt: skip
def test_an_altered_envelope_is_refused(keys, old, new):
    key, cert = keys
    signed = edxml.sign(edxml.build_document(envelope()), key_pem=key, cert_pem=cert)
    assert old in signed
    with pytest.raises(edxml.EnvelopeError):
        edxml.verify(signed.replace(old, new, 1), cert_pem=cert)


def test_another_installations_key_is_refused(keys, other_keys):
    key, _cert = other_keys
    _key, cert = keys
    # signed by another key, even carrying that key's own certificate: not the certificate we hold for the peer
    signed = edxml.sign(edxml.build_document(envelope()), key_pem=key, cert_pem=other_keys[1])
    with pytest.raises(edxml.EnvelopeError):
        edxml.verify(signed, cert_pem=cert)


def test_an_unsigned_envelope_is_refused(keys):
    with pytest.raises(edxml.EnvelopeError):
        edxml.verify(edxml.build_document(envelope()), cert_pem=keys[1])


def test_a_wrapped_message_cannot_smuggle_fields(keys):
    """Whatever is outside the signed element is not read: parse works on what the signature covers."""
    key, cert = keys
    signed = edxml.sign(edxml.build_document(envelope()), key_pem=key, cert_pem=cert)
    wrapper = (b'<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
               + signed.split(b"?>", 1)[1] + b"</edXML:edXML>")  # fmt: skip
    with pytest.raises(edxml.EnvelopeError):
        edxml.parse(edxml.verify(wrapper, cert_pem=cert))


@pytest.mark.parametrize("code", ["01", "02", "03", "04", "05", "06", "13", "15", "16"])
def test_status_messages_round_trip(keys, code):
    key, cert = keys
    status = edxml.StatusMessage(
        sender=edxml.Organ("H77.01", "Sở Tư pháp tỉnh Khác"), recipient=edxml.Organ("H88.21", "UBND xã An Phú"),
        document_id="H88.21,2026/03/05,05/QĐ-UBND", status_code=code, code_number="05", code_notation="QĐ-UBND",
        promulgation_date=dt.date(2026, 3, 5), description="Đã vào sổ", staff_name="Lê Thị Văn Thư",
        department="Văn phòng", trace_organ="000.00.00.H77", timestamp=dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    signed = edxml.sign(edxml.build_status(status), key_pem=key, cert_pem=cert)
    root = etree.fromstring(signed)
    assert root.findtext("e:edXMLEnvelope/e:edXMLHeader/e:Status/e:StatusCode", namespaces=NS) == code
    assert edxml.parse(edxml.verify(signed, cert_pem=cert)) == status


def test_unknown_status_code_and_priority_are_refused():
    with pytest.raises(ValueError):
        edxml.build_status(edxml.StatusMessage(edxml.Organ("A"), edxml.Organ("B"), "x", status_code="07"))
    with pytest.raises(ValueError):
        edxml.build_document(envelope(priority=5))
    bad = edxml.build_document(envelope()).replace(b"<edXML:Priority>2", b"<edXML:Priority>9")
    with pytest.raises(edxml.EnvelopeError):
        edxml.parse(bad)


def test_not_edxml_is_refused():
    with pytest.raises(edxml.EnvelopeError):
        edxml.parse(b"<html/>")
    with pytest.raises(edxml.EnvelopeError):
        edxml.parse(b"not xml")
    with pytest.raises(edxml.EnvelopeError):
        edxml.claimed_installation(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
