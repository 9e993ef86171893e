"""The handling of incoming documents: the leader's direction with a deadline in working days, the holders' steps,
the queues and the follow-up register, who may see and act, a recall that freezes everything.

Expected deadlines are counted by hand on the 2026 calendar of Vietnam (Civil Code 2015 art. 147-148: the day of the
assignment does not count; weekends and public holidays are skipped): Giỗ Tổ Hùng Vương fell on Sunday 26/4/2026 and
was taken on Monday 27/4; 30/4 and 1/5 were Thursday and Friday; Ngày Văn hóa Việt Nam, Tuesday 24/11/2026."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.audit import AuditEvent
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.documents import services as registers
from apps.documents.models import DocumentFile, HandlingEvent, IncomingDocument
from apps.documents.selectors import handling as selectors
from apps.documents.services import handling
from apps.documents.tests.factories import draft, register_incoming, world
from apps.org.models import Role
from apps.org.tests.factories import staff_in
from tests.helpers import at

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class HandlingWorld:
    def __init__(self):
        self.w = world()
        w = self.w
        self.culture_head = staff_in(w.culture, Role.UNIT_LEADER, is_head=True, username="truongphong")
        self.culture_officer = staff_in(w.culture, Role.HANDLING_OFFICER, username="chuyenvien.vhxh")
        self.office_officer = staff_in(w.office, Role.HANDLING_OFFICER, username="chuyenvien.vp")
        self.other_leader = staff_in(w.other_commune, Role.UNIT_LEADER, username="chutich.khac")

    def incoming(self, when: str = "24/04/2026", **extra):
        document, _earlier = register_incoming(self.w, now=at(when, "08:30"), confirm_duplicate=True, **extra)
        return document


@pytest.fixture
def h():
    return HandlingWorld()


def assign(h, *, when="24/04/2026 10:00", days=3, document=None, **extra):
    day, hhmm = when.split()
    document = document or h.incoming(day)
    arguments = {"lead": h.w.culture, "co_handlers": [h.office_officer], "informed": [h.w.officer], **extra}
    with time_machine.travel(at(day, hhmm), tick=False):
        return handling.assign(actor=h.w.chairman, document=document, working_days=days, **arguments)


@pytest.mark.parametrize(
    ("assigned", "days", "deadline", "due_soon_on"),
    [
        # Fri; weekend; Mon 27/4 holiday (Giỗ Tổ, moved); Tue 28 = 1, Wed 29 = 2; 30/4, 1/5 holidays; Mon 4/5 = 3
        ("24/04/2026 10:00", 3, dt.date(2026, 5, 4), dt.date(2026, 4, 28)),
        # Fri 27/11; Sat, Sun; Mon 30/11 = 1, Tue 1/12 = 2
        ("27/11/2026 09:00", 2, dt.date(2026, 12, 1), dt.date(2026, 11, 27)),
        # Mon 23/11; Tue 24/11 Ngày Văn hóa Việt Nam; Wed 25/11 = 1
        ("23/11/2026 15:00", 1, dt.date(2026, 11, 25), dt.date(2026, 11, 20)),
    ],
)
def test_deadline_in_working_days_skips_weekends_and_holidays(h, assigned, days, deadline, due_soon_on):
    assignment = assign(h, when=assigned, days=days)
    assert assignment.deadline == deadline
    assert assignment.due_soon_on == due_soon_on
    assert timezone.localtime(assignment.due_at).date() == deadline
    assignment.document.refresh_from_db()
    assert assignment.document.handling_status == IncomingDocument.Handling.ASSIGNED
    kinds = list(HandlingEvent.objects.values_list("kind", flat=True))
    assert kinds == ["assigned"]
    assert AuditEvent.objects.filter(action="documents.incoming.assign").count() == 1


def test_only_a_leader_over_the_receiving_unit_gives_direction(h):
    document = h.incoming()
    for stranger in (h.w.clerk, h.w.officer, h.other_leader, h.culture_head):
        with pytest.raises(PermissionDeniedError):
            handling.assign(actor=stranger, document=document, lead=h.w.culture, working_days=3)
    document.refresh_from_db()
    assert document.handling_status == IncomingDocument.Handling.AWAITING_DIRECTION
    with pytest.raises(DomainError) as outside:
        handling.assign(actor=h.w.chairman, document=document, lead=h.w.other_clerk, working_days=3)
    assert outside.value.field == "lead"
    with pytest.raises(DomainError) as twice:
        handling.assign(actor=h.w.chairman, document=document, lead=h.w.culture, co_handlers=[h.w.culture],
                        working_days=3)  # fmt: skip
    assert twice.value.field == "co_handlers"
    with pytest.raises(DomainError) as no_days:
        handling.assign(actor=h.w.chairman, document=document, lead=h.w.culture, working_days=0)
    assert no_days.value.field == "working_days"
    assert not HandlingEvent.objects.exists()


def test_every_change_tells_the_exchange_and_the_search_index(h, monkeypatch):
    reported, indexed = [], []

    def report(document, *, actor, now=None):
        reported.append((document.handling_status, actor))

    monkeypatch.setattr(handling.exchange, "report_handling", report)
    monkeypatch.setattr(handling.search, "index_incoming", lambda document: indexed.append(document.pk))
    assignment = assign(h)
    document = assignment.document
    handling.report_progress(actor=h.office_officer, document=document, text="Đang tổng hợp")
    handling.mark_done(actor=h.culture_officer, document=document)
    assert reported == [("assigned", h.w.chairman), ("done", h.culture_officer)]
    assert indexed == [document.pk] * 4  # registered, assigned, progress reported, done


def test_holders_forward_report_reply_and_finish(h):
    assignment = assign(h)
    document = assignment.document
    # the informed one reads but does not act; a stranger does nothing
    for who in (h.w.officer, h.w.other_clerk):
        with pytest.raises(PermissionDeniedError):
            handling.report_progress(actor=who, document=document, text="Tôi báo cáo")
    # a member of the lead unit forwards to a colleague, who then leads too
    colleague = staff_in(h.w.culture, Role.HANDLING_OFFICER, username="chuyenvien2")
    party = handling.forward(actor=h.culture_officer, document=document, to=colleague, note="Đồng chí xử lý")
    assert party.role == "lead" and party.forwarded_by == h.culture_officer
    with pytest.raises(DomainError):
        handling.forward(actor=h.culture_officer, document=document, to=h.w.other_clerk)
    # the co-handler reports progress with a file, may not attach the reply nor close
    upload = SimpleUploadedFile("bao-cao.pdf", PDF_BYTES, content_type="application/pdf")
    handling.report_progress(actor=h.office_officer, document=document, text="Đã lấy ý kiến các thôn", file=upload)
    assert DocumentFile.objects.get(kind="progress").incoming == document
    with pytest.raises(PermissionDeniedError):
        handling.mark_done(actor=h.office_officer, document=document)
    with pytest.raises(PermissionDeniedError):
        handling.attach_reply(actor=h.office_officer, document=document, file=upload)
    # the reply: a released outgoing document of the receiving unit
    unreleased = draft(h.w, doc_type="cong_van")
    with pytest.raises(DomainError):
        handling.attach_reply(actor=colleague, document=document, outgoing=unreleased)
    reply = registers.outgoing_release(actor=h.w.clerk, document=draft(h.w, doc_type="cong_van"))
    handling.attach_reply(actor=colleague, document=document, outgoing=reply)
    handling.mark_done(actor=colleague, document=document, note="Đã trả lời")
    document.refresh_from_db()
    assert document.handling_status == IncomingDocument.Handling.DONE
    assert list(HandlingEvent.objects.filter(document=document).values_list("kind", flat=True)) == [
        "assigned", "forwarded", "progress", "reply", "done"
    ]  # fmt: skip
    with pytest.raises(ConflictError):
        handling.report_progress(actor=colleague, document=document, text="Thêm")
    # the leader reopens with a reason
    with pytest.raises(PermissionDeniedError):
        handling.reopen(actor=colleague, document=document, note="Làm lại")
    handling.reopen(actor=h.w.chairman, document=document, note="Bổ sung số liệu")
    document.refresh_from_db()
    assert document.handling_status == IncomingDocument.Handling.ASSIGNED


def test_reassign_keeps_the_old_assignment_and_counts_again(h):
    first = assign(h, when="24/04/2026 10:00", days=3)
    with time_machine.travel(at("04/05/2026", "09:00"), tick=False):
        second = handling.reassign(actor=h.w.chairman, document=first.document, lead=h.culture_officer, working_days=2)
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    assert second.deadline == dt.date(2026, 5, 6)  # Mon 4/5 does not count; Tue 5 = 1, Wed 6 = 2
    # the unit first named no longer holds it: its other members lose sight of it
    assert selectors.incoming_document(h.office_officer, first.document.pk) is None
    assert selectors.incoming_document(h.culture_officer, first.document.pk) is not None
    with pytest.raises(ConflictError):
        handling.assign(actor=h.w.chairman, document=first.document, lead=h.w.culture, working_days=3)


def test_a_recalled_document_cannot_be_changed_and_leaves_the_queues(h):
    waiting = h.incoming()
    assignment = assign(h)
    for document in (waiting, assignment.document):
        IncomingDocument.objects.filter(pk=document.pk).update(recalled_at=timezone.now(), handling_status="recalled")
    with pytest.raises(ConflictError) as refused:
        handling.assign(actor=h.w.chairman, document=waiting, lead=h.w.culture, working_days=3)
    assert "thu hồi" in refused.value.message
    with pytest.raises(ConflictError):
        handling.report_progress(actor=h.culture_officer, document=assignment.document, text="Tiếp tục")
    with pytest.raises(ConflictError):
        handling.mark_done(actor=h.w.chairman, document=assignment.document)
    assert list(selectors.awaiting_direction(h.w.chairman)) == []
    assert list(selectors.my_handling(h.culture_officer)) == []


def test_who_sees_an_incoming_document(h):
    secret = h.incoming(number_symbol="01/CV-M", confidentiality="secret")
    ordinary = h.incoming(number_symbol="02/CV")
    # the committee's officer reads its register but not its secret documents; a division's officer neither
    assert selectors.incoming_document(h.w.officer, ordinary.pk) is not None
    assert selectors.incoming_document(h.w.officer, secret.pk) is None
    assert selectors.incoming_document(h.culture_officer, ordinary.pk) is None
    assert selectors.incoming_document(h.w.other_clerk, ordinary.pk) is None
    assert selectors.incoming_document(h.w.chairman, secret.pk) is not None
    # once assigned, the people named (and the members of the units named) see it, secret or not
    assign(h, document=secret, lead=h.w.culture, co_handlers=[], informed=[])
    assert selectors.incoming_document(h.culture_officer, secret.pk) is not None
    assert selectors.incoming_document(h.w.officer, secret.pk) is None
    assert selectors.incoming_document(h.w.other_clerk, secret.pk) is None


def test_awaiting_direction_urgent_first_for_the_leaders_of_the_unit(h):
    normal = h.incoming(number_symbol="01/CV")
    flash = h.incoming(number_symbol="02/CV", urgency="flash")
    urgent = h.incoming(number_symbol="03/CV", urgency="urgent")
    assert list(selectors.awaiting_direction(h.w.chairman)) == [flash, urgent, normal]
    for nobody in (h.other_leader, h.w.clerk, h.culture_head, h.w.officer):
        assert list(selectors.awaiting_direction(nobody)) == []
    assign(h, document=flash)
    assert list(selectors.awaiting_direction(h.w.chairman)) == [urgent, normal]


def test_my_handling_roles_and_deadline_states(h):
    assignment = assign(h, when="24/04/2026 10:00", days=3)  # deadline Mon 4/5/2026, due soon from Tue 28/4
    mine = {user: list(selectors.my_handling(user, now=at("27/04/2026", "09:00")))
            for user in (h.culture_officer, h.office_officer, h.w.officer, h.w.other_clerk, h.w.chairman)}  # fmt: skip
    assert [a.my_role for a in mine[h.culture_officer]] == ["lead"]  # through the unit
    assert [a.my_role for a in mine[h.office_officer]] == ["co_handler"]
    assert [a.my_role for a in mine[h.w.officer]] == ["informed"]
    assert mine[h.w.other_clerk] == [] and mine[h.w.chairman] == []

    def state(moment):
        return selectors.my_handling(h.culture_officer, now=moment).get().deadline_state

    assert state(at("27/04/2026", "16:00")) == "on_time"
    assert state(at("28/04/2026", "08:00")) == "due_soon"
    assert state(at("04/05/2026", "16:59")) == "due_soon"
    assert state(at("05/05/2026", "08:00")) == "late"
    counts = selectors.handling_counts(h.culture_officer, now=at("05/05/2026", "08:00"))
    assert counts == {"awaiting": 0, "mine": 1, "late": 1}
    with time_machine.travel(at("05/05/2026", "09:00"), tick=False):
        handling.mark_done(actor=h.culture_officer, document=assignment.document)
    row = selectors.follow_up_register(h.w.clerk, h.w.commune, 2026).get()
    assert row.deadline_state == "done_late"
    assert list(selectors.my_handling(h.culture_officer)) == []  # done leaves the queue


def test_follow_up_register_is_scoped(h):
    assign(h, document=h.incoming(number_symbol="01/M", confidentiality="secret"))
    assign(h, document=h.incoming(number_symbol="02/CV"))
    assert len(selectors.follow_up_register(h.w.clerk, h.w.commune, 2026)) == 2
    assert len(selectors.follow_up_register(h.w.officer, h.w.commune, 2026)) == 1  # reads, secret left out
    assert len(selectors.follow_up_register(h.w.other_clerk, h.w.commune, 2026)) == 0
    assert len(selectors.follow_up_register(h.w.clerk, h.w.commune, 2025)) == 0


def _touch_every_row(rows) -> list:
    """What the pages and exports read of each row."""
    return [
        (a.document.number_symbol, a.document.unit.name, selectors.lead_names(a), a.deadline_state,
         a.reply_outgoing.symbol if a.reply_outgoing else "")
        for a in rows
    ]  # fmt: skip


def test_queues_and_register_read_in_constant_queries(h, django_assert_num_queries):
    for index in range(2):
        assign(h, document=h.incoming(number_symbol=f"{index}/A"))
    h.incoming(number_symbol="X/1")

    def counts():
        found = {}
        for name, read in (
            ("mine", lambda: _touch_every_row(selectors.my_handling(h.culture_officer))),
            ("register", lambda: _touch_every_row(selectors.follow_up_register(h.w.clerk, h.w.commune, 2026))),
            ("waiting", lambda: [d.unit.name for d in selectors.awaiting_direction(h.w.chairman)]),
        ):
            with CaptureQueriesContext(connection) as captured:
                read()
            found[name] = len(captured)
        return found

    few = counts()
    for index in range(5):
        assign(h, document=h.incoming(number_symbol=f"{index}/B"))
        h.incoming(number_symbol=f"Y/{index}")
    assert counts() == few
    assert few == {"mine": 4, "register": 8, "waiting": 3}  # waiting: + the agencies below the leader's unit
    with django_assert_num_queries(few["mine"]):
        assert len(_touch_every_row(selectors.my_handling(h.culture_officer))) == 7
