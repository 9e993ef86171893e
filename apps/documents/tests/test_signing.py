"""Certificates and PAdES signatures: the chain, signing, verification of intact, altered, foreign-signed and
stamped-after documents. Expected values come from X.509 (RFC 5280), PAdES (ETSI EN 319 142) and the facts set up in
each test, not from the code under test."""

import datetime as dt
import io

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from weasyprint import HTML

from apps.core.audit import AuditEvent
from apps.core.errors import DomainError
from apps.documents.models import CertificateAuthority, SigningCertificate
from apps.documents.services import signing
from apps.documents.tests.factories import world
from tests.helpers import at

pytestmark = pytest.mark.django_db
MOMENT = at("05/03/2026", "09:30")


def decision_pdf(title: str = "QUYẾT ĐỊNH") -> bytes:
    return HTML(
        string=f"<h1>{title}</h1><p>Về việc kiện toàn tổ công tác của Ủy ban nhân dân xã An Phú</p>"
    ).write_pdf()


@pytest.fixture
def authority():
    return signing.authority_ensure(actor=None, name="CA tỉnh Thử", organisation="Ủy ban nhân dân tỉnh Thử",
                                    valid_from=MOMENT - dt.timedelta(days=30))  # fmt: skip


def leader_certificate(w, valid_from=MOMENT - dt.timedelta(days=1)):
    w.chairman.full_name = "Nguyễn Văn An"
    w.chairman.save()
    return signing.certificate_issue_for_user(actor=None, user=w.chairman, unit=w.commune, valid_from=valid_from)


def foreign_certificate():
    """A certificate from a CA this installation was never told about (another province's)."""
    key, root = signing.make_authority_certificate(
        "CA tỉnh Khác", "Tỉnh Khác", valid_from=MOMENT - dt.timedelta(days=9)
    )
    leaf_key, leaf = signing.make_signing_certificate(key, root, "Trần Thị Bình", "Ủy ban nhân dân tỉnh Khác",
                                                      valid_from=MOMENT - dt.timedelta(days=1))  # fmt: skip
    authority = CertificateAuthority(name="CA tỉnh Khác", certificate_pem=signing._pem(root))
    return root, SigningCertificate(authority=authority, common_name="Trần Thị Bình", organisation="Tỉnh Khác",
                                    certificate_pem=signing._pem(leaf),
                                    private_key_encrypted=signing.encrypt_private_key(leaf_key))  # fmt: skip


def test_certificate_chain_extensions_and_key_at_rest(authority):
    w = world()
    issued = leader_certificate(w)
    root = signing.load_certificate(authority.certificate_pem)
    leaf = signing.load_certificate(issued.certificate_pem)
    # the root is self-signed, a CA that issues only end entities; the leaf is signed by it (RFC 5280 §4.2.1.9)
    root.verify_directly_issued_by(root)
    leaf.verify_directly_issued_by(root)
    constraints = root.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca and constraints.path_length == 0
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment  # nonRepudiation
    assert not usage.value.key_cert_sign
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Văn An"
    assert leaf.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Ủy ban nhân dân xã An Phú"
    assert format(leaf.serial_number, "x") == issued.serial and leaf.serial_number != root.serial_number
    assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey) and leaf.public_key().curve.name == "secp256r1"
    assert ExtendedKeyUsageOID.CODE_SIGNING not in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    # the private keys are not stored in the clear, and they are the certificates' keys
    for row in (authority, issued):
        assert "PRIVATE KEY" not in row.private_key_encrypted
    key = signing.decrypt_private_key(issued.private_key_encrypted)
    assert key.public_key().public_numbers() == leaf.public_key().public_numbers()
    # issuing again gives the same certificate (idempotent), and it was audited once
    assert leader_certificate(w).pk == issued.pk
    assert AuditEvent.objects.filter(action="documents.signing.certificate").count() == 1
    assert signing.trusted_roots() == [root]


def test_keys_are_unreadable_under_another_secret_key(authority, settings):
    token = authority.private_key_encrypted
    settings.SECRET_KEY = "another installation's secret key, 50 characters long..."
    with pytest.raises(DomainError):
        signing.decrypt_private_key(token)


def test_sign_then_verify_names_the_signer_and_the_time(authority):
    w = world()
    certificate = leader_certificate(w)
    with time_machine.travel(MOMENT, tick=False):
        signed = signing.sign_pdf(decision_pdf(), certificate, reason="Ký ban hành")
        report = signing.verify_pdf(signed)
    assert report.verdict == "valid" and report.is_valid
    (check,) = report.signatures
    assert (check.signer_name, check.unit) == ("Nguyễn Văn An", "Ủy ban nhân dân xã An Phú")
    assert check.signing_time == MOMENT
    assert check.intact and check.valid and check.trusted
    assert check.covers_whole_document and not check.modified_after and check.modification_permitted
    assert check.issuer == "CA tỉnh Thử" and check.serial == certificate.serial


def test_a_changed_byte_is_detected(authority):
    w = world()
    with time_machine.travel(MOMENT, tick=False):
        signed = bytearray(signing.sign_pdf(decision_pdf(), leader_certificate(w)))
        # a byte inside the first content stream (covered by the signature's byte range) changes
        position = signed.index(b"stream") + 40
        signed[position] ^= 0x01
        report = signing.verify_pdf(bytes(signed))
    assert report.verdict == "invalid" and not report.is_valid
    (check,) = report.signatures
    assert not check.intact and not check.valid and check.problems


def test_a_certificate_from_another_authority_is_not_trusted_until_its_authority_is(authority):
    root, stranger = foreign_certificate()
    with time_machine.travel(MOMENT, tick=False):
        signed = signing.sign_pdf(decision_pdf(), stranger)
        report = signing.verify_pdf(signed)
        (check,) = report.signatures
        assert report.verdict == "untrusted"
        assert check.intact and check.valid and not check.trusted and check.signer_name == "Trần Thị Bình"
        # told to trust the other province's authority (a peer), the same file is valid
        signing.authority_trust(actor=None, name="CA tỉnh Khác", certificate_pem=signing._pem(root))
        assert signing.verify_pdf(signed).verdict == "valid"


def test_an_earlier_signature_stays_valid_after_a_stamped_signature_but_not_after_a_content_change(authority):
    w = world()
    agency = signing.certificate_issue_for_unit(actor=None, unit=w.commune, valid_from=MOMENT - dt.timedelta(days=1))
    with time_machine.travel(MOMENT, tick=False):
        signed = signing.sign_pdf(decision_pdf(), leader_certificate(w))
        stamped = signing.sign_pdf(signed, agency, field_name="CoQuanBanHanh", stamp="Số: 05/QĐ-UBND — ngày 05/03/2026")
        report = signing.verify_pdf(stamped)
        assert report.verdict == "valid"
        leader, seal = report.signatures
        assert leader.signer_name == "Nguyễn Văn An" and seal.signer_name == "Ủy ban nhân dân xã An Phú"
        assert leader.valid and leader.trusted and leader.modified_after and not leader.covers_whole_document
        assert leader.modification_permitted and leader.modification_level == "FORM_FILLING"
        assert seal.covers_whole_document
        # the stamp is a visible field on the first page, at its top
        from pypdf import PdfReader

        page = PdfReader(io.BytesIO(stamped)).pages[0]
        widgets = [a.get_object() for a in page["/Annots"] if a.get_object().get("/T") == "CoQuanBanHanh"]
        assert widgets and float(widgets[0]["/Rect"][3]) > float(page.mediabox.top) - 60

        # an incremental update that rewrites the page's content after the signature is not a permitted change
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        first_page = writer.root["/Pages"]["/Kids"][0].get_object()
        first_page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"q 0 0 1 rg 0 0 200 200 re f Q"))
        writer.update_container(first_page)
        out = io.BytesIO()
        writer.write(out)
        tampered = signing.verify_pdf(out.getvalue())
    assert tampered.verdict == "invalid"
    (check,) = tampered.signatures
    assert check.intact and check.modified_after and not check.modification_permitted


def test_a_revoked_certificates_signatures_are_not_trusted(authority):
    w = world()
    certificate = leader_certificate(w)
    with time_machine.travel(MOMENT, tick=False):
        signed = signing.sign_pdf(decision_pdf(), certificate)
        assert signing.verify_pdf(signed).verdict == "valid"
    with time_machine.travel(MOMENT + dt.timedelta(days=1), tick=False):
        signing.certificate_revoke(actor=None, certificate=certificate)
        report = signing.verify_pdf(signed)
    (check,) = report.signatures
    assert report.verdict == "untrusted" and check.valid and not check.trusted
    assert "Chứng thư của người ký đã bị thu hồi." in check.problems
    assert signing.active_certificate_of_user(w.chairman) is None


def test_unsigned_and_unreadable_files():
    assert signing.verify_pdf(decision_pdf(), trust_roots=[]).verdict == "unsigned"
    report = signing.verify_pdf(b"not a pdf at all", trust_roots=[])
    assert report.verdict == "unreadable" and not report.signatures and report.error


def test_issue_certificates_command_is_idempotent_and_trusts_a_peer(tmp_path):
    from django.core.management import call_command

    from apps.org.models import Role
    from apps.org.tests.factories import staff_in

    w = world()
    staff_in(w.culture, Role.UNIT_LEADER, username="truongphong")
    root_file = tmp_path / "root.pem"
    call_command("issue_certificates", export_root=str(root_file), stdout=io.StringIO())
    # two leaders in post (the chairman, the head of division); committees and departments: the province, two
    # communes, and the three divisions (all created as departments by the factory)
    leaders = SigningCertificate.objects.filter(user__isnull=False).count()
    agencies = SigningCertificate.objects.filter(unit__isnull=False).count()
    assert leaders == 2 and agencies == 6
    assert root_file.read_text().startswith("-----BEGIN CERTIFICATE-----")
    out = io.StringIO()
    call_command("issue_certificates", stdout=out)
    assert "cấp mới 0 chứng thư lãnh đạo, 0 chứng thư cơ quan" in out.getvalue()
    assert SigningCertificate.objects.count() == leaders + agencies
    peer_root, _ = foreign_certificate()
    peer_file = tmp_path / "peer.pem"
    peer_file.write_text(signing._pem(peer_root))
    call_command("issue_certificates", trust=str(peer_file), name="CA tỉnh Khác", stdout=io.StringIO())
    assert CertificateAuthority.objects.filter(kind="peer", is_trusted=True).count() == 1
    assert len(signing.trusted_roots()) == 2


def test_a_pdf_that_cannot_be_signed_says_so(authority):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(decision_pdf())))
    writer.encrypt(user_password="", owner_password="chu-so-huu")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(DomainError, match="không ký được"):
        signing.sign_pdf(locked.getvalue(), leader_certificate(world()))
