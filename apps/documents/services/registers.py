"""Writes on the registers (Decree 30/2020/NĐ-CP on clerical work): drafting and releasing outgoing documents,
registering incoming ones. Each service is one transaction and writes its audit event in it.

Numbers (Decree 30/2020, art. 15 and Appendix I): outgoing numbers run from 01 on 1 January to 31 December in
one series per issuing unit and year, secret documents (any confidentiality but thường) in a series of their own;
the number is taken at release, never at drafting, from apps.core.numbering (gap-free under concurrent releases).
Numbers below 10 carry a leading 0. Symbol: "05/QĐ-UBND" (number / type abbreviation - issuer); an official
letter (công văn) has no type abbreviation, the drafting division follows the issuer: "05/UBND-VP".
Incoming numbers (art. 22) are continuous within the year of the receiving unit, one series."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actors import acts_without_account, staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.numbering import next_number
from apps.core.text import fold, normalize_multiline, normalize_text
from apps.documents import selectors
from apps.documents.models import (
    ABBREVIATIONS,
    Confidentiality,
    DocType,
    IncomingDocument,
    OutgoingDocument,
    Urgency,
)
from apps.documents.services import outgoing as outgoing_workflow
from apps.documents.services import search
from apps.org import selectors as org
from apps.org.models import Unit


class DuplicateDocumentError(DomainError):
    """The same number/symbol from the same issuer is already in the register: shown, registered only when
    confirmed."""

    code = "duplicate"
    status = 400

    def __init__(self, message: str, duplicates: list[IncomingDocument]):
        super().__init__(message)
        self.duplicates = duplicates


def require_keeper(actor, unit: Unit) -> None:
    if acts_without_account(actor):
        return
    if not selectors.can_keep_register(actor, unit):
        raise PermissionDeniedError(
            _("Chỉ văn thư hoặc lãnh đạo của %(unit)s được làm việc này.") % {"unit": unit.name}
        )


def issuer_symbol(unit: Unit) -> str:
    """The issuing unit's symbol, else that of the nearest people's committee above it, else "UBND"."""
    if unit.symbol:
        return unit.symbol
    for ancestor in reversed(org.unit_ancestors(unit)):
        if ancestor.kind == Unit.Kind.PEOPLES_COMMITTEE and ancestor.symbol:
            return ancestor.symbol
    return "UBND"


def compose_symbol(number: int, doc_type: str, unit: Unit, drafting_unit: Unit | None = None) -> str:
    issuer = issuer_symbol(unit)
    abbreviation = ABBREVIATIONS[DocType(doc_type)]
    if abbreviation:
        return f"{number:02d}/{abbreviation}-{issuer}"
    division = drafting_unit.symbol if drafting_unit is not None and drafting_unit.pk != unit.pk else ""
    return f"{number:02d}/{issuer}-{division}" if division else f"{number:02d}/{issuer}"


def series_key(unit: Unit, year: int, confidentiality: str) -> str:
    secret = confidentiality != Confidentiality.NORMAL
    return f"{'doc-out-secret' if secret else 'doc-out'}:{unit.pk}:{year}"


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Giá trị không hợp lệ."), field=field)
    return value


def _required(value: str | None, field: str, message: str, *, multiline: bool = False) -> str:
    value = normalize_multiline(value) if multiline else normalize_text(value)
    if not value:
        raise DomainError(message, field=field)
    return value


@transaction.atomic
def outgoing_draft(
    *,
    actor,
    unit: Unit,
    doc_type: str,
    summary: str,
    signer_name: str = "",
    signer_position: str = "",
    recipients: str = "",
    confidentiality: str = Confidentiality.NORMAL,
    urgency: str = Urgency.NORMAL,
    drafting_unit: Unit | None = None,
    now: dt.datetime | None = None,
) -> OutgoingDocument:
    """A draft without a number (the number is taken at release)."""
    require_keeper(actor, unit)
    if drafting_unit is not None and not drafting_unit.path.startswith(unit.path):
        raise DomainError(_("Đơn vị soạn thảo phải thuộc cơ quan ban hành."), field="drafting_unit")
    document = OutgoingDocument.objects.create(
        unit=unit, drafting_unit=drafting_unit, doc_type=_choice(doc_type, DocType, "doc_type"),
        summary=_required(summary, "summary", _("Hãy ghi trích yếu nội dung văn bản."), multiline=True),
        signer_name=normalize_text(signer_name), signer_position=normalize_text(signer_position),
        recipients=normalize_multiline(recipients),
        confidentiality=_choice(confidentiality, Confidentiality, "confidentiality"),
        urgency=_choice(urgency, Urgency, "urgency"), created_at=now or timezone.now(), created_by=staff_user(actor),
    )  # fmt: skip
    record_event(
        "documents.outgoing.draft", actor=actor, obj=document, unit=unit,
        changes={"doc_type": document.doc_type, "confidentiality": document.confidentiality},
    )  # fmt: skip
    search.index_outgoing(document)
    return document


@transaction.atomic
def outgoing_release(*, actor, document: OutgoingDocument, now: dt.datetime | None = None) -> OutgoingDocument:
    """Give the document its number of the year (its own series if secret) and its symbol; released once.
    A signed document also gets its released file (number stamp + the agency's signature, services.outgoing); a
    draft is released only if it has no file (a paper document signed by hand: numbered only)."""
    now = now or timezone.now()
    document = (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("unit", "drafting_unit")
        .get(pk=document.pk)
    )
    require_keeper(actor, document.unit)
    if document.status in (OutgoingDocument.Status.RELEASED, OutgoingDocument.Status.SENT):
        raise ConflictError(_("Văn bản đã được ban hành với số %(symbol)s.") % {"symbol": document.symbol})
    signed = document.status == OutgoingDocument.Status.SIGNED
    if not signed and (document.status != OutgoingDocument.Status.DRAFT or document.files.exists()):
        raise ConflictError(_("Văn bản phải được lãnh đạo ký số trước khi ban hành."))
    year = timezone.localtime(now).year
    number = next_number(series_key(document.unit, year, document.confidentiality))
    document.year, document.number = year, number
    document.symbol = compose_symbol(number, document.doc_type, document.unit, document.drafting_unit)
    document.status = OutgoingDocument.Status.RELEASED
    document.released_at, document.released_by = now, staff_user(actor)
    document.save(update_fields=["year", "number", "symbol", "status", "released_at", "released_by"])
    record_event(
        "documents.outgoing.release", actor=actor, obj=document, unit=document.unit,
        changes={"number": number, "year": year, "symbol": document.symbol},
    )  # fmt: skip
    if signed:
        outgoing_workflow.release_file(actor=actor, document=document, now=now)
    search.index_outgoing(document)
    return document


def duplicate_key(issuer_name: str, number_symbol: str) -> str:
    """Folded issuer and number/symbol without spaces: "Sở Tư pháp" + "12/QĐ-STP" matches "SỞ TƯ PHÁP" +
    "12 / qđ-stp"."""
    return f"{fold(issuer_name)}|{fold(number_symbol).replace(' ', '')}"[:400]


@transaction.atomic
def incoming_register(
    *,
    actor,
    unit: Unit,
    issuer_name: str,
    number_symbol: str,
    issued_date: dt.date,
    doc_type: str,
    summary: str,
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NORMAL,
    note: str = "",
    now: dt.datetime | None = None,
    confirm_duplicate: bool = False,
    source: str = IncomingDocument.Source.PAPER,
    received_at: dt.datetime | None = None,
) -> tuple[IncomingDocument, list[IncomingDocument]]:
    """Register an incoming document with the next number of the year. Returns it with the earlier registrations
    of the same number/symbol from the same issuer; when there are some and the clerk has not confirmed, raises
    DuplicateDocumentError (carrying them) and registers nothing. `received_at` is the date received (ngày đến:
    when it arrived, e.g. through the exchange), `now` when it is registered (the number's year); both default to
    now."""
    now = now or timezone.now()
    received_at = received_at or now
    require_keeper(actor, unit)
    issuer_name = _required(issuer_name, "issuer_name", _("Hãy ghi cơ quan ban hành văn bản."))
    number_symbol = _required(number_symbol, "number_symbol", _("Hãy ghi số, ký hiệu của văn bản."))
    summary = _required(summary, "summary", _("Hãy ghi trích yếu nội dung văn bản."), multiline=True)
    if issued_date > timezone.localtime(received_at).date():
        raise DomainError(_("Ngày văn bản không thể sau ngày đến."), field="issued_date")
    key = duplicate_key(issuer_name, number_symbol)
    duplicates = list(selectors.earlier_registrations(unit, key))
    if duplicates and not confirm_duplicate:
        raise DuplicateDocumentError(
            _("Văn bản số %(symbol)s của %(issuer)s đã được vào sổ %(count)d lần; xác nhận nếu vẫn muốn vào sổ.")
            % {"symbol": number_symbol, "issuer": issuer_name, "count": len(duplicates)},
            duplicates,
        )
    year = timezone.localtime(now).year
    document = IncomingDocument.objects.create(
        unit=unit, year=year, number=next_number(f"doc-in:{unit.pk}:{year}"), issuer_name=issuer_name,
        number_symbol=number_symbol, issued_date=issued_date, doc_type=_choice(doc_type, DocType, "doc_type"),
        summary=summary, urgency=_choice(urgency, Urgency, "urgency"),
        confidentiality=_choice(confidentiality, Confidentiality, "confidentiality"), received_at=received_at,
        registered_by=staff_user(actor), note=normalize_multiline(note), duplicate_key=key,
        source=_choice(source, IncomingDocument.Source, "source"),
    )  # fmt: skip
    record_event(
        "documents.incoming.register", actor=actor, obj=document, unit=unit,
        changes={"number": document.number, "year": year, "number_symbol": number_symbol,
                 "duplicate_of": [d.pk for d in duplicates]},
    )  # fmt: skip
    search.index_incoming(document)
    return document, duplicates
