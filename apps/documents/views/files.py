"""Serving a document's stored file: the one place that sets the headers and logs the opening (Decree 30/2020:
every access to a document is logged). Only PDF and images are shown in the browser; anything else (a received
attachment of another type, whatever its declared type) is a download, so it can never run as a page of this site."""

from django.http import FileResponse

from apps.documents.services import access

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def file_response(request, field, *, content_type: str, name: str, document=None, download: bool = False,
                  via: str = "download") -> FileResponse:  # fmt: skip
    """`field`: the FieldFile; `document`: the incoming or outgoing document whose opening is logged (None for a
    scan not registered yet)."""
    inline = not download and content_type in INLINE_TYPES
    response = FileResponse(
        field.open("rb"), content_type=content_type if content_type in INLINE_TYPES else "application/octet-stream",
        as_attachment=not inline, filename=name,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # secret documents never sit in a shared cache
    if document is not None:
        access.log_opening(request.user, document, via=via)
    return response
