"""The outgoing document's workflow (issue 11, point 3): draft (file + metadata) → review (comments, every version
kept) → signed by a leader (PAdES) → released with its number (stamped, sealed with the agency's signature) → sent.

Allowed moves (the statuses of OutgoingDocument):
    draft   → review (ask named reviewers), signed (a leader signs the latest draft PDF),
              released (a paper document with no file: numbered only; registers.outgoing_release)
    review  → signed
    signed  → released (registers.outgoing_release calls release_file: number stamp + agency signature)
    released → sent (the exchange)
A new version (upload) is allowed while draft or under review and never replaces an earlier one."""

import datetime as dt
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actors import staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.files import check_upload, display_name
from apps.core.models import Notification
from apps.core.notifications import notify
from apps.core.text import normalize_multiline
from apps.documents.models import DocumentFile, OutgoingComment, OutgoingDocument, OutgoingReviewer
from apps.documents.selectors import outgoing as sel
from apps.documents.selectors.registers import agency_path_ids
from apps.documents.services import registers, search, signing
from apps.org import selectors as org

logger = logging.getLogger(__name__)
S = OutgoingDocument.Status
MAX_TEXT_PAGES = 200
MAX_TEXT_CHARS = 500_000
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DRAFT_TYPES = {PDF: "PDF", DOCX: "DOCX"}
TRANSITIONS = {
    S.DRAFT: {S.REVIEW, S.SIGNED, S.RELEASED},
    S.REVIEW: {S.SIGNED},
    S.SIGNED: {S.RELEASED},
    S.RELEASED: {S.SENT},
    S.SENT: set(),
}


def _locked(document: OutgoingDocument) -> OutgoingDocument:
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("unit", "drafting_unit")
        .get(pk=document.pk)
    )


def require_transition(document: OutgoingDocument, target: str) -> None:
    if target not in TRANSITIONS[document.status]:
        raise ConflictError(
            _("Văn bản đang ở trạng thái “%(status)s”, không chuyển sang “%(target)s” được.")
            % {"status": document.get_status_display(), "target": S(target).label}
        )


def _require_editor(actor, document: OutgoingDocument) -> None:
    if document.status not in sel.OPEN:
        raise ConflictError(_("Văn bản đã ký; không sửa dự thảo được nữa."))
    if not sel.can_edit_draft(actor, document):
        raise PermissionDeniedError(_("Chỉ văn thư, lãnh đạo đơn vị hoặc người soạn được sửa dự thảo này."))


def pdf_text(data: bytes) -> str:
    """The text layer of a born-digital PDF (for search); empty when there is none or the file cannot be read."""
    from pypdf import PdfReader

    try:
        pages = PdfReader(io.BytesIO(data)).pages
        return "\n".join((page.extract_text() or "") for page in pages[:MAX_TEXT_PAGES])[:MAX_TEXT_CHARS]
    except Exception:  # a PDF pypdf cannot read is still stored; it only has no text for search
        logger.info("no text layer read from an outgoing draft", exc_info=True)
        return ""


def _store(
    document: OutgoingDocument, *, actor, stage: str, name: str, content_type: str, data: bytes, now, note="", text=""
):
    stored = DocumentFile(
        outgoing=document, kind=DocumentFile.Kind.MAIN, stage=stage, version=sel.next_version(document), name=name,
        content_type=content_type, size=len(data), sha256=signing.sha256_hex(data), note=note, uploaded_at=now,
        uploaded_by=staff_user(actor), text=text,
    )  # fmt: skip
    stored.file.save(name, ContentFile(data), save=False)
    stored.save()
    return stored


@transaction.atomic
def outgoing_attach_version(*, actor, document: OutgoingDocument, uploaded, note: str = "", now=None) -> DocumentFile:
    """A new draft version (PDF or DOCX); earlier versions and their comments are kept."""
    now = now or timezone.now()
    document = _locked(document)
    _require_editor(actor, document)
    checked = check_upload(uploaded, allowed=DRAFT_TYPES)
    uploaded.seek(0)
    data = uploaded.read()
    stored = _store(
        document, actor=actor, stage=DocumentFile.Stage.DRAFT, name=display_name(uploaded.name),
        content_type=checked.content_type, data=data, now=now, note=normalize_multiline(note),
        text=pdf_text(data) if checked.content_type == PDF else "",
    )  # fmt: skip
    record_event(
        "documents.outgoing.version", actor=actor, obj=document, unit=document.unit,
        changes={"version": stored.version, "file": stored.pk, "sha256": stored.sha256},
    )  # fmt: skip
    search.index_outgoing(document)
    return stored


@transaction.atomic
def outgoing_draft_with_file(*, actor, unit, uploaded=None, now=None, **fields) -> OutgoingDocument:
    """A draft (registers.outgoing_draft) and, when given, its first version, together or not at all."""
    document = registers.outgoing_draft(actor=actor, unit=unit, now=now, **fields)
    if uploaded is not None:
        outgoing_attach_version(actor=actor, document=document, uploaded=uploaded, now=now)
    return document


@transaction.atomic
def outgoing_submit_for_review(*, actor, document: OutgoingDocument, reviewers, now=None) -> list[OutgoingReviewer]:
    """Ask named leaders or officers of the issuing unit for their opinion on the latest draft."""
    now = now or timezone.now()
    document = _locked(document)
    _require_editor(actor, document)
    reviewers = list({user.pk: user for user in reviewers}.values())
    if not reviewers:
        raise DomainError(_("Hãy chọn ít nhất một người cho ý kiến."), field="reviewers")
    allowed = set(
        sel.reviewer_candidates(document).filter(pk__in=[u.pk for u in reviewers]).values_list("pk", flat=True)
    )
    strangers = [user for user in reviewers if user.pk not in allowed]
    if strangers:
        raise DomainError(
            _("%(names)s không phải lãnh đạo hoặc công chức của %(unit)s.")
            % {"names": ", ".join(u.get_full_name() for u in strangers), "unit": document.unit.name},
            field="reviewers",
        )
    if sel.latest_file(document, DocumentFile.Stage.DRAFT) is None:
        raise DomainError(_("Hãy tải lên tệp dự thảo trước khi xin ý kiến."), field="file")
    if document.status == S.DRAFT:
        require_transition(document, S.REVIEW)
        document.status = S.REVIEW
        document.save(update_fields=["status"])
    added = []
    for user in reviewers:
        row, created = OutgoingReviewer.objects.get_or_create(
            document=document, reviewer=user, defaults={"requested_at": now, "requested_by": staff_user(actor)}
        )
        if created:
            added.append(row)
            _ask_reviewer(user, document)
    record_event(
        "documents.outgoing.review", actor=actor, obj=document, unit=document.unit,
        changes={"status": document.status, "reviewers": [row.reviewer_id for row in added]},
    )  # fmt: skip
    return added


def _ask_reviewer(user, document: OutgoingDocument) -> None:
    subject = _("Xin ý kiến về dự thảo văn bản")
    text = _("%(unit)s xin ý kiến của đồng chí về dự thảo %(type)s: %(summary)s") % {
        "unit": document.unit.name,
        "type": document.get_doc_type_display().lower(),
        "summary": document.summary[:200],
    }
    notify(Notification.Channel.EMAIL, user.email, text, subject=subject, obj=document)


@transaction.atomic
def outgoing_comment(*, actor, document: OutgoingDocument, body: str, file: DocumentFile | None = None, now=None):
    """A comment on one version (by default the latest draft)."""
    now = now or timezone.now()
    document = _locked(document)
    if not sel.can_comment(actor, document):
        if document.status not in sel.OPEN:
            raise ConflictError(_("Văn bản đã ký; không góp ý được nữa."))
        raise PermissionDeniedError(_("Bạn không được mời cho ý kiến về dự thảo này."))
    body = normalize_multiline(body)
    if not body:
        raise DomainError(_("Hãy ghi ý kiến."), field="body")
    version = file or sel.latest_file(document, DocumentFile.Stage.DRAFT)
    if version is None or version.outgoing_id != document.pk:
        raise DomainError(_("Chưa có tệp dự thảo để góp ý."), field="file")
    comment = OutgoingComment.objects.create(
        document=document, file=version, author=staff_user(actor), body=body, created_at=now
    )
    record_event(
        "documents.outgoing.comment", actor=actor, obj=document, unit=document.unit,
        changes={"version": version.version, "comment": comment.pk},
    )  # fmt: skip
    return comment


@transaction.atomic
def outgoing_sign(*, actor, document: OutgoingDocument, now: dt.datetime | None = None) -> DocumentFile:
    """A leader over the issuing unit signs the latest draft PDF with their certificate (PAdES): a new version at
    stage "signed", the document becomes signed."""
    now = now or timezone.now()
    document = _locked(document)
    if not sel.is_signing_leader(actor, document):
        raise PermissionDeniedError(_("Chỉ lãnh đạo của %(unit)s được ký văn bản này.") % {"unit": document.unit.name})
    require_transition(document, S.SIGNED)
    draft = sel.latest_file(document, DocumentFile.Stage.DRAFT)
    if draft is None:
        raise DomainError(_("Chưa có tệp dự thảo để ký."), field="file")
    if draft.content_type != PDF:
        raise DomainError(
            _("Dự thảo mới nhất (phiên bản %(version)d) không phải tệp PDF; chỉ ký số được trên tệp PDF. "
              "Hãy chuyển dự thảo sang PDF và tải lên phiên bản mới.") % {"version": draft.version},
            field="file",
        )  # fmt: skip
    certificate = signing.active_certificate_of_user(actor)
    if certificate is None:
        raise DomainError(_("Bạn chưa được cấp chứng thư số để ký văn bản."))
    with draft.file.open("rb") as handle:
        signed = signing.sign_pdf(
            handle.read(), certificate, field_name=signing.LEADER_FIELD, reason="Ký ban hành văn bản",
            location=document.unit.name, signing_time=now,
        )  # fmt: skip
    stored = _store(
        document, actor=actor, stage=DocumentFile.Stage.SIGNED, name=_signed_name(draft.name), content_type=PDF,
        data=signed, now=now, text=draft.text,
    )  # fmt: skip
    document.status, document.signed_at, document.signed_by = S.SIGNED, now, staff_user(actor)
    # The register's "signer" column names who actually signed (a deputy signing for the head included), never the
    # name typed into the draft.
    document.signer_name = actor.get_full_name() or document.signer_name
    document.signer_position = _position_in_agency(actor, document) or document.signer_position
    document.save(update_fields=["status", "signed_at", "signed_by", "signer_name", "signer_position"])
    record_event(
        "documents.outgoing.sign", actor=actor, obj=document, unit=document.unit,
        changes={"version": stored.version, "from_version": draft.version, "certificate": certificate.serial,
                 "sha256": stored.sha256},
    )  # fmt: skip
    search.index_outgoing(document)
    return stored


def _position_in_agency(actor, document: OutgoingDocument) -> str:
    membership = (
        org.active_memberships(actor)
        .filter(unit_id__in=agency_path_ids(document.unit))
        .exclude(position="")
        .order_by("-is_head")
        .first()
    )
    return membership.position if membership else ""


def _signed_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}.signed.pdf"[:255]


def stamp_text(document: OutgoingDocument) -> str:
    """The number line stamped at release: "Số: 05/QĐ-UBND — ngày 05/03/2026". Part of the legal document, so always
    in Vietnamese whatever language the clerk reads the site in (Decree 30/2020: documents are in Vietnamese)."""
    day = timezone.localtime(document.released_at).date()
    return f"Số: {document.symbol} — ngày {day:%d/%m/%Y}"


def release_file(*, actor, document: OutgoingDocument, now: dt.datetime) -> DocumentFile:
    """Called by registers.outgoing_release inside its transaction once the number is taken: the signed PDF gets the
    number stamp and the agency's signature (an incremental update: the leader's signature stays valid)."""
    signed = sel.latest_file(document, DocumentFile.Stage.SIGNED)
    if signed is None:
        raise DomainError(_("Văn bản chưa có tệp đã ký để ban hành."))
    certificate = signing.active_certificate_of_unit(document.unit)
    if certificate is None:
        raise DomainError(
            _("%(unit)s chưa có chứng thư số của cơ quan; hãy nhờ quản trị cấp chứng thư trước khi ban hành.")
            % {"unit": document.unit.name}
        )
    with signed.file.open("rb") as handle:
        released = signing.sign_pdf(
            handle.read(), certificate, field_name=signing.AGENCY_FIELD, reason=_("Ban hành văn bản"),
            location=document.unit.name, stamp=stamp_text(document), signing_time=now,
        )  # fmt: skip
    name = f"{document.symbol.replace('/', '-')}.pdf"
    stored = _store(
        document, actor=actor, stage=DocumentFile.Stage.RELEASED, name=name, content_type=PDF, data=released, now=now,
        text=signed.text,
    )  # fmt: skip
    record_event(
        "documents.outgoing.seal", actor=actor, obj=document, unit=document.unit,
        changes={"version": stored.version, "certificate": certificate.serial, "sha256": stored.sha256},
    )  # fmt: skip
    return stored
