"""Serving a task's stored file, after the caller's permission was checked: PDF and images inline, anything else
as a download (it can never run as a page of this site), never cached by a shared cache."""

from django.http import FileResponse

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def serve(stored) -> FileResponse:
    inline = stored.content_type in INLINE_TYPES
    response = FileResponse(
        stored.file.open("rb"), content_type=stored.content_type if inline else "application/octet-stream",
        as_attachment=not inline, filename=stored.name,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
