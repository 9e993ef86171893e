"""The demo province's year of official documents (issue 11, point 7): directives down from the provincial committee
to its departments and every commune, reports up from the communes, official letters across between departments,
each written, released, sent, received, directed and handled through the real services at the moment it happened.

The year is replayed in time order from a queue of events (a document's release schedules its receipt, the receipt
its direction, the direction its progress and end): register numbers, the exchange log's chain and every status
follow the order of the moments, as the running system would have made them. Deliveries are held back from the
worker and made at the moment of each event (exchange.deliver_due(now=...)). What would happen after now has not
happened yet: the recent weeks' documents are still awaiting direction or in handling.

The last weeks' documents carry a real PDF (rendered once per document), signed by the leader and sealed at release
with the signing time set to that moment; older ones are paper documents (numbered only), which keeps the year fast.
Audit events keep the time they were written (apps.core.audit has no past time: it records what the database saw)."""

import datetime as dt
import heapq
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.calendar.selectors import calendar_for_unit
from apps.demo.documents_catalogue import ACROSS, DOWN, SIGNERS, UP
from apps.demo.exchange import DEMO_AGENCY_ID
from apps.demo.province import COMMUNES, DEPARTMENTS, _slug
from apps.documents.models import (
    DocType,
    InboxDocument,
    IncomingDocument,
    OutgoingDocument,
    Urgency,
)
from apps.documents.services import edxml, exchange, handling, outgoing, registers
from apps.org.models import Unit, User

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FILE_DAYS = 30  # documents of the last FILE_DAYS days get a signed PDF; older ones are paper
DOWN_EVERY_WORKING_DAYS = 10
ACROSS_PER_MONTH = 3
LATE_SHARE = 0.12
REPLY_SHARE = 0.4  # of the reports up to a department: answered by a released letter
REJECT_SHARE = 0.03  # of the reports up: sent to the wrong department, refused, sent on to the right one
RECALL_SHARE = 0.12  # of the directives down: recalled (half) or updated (half) the same day
URGENT_SHARE = 0.1
PROGRESS_NOTES = [
    "Đã tổng hợp số liệu từ các bộ phận, đang hoàn thiện dự thảo.",
    "Đã làm việc với các đơn vị phối hợp, thống nhất nội dung.",
    "Đang rà soát hồ sơ, tài liệu liên quan; dự kiến hoàn thành đúng hạn.",
    "Đã trình lãnh đạo cho ý kiến về phương án xử lý.",
]
INSTRUCTIONS = [
    "Chủ trì tham mưu triển khai thực hiện, báo cáo kết quả trước thời hạn.",
    "Nghiên cứu, đề xuất phương án xử lý; phối hợp với các bộ phận liên quan.",
    "Tổng hợp, tham mưu văn bản trả lời đúng thời hạn.",
]
# The department a report up goes to (by the catalogue's line), None for the provincial committee itself.
UP_RECIPIENT = {0: "snv", 1: None, 2: "vp", 3: "stp", 4: "snnmt", 5: "sxd", 6: "snv", 7: "snnmt", 8: "vp"}
WRONG_FOR = {"snv": "stp", "stp": "snv", "snnmt": "sxd", "sxd": "snnmt", "vp": "stc"}


@dataclass
class Organ:
    """A unit that keeps registers: who writes, signs, receives, directs and handles its documents."""

    unit: Unit
    clerk: User
    leader: User
    handlers: list[User]
    drafting_unit: Unit | None = None
    co_units: list[Unit] = field(default_factory=list)


@dataclass
class Summary:
    outgoing: int = 0
    incoming: int = 0
    dispatches: int = 0
    messages: int = 0
    signed_files: int = 0
    rejected: int = 0
    recalled: int = 0
    updated: int = 0
    replies: int = 0
    open: int = 0
    skipped: bool = False
    statuses: Counter = field(default_factory=Counter)


class DocumentYear:
    def __init__(self, *, days: int, seed: int, today: dt.date | None, file_days: int = FILE_DAYS):
        self.rng = random.Random(seed)
        self.cutoff = timezone.now() if today is None else dt.datetime.combine(today, dt.time(17, 0), tzinfo=TZ)
        self.today = timezone.localtime(self.cutoff).date()
        self.start = self.today - dt.timedelta(days=days)
        self.file_from = self.today - dt.timedelta(days=file_days)
        self.queue: list = []
        self.order = itertools.count()
        self.summary = Summary()
        self.root = Unit.objects.get(agency_code=DEMO_AGENCY_ID)
        self.calendar = calendar_for_unit(self.root)
        self.organs = self._organs()

    # ---- the province's registers ----------------------------------------------------------------------------

    def _organs(self) -> dict[str, Organ]:
        user = {u.username: u for u in User.objects.filter(is_active=True)}
        by_code = {u.agency_code: u for u in Unit.objects.filter(agency_code__isnull=False).exclude(agency_code="")}
        vp = by_code["H99.01"]
        organs = {
            "tinh": Organ(self.root, user["vanthu.vp"], user["chutich.tinh"], [user["chuyenvien.vp"]], vp,
                          [by_code[code] for _n, _s, code, slug in DEPARTMENTS if slug != "vp"]),
        }  # fmt: skip
        for _name, _symbol, code, slug in DEPARTMENTS:
            organs[slug] = Organ(by_code[code], user[f"vanthu.{slug}"], user[f"giamdoc.{slug}"],
                                 [user[f"chuyenvien.{slug}"]])  # fmt: skip
        for index, name in enumerate(COMMUNES, start=21):
            slug = _slug(name)
            commune = by_code[f"H99.{index}"]
            divisions = {d.symbol: d for d in commune.children.all()}
            organs[slug] = Organ(
                commune, user[f"vanthu.{slug}"], user[f"chutich.{slug}"],
                [user[f"tuphap.{slug}"], user[f"kinhte.{slug}"], user[f"chuyenvien.{slug}"],
                 user[f"chanhvanphong.{slug}"]],
                divisions.get("VP"), [d for key, d in divisions.items() if key in ("BPMC", "PKT", "VHXH")],
            )  # fmt: skip
        return organs

    @property
    def departments(self) -> list[str]:
        return [slug for *_rest, slug in DEPARTMENTS]

    @property
    def communes(self) -> list[str]:
        return [_slug(name) for name in COMMUNES]

    def _organ_of(self, organ_id: str) -> Organ:
        return next(o for o in self.organs.values() if o.unit.agency_code == organ_id)

    # ---- time ------------------------------------------------------------------------------------------------

    def _working(self, day: dt.date) -> bool:
        return self.calendar.is_working_day(day)

    def _after_working_days(self, day: dt.date, count: int) -> dt.date:
        while count > 0:
            day += dt.timedelta(days=1)
            count -= self._working(day)
        while not self._working(day):
            day += dt.timedelta(days=1)
        return day

    def _working_day_before(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        while not self._working(day):
            day -= dt.timedelta(days=1)
        return day

    def _office_moment(self, day: dt.date, earliest: dt.time = dt.time(7, 30)) -> dt.datetime:
        """A moment in office hours (7:30–11:30, 13:30–16:30) of `day`, not before `earliest`."""
        minutes = [m for m in range(7 * 60 + 30, 16 * 60 + 30, 5) if not 11 * 60 + 30 <= m < 13 * 60 + 30]
        minutes = [m for m in minutes if m >= earliest.hour * 60 + earliest.minute] or [16 * 60 + 30]
        minute = self.rng.choice(minutes)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=TZ)

    def _next_moment(self, moment: dt.datetime, working_days: int = 0) -> dt.datetime:
        """An office moment `working_days` after `moment` (same day: later that day when there is time left)."""
        local = timezone.localtime(moment, TZ)
        if working_days == 0 and self._working(local.date()) and local.time() < dt.time(16, 0):
            later = (local + dt.timedelta(minutes=20)).time()
            return max(self._office_moment(local.date(), later), local + dt.timedelta(minutes=5))
        return self._office_moment(self._after_working_days(local.date(), max(working_days, 1)))

    def at(self, moment: dt.datetime, action, *args) -> None:
        if moment <= self.cutoff:
            heapq.heappush(self.queue, (moment, next(self.order), action, args))

    # ---- the plan of the year --------------------------------------------------------------------------------

    def plan(self) -> None:
        days = [self.start + dt.timedelta(days=n) for n in range((self.today - self.start).days + 1)]
        working = [d for d in days if self._working(d)]
        for index, day in enumerate(working):
            if index % DOWN_EVERY_WORKING_DAYS == self.rng.randrange(3):
                self.at(self._office_moment(day), self.issue_down, day)
        months = sorted({(d.year, d.month) for d in working})
        for year, month in months:
            in_month = [d for d in working if (d.year, d.month) == (year, month)]
            for number, slug in enumerate(self.communes):
                day = in_month[min(len(in_month) - 1, self.rng.randrange(10))]
                line = (month + number) % len(UP) if self.rng.random() < 0.7 else self.rng.randrange(len(UP))
                self.at(self._office_moment(day), self.issue_up, slug, line)
            for _ in range(ACROSS_PER_MONTH):
                day = self.rng.choice(in_month)
                self.at(self._office_moment(day), self.issue_across)

    def run(self) -> Summary:
        self.plan()
        # One transaction per day: a few commits instead of thousands, yet short enough that PostgreSQL can prune
        # the versions of the rows every event updates (the audit and exchange log heads, the number series); a
        # year in one transaction made each of their look-ups walk thousands of dead versions. Commits happen
        # inside deliveries_held, so no worker is asked to deliver anything.
        with exchange.deliveries_held():
            while self.queue:
                day = timezone.localtime(self.queue[0][0], TZ).date()
                with transaction.atomic():
                    while self.queue and timezone.localtime(self.queue[0][0], TZ).date() == day:
                        moment, _order, action, args = heapq.heappop(self.queue)
                        action(moment, *args)
                        exchange.deliver_due(now=moment)
        self.summary.open = IncomingDocument.objects.filter(
            unit__agency_code__isnull=False, handling_status__in=["awaiting_direction", "assigned"]
        ).count()
        return self.summary

    # ---- writing and sending ---------------------------------------------------------------------------------

    def _text(self, template: str, day: dt.date) -> str:
        quarter = (day.month - 1) // 3 + 1
        previous_month = (day.replace(day=1) - dt.timedelta(days=1)).month
        return template.format(month=previous_month, quarter=quarter, year=day.year)

    def _write(self, organ: Organ, moment, doc_type: str, summary: str, recipients: list[Organ], *, then,
               urgency=Urgency.NORMAL, signer_position="") -> None:  # fmt: skip
        """Draft now; signed by the leader and released by the clerk later (a signed PDF in the last weeks, a
        paper document before); once released, `then` = (action, args) runs with the document's pk."""
        day = timezone.localtime(moment, TZ).date()
        fields = {
            "doc_type": doc_type, "summary": summary, "signer_position": signer_position,
            "signer_name": organ.leader.get_full_name(), "urgency": urgency, "drafting_unit": organ.drafting_unit,
            "recipients": "\n".join(f"- {r.unit.name};" for r in recipients) + "\n- Lưu: VT.",
        }  # fmt: skip
        later = moment + dt.timedelta(minutes=self.rng.randrange(30, 90))
        if day >= self.file_from:
            pdf = render_document(organ, fields, day)
            upload = SimpleUploadedFile(f"du-thao-{doc_type}.pdf", pdf, content_type="application/pdf")
            document = outgoing.outgoing_draft_with_file(
                actor=organ.clerk, unit=organ.unit, uploaded=upload, now=moment, **fields
            )
            self.at(later, self.sign, organ, document.pk, then)
        else:
            document = registers.outgoing_draft(actor=organ.clerk, unit=organ.unit, now=moment, **fields)
            self.at(later, self.release, organ, document.pk, then)

    def sign(self, moment, organ: Organ, document_pk: int, then) -> None:
        outgoing.outgoing_sign(actor=organ.leader, document=OutgoingDocument.objects.get(pk=document_pk), now=moment)
        self.summary.signed_files += 1
        self.at(moment + dt.timedelta(minutes=self.rng.randrange(10, 40)), self.release, organ, document_pk, then)

    def release(self, moment, organ: Organ, document_pk: int, then) -> None:
        registers.outgoing_release(actor=organ.clerk, document=OutgoingDocument.objects.get(pk=document_pk), now=moment)
        self.summary.outgoing += 1
        action, args = then
        self.at(moment + dt.timedelta(minutes=self.rng.randrange(5, 20)), action, document_pk, *args)

    def _send(self, organ: Organ, document_pk: int, moment, recipients: list[Organ]) -> None:
        document = OutgoingDocument.objects.get(pk=document_pk)
        dispatches = exchange.send_outgoing(
            actor=organ.clerk, document=document, recipients=[r.unit.agency_code for r in recipients], now=moment
        )
        exchange.deliver_due(now=moment)
        self.summary.dispatches += len(dispatches)
        urgent = document.urgency != Urgency.NORMAL
        for dispatch in dispatches:
            recipient = self._organ_of(dispatch.recipient_organ)
            wait = dt.timedelta(minutes=self.rng.randrange(5, 30))
            when = moment + wait if urgent else self._next_moment(moment, self.rng.choice([0, 0, 1]))
            self.at(when, self.receive, recipient, dispatch.document_id, document.pk)

    def issue_down(self, moment, day: dt.date) -> None:
        doc_type, template = self.rng.choice(DOWN)
        urgent = doc_type == DocType.OFFICIAL_TELEGRAM or self.rng.random() < URGENT_SHARE
        recipients = [self.organs[s] for s in self.departments if s != "vp"] + [self.organs[s] for s in self.communes]
        self._write(
            self.organs["tinh"], moment, doc_type, self._text(template, day), recipients,
            urgency=Urgency.VERY_URGENT if urgent else Urgency.NORMAL,
            signer_position=SIGNERS.get(doc_type, "KT. Chủ tịch"), then=(self.send_down, (recipients,)),
        )  # fmt: skip

    def send_down(self, moment, document_pk: int, recipients: list[Organ]) -> None:
        self._send(self.organs["tinh"], document_pk, moment, recipients)
        if self.rng.random() < RECALL_SHARE:
            self.at(moment + dt.timedelta(minutes=self.rng.randrange(40, 150)), self.recall, document_pk)

    def recall(self, moment, document_pk: int) -> None:
        organ = self.organs["tinh"]
        document = OutgoingDocument.objects.get(pk=document_pk)
        if self.rng.random() < 0.5:
            reason = "Văn bản ban hành chưa đúng thẩm quyền ký; thu hồi để ban hành lại."
            exchange.recall_outgoing(actor=organ.clerk, document=document, reason=reason, now=moment)
            self.summary.recalled += 1
            return
        dispatches = exchange.recall_outgoing(
            actor=organ.clerk, document=document, business_type=edxml.UPDATE, now=moment,
            reason="Cập nhật phụ lục kèm theo văn bản (sai sót số liệu).",
        )  # fmt: skip
        exchange.deliver_due(now=moment)
        self.summary.updated += 1
        for dispatch in dispatches:
            recipient = self._organ_of(dispatch.recipient_organ)
            self.at(self._next_moment(moment), self.follow_change, recipient, dispatch.document_id)

    def follow_change(self, moment, organ: Organ, document_id: str) -> None:
        """An update of a document already in the register waits for the clerk, who agrees."""
        item = InboxDocument.objects.filter(document_id=document_id, unit=organ.unit).first()
        if item is not None and item.pending_change is not None:
            exchange.decide_change(actor=organ.clerk, item=item, agree=True, now=moment)

    def issue_up(self, moment, slug: str, line: int) -> None:
        doc_type, template = UP[line]
        day = timezone.localtime(moment, TZ).date()
        target = UP_RECIPIENT[line]
        right = self.organs[target] if target else self.organs["tinh"]
        wrong = target is not None and self.rng.random() < REJECT_SHARE
        first = self.organs[WRONG_FOR[target]] if wrong else right
        self._write(
            self.organs[slug], moment, doc_type, self._text(template, day), [right], signer_position="Chủ tịch",
            then=(self.send, (slug, first.unit.agency_code)),
        )  # fmt: skip

    def send(self, moment, document_pk: int, slug: str, organ_id: str) -> None:
        self._send(self.organs[slug], document_pk, moment, [self._organ_of(organ_id)])

    def issue_across(self, moment) -> None:
        doc_type, template = self.rng.choice(ACROSS)
        sender, *others = self.rng.sample(self.departments, 1 + (3 if doc_type == DocType.INVITATION else 1))
        day = timezone.localtime(moment, TZ).date()
        recipients = [self.organs[s] for s in others]
        position = "Giám đốc" if sender != "vp" else "Chánh Văn phòng"
        self._write(
            self.organs[sender], moment, doc_type, self._text(template, day), recipients, signer_position=position,
            then=(self.send_to, (sender, recipients)),
        )  # fmt: skip

    def send_to(self, moment, document_pk: int, slug: str, recipients: list[Organ]) -> None:
        self._send(self.organs[slug], document_pk, moment, recipients)

    # ---- receiving and handling ------------------------------------------------------------------------------

    def receive(self, moment, organ: Organ, document_id: str, outgoing_pk: int) -> None:
        item = InboxDocument.objects.filter(document_id=document_id, unit=organ.unit).first()
        if item is None:
            return
        if item.pending_change is not None:
            exchange.decide_change(actor=organ.clerk, item=item, agree=True, now=moment)
            return
        if item.state != InboxDocument.State.ARRIVED:
            return
        source = OutgoingDocument.objects.get(pk=outgoing_pk)
        intended = source.recipients
        if f"- {organ.unit.name};" not in intended:
            exchange.reject_inbox(actor=organ.clerk, item=item, now=moment,
                                  reason="Văn bản không thuộc thẩm quyền giải quyết của cơ quan; đề nghị gửi đúng "
                                         "cơ quan có thẩm quyền.")  # fmt: skip
            self.summary.rejected += 1
            right = next(o for o in self.organs.values() if f"- {o.unit.name};" in intended)
            slug = next(s for s, o in self.organs.items() if o.unit == source.unit)
            self.at(self._next_moment(moment, 1), self.send, outgoing_pk, slug, right.unit.agency_code)
            return
        incoming = self._accept(organ, item, moment)
        self.summary.incoming += 1
        later = 0 if incoming.urgency != Urgency.NORMAL else self.rng.choice([0, 0, 1, 1, 2, 3, 4])
        self.at(self._next_moment(moment, later), self.direct, organ, incoming.pk, outgoing_pk)

    def _accept(self, organ: Organ, item: InboxDocument, moment) -> IncomingDocument:
        """The clerk registers it; numbers restart each year, so last year's 01/TTr-UBND of the same commune is
        shown as a duplicate, and the clerk, seeing its other date, confirms."""
        try:
            return exchange.accept_inbox(actor=organ.clerk, item=item, now=moment)
        except registers.DuplicateDocumentError as duplicate:
            if any(d.issued_date.year == item.issued_date.year for d in duplicate.duplicates):
                raise
            note = "Trùng số, ký hiệu với văn bản năm trước (khác ngày ban hành)."
            return exchange.accept_inbox(actor=organ.clerk, item=item, now=moment, confirm_duplicate=True, note=note)

    def _lead_for(self, organ: Organ, summary: str) -> User:
        text = summary.lower()
        if organ.unit.level != Unit.Level.COMMUNE or len(organ.handlers) < 4:
            return organ.handlers[0]
        if "tư pháp" in text or "hộ tịch" in text or "thủ tục" in text:
            return organ.handlers[0]
        if "đất" in text or "thiên tai" in text or "mưa" in text or "áp thấp" in text or "hạ tầng" in text:
            return organ.handlers[1]
        return self.rng.choice(organ.handlers[2:])

    def direct(self, moment, organ: Organ, incoming_pk: int, outgoing_pk: int) -> None:
        incoming = IncomingDocument.objects.get(pk=incoming_pk)
        if incoming.recalled_at is not None:
            return
        lead = self._lead_for(organ, incoming.summary)
        co = [self.rng.choice(organ.co_units)] if organ.co_units and self.rng.random() < 0.5 else []
        working_days = 3 if incoming.urgency != Urgency.NORMAL else self.rng.randint(5, 15)
        assignment = handling.assign(
            actor=organ.leader, document=incoming, lead=lead, co_handlers=co, working_days=working_days,
            instruction=self.rng.choice(INSTRUCTIONS), now=moment,
        )  # fmt: skip
        start = timezone.localtime(moment, TZ).date()
        late = self.rng.random() < LATE_SHARE
        done_day = (
            self._after_working_days(assignment.deadline, self.rng.randint(1, 4))
            if late
            # most finish in the second half of the time given, so the last two weeks' documents are still open
            else self._after_working_days(start, self.rng.randint(max(1, working_days // 2), working_days))
        )
        halfway = self._after_working_days(start, max(1, working_days // 2))
        if halfway < done_day:
            self.at(self._office_moment(halfway), self.progress, organ, lead, incoming_pk)
        source = OutgoingDocument.objects.select_related("unit").get(pk=outgoing_pk)
        if source.unit.level == Unit.Level.COMMUNE and self.rng.random() < REPLY_SHARE:
            # the reply is written the working day before the end (or later on the day of the direction)
            day_before = self._working_day_before(done_day)
            written = self._office_moment(day_before) if day_before > start else moment + dt.timedelta(minutes=30)
            self.at(written, self.reply, organ, lead, incoming_pk, source.unit.agency_code)
        self.at(self._office_moment(done_day, dt.time(9, 0)), self.finish, lead, incoming_pk)

    def _open(self, incoming_pk: int) -> IncomingDocument | None:
        incoming = IncomingDocument.objects.get(pk=incoming_pk)
        return incoming if incoming.handling_status == IncomingDocument.Handling.ASSIGNED else None

    def progress(self, moment, organ: Organ, lead: User, incoming_pk: int) -> None:
        if incoming := self._open(incoming_pk):
            handling.report_progress(actor=lead, document=incoming, text=self.rng.choice(PROGRESS_NOTES), now=moment)

    def reply(self, moment, organ: Organ, lead: User, incoming_pk: int, asker_id: str) -> None:
        incoming = self._open(incoming_pk)
        if incoming is None:
            return
        asker = self._organ_of(asker_id)
        summary = f"V/v trả lời Văn bản số {incoming.number_symbol} của {asker.unit.name}"
        position = "Chủ tịch" if organ.unit == self.root else "Giám đốc"
        self._write(organ, moment, DocType.OFFICIAL_LETTER, summary, [asker], signer_position=position,
                    then=(self.send_reply, (organ, lead, incoming_pk, asker)))  # fmt: skip

    def send_reply(self, moment, document_pk: int, organ: Organ, lead: User, incoming_pk: int, asker: Organ) -> None:
        self._send(organ, document_pk, moment, [asker])
        if incoming := self._open(incoming_pk):
            document = OutgoingDocument.objects.get(pk=document_pk)
            handling.attach_reply(actor=lead, document=incoming, outgoing=document, now=moment)
            self.summary.replies += 1

    def finish(self, moment, lead: User, incoming_pk: int) -> None:
        if incoming := self._open(incoming_pk):
            handling.mark_done(actor=lead, document=incoming, note="Đã hoàn thành.", now=moment)


def _date_line(place: str, day: dt.date) -> str:
    """Decree 30/2020: a leading zero for days below 10 and for months 1 and 2 only."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def render_document(organ: Organ, fields: dict, day: dt.date) -> bytes:
    from apps.core.pdf import render_pdf
    from apps.documents.models import ABBREVIATIONS
    from apps.documents.services.registers import issuer_symbol

    abbreviation = ABBREVIATIONS[DocType(fields["doc_type"])]
    issuer = issuer_symbol(organ.unit)
    tail = f"{abbreviation}-{issuer}" if abbreviation else issuer
    label = str(DocType(fields["doc_type"]).label)
    context = {
        "issuer": organ.unit.name,
        "symbol_tail": tail,
        "date_line": _date_line("Sơn Hà" if organ.unit.level != Unit.Level.COMMUNE else organ.unit.short_name, day),
        "title": "" if fields["doc_type"] == DocType.OFFICIAL_LETTER else label.upper(),
        "summary": fields["summary"],
        "paragraphs": [
            f"Thực hiện chương trình công tác năm {day.year}, {organ.unit.name} {label.lower()} như sau:",
            "Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao tổ chức triển khai thực hiện nghiêm túc, "
            "hiệu quả; trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo để xem xét, giải quyết.",
        ],
        "recipients": fields["recipients"],
        "signer_position": fields["signer_position"],
        "signer_name": fields["signer_name"],
    }
    return render_pdf("demo/official_document.html", context)


def generate_document_year(
    *, days: int = 365, seed: int = 2026, today: dt.date | None = None, file_days: int = FILE_DAYS
) -> Summary:
    """Replay `days` of the demo province's documents up to today (or `today`, 17:00); those of the last
    `file_days` days carry signed PDFs. Does nothing when the provincial committee already has outgoing documents
    (load_demo run again)."""
    root = Unit.objects.filter(agency_code=DEMO_AGENCY_ID).first()
    if root is None or OutgoingDocument.objects.filter(unit=root).exists():
        return Summary(skipped=True)
    from apps.documents.models import DispatchStatus, OutboxMessage

    messages_before = OutboxMessage.objects.count()
    summary = DocumentYear(days=days, seed=seed, today=today, file_days=file_days).run()
    summary.messages = OutboxMessage.objects.count() - messages_before
    summary.statuses = Counter(DispatchStatus.objects.values_list("code", flat=True))
    return summary
