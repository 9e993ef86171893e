"""Exchange between agencies (edXML, QCVN 102:2016).

Being written in parallel (issue 11): the handling services call report_handling() when a document received through
the exchange changes its handling status (assigned → 05, done → 06); the exchange module lands with the statuses
sent back to the sender. Until then it sends nothing."""

from apps.documents.models import IncomingDocument


def report_handling(document: IncomingDocument, *, actor) -> None:
    return None
