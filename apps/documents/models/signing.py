"""Digital signatures on outgoing documents: the installation's certificate authority (and the peers' authorities
it trusts), signing certificates of leaders and of agencies, and the review of drafts (reviewers, comments per
version).

Private keys are kept encrypted at rest (services.signing derives the key from SECRET_KEY). A production signer's key
lives on a token / HSM or at a remote signing service; these rows stand in for it in an installation without one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.documents.models.files import DocumentFile
from apps.documents.models.registers import OutgoingDocument
from apps.org.models import Unit

__all__ = ["CertificateAuthority", "OutgoingComment", "OutgoingReviewer", "SigningCertificate"]


class CertificateAuthority(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Tổ chức chứng thực của hệ thống")
        PEER = "peer", _("Tổ chức chứng thực được tin cậy")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=255)
    certificate_pem = models.TextField(_("chứng thư (PEM)"))
    # AES-GCM over the PKCS#8 PEM, key from SECRET_KEY (HKDF); empty for a peer's authority (we hold no key of theirs)
    private_key_encrypted = models.TextField(blank=True, default="")
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    is_trusted = models.BooleanField(_("tin cậy"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("tổ chức chứng thực")
        verbose_name_plural = _("tổ chức chứng thực")
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="own"), name="doc_ca_one_own"),
        ]

    def __str__(self) -> str:
        return self.name


class SigningCertificate(models.Model):
    """A leader's certificate (user set) or an agency's own (unit set): CN = person or agency, O = the unit."""

    authority = models.ForeignKey(CertificateAuthority, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_certificates")
    common_name = models.CharField(_("tên chủ thể"), max_length=255)
    organisation = models.CharField(_("tổ chức"), max_length=255)
    serial = models.CharField(_("số hiệu"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("chứng thư (PEM)"))
    private_key_encrypted = models.TextField()
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    created_at = models.DateTimeField(_("cấp lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, unit__isnull=True) | Q(user__isnull=True, unit__isnull=False),
                name="doc_cert_user_or_unit",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False, revoked_at__isnull=True), name="doc_cert_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(unit__isnull=False, revoked_at__isnull=True), name="doc_cert_one_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} — {self.organisation}"


class OutgoingReviewer(models.Model):
    """Someone asked for their opinion on an outgoing draft."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="reviewers")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("xin ý kiến lúc"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("người cho ý kiến")
        verbose_name_plural = _("người cho ý kiến")
        constraints = [models.UniqueConstraint(fields=["document", "reviewer"], name="doc_review_once")]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.document_id}"


class OutgoingComment(models.Model):
    """A comment on one version of an outgoing draft."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="comments")
    file = models.ForeignKey(DocumentFile, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("ý kiến"))
    created_at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("ý kiến góp ý")
        verbose_name_plural = _("ý kiến góp ý")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:80]
