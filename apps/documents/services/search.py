"""The search index of official documents (metadata and the documents' text). The services that create or change a
document call index_incoming / index_outgoing in their transaction.

Being written in parallel (issue 11): the index itself lands with the search module; until then these keep the
services' calls in place and index nothing."""

from apps.documents.models import IncomingDocument, OutgoingDocument


def index_incoming(document: IncomingDocument) -> None:
    return None


def index_outgoing(document: OutgoingDocument) -> None:
    return None
