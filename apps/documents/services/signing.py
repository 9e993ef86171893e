"""Digital signatures on official documents (issue 11): the installation's certificate authority, certificates for
leaders and agencies, PAdES signatures with pyHanko and their verification.

Keys: the certificate authority's and every signer's private key are stored encrypted (AES-GCM) under a key derived
from settings.SECRET_KEY with HKDF. This stands in for what a production signer uses: a key that never leaves a
token / HSM or a remote signing service (a qualified trust service provider's certificate). Changing SECRET_KEY makes
the stored keys unreadable: issue the certificates again.

Signatures are PAdES B-B (ETSI EN 319 142: CMS with the signing certificate attribute, /SubFilter ETSI.CAdES.detached)
with the claimed signing time in the signature dictionary (/M). Later signatures are incremental updates, so an
earlier signature still covers its own revision; pyHanko's difference analysis tells whether what was added after it
is allowed (a new signature field with its appearance and signature is "form filling")."""

import base64
import contextlib
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.actors import acts_without_account
from apps.core.audit import record_event
from apps.core.errors import DomainError, PermissionDeniedError
from apps.documents.models import CertificateAuthority, SigningCertificate
from apps.org import selectors as org
from apps.org.models import Role, Unit

logger = logging.getLogger(__name__)
KEY_INFO = b"congvu.documents.signing-keys.v1"
CERTIFICATE_YEARS = 5
AUTHORITY_YEARS = 20
# Fonts with Vietnamese glyphs that pyHanko lays out well (Debian's fonts-noto-core); DejaVu's spacing comes out wrong.
STAMP_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
)
LEADER_FIELD = "LanhDaoKy"
AGENCY_FIELD = "CoQuanBanHanh"


# -- keys at rest ---------------------------------------------------------------------------------------------------


def _storage_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(settings.SECRET_KEY.encode())


def encrypt_private_key(key: ec.EllipticCurvePrivateKey) -> str:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(_storage_key()).encrypt(nonce, pem, KEY_INFO)).decode()


def decrypt_private_key(token: str):
    raw = base64.b64decode(token)
    try:
        pem = AESGCM(_storage_key()).decrypt(raw[:12], raw[12:], KEY_INFO)
    except Exception as error:  # InvalidTag: another SECRET_KEY
        raise DomainError(_("Không đọc được khóa bí mật của chứng thư số (khóa hệ thống đã đổi?).")) from error
    return serialization.load_pem_private_key(pem, password=None)


# -- certificates ---------------------------------------------------------------------------------------------------


def load_certificate(pem: str | bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def name_string(name: x509.Name) -> str:
    """RFC 4514 text of a name, without cryptography's warning on a CN or O of 64 characters but more than 64 UTF-8
    bytes (RFC 5280 bounds them in characters; see _name)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Attribute's length", category=UserWarning)
        return name.rfc4514_string()


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def _name(common_name: str, organisation: str) -> x509.Name:
    # RFC 5280's upper bound for CN and O is 64 characters; `cryptography` counts UTF-8 bytes instead, which a
    # Vietnamese unit name ("Ủy ban nhân dân phường Đông Thành", 32 characters) passes in characters but not in bytes.
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64], _validate=False),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64], _validate=False),
    ])  # fmt: skip


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer, content_commitment=signer, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=not signer, crl_sign=not signer, encipher_only=False, decipher_only=False,
    )  # fmt: skip


def _years_after(moment: dt.datetime, years: int) -> dt.datetime:
    return moment + dt.timedelta(days=365 * years + years // 4)


@contextlib.contextmanager
def _lenient_names():
    """See _name: names within RFC 5280's 64 characters are kept even when their UTF-8 runs past 64 bytes."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Attribute's length must be", category=UserWarning)
        yield


def make_authority_certificate(name: str, organisation: str, *, valid_from: dt.datetime, years: int = AUTHORITY_YEARS):
    """A self-signed root (EC P-256) that may only issue end-entity certificates (path length 0)."""
    with _lenient_names():
        return _make_authority_certificate(name, organisation, valid_from, years)


def _make_authority_certificate(name: str, organisation: str, valid_from: dt.datetime, years: int):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, organisation)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from).not_valid_after(_years_after(valid_from, years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, certificate


def make_signing_certificate(
    authority_key, authority: x509.Certificate, common_name: str, organisation: str, *, valid_from: dt.datetime
):
    """An end-entity certificate for signing documents: digitalSignature + nonRepudiation, CN = signer, O = unit."""
    with _lenient_names():
        return _make_signing_certificate(authority_key, authority, common_name, organisation, valid_from)


def _make_signing_certificate(authority_key, authority, common_name: str, organisation: str, valid_from):
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder().subject_name(_name(common_name, organisation)).issuer_name(authority.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(valid_from).not_valid_after(_years_after(valid_from, CERTIFICATE_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()), critical=False)
        .sign(authority_key, hashes.SHA256())
    )  # fmt: skip
    return key, certificate


def _require_administrator(actor) -> None:
    if acts_without_account(actor):
        return
    if not (org.user_has_role(actor, Role.ADMINISTRATOR) or getattr(actor, "is_superuser", False)):
        raise PermissionDeniedError(_("Chỉ quản trị hệ thống được cấp chứng thư số."))


def own_authority() -> CertificateAuthority | None:
    return CertificateAuthority.objects.filter(kind=CertificateAuthority.Kind.OWN).first()


@transaction.atomic
def authority_ensure(*, actor, name: str, organisation: str, valid_from: dt.datetime | None = None):
    """The installation's certificate authority, made once (later calls return it)."""
    _require_administrator(actor)
    existing = own_authority()
    if existing is not None:
        return existing
    now = timezone.now()
    key, certificate = make_authority_certificate(name, organisation, valid_from=valid_from or now)
    authority = CertificateAuthority.objects.create(
        kind=CertificateAuthority.Kind.OWN, name=name, certificate_pem=_pem(certificate),
        private_key_encrypted=encrypt_private_key(key), fingerprint=fingerprint(certificate), created_at=now,
    )  # fmt: skip
    record_event(
        "documents.signing.authority", actor=actor, obj=authority, changes={"fingerprint": authority.fingerprint}
    )
    return authority


@transaction.atomic
def authority_trust(*, actor, name: str, certificate_pem: str) -> CertificateAuthority:
    """Trust another installation's authority (a peer's root): signatures chaining to it are shown as trusted."""
    _require_administrator(actor)
    try:
        certificate = load_certificate(certificate_pem)
    except ValueError as error:
        raise DomainError(_("Chứng thư không đọc được (cần định dạng PEM)."), field="certificate_pem") from error
    authority, created = CertificateAuthority.objects.get_or_create(
        fingerprint=fingerprint(certificate),
        defaults={"kind": CertificateAuthority.Kind.PEER, "name": name, "certificate_pem": _pem(certificate),
                  "created_at": timezone.now()},
    )  # fmt: skip
    if not authority.is_trusted:
        authority.is_trusted = True
        authority.save(update_fields=["is_trusted"])
    if created:
        record_event(
            "documents.signing.trust", actor=actor, obj=authority, changes={"fingerprint": authority.fingerprint}
        )
    return authority


def trusted_roots() -> list[x509.Certificate]:
    """The trust store: this installation's own authority and the peers' authorities it was told to trust."""
    return [load_certificate(pem) for pem in CertificateAuthority.objects.filter(is_trusted=True).values_list(
        "certificate_pem", flat=True)]  # fmt: skip


def _issue(*, actor, common_name: str, organisation: str, user=None, unit: Unit | None = None, valid_from=None):
    authority = own_authority()
    if authority is None:
        raise DomainError(_("Hệ thống chưa có tổ chức chứng thực; hãy chạy lệnh issue_certificates."))
    now = timezone.now()
    authority_key = decrypt_private_key(authority.private_key_encrypted)
    key, certificate = make_signing_certificate(
        authority_key, load_certificate(authority.certificate_pem), common_name, organisation,
        valid_from=valid_from or now,
    )  # fmt: skip
    issued = SigningCertificate.objects.create(
        authority=authority, user=user, unit=unit, common_name=common_name, organisation=organisation,
        serial=format(certificate.serial_number, "x"), certificate_pem=_pem(certificate),
        private_key_encrypted=encrypt_private_key(key), not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc, created_at=now,
    )  # fmt: skip
    record_event(
        "documents.signing.certificate", actor=actor, obj=issued, unit=unit,
        changes={"serial": issued.serial, "common_name": common_name, "organisation": organisation,
                 "user": user.pk if user is not None else None},
    )  # fmt: skip
    return issued


def active_certificate_of_user(user) -> SigningCertificate | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return SigningCertificate.objects.filter(user=user, revoked_at__isnull=True).select_related("authority").first()


def active_certificate_of_unit(unit: Unit) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(unit=unit, revoked_at__isnull=True).select_related("authority").first()


@transaction.atomic
def certificate_revoke(*, actor, certificate: SigningCertificate, now: dt.datetime | None = None):
    """Revoke a certificate (a leader left office, a key is thought exposed): it signs nothing more and the
    signatures it made show as not trusted (PAdES B-B has no trusted time to tell they were made before)."""
    _require_administrator(actor)
    certificate = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = now or timezone.now()
        certificate.save(update_fields=["revoked_at"])
        record_event("documents.signing.revoke", actor=actor, obj=certificate, unit=certificate.unit,
                     changes={"serial": certificate.serial})  # fmt: skip
    return certificate


def revoked_certificates() -> frozenset[tuple[str, str]]:
    """(issuer, serial) of every certificate our authority issued and revoked: the trust store's revocation list.
    (Our certificates name no CRL distribution point, so pyHanko's offline check would not look one up.)"""
    authority = own_authority()
    if authority is None:
        return frozenset()
    issuer = name_string(load_certificate(authority.certificate_pem).subject)
    revoked = SigningCertificate.objects.filter(authority=authority, revoked_at__isnull=False)
    return frozenset((issuer, serial) for serial in revoked.values_list("serial", flat=True))


@transaction.atomic
def certificate_issue_for_user(*, actor, user, unit: Unit, valid_from: dt.datetime | None = None):
    """A leader's certificate (CN = full name, O = their unit); the active one is returned if there is one."""
    _require_administrator(actor)
    existing = active_certificate_of_user(user)
    if existing is not None:
        return existing
    return _issue(actor=actor, common_name=user.get_full_name(), organisation=unit.name, user=user,
                  valid_from=valid_from)  # fmt: skip


@transaction.atomic
def certificate_issue_for_unit(*, actor, unit: Unit, valid_from: dt.datetime | None = None):
    """An agency's own certificate (CN = O = the unit's name), applied by the clerk at release."""
    _require_administrator(actor)
    existing = active_certificate_of_unit(unit)
    if existing is not None:
        return existing
    return _issue(actor=actor, common_name=unit.name, organisation=unit.name, unit=unit, valid_from=valid_from)


# -- signing --------------------------------------------------------------------------------------------------------


def _asn1_certificate(certificate: x509.Certificate):
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _signer(certificate: SigningCertificate):
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = decrypt_private_key(certificate.private_key_encrypted)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    chain = [_asn1_certificate(load_certificate(certificate.authority.certificate_pem))]
    return signers.SimpleSigner(
        signing_cert=_asn1_certificate(load_certificate(certificate.certificate_pem)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def _stamp_font() -> str | None:
    candidates = [getattr(settings, "DOCUMENT_STAMP_FONT", ""), *STAMP_FONTS]
    return next((path for path in candidates if path and Path(path).is_file()), None)


# What a number stamp can contain: ASCII, the Vietnamese letters (Latin-1, Latin Extended-A/B, Latin Extended
# Additional) and typographic punctuation.
STAMP_CHARACTERS = (
    "".join(chr(c) for c in range(0x20, 0x7F)) + "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)) + "—–…“”‘’·"
)  # fmt: skip


@functools.cache
def _stamp_font_bytes(path: str) -> bytes:
    """The font cut down to STAMP_CHARACTERS once per process: pyHanko subsets the font it embeds at every
    signature, and cutting the whole Noto Sans takes half a second inside the release's transaction."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline = ["*"], ["*"], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=STAMP_CHARACTERS)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_factory(path: str):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    class StampFontFactory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(_stamp_font_bytes(self.font_file)),
                                    font_size=self.font_size, obj_stream=obj_stream)  # fmt: skip

    return StampFontFactory(path)


def _stamp_style():
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = _stamp_font()
    box_style = TextBoxStyle(font=_font_factory(font), font_size=11) if font else TextBoxStyle(font_size=11)
    return TextStampStyle(
        stamp_text="%(stamp)s", text_box_style=box_style, border_width=0, background=None,
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID, margins=Margins(0, 0, 0, 0)
        ),
    )  # fmt: skip


def _stamp_box(writer) -> tuple[float, float, float, float]:
    """A strip at the top left of the first page, above Decree 30's number line (the top margin is 20–25 mm)."""
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    left, _bottom, right, top = (float(value) for value in page.get("/MediaBox", [0, 0, 595.28, 841.89]))
    return left + 36, top - 52, min(right - 36, left + 360), top - 22


def _free_field_name(reader, base: str) -> str:
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, *_rest in enumerate_sig_fields(reader)}
    name, index = base, 1
    while name in taken:
        index += 1
        name = f"{base}{index}"
    return name


def sign_pdf(
    data: bytes,
    certificate: SigningCertificate,
    *,
    field_name: str = LEADER_FIELD,
    reason: str = "",
    location: str = "",
    stamp: str = "",
    signing_time: dt.datetime | None = None,
) -> bytes:
    """A PAdES signature of `data` with the certificate's key, as an incremental update (earlier signatures keep
    validating). With `stamp`, the new signature field is visible on the first page and shows that text.
    `signing_time` (default: now) is the signing time written in the signature (the demo's past year)."""  # fmt: skip
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except Exception as error:
        raise DomainError(_("Tệp không phải PDF đọc được nên không ký được."), field="file") from error
    name = _free_field_name(writer.prev, field_name)
    metadata = PdfSignatureMetadata(
        field_name=name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        name=certificate.common_name, reason=reason or None, location=location or None,
    )  # fmt: skip
    signer = _signer(certificate)  # outside the try: a key that cannot be read says so in its own words
    try:
        if stamp:
            spec = fields.SigFieldSpec(name, on_page=0, box=_stamp_box(writer))
            pdf_signer = _signer_at(signing_time)(metadata, signer, stamp_style=_stamp_style(), new_field_spec=spec)
            output = pdf_signer.sign_pdf(writer, appearance_text_params={"stamp": stamp})
        else:
            output = _signer_at(signing_time)(metadata, signer).sign_pdf(writer)
    except Exception as error:  # encrypted or damaged PDFs: pyHanko raises many kinds; the user needs one message
        logger.warning("could not sign a PDF", exc_info=True)
        raise DomainError(
            _("Tệp PDF này không ký được (có mật khẩu, bị khóa sửa hoặc bị hỏng); hãy xuất lại tệp PDF."), field="file"
        ) from error
    return output.getvalue()


def _signer_at(signing_time: dt.datetime | None):
    """PdfSigner, or one whose session signs at `signing_time`: pyHanko takes the signing session's time from the
    clock and offers no parameter for it, so the session made by init_signing_session gets it afterwards."""
    from pyhanko.sign.signers.pdf_signer import PdfSigner

    if signing_time is None:
        return PdfSigner

    class PdfSignerAt(PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = signing_time
            return session

    return PdfSignerAt


# -- verification ---------------------------------------------------------------------------------------------------


class Verdict:
    VALID = "valid"
    UNTRUSTED = "untrusted"
    INVALID = "invalid"
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"


VERDICT_LABELS = {
    Verdict.VALID: gettext_lazy("Chữ ký hợp lệ, văn bản toàn vẹn"),
    Verdict.UNTRUSTED: gettext_lazy("Chữ ký nguyên vẹn nhưng chứng thư không thuộc tổ chức chứng thực được tin cậy"),
    Verdict.INVALID: gettext_lazy("Chữ ký không hợp lệ hoặc văn bản đã bị sửa đổi sau khi ký"),
    Verdict.UNSIGNED: gettext_lazy("Văn bản không có chữ ký số"),
    Verdict.UNREADABLE: gettext_lazy("Không đọc được tệp PDF để kiểm tra chữ ký"),
}


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF as checked."""

    field_name: str
    signer_name: str  # subject CN
    unit: str  # subject O
    serial: str
    issuer: str
    signing_time: dt.datetime | None  # claimed by the signer (PAdES B-B has no trusted timestamp)
    intact: bool  # the signed bytes are those the signature was made over
    valid: bool  # intact and the cryptographic signature checks out
    trusted: bool  # the certificate chains to a root of the trust store
    covers_whole_document: bool  # nothing was added after it
    modified_after: bool  # a later revision exists
    modification_permitted: bool  # what was added later is allowed (form filling, more signatures), or nothing was
    modification_level: str  # pyHanko's ModificationLevel name: NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS, OTHER
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.valid and self.trusted and self.modification_permitted


@dataclass(frozen=True)
class SignatureReport:
    signatures: tuple[SignatureCheck, ...] = ()
    verdict: str = Verdict.UNSIGNED
    error: str = ""

    @property
    def is_signed(self) -> bool:
        return bool(self.signatures)

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])


def _subject_part(certificate, key: str) -> str:
    return _name_part(certificate.subject, key)


def _name_part(name, key: str) -> str:
    value = name.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def _validation_context(roots: list[x509.Certificate]):
    from pyhanko_certvalidator import ValidationContext

    # Offline: nothing is fetched; a chain is trusted when it ends at a root of the trust store. Revocation by our
    # own authority is checked apart (revoked_certificates).
    return ValidationContext(
        trust_roots=[_asn1_certificate(root) for root in roots], allow_fetching=False, revocation_mode="soft-fail"
    )


def _check_one(embedded, context, revoked: frozenset[tuple[str, str]]) -> SignatureCheck:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    problems = []
    status = validate_pdf_signature(embedded, context)
    certificate = status.signing_cert
    serial = format(certificate.serial_number, "x")
    is_revoked = (name_string(x509.load_der_x509_certificate(certificate.dump()).issuer), serial) in revoked
    trusted = bool(status.trusted) and not is_revoked
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    permitted = whole or (
        level is not None and level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is not False
    )
    if not status.intact:
        problems.append(_("Nội dung đã ký bị thay đổi."))
    elif not status.valid:
        problems.append(_("Chữ ký không khớp với chứng thư."))
    if is_revoked or status.revoked:
        problems.append(_("Chứng thư của người ký đã bị thu hồi."))
    elif not trusted:
        problems.append(_("Chứng thư không thuộc tổ chức chứng thực được tin cậy."))
    if not permitted:
        problems.append(_("Văn bản bị sửa đổi sau khi ký theo cách không được phép."))
    claimed = status.signer_reported_dt or embedded.self_reported_timestamp
    return SignatureCheck(
        field_name=embedded.field_name, signer_name=_subject_part(certificate, "common_name"),
        unit=_subject_part(certificate, "organization_name"), serial=serial,
        issuer=_name_part(certificate.issuer, "common_name"),
        signing_time=claimed, intact=bool(status.intact), valid=bool(status.intact and status.valid),
        trusted=trusted, covers_whole_document=whole, modified_after=not whole,
        modification_permitted=bool(permitted), modification_level=level.name if level is not None else "UNKNOWN",
        problems=tuple(problems),
    )  # fmt: skip


def _overall(checks: list[SignatureCheck]) -> str:
    if not checks:
        return Verdict.UNSIGNED
    if any(not (c.valid and c.modification_permitted) for c in checks):
        return Verdict.INVALID
    if any(not c.trusted for c in checks):
        return Verdict.UNTRUSTED
    return Verdict.VALID


def verify_pdf(
    data: bytes,
    trust_roots: list[x509.Certificate] | None = None,
    revoked: frozenset[tuple[str, str]] | None = None,
) -> SignatureReport:
    """Check every signature of a PDF: intact, valid, trusted (chains to `trust_roots` and not `revoked`), who
    signed, when, and whether the document was changed after, with an overall verdict. By default the trust store
    is the installation's (`trusted_roots()`, `revoked_certificates()`). Reads nothing but the bytes and the trust
    store; never raises on a bad file."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots = trusted_roots() if trust_roots is None else list(trust_roots)
    if revoked is None:
        revoked = revoked_certificates() if trust_roots is None else frozenset()
    context = _validation_context(roots)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return SignatureReport(verdict=Verdict.UNREADABLE, error=_("Tệp không phải PDF hoặc đã hỏng."))
    checks = []
    for signature in embedded:
        try:
            checks.append(_check_one(signature, context, revoked))
        except Exception as error:  # a malformed signature is an invalid one, not a server error
            logger.warning("signature %s could not be checked", signature.field_name, exc_info=True)
            checks.append(SignatureCheck(
                field_name=signature.field_name, signer_name="", unit="", serial="", issuer="", signing_time=None,
                intact=False, valid=False, trusted=False, covers_whole_document=False, modified_after=True,
                modification_permitted=False, modification_level="UNKNOWN",
                problems=(_("Chữ ký hỏng, không kiểm tra được (%(error)s).") % {"error": type(error).__name__},),
            ))  # fmt: skip
    return SignatureReport(signatures=tuple(checks), verdict=_overall(checks))


# A check is kept this long for the same bytes and the same trust store (certificates expire with time, so not for
# ever); a document page opened again does not verify its PDFs again (20-60 ms each).
VERIFY_CACHE_SECONDS = 3600


def trust_store() -> tuple[list[x509.Certificate], frozenset[tuple[str, str]]]:
    """(trusted roots, revoked certificates): read once for a page that checks several files."""
    return trusted_roots(), revoked_certificates()


def verify_document_file(document_file, trust=None) -> SignatureReport:
    """verify_pdf on a stored DocumentFile (PDF only; other files are reported unsigned), remembered by the file's
    content and the trust store (a trusted or revoked certificate changes the key). `trust`: trust_store(), when
    the caller checks several files."""
    if document_file.content_type != "application/pdf":
        return SignatureReport(verdict=Verdict.UNSIGNED)
    with document_file.file.open("rb") as handle:
        data = handle.read()
    roots, revoked = trust or trust_store()
    trust = sorted(root.fingerprint(hashes.SHA256()).hex() for root in roots), sorted(revoked)
    key = f"documents:signature-check:{sha256_hex(data)}:{sha256_hex(repr(trust).encode())[:16]}"
    report = cache.get(key)
    if report is None:
        report = verify_pdf(data, trust_roots=roots, revoked=revoked)
        cache.set(key, report, VERIFY_CACHE_SECONDS)
    return report


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _leaders_in_post():
    from apps.org.models import User

    in_post = org.memberships_active_on().values("user_id")
    return User.objects.filter(is_active=True, groups__name=Role.UNIT_LEADER, pk__in=in_post).distinct().order_by("pk")


@dataclass(frozen=True)
class IssueSummary:
    authority: CertificateAuthority
    leaders: int  # certificates made now
    units: int


@transaction.atomic
def certificates_issue_missing(
    *, actor, authority_name: str, organisation: str, valid_from: dt.datetime | None = None
) -> IssueSummary:
    """The installation's authority (made if missing) and a certificate for every leader in post (O = their unit)
    and for every people's committee and department (the agencies' own). Idempotent: existing ones are kept."""
    _require_administrator(actor)
    authority = authority_ensure(actor=actor, name=authority_name, organisation=organisation, valid_from=valid_from)
    leaders = units = 0
    for user in _leaders_in_post():
        if active_certificate_of_user(user) is None:
            membership = org.active_memberships(user).select_related("unit").order_by("-is_primary", "pk").first()
            certificate_issue_for_user(actor=actor, user=user, unit=membership.unit, valid_from=valid_from)
            leaders += 1
    agencies = Unit.objects.filter(is_active=True, kind__in=[Unit.Kind.PEOPLES_COMMITTEE, Unit.Kind.DEPARTMENT])
    holding = SigningCertificate.objects.filter(unit__isnull=False, revoked_at__isnull=True).values("unit_id")
    for unit in agencies.exclude(pk__in=holding).order_by("path"):
        certificate_issue_for_unit(actor=actor, unit=unit, valid_from=valid_from)
        units += 1
    return IssueSummary(authority, leaders, units)
