"""The search index of official documents (metadata and the documents' text). The services that create or change a
document call index_incoming / index_outgoing in their transaction; the load generator writes entries in bulk with
entry_for_* and write_entries.

On SQLite the folded text goes to the FTS5 table beside the entry (same rowid); on PostgreSQL the tsvector is a
generated column and needs nothing here (apps.documents.search_sql)."""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone, translation

from apps.core.text import fold
from apps.documents.models import DocType, DocumentKind, IncomingDocument, OutgoingDocument, SearchEntry
from apps.documents.search_sql import FTS_TABLE, filter_tokens

BODY_LIMIT = 200_000  # characters of the files' text kept for search (a scan's text layer, not a book)


def files_text(document) -> str:
    """The text layers of the document's files, each text once (an unchanged version repeats its text)."""
    texts = [text for text in document.files.order_by("pk").values_list("text", flat=True) if text]
    return "\n".join(dict.fromkeys(texts))[:BODY_LIMIT]


def _with_type_name(doc_type: str, body: str) -> str:
    """The type's name ("Báo cáo", "Quyết định") goes in front of the searched text, in Vietnamese whatever the
    reader's language: people search "báo cáo cải cách" for a report whose summary does not say "báo cáo"."""
    with translation.override("vi"):
        return f"{DocType(doc_type).label}\n{body}" if body else str(DocType(doc_type).label)


def entry_for_incoming(document: IncomingDocument, body: str = "") -> SearchEntry:
    return SearchEntry(
        kind=DocumentKind.INCOMING, document_id=document.pk, unit_id=document.unit_id, year=document.year,
        doc_type=document.doc_type, issuer=document.issuer_name, issuer_key=fold(document.issuer_name)[:255],
        urgency=document.urgency, status=document.handling_status, confidentiality=document.confidentiality,
        date=timezone.localdate(document.received_at), number=document.number,
        number_symbol=document.number_symbol, summary=document.summary, body=_with_type_name(document.doc_type, body),
    )  # fmt: skip


def entry_for_outgoing(document: OutgoingDocument, issuer: str, body: str = "") -> SearchEntry:
    """`issuer`: the issuing unit's name (the caller has it; no query per document)."""
    moment = document.released_at or document.created_at
    return SearchEntry(
        kind=DocumentKind.OUTGOING, document_id=document.pk, unit_id=document.unit_id, year=document.year,
        doc_type=document.doc_type, issuer=issuer, issuer_key=fold(issuer)[:255], urgency=document.urgency,
        status=document.status, confidentiality=document.confidentiality, date=timezone.localdate(moment),
        number=document.number, number_symbol=document.symbol, summary=document.summary,
        body=_with_type_name(document.doc_type, body),
    )  # fmt: skip


def fts_text(entry: SearchEntry) -> str:
    """SQLite: the folded text, then the entry's filter words (apps.documents.search_sql.filter_tokens)."""
    return f"{fold(f'{entry.number_symbol} {entry.issuer} {entry.summary} {entry.body}')} {filter_tokens(entry)}"


def write_entries(entries: list[SearchEntry]) -> None:
    """Insert new entries (bulk) and, on SQLite, their FTS rows."""
    SearchEntry.objects.bulk_create(entries, batch_size=2000)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, text) VALUES (%s, %s)", [(e.pk, fts_text(e)) for e in entries]
            )


def _replace(entry: SearchEntry) -> None:
    """Results come newest first by the entry's id: a document released now enters the register now, so its entry
    is written anew (a new id) when it gets its number; any other change keeps the entry's place."""
    existing = SearchEntry.objects.filter(kind=entry.kind, document_id=entry.document_id).values("pk", "number").first()
    if existing is not None and existing["number"] is None and entry.number is not None:
        remove_entries(entry.kind, [entry.document_id])
        existing = None
    entry.pk = existing["pk"] if existing else None
    entry.save(force_insert=entry.pk is None)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [entry.pk])
            cursor.execute(f"INSERT INTO {FTS_TABLE} (rowid, text) VALUES (%s, %s)", [entry.pk, fts_text(entry)])


def index_incoming(document: IncomingDocument) -> None:
    _replace(entry_for_incoming(document, files_text(document)))


def index_outgoing(document: OutgoingDocument) -> None:
    _replace(entry_for_outgoing(document, document.unit.name, files_text(document)))


def remove_entries(kind: str, document_ids: Iterable[int]) -> None:
    entries = SearchEntry.objects.filter(kind=kind, document_id__in=list(document_ids))
    if connection.vendor == "sqlite":
        ids = list(entries.values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in ids])
    entries.delete()
