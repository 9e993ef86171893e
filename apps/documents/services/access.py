"""The log of openings of official documents (Decree 30/2020: every access to a document is logged). One INSERT per
opening, outside the audit chain (no chain lock): reading is not a change of state."""

from django.utils import timezone

from apps.documents.models import DocumentAccess, DocumentKind, IncomingDocument, OutgoingDocument


def log_opening(user, document: IncomingDocument | OutgoingDocument, *, via: str) -> DocumentAccess:
    """`via`: DocumentAccess.Via (page, api, download)."""
    kind = DocumentKind.INCOMING if isinstance(document, IncomingDocument) else DocumentKind.OUTGOING
    return DocumentAccess.objects.create(
        user=user if user is not None and user.is_authenticated else None, kind=kind, document_id=document.pk,
        at=timezone.now(), via=DocumentAccess.Via(via),
    )  # fmt: skip
