"""Reads on an outgoing document's workflow: its versions with their comments, reviewers, and what the reader may do.

Who sees it: the scope of selectors.registers.outgoing_document (the register's readers; secret documents only its
keepers), plus the reviewers a keeper named on it. Who does what:
- edit the draft (new version, ask for review): the register's keepers (clerks, leaders over the unit) and its
  author, while it is a draft or under review;
- comment: the same people and the named reviewers, while it is a draft or under review;
- sign: a leader over the issuing unit (Decree 30: the head or a deputy signs), holding a signing certificate;
- release (number, stamp, agency signature): the register's keepers, once signed (or a paper draft with no file)."""

from django.db.models import Prefetch, QuerySet

from apps.documents.models import DocumentFile, OutgoingComment, OutgoingDocument, OutgoingReviewer
from apps.documents.selectors.registers import can_keep_register, leads_within_agency, led_units_q
from apps.documents.selectors.registers import outgoing_document as register_document
from apps.org import selectors as org
from apps.org.models import Role, Unit, User

S = OutgoingDocument.Status
OPEN = (S.DRAFT, S.REVIEW)


def is_reviewer(user, document: OutgoingDocument) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return OutgoingReviewer.objects.filter(document=document, reviewer=user).exists()


def outgoing_document(user, pk: int) -> OutgoingDocument | None:
    """The document if the user may see it: a register reader (secret: a keeper) or a named reviewer."""
    document = register_document(user, pk)
    if document is not None:
        return document
    candidate = OutgoingDocument.objects.select_related("unit", "drafting_unit").filter(pk=pk).first()
    if candidate is not None and user is not None and user.is_active and is_reviewer(user, candidate):
        return candidate
    return None


def can_edit_draft(user, document: OutgoingDocument) -> bool:
    if document.status not in OPEN or user is None or not getattr(user, "is_authenticated", False):
        return False
    return can_keep_register(user, document.unit) or (document.created_by_id == user.pk)


def can_comment(user, document: OutgoingDocument) -> bool:
    return document.status in OPEN and (can_edit_draft(user, document) or is_reviewer(user, document))


def is_signing_leader(user, document: OutgoingDocument) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and leads_within_agency(user, document.unit)


def can_sign(user, document: OutgoingDocument) -> bool:
    return document.status in OPEN and is_signing_leader(user, document)


def can_release(user, document: OutgoingDocument) -> bool:
    if not can_keep_register(user, document.unit):
        return False
    return document.status == S.SIGNED or (document.status == S.DRAFT and not document.files.exists())


def allowed_actions(user, document: OutgoingDocument) -> dict[str, bool]:
    return {
        "edit": can_edit_draft(user, document),
        "comment": can_comment(user, document),
        "sign": can_sign(user, document),
        "release": can_release(user, document),
    }


def drafts_to_sign(user, limit: int = 50) -> list[OutgoingDocument]:
    """Drafts with a file, in the units whose registers the user reads, that the user may sign (newest first)."""
    if user is None or not getattr(user, "is_authenticated", False) or not org.user_has_role(user, Role.UNIT_LEADER):
        return []
    drafts = (
        OutgoingDocument.objects.filter(led_units_q(user), status__in=OPEN, files__isnull=False)
        .distinct()
        .select_related("unit")
        .order_by("-created_at", "-pk")
    )
    return list(drafts[:limit])  # led_units_q is leads_within_agency in SQL: each one the user may sign


def signed_file(document: OutgoingDocument) -> DocumentFile | None:
    """The file whose signatures are shown: the released one, else the signed one."""
    return latest_file(document, DocumentFile.Stage.RELEASED) or latest_file(document, DocumentFile.Stage.SIGNED)


def latest_file(document: OutgoingDocument, stage: str | None = None) -> DocumentFile | None:
    files = DocumentFile.objects.filter(outgoing=document, kind=DocumentFile.Kind.MAIN)
    if stage:
        files = files.filter(stage=stage)
    return files.order_by("-version", "-pk").first()


def next_version(document: OutgoingDocument) -> int:
    last = latest_file(document)
    return (last.version + 1) if last else 1


def outgoing_versions(document: OutgoingDocument) -> list[DocumentFile]:
    """Every file of the document, newest version first, each with its comments (and their authors)."""
    comments = OutgoingComment.objects.select_related("author").order_by("created_at", "pk")
    return list(
        DocumentFile.objects.filter(outgoing=document)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("-version", "-pk")
    )


def outgoing_reviewers(document: OutgoingDocument) -> list[OutgoingReviewer]:
    return list(document.reviewers.select_related("reviewer").order_by("requested_at", "pk"))


def reviewer_candidates(document: OutgoingDocument) -> QuerySet[User]:
    """Leaders and officers in post in the issuing unit or a unit under it."""
    unit: Unit = document.unit
    in_post = org.memberships_active_on().filter(unit__path__startswith=unit.path).values("user_id")
    return (
        User.objects.filter(is_active=True, pk__in=in_post, groups__name__in=[Role.UNIT_LEADER, Role.HANDLING_OFFICER])
        .distinct()
        .order_by("full_name", "username")
    )


def version_of(document: OutgoingDocument, pk: int) -> DocumentFile | None:
    """One version (file) of this outgoing document, or None when the id is another document's."""
    return DocumentFile.objects.filter(pk=pk, outgoing=document).first()


def outgoing_file(user, pk: int) -> DocumentFile | None:
    """A file of an outgoing document the user may see (for download)."""
    document_file = DocumentFile.objects.filter(pk=pk, outgoing__isnull=False).first()
    if document_file is None or outgoing_document(user, document_file.outgoing_id) is None:
        return None
    return document_file
