"""Writes on the handling of incoming documents (Decree 30/2020/NĐ-CP, art. 20-24): the leader's direction
(assign, reassign), the holders' steps (forward, report progress, attach the reply, done) and reopening.

Every service locks the document, refuses a recalled one (a recall order freezes it), checks who acts, writes the
step on the timeline and its audit event, sets `IncomingDocument.handling_status` (awaiting_direction → assigned →
done), and tells the exchange (status 05/06 to the sender) and the search index.

The deadline is counted in working days on the receiving unit's legal calendar (apps.calendar.legal_due): the
assignment day does not count (Civil Code 2015 art. 147-148) and the deadline is the end of office hours of the last
working day; weekends, national holidays (Tết included) and approved days off are skipped."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.calendar.selectors import WORKING_DAYS, legal_calendar_for_unit, legal_due
from apps.core.actors import is_staff_user, staff_user
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.files import check_upload, display_name
from apps.core.text import normalize_multiline
from apps.documents.models import (
    DocumentFile,
    HandlingAssignment,
    HandlingEvent,
    HandlingParty,
    IncomingDocument,
    OutgoingDocument,
)
from apps.documents.selectors import handling as handling_selectors
from apps.documents.selectors import registers
from apps.documents.services import exchange, search
from apps.org import selectors as org
from apps.org.models import Unit, User

__all__ = [
    "DUE_SOON_WORKING_DAYS",
    "MAX_WORKING_DAYS",
    "assign",
    "attach_reply",
    "deadline_for",
    "forward",
    "mark_done",
    "reassign",
    "reopen",
    "report_progress",
]

MAX_WORKING_DAYS = 180
# A deadline is "due soon" on its last two working days before it and on the day itself.
DUE_SOON_WORKING_DAYS = 2
Holder = Unit | User
Handling = IncomingDocument.Handling


def deadline_for(unit: Unit, start: dt.datetime, working_days: int) -> tuple[dt.datetime, dt.date, dt.date]:
    """(due moment, deadline date, due-soon-from date) of `working_days` counted from `start` on the unit's legal
    calendar."""
    due_at = legal_due(unit, start, working_days, WORKING_DAYS)
    deadline = timezone.localtime(due_at).date()
    calendar = legal_calendar_for_unit(unit)
    day, counted = deadline, 0
    while counted < DUE_SOON_WORKING_DAYS:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return due_at, deadline, day


def _locked(document: IncomingDocument) -> IncomingDocument:
    document = IncomingDocument.objects.select_for_update(of=("self",)).select_related("unit").get(pk=document.pk)
    if document.recalled_at is not None or document.handling_status == Handling.RECALLED:
        raise ConflictError(_("Văn bản đã bị thu hồi theo yêu cầu của nơi gửi; không thể thay đổi việc xử lý."))
    return document


def _require_staff(actor) -> None:
    if not is_staff_user(actor) or not actor.is_active:
        raise PermissionDeniedError(_("Chỉ cán bộ đã đăng nhập được xử lý văn bản."))


def _require_leader(actor, document: IncomingDocument) -> None:
    _require_staff(actor)
    if not (actor.is_superuser or registers.leads_within_agency(actor, document.unit)):
        raise PermissionDeniedError(
            _("Chỉ lãnh đạo của %(unit)s được cho ý kiến chỉ đạo văn bản này.") % {"unit": document.unit.name}
        )


def _current(document: IncomingDocument) -> HandlingAssignment:
    assignment = handling_selectors.current_assignment(document)
    if assignment is None or document.handling_status == Handling.AWAITING_DIRECTION:
        raise ConflictError(_("Văn bản chưa được lãnh đạo giao xử lý."))
    return assignment


def _require_holder(actor, document: IncomingDocument, assignment: HandlingAssignment, roles, message: str) -> None:
    _require_staff(actor)
    if actor.is_superuser or registers.leads_within_agency(actor, document.unit):
        return
    if not handling_selectors.holds(actor, assignment, roles):
        raise PermissionDeniedError(message)


def _in_receiving_unit(document: IncomingDocument, holder: Holder, field: str) -> None:
    """Parties come from the receiving unit and the units below it."""
    if isinstance(holder, Unit):
        inside = holder.is_active and holder.path.startswith(document.unit.path)
    else:
        inside = (
            holder.is_active
            and org.active_memberships(holder).filter(unit__path__startswith=document.unit.path).exists()
        )
    if not inside:
        raise DomainError(
            _("%(name)s không thuộc %(unit)s.") % {"name": _holder_name(holder), "unit": document.unit.name},
            field=field,
        )


def _holder_name(holder: Holder) -> str:
    if isinstance(holder, Unit):
        return holder.name
    return holder.get_full_name() or holder.get_username()


def _party(assignment: HandlingAssignment, role: str, holder: Holder, now: dt.datetime, forwarded_by=None):
    return HandlingParty(
        assignment=assignment, role=role, unit=holder if isinstance(holder, Unit) else None,
        user=None if isinstance(holder, Unit) else holder, forwarded_by=forwarded_by, added_at=now,
    )  # fmt: skip


def _target(holder: Holder) -> dict:
    return {"to_unit": holder, "to_user": None} if isinstance(holder, Unit) else {"to_unit": None, "to_user": holder}


def _key(holder: Holder) -> tuple[str, int]:
    return ("unit" if isinstance(holder, Unit) else "user", holder.pk)


def _checked_parties(document, lead, co_handlers, informed) -> list[tuple[str, Holder]]:
    if lead is None:
        raise DomainError(_("Hãy chọn đơn vị hoặc người chủ trì xử lý."), field="lead")
    parties: list[tuple[str, Holder]] = []
    seen: set[tuple[str, int]] = set()
    for role, holders, field in (
        (HandlingParty.Role.LEAD, [lead], "lead"),
        (HandlingParty.Role.CO_HANDLER, co_handlers, "co_handlers"),
        (HandlingParty.Role.INFORMED, informed, "informed"),
    ):
        for holder in holders:
            if _key(holder) in seen:
                raise DomainError(
                    _("%(name)s được chọn hai lần; mỗi đơn vị, người chỉ có một vai trò.")
                    % {"name": _holder_name(holder)},
                    field=field,
                )
            _in_receiving_unit(document, holder, field)
            seen.add(_key(holder))
            parties.append((role, holder))
    return parties


def _working_days(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORKING_DAYS:
        raise DomainError(
            _("Thời hạn xử lý là số ngày làm việc từ 1 đến %(max)d.") % {"max": MAX_WORKING_DAYS},
            field="working_days",
        )
    return value


def _changed(document: IncomingDocument, actor, *, status_changed: bool, now: dt.datetime | None = None) -> None:
    if status_changed:
        exchange.report_handling(document, actor=actor, now=now)
    search.index_incoming(document)


def _event(document, assignment, kind, actor, now, **fields) -> HandlingEvent:
    return HandlingEvent.objects.create(
        document=document, assignment=assignment, kind=kind, actor=staff_user(actor), at=now, **fields
    )


def _store_file(document: IncomingDocument, uploaded, kind: str, actor, now: dt.datetime, note: str = ""):
    checked = check_upload(uploaded)
    return DocumentFile.objects.create(
        incoming=document, kind=kind, stage=DocumentFile.Stage.RECEIVED, file=uploaded,
        name=display_name(uploaded.name), content_type=checked.content_type, size=checked.size,
        sha256=checked.sha256, note=note, uploaded_at=now, uploaded_by=staff_user(actor),
    )  # fmt: skip


def _make_assignment(actor, document, *, lead, co_handlers, informed, working_days, instruction, now):
    parties = _checked_parties(document, lead, co_handlers, informed)
    working_days = _working_days(working_days)
    due_at, deadline, due_soon_on = deadline_for(document.unit, now, working_days)
    assignment = HandlingAssignment.objects.create(
        document=document, assigned_by=staff_user(actor), assigned_at=now,
        instruction=normalize_multiline(instruction), working_days=working_days, due_at=due_at, deadline=deadline,
        due_soon_on=due_soon_on,
    )  # fmt: skip
    HandlingParty.objects.bulk_create([_party(assignment, role, holder, now) for role, holder in parties])
    names = "; ".join(f"{HandlingParty.Role(role).label}: {_holder_name(holder)}" for role, holder in parties)
    _event(document, assignment, HandlingEvent.Kind.ASSIGNED, actor, now, note=assignment.instruction,
           **_target(lead))  # fmt: skip
    record_event(
        "documents.incoming.assign", actor=actor, obj=document, unit=document.unit,
        changes={"assignment": assignment.pk, "working_days": working_days, "deadline": deadline.isoformat(),
                 "parties": names},
    )  # fmt: skip
    return assignment


@transaction.atomic
def assign(
    *,
    actor,
    document: IncomingDocument,
    lead: Holder,
    co_handlers: Sequence[Holder] = (),
    informed: Sequence[Holder] = (),
    working_days: int,
    instruction: str = "",
    now: dt.datetime | None = None,
) -> HandlingAssignment:
    """The leader's direction: the lead (unit or person), co-handlers, those informed and the deadline in working
    days from today. Only a leader over the receiving unit, only a document awaiting direction."""
    now = now or timezone.now()
    document = _locked(document)
    _require_leader(actor, document)
    if document.handling_status != Handling.AWAITING_DIRECTION:
        raise ConflictError(_("Văn bản đã được giao xử lý; hãy dùng chức năng giao lại."))
    assignment = _make_assignment(actor, document, lead=lead, co_handlers=co_handlers, informed=informed,
                                  working_days=working_days, instruction=instruction, now=now)  # fmt: skip
    document.handling_status = Handling.ASSIGNED
    document.save(update_fields=["handling_status"])
    _changed(document, actor, status_changed=True, now=now)
    return assignment


@transaction.atomic
def reassign(
    *,
    actor,
    document: IncomingDocument,
    lead: Holder,
    co_handlers: Sequence[Holder] = (),
    informed: Sequence[Holder] = (),
    working_days: int,
    instruction: str = "",
    now: dt.datetime | None = None,
) -> HandlingAssignment:
    """A new direction replacing the current one (kept in the timeline); the deadline counts again from today."""
    now = now or timezone.now()
    document = _locked(document)
    _require_leader(actor, document)
    if document.handling_status == Handling.DONE:
        raise ConflictError(_("Văn bản đã xử lý xong; hãy mở lại trước khi giao lại."))
    previous = _current(document)
    previous.superseded_at = now
    previous.save(update_fields=["superseded_at"])
    assignment = _make_assignment(actor, document, lead=lead, co_handlers=co_handlers, informed=informed,
                                  working_days=working_days, instruction=instruction, now=now)  # fmt: skip
    record_event("documents.incoming.reassign", actor=actor, obj=document, unit=document.unit,
                 changes={"previous": previous.pk, "assignment": assignment.pk})  # fmt: skip
    _changed(document, actor, status_changed=True, now=now)
    return assignment


def _require_open(document: IncomingDocument) -> HandlingAssignment:
    assignment = _current(document)
    if document.handling_status == Handling.DONE:
        raise ConflictError(_("Văn bản đã xử lý xong."))
    return assignment


@transaction.atomic
def forward(
    *, actor, document: IncomingDocument, to: Holder, note: str = "", now: dt.datetime | None = None
) -> HandlingParty:
    """A holder (lead or co-handler) passes the document on to a person or unit of the receiving unit, who then
    holds it in the same role; the forwarder stays a holder."""
    now = now or timezone.now()
    document = _locked(document)
    assignment = _require_open(document)
    _require_holder(actor, document, assignment, (HandlingParty.Role.LEAD, HandlingParty.Role.CO_HANDLER),
                    _("Chỉ đơn vị, người đang chủ trì hoặc phối hợp xử lý được chuyển văn bản."))  # fmt: skip
    if to is None:
        raise DomainError(_("Hãy chọn đơn vị hoặc người nhận."), field="to")
    _in_receiving_unit(document, to, "to")
    role = handling_selectors.role_of(actor, assignment) or HandlingParty.Role.LEAD
    if any(_key(to) == _key(p.unit or p.user) for p in assignment.parties.select_related("unit", "user")):
        raise DomainError(_("%(name)s đã có trong danh sách xử lý.") % {"name": _holder_name(to)}, field="to")
    party = _party(assignment, role, to, now, forwarded_by=staff_user(actor))
    party.save()
    note = normalize_multiline(note)
    _event(document, assignment, HandlingEvent.Kind.FORWARDED, actor, now, note=note, **_target(to))
    record_event("documents.incoming.forward", actor=actor, obj=document, unit=document.unit,
                 changes={"to": _holder_name(to), "role": role})  # fmt: skip
    _changed(document, actor, status_changed=False, now=now)
    return party


@transaction.atomic
def report_progress(
    *, actor, document: IncomingDocument, text: str, file=None, now: dt.datetime | None = None
) -> HandlingEvent:
    """A holder reports how far the handling went (text, optionally a file kept as DocumentFile(kind=progress))."""
    now = now or timezone.now()
    document = _locked(document)
    assignment = _require_open(document)
    _require_holder(actor, document, assignment, (HandlingParty.Role.LEAD, HandlingParty.Role.CO_HANDLER),
                    _("Chỉ đơn vị, người đang chủ trì hoặc phối hợp xử lý được báo cáo tiến độ."))  # fmt: skip
    text = normalize_multiline(text)
    if not text:
        raise DomainError(_("Hãy ghi nội dung báo cáo tiến độ."), field="text")
    stored = _store_file(document, file, DocumentFile.Kind.PROGRESS, actor, now, text) if file else None
    assignment.last_progress, assignment.last_progress_at = text, now
    assignment.save(update_fields=["last_progress", "last_progress_at"])
    event = _event(document, assignment, HandlingEvent.Kind.PROGRESS, actor, now, note=text, file=stored)
    record_event("documents.incoming.progress", actor=actor, obj=document, unit=document.unit,
                 changes={"text": text[:200], "file": stored.pk if stored else None})  # fmt: skip
    _changed(document, actor, status_changed=False, now=now)
    return event


@transaction.atomic
def attach_reply(
    *,
    actor,
    document: IncomingDocument,
    outgoing: OutgoingDocument | None = None,
    file=None,
    note: str = "",
    now: dt.datetime | None = None,
) -> HandlingEvent:
    """The lead holder (or the leader) attaches the reply: a released outgoing document of the receiving unit (its
    symbol fills the follow-up register's "reply number"), a file (DocumentFile(kind=reply)), or both."""
    now = now or timezone.now()
    document = _locked(document)
    assignment = _require_open(document)
    _require_holder(actor, document, assignment, (HandlingParty.Role.LEAD,),
                    _("Chỉ đơn vị, người chủ trì xử lý được đính kèm văn bản trả lời."))  # fmt: skip
    if outgoing is None and file is None:
        raise DomainError(_("Hãy chọn văn bản đi trả lời hoặc tải tệp văn bản trả lời."), field="outgoing")
    if outgoing is not None:
        released = outgoing.status in (OutgoingDocument.Status.RELEASED, OutgoingDocument.Status.SENT)
        if not released or not outgoing.unit.path.startswith(document.unit.path):
            raise DomainError(
                _("Văn bản trả lời phải là văn bản đi đã ban hành của %(unit)s.") % {"unit": document.unit.name},
                field="outgoing",
            )
    stored = (
        _store_file(document, file, DocumentFile.Kind.REPLY, actor, now, normalize_multiline(note)) if file else None
    )
    assignment.reply_outgoing = outgoing or assignment.reply_outgoing
    assignment.reply_file = stored or assignment.reply_file
    assignment.save(update_fields=["reply_outgoing", "reply_file"])
    event = _event(document, assignment, HandlingEvent.Kind.REPLY, actor, now, note=note, file=stored,
                   reply_outgoing=outgoing)  # fmt: skip
    changes = {"outgoing": outgoing.symbol if outgoing else None, "file": stored.pk if stored else None}
    record_event("documents.incoming.reply", actor=actor, obj=document, unit=document.unit, changes=changes)
    _changed(document, actor, status_changed=False, now=now)
    return event


@transaction.atomic
def mark_done(*, actor, document: IncomingDocument, note: str = "", now: dt.datetime | None = None) -> HandlingEvent:
    """The lead holder or a leader over the receiving unit closes the handling (the sender hears 06)."""
    now = now or timezone.now()
    document = _locked(document)
    assignment = _require_open(document)
    _require_holder(actor, document, assignment, (HandlingParty.Role.LEAD,),
                    _("Chỉ đơn vị, người chủ trì xử lý hoặc lãnh đạo được kết thúc xử lý văn bản."))  # fmt: skip
    assignment.done_at = now
    assignment.save(update_fields=["done_at"])
    document.handling_status = Handling.DONE
    document.save(update_fields=["handling_status"])
    event = _event(document, assignment, HandlingEvent.Kind.DONE, actor, now, note=normalize_multiline(note))
    record_event("documents.incoming.done", actor=actor, obj=document, unit=document.unit,
                 changes={"late": now > assignment.due_at})  # fmt: skip
    _changed(document, actor, status_changed=True, now=now)
    return event


@transaction.atomic
def reopen(*, actor, document: IncomingDocument, note: str = "", now: dt.datetime | None = None) -> HandlingEvent:
    """A leader reopens a document handled to the end (the deadline stays; reassign to set a new one)."""
    now = now or timezone.now()
    document = _locked(document)
    _require_leader(actor, document)
    if document.handling_status != Handling.DONE:
        raise ConflictError(_("Chỉ mở lại được văn bản đã xử lý xong."))
    assignment = _current(document)
    note = normalize_multiline(note)
    if not note:
        raise DomainError(_("Hãy ghi lý do mở lại."), field="note")
    assignment.done_at = None
    assignment.save(update_fields=["done_at"])
    document.handling_status = Handling.ASSIGNED
    document.save(update_fields=["handling_status"])
    event = _event(document, assignment, HandlingEvent.Kind.REOPENED, actor, now, note=note)
    record_event("documents.incoming.reopen", actor=actor, obj=document, unit=document.unit, changes={"note": note})
    _changed(document, actor, status_changed=True, now=now)
    return event
