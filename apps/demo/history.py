"""A realistic province-year of dossiers and feedback, for the demo dashboards and for benchmarks.

Each dossier lives its life on its desk's working calendar (apps.calendar): handed in at the desk in office hours
(online at any hour, checked by the desk in office hours), received, handled step by step, its result returned,
every hand-over in office hours of a working day. What would happen after now has not happened yet: the dossier is
still open where its life has got to, so the open dossiers are the recent ones and nothing received long ago is left
open. Most dossiers finish early or on time; about 2 % are late against their legal due time (a step overruns),
most of those with a BM.04 apology signed by the head of the late unit and a new appointment (rescheduled once); a
few rescheduled dossiers catch up and finish on time after all. Some wait for a supplement (BM.02, the clocks stand
still), a few are refused (BM.03) or withdrawn. Staff act only while in post (their membership's start date).

Rows are plain dicts written with executemany (SQLite) or COPY (PostgreSQL); building a million model objects
and letting bulk_create prepare each value costs ten times as much. Codes, tracking-book entries and slip
numbers follow the real formats, and the live counters continue after them.
"""

import datetime as dt
import random
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.calendar.selectors import calendar_for_unit, legal_counter
from apps.core.models import Sequence
from apps.core.numbering import set_at_least
from apps.core.text import fold
from apps.dossiers import tracking
from apps.dossiers.models import Apology, Dossier, DossierStep, Outcome, Rating, Slip
from apps.feedback.models import Category, Feedback, FeedbackRating
from apps.org import selectors as org
from apps.org.models import Membership, Unit
from apps.procedures.models import Procedure

DEFAULT_DAYS = 365
COUNTER_KEYS = r"^(dossier|feedback|book|slip):"  # the live counters the generated numbers continue
S = Dossier.Status

# The shares of the generated year (of dossiers received), as the seeds and the national portal report them.
REFUSED_SHARE = 0.015  # refused during processing by the competent unit (a reasoned BM.03 notice)
WITHDRAWN_SHARE = 0.015  # taken back by the applicant
LATE_SHARE = 0.02  # finished after the legal due time: one step overruns
APOLOGY_SHARE_OF_LATE = 0.8  # of the late ones: a signed BM.04 and a new appointment
CAUGHT_UP_SHARE = 0.004  # rescheduled (apology signed), then finished on time after all
SUPPLEMENT_SHARE = 0.04  # a supplement asked during processing (BM.02): the clocks stand still until the answer
ONLINE_SHARE = 1 / 3

CHANNELS_OFFLINE = ["desk", "desk", "desk", "post"]
RATING_LEVELS, RATING_WEIGHTS = ["very_satisfied", "satisfied", "not_satisfied"], [62, 37.4, 0.6]
FEEDBACK_CHANNELS = ["hotline", "hotline", "hotline", "web", "web", "email", "walk_in"]
FEEDBACK_TITLES = {
    "procedure": ["Hỏi thành phần hồ sơ đăng ký khai sinh", "Hỏi lệ phí chứng thực bản sao",
                  "Hỏi thời hạn cấp giấy phép xây dựng nhà ở", "Hỏi nơi nộp hồ sơ đăng ký kết hôn",
                  "Hỏi thủ tục đăng ký hộ kinh doanh"],
    "conduct": ["Hồ sơ quá hẹn chưa có kết quả", "Chưa nhận được phiếu xin lỗi khi hồ sơ trễ hạn",
                "Cán bộ hướng dẫn chưa rõ ràng"],
    "regulation": ["Quy định giấy tờ chồng chéo khi đăng ký hộ kinh doanh", "Yêu cầu bản sao không cần thiết"],
    "proposal": ["Đề nghị mở thêm quầy tiếp nhận buổi sáng thứ Bảy", "Đề nghị nhắn tin khi có kết quả"],
    "other": ["Góp ý về bãi đỗ xe tại trụ sở xã", "Phản ánh khác về phục vụ hành chính"],
}  # fmt: skip
SUPPLEMENT_ITEMS = ["Bản sao giấy tờ chứng minh nơi cư trú", "Tờ khai còn thiếu chữ ký của người yêu cầu",
                    "Bản vẽ thiết kế còn thiếu kích thước mặt bằng", "Giấy ủy quyền có chứng thực"]  # fmt: skip
REFUSAL_REASONS = ["Yêu cầu không thuộc trường hợp được giải quyết theo quy định.",
                   "Người yêu cầu không đủ điều kiện theo quy định của pháp luật."]  # fmt: skip
APOLOGY_REASONS = ["Hồ sơ cần xác minh thêm thông tin tại cơ quan khác.",
                   "Công chức thụ lý nghỉ ốm đột xuất, chưa kịp bàn giao hồ sơ.",
                   "Hồ sơ phức tạp, cần lấy ý kiến của đơn vị liên quan."]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Nga",
         "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]  # fmt: skip


def _columns(model) -> tuple[list[str], set[int], dict[str, object]]:
    fields = list(model._meta.concrete_fields)
    # what Django would store for a field the row leaves out: its default, "" for text, else NULL
    defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
    datetimes = {i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"}
    return [f.attname for f in fields], datetimes, defaults


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime: naive UTC text."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def fast_insert(model, rows: list[dict]) -> None:
    """Insert plain dicts (attname → value) with executemany on SQLite or COPY on PostgreSQL. A column the dict
    leaves out takes the field's default (so a field added later does not break the generator)."""
    if not rows:
        return
    names, datetimes, defaults = _columns(model)
    adapt = _sqlite_datetime if connection.vendor == "sqlite" else (lambda value: value)
    values = []
    for row in rows:
        record = [row[name] if name in row else defaults.get(name) for name in names]
        for index in datetimes:
            if record[index] is not None:
                record[index] = adapt(record[index])
        values.append(record)
    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(fields[name]) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for record in values:
                    copy.write_row(record)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def reset_id_sequences(*models) -> None:
    """PostgreSQL sequences move past ids we assigned ourselves (SQLite takes max(id) + 1 by itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}")


class Clock:
    """A desk's working calendar seen as office hours: moments are moved in working hours, so every generated
    hand-over falls inside a session of a working day."""

    def __init__(self, calendar):
        self.calendar = calendar
        sessions = calendar.sessions
        seconds = lambda t: t.hour * 3600 + t.minute * 60 + t.second  # noqa: E731
        self.day_hours = (
            seconds(sessions.morning_end)
            - seconds(sessions.morning_start)
            + seconds(sessions.afternoon_end)
            - seconds(sessions.afternoon_start)
        ) / 3600

    def after(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """`hours` of office time after `moment` (from the next working moment): always inside office hours."""
        return self.calendar.add_working_hours(moment, max(hours, 1 / 60))

    def hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        return self.calendar.working_days_between(a, b) * self.day_hours

    def days(self, moment: dt.datetime, days: float) -> dt.datetime:
        return self.calendar.add_working_days(moment, days)

    def budget(self, moment: dt.datetime, amount, unit: str) -> dt.datetime:
        if unit == Procedure.TimeUnit.WORKING_HOURS:
            return self.calendar.add_working_hours(moment, float(amount))
        return self.calendar.add_working_days(moment, float(amount))


class Generator:
    def __init__(self, rng: random.Random, desks: list[Unit], procedures: list[Procedure], days: int, now=None):
        self.rng, self.desks, self.procedures = rng, desks, procedures
        self.steps = {p.pk: sorted(p.steps.all(), key=lambda s: s.order) for p in procedures}
        self.clocks = {desk.pk: Clock(calendar_for_unit(desk)) for desk in desks}
        self.legal = {desk.pk: legal_counter(desk) for desk in desks}  # the dossiers app's rule, looked up once
        self.agency = {desk.pk: org.agency_code_of(desk.parent) for desk in desks}
        self.units = {desk.parent_id: desk.parent for desk in desks} | {desk.pk: desk for desk in desks}
        self.step_units = self._step_units()
        self.now = now or timezone.now()
        self.tz = timezone.get_current_timezone()
        self.start = self.now - dt.timedelta(days=days)
        self.legal_due = {}  # (desk, procedure, received) → legal due time, from the dossiers app's one rule
        self.next_id = {
            model: model.objects.aggregate(top=Max("pk"))["top"] or 0
            for model in (Dossier, DossierStep, Rating, Slip, Apology, Feedback, FeedbackRating)
        }
        self.categories = list(Category.objects.filter(is_active=True))
        self.centre = Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE).order_by("path").first()
        self.feedback_units = [desk.parent for desk in desks] + [
            child for desk in desks for child in desk.parent.children.all() if child.kind == Unit.Kind.DEPARTMENT
        ]
        # who is in post in each unit, and since when; the heads sign apologies
        self.members: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
        self.heads: dict[int, int] = {}
        memberships = Membership.objects.filter(user__is_active=True, end_date__isnull=True)
        for unit_id, user_id, since, is_head in memberships.values_list("unit_id", "user_id", "start_date", "is_head"):
            self.members[unit_id].append((user_id, since))
            if is_head:
                self.heads[unit_id] = user_id
        self.counters: dict[str, int] = defaultdict(int)
        for key, last in Sequence.objects.filter(key__regex=COUNTER_KEYS).values_list("key", "last"):
            self.counters[key] = last

    def _step_units(self) -> dict[tuple[int, str], Unit]:
        """Each commune's divisions by symbol, so that no step needs a query."""
        units = {}
        for desk in self.desks:
            commune = desk.parent
            units[(commune.pk, "")] = commune
            for child in commune.children.all():
                units[(commune.pk, child.symbol)] = child
                self.units[child.pk] = child
        return units

    # --- moments --------------------------------------------------------------------------------------------

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    def _any_moment(self) -> dt.datetime:
        """A moment of the window, mostly in waking hours (online submissions, any day of the week)."""
        span = (self.now - self.start).total_seconds()
        while True:
            moment = self._local(self.start + dt.timedelta(seconds=self.rng.random() * span))
            if 6 <= moment.hour < 23:
                return moment

    def _office_moment(self, clock: Clock) -> dt.datetime:
        """A moment in office hours of a working day of the window (every working day alike), before now."""
        span = (self.now - self.start).total_seconds()
        while True:
            day = self._local(self.start + dt.timedelta(seconds=self.rng.random() * span)).date()
            if not clock.calendar.is_working_day(day):
                continue
            midnight = dt.datetime(day.year, day.month, day.day, tzinfo=self.tz)
            moment = clock.after(midnight, self.rng.random() * clock.day_hours)
            if self.start <= moment < self.now:
                return moment

    def _member_of(self, unit_id: int, moment: dt.datetime) -> int | None:
        """Someone in post in the unit on that day."""
        day = self._local(moment).date()
        members = [user_id for user_id, since in self.members.get(unit_id, ()) if since <= day]
        return self.rng.choice(members) if members else None

    def _signer(self, unit: Unit) -> tuple[Unit, int | None]:
        """The unit whose head signs BM.04: the late unit, or the nearest one above it that has a head."""
        while unit is not None and unit.pk not in self.heads:
            unit = self.units.get(unit.parent_id)
        return unit, (self.heads[unit.pk] if unit is not None else None)

    def _person(self) -> str:
        rng = self.rng
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def _number(self, key: str) -> int:
        self.counters[key] += 1
        return self.counters[key]

    def _id(self, model) -> int:
        self.next_id[model] += 1
        return self.next_id[model]

    # --- dossiers -------------------------------------------------------------------------------------------

    def write_batch(self, size: int) -> None:
        rows: dict[type, list[dict]] = defaultdict(list)
        ids = []
        for _ in range(size):
            for model, row in self._dossier():
                rows[model].append(row)
            ids.append(rows[Dossier][-1]["id"])
        with transaction.atomic():
            for model in (Dossier, DossierStep, Slip, Apology, Rating):
                fast_insert(model, rows[model])
            tracking.publish_many(ids)

    def _legal_due(self, desk: Unit, procedure: Procedure, received: dt.datetime) -> dt.datetime:
        """The legal due time: the procedure's limit from receipt on the desk's calendar, as the dossiers app's
        `clocks.legal_due_from` counts it (its per-call calendar lookup costs a query; the tests check that both
        agree)."""
        return self.legal[desk.pk](received, procedure.time_limit, procedure.time_unit)

    def _dossier(self) -> list[tuple[type, dict]]:
        rng = self.rng
        desk = rng.choice(self.desks)
        procedure = rng.choice(self.procedures)
        clock = self.clocks[desk.pk]
        online = rng.random() < ONLINE_SHARE
        if online:  # handed in at any hour, checked and received by the desk in its office hours
            submitted = self._any_moment()
            received = clock.after(submitted, rng.uniform(0.1, 4))
        else:
            submitted = received = self._office_moment(clock)
        channel = "online" if online else rng.choice(CHANNELS_OFFLINE)
        agency, day = self.agency[desk.pk], self._local(submitted).strftime("%y%m%d")
        name = self._person()
        code = f"{agency}-{day}-{self._number(f'dossier:{agency}:{day}'):04d}"
        dossier = {
            "id": self._id(Dossier), "code": code, "procedure_id": procedure.pk, "filing_unit_id": desk.parent_id,
            "desk_id": desk.pk, "channel": channel, "status": S.SUBMITTED, "applicant_kind": "person",
            "applicant_name": name, "applicant_id_number": str(rng.randrange(10**11, 10**12)),
            "applicant_phone": f"09{rng.randrange(10**7, 10**8)}", "applicant_email": "",
            "applicant_address": f"Thôn {rng.randint(1, 20)}, {desk.parent.short_name}", "representative": "",
            "request_summary": "", "home_service": rng.random() < 0.01, "home_service_address": "", "sets": 1,
            "fee_vnd": procedure.fee_vnd, "payment": self._payment(procedure, channel),
            "delivery": Dossier.Delivery.DESK, "submitted_at": submitted, "rescheduled": False, "outcome": "",
            "search_key": fold(f"{code} {name}"), "updated_at": self.now,
        }  # fmt: skip
        if dossier["home_service"]:
            dossier["home_service_address"] = dossier["applicant_address"]
        rows: list[tuple[type, dict]] = [(Dossier, dossier)]
        if received > self.now:  # still waiting for the desk's check
            if procedure.fee_vnd and dossier["payment"] != Dossier.Payment.PAID_ONLINE:
                dossier["payment"] = Dossier.Payment.UNPAID
            return rows
        year = self._local(received).year
        due = self._legal_due(desk, procedure, received)
        dossier.update(
            received_at=received, received_by_id=self._member_of(desk.pk, received), due_at=due, appointment_at=due,
            original_appointment_at=due, book_volume=year, book_entry=self._number(f"book:{desk.pk}:{year}"),
        )  # fmt: skip

        fate = rng.random()
        closing = S.REFUSED if fate < REFUSED_SHARE else S.WITHDRAWN if fate < REFUSED_SHARE + WITHDRAWN_SHARE else ""
        fate = rng.random()
        late, caught_up = fate < LATE_SHARE, LATE_SHARE <= fate < LATE_SHARE + CAUGHT_UP_SHARE
        late, caught_up = (late, caught_up) if not closing else (False, False)
        apology = caught_up or (late and rng.random() < APOLOGY_SHARE_OF_LATE)
        supplement = not closing and rng.random() < SUPPLEMENT_SHARE
        steps = self.steps[procedure.pk]
        moment, status = received, S.RECEIVED
        for procedure_step in steps:
            if procedure_step.kind in ("receive", "return"):
                unit = desk
            else:
                unit = self.step_units.get((desk.parent_id, procedure_step.division_symbol), desk.parent)
            step_due = clock.budget(moment, procedure_step.budget, procedure_step.budget_unit)
            step = {"id": self._id(DossierStep), "dossier_id": dossier["id"], "procedure_step_id": procedure_step.pk,
                    "order": procedure_step.order, "kind": procedure_step.kind, "name": procedure_step.name,
                    "unit_id": unit.pk, "role": procedure_step.role, "started_at": moment, "due_at": step_due,
                    "outcome": "", "note": ""}  # fmt: skip
            rows.append((DossierStep, step))
            if procedure_step.kind == "return":
                status = S.READY
                dossier.update(ready_at=moment, outcome=self._classify(moment, dossier["due_at"]))
            elif procedure_step.order > 1:
                status = S.IN_PROGRESS
            window = clock.hours_between(moment, step_due)
            finished = min(clock.after(moment, rng.betavariate(2, 5) * window), step_due)
            handling = procedure_step.kind == "handle"
            if handling and supplement:
                paused = clock.after(moment, rng.uniform(0.05, 0.6) * window)
                answered = clock.after(paused, rng.uniform(0.5, 8) * clock.day_hours)
                rows.append((Slip, self._slip(dossier, Slip.Kind.SUPPLEMENT, unit, paused, answered)))
                if answered > self.now:
                    dossier.update(status=S.SUPPLEMENT_REQUESTED, paused_at=paused)
                    return self._open_at(rows, dossier, step)
                extend = clock.calendar.extend_by_pause
                step_due = step["due_at"] = extend(step_due, paused, answered)
                dossier["due_at"] = extend(dossier["due_at"], paused, answered)
                dossier["appointment_at"] = extend(dossier["appointment_at"], paused, answered)
                finished = min(clock.after(answered, rng.betavariate(2, 5) * window), step_due)
            if handling and closing:
                finished = clock.after(moment, rng.uniform(0.1, 0.9) * window)
            if handling and apology:
                finished = self._apology(rows, dossier, clock, unit, moment, finished, step_due, late)
                if finished is None:  # the late unit is still working on it
                    return self._open_at(rows, dossier, step)
            elif handling and late:
                finished = clock.after(dossier["due_at"], rng.uniform(0.25, 2.5) * clock.day_hours)
            if finished > self.now:
                dossier["status"] = status
                return self._open_at(rows, dossier, step)
            step.update(finished_at=finished, outcome=self._classify(finished, step["due_at"]),
                        finished_by_id=self._member_of(unit.pk, finished))  # fmt: skip
            moment = finished
            if handling and closing:
                if closing == S.REFUSED:
                    rows.append((Slip, self._slip(dossier, Slip.Kind.REFUSAL, unit, finished, None)))
                step["note"] = rng.choice(REFUSAL_REASONS) if closing == S.REFUSED else "Công dân xin rút hồ sơ."
                dossier.update(status=closing, closed_at=finished)
                return rows
        dossier.update(status=S.RETURNED, returned_at=moment, closed_at=moment)
        if rng.random() < 0.4:
            rated = moment + dt.timedelta(hours=rng.randint(1, 72))
            if rated < self.now:
                rows.append((Rating, self._rating(dossier, rated)))
        return rows

    def _open_at(self, rows, dossier: dict, step: dict) -> list[tuple[type, dict]]:
        """The dossier is open at `step` now."""
        dossier.update(current_step_id=step["id"], current_unit_id=step["unit_id"], current_due_at=step["due_at"])
        if dossier["status"] == S.RECEIVED and step["order"] > 1:
            dossier["status"] = S.IN_PROGRESS
        return rows

    def _apology(self, rows, dossier, clock, unit, started, finished, step_due, late) -> dt.datetime | None:
        """BM.04 drafted during the late step (a working day or more before the legal due time when the step
        leaves room for it) and signed by the head of the late unit; the appointment moves once. Returns when
        the step finishes (None: not yet)."""
        rng, due = self.rng, dossier["due_at"]
        room = clock.hours_between(started, due) - clock.day_hours
        drafted = clock.after(started, rng.uniform(0.05, 0.9) * max(room, 0.5))
        signer_unit, signer = self._signer(self.units[unit.pk])
        approved = clock.after(drafted, rng.uniform(0.25, 3))
        proposed = clock.days(due, rng.choice([1, 1, 2, 2, 3, 5]))
        if late:
            kept = rng.random() < 0.85  # most late units keep the new promise
            overrun = clock.hours_between(due, proposed) * (rng.uniform(0.2, 0.9) if kept else 1) + (
                0 if kept else rng.uniform(0.5, 8)
            )
            finished = clock.after(due, overrun)
        else:  # caught up: finished within the step's own budget, after the signature
            catching_up = max(finished, clock.after(approved, 0.25))
            if catching_up > step_due:  # no room to catch up: the unit was never behind after all
                return finished if finished <= self.now else None
            finished = catching_up
        if drafted > self.now or drafted >= finished:
            return finished if finished <= self.now else None
        reason = rng.choice(APOLOGY_REASONS)
        apology = {
            "id": self._id(Apology), "dossier_id": dossier["id"], "unit_id": signer_unit.pk, "number": "",
            "status": Apology.Status.DRAFT, "reason": reason, "original_appointment_at": dossier["appointment_at"],
            "proposed_appointment_at": proposed, "drafted_at": drafted,
        }  # fmt: skip
        if approved <= self.now and approved < finished:
            year = self._local(approved).year
            number = self._number(f"slip:apology:{signer_unit.pk}:{year}")
            apology.update(
                status=Apology.Status.APPROVED, number=f"{number:02d}/PXL-{signer_unit.symbol or 'UBND'}",
                new_appointment_at=proposed, approved_by_id=signer, approved_at=approved,
            )  # fmt: skip
            dossier.update(appointment_at=proposed, rescheduled=True)
        rows.append((Apology, apology))
        return finished if finished <= self.now else None

    def _slip(self, dossier: dict, kind: str, unit: Unit, issued: dt.datetime, answered) -> dict:
        year = self._local(issued).year  # numbered by year as the services do: each year's series starts at 01
        number = self._number(f"slip:{kind}:{unit.pk}:{year}")
        supplement = kind == Slip.Kind.SUPPLEMENT
        return {
            "id": self._id(Slip), "dossier_id": dossier["id"], "kind": kind, "unit_id": unit.pk, "year": year,
            "number": f"{number:02d}/{Slip.SUFFIX[kind]}-{unit.symbol or 'UBND'}",
            "issued_by_id": self._member_of(unit.pk, issued), "issued_at": issued,
            "items": self.rng.choice(SUPPLEMENT_ITEMS) if supplement else "",
            "reason": "Hồ sơ chưa đủ thành phần theo quy định." if supplement else self.rng.choice(REFUSAL_REASONS),
            "answered_at": answered if supplement and answered <= self.now else None,
        }  # fmt: skip

    def _payment(self, procedure: Procedure, channel: str) -> str:
        if not procedure.fee_vnd:
            return Dossier.Payment.NOT_REQUIRED
        online = channel == Dossier.Channel.ONLINE and self.rng.random() < 0.6
        return Dossier.Payment.PAID_ONLINE if online else Dossier.Payment.PAID_AT_DESK

    def _rating(self, dossier: dict, moment: dt.datetime) -> dict:
        """A citizen's rating some hours after the result, mostly satisfied (the seeds report 99.42 %)."""
        level = lambda: self.rng.choices(RATING_LEVELS, RATING_WEIGHTS)[0]  # noqa: E731
        return {"id": self._id(Rating), "dossier_id": dossier["id"], "overall": level(), "politeness": level(),
                "timeliness": level(), "comment": "", "created_at": moment}  # fmt: skip

    def _classify(self, finished: dt.datetime, due: dt.datetime) -> str:
        """services.classify without Django's time-zone lookups (a million calls)."""
        if finished > due:
            return Outcome.LATE
        return Outcome.EARLY if self._local(finished).date() < self._local(due).date() else Outcome.ON_TIME

    # --- feedback -------------------------------------------------------------------------------------------

    def write_feedback_batch(self, size: int) -> None:
        """Feedback over the same window: answered by a commune's unit in office hours (nearly all on time),
        some published and rated, a few forwarded outside (not answered), the recent rest still open."""
        rows, ratings = [], []
        for _ in range(size):
            row = self._feedback()
            rows.append(row)
            if row.get("answered_at") and row["channel"] == Feedback.Channel.WEB and self.rng.random() < 0.5:
                rated = row["answered_at"] + dt.timedelta(hours=5)
                if rated < self.now:
                    ratings.append({"id": self._id(FeedbackRating), "feedback_id": row["id"], "comment": "",
                                    "level": self.rng.choices(RATING_LEVELS, RATING_WEIGHTS)[0],
                                    "rated_at": rated})  # fmt: skip
        with transaction.atomic():
            fast_insert(Feedback, rows)
            fast_insert(FeedbackRating, ratings)

    def _feedback(self) -> dict:
        rng, category = self.rng, self.rng.choice(self.categories)
        clock = self.clocks[self.desks[0].pk]
        received = self._office_moment(clock)
        day = self._local(received).strftime("%y%m%d")
        code = f"PA-{day}-{self._number(f'feedback:{day}'):04d}"
        title = rng.choice(FEEDBACK_TITLES[category.group])
        due = clock.days(received, float(category.answer_days))
        row = {
            "id": self._id(Feedback), "code": code, "channel": rng.choice(FEEDBACK_CHANNELS),
            "category_id": category.pk, "title": title, "content": f"{title}. Đề nghị cơ quan xem xét, trả lời.",
            "address": "", "contact_name": self._person(), "contact_phone": f"09{rng.randrange(10**7, 10**8)}",
            "contact_email": "", "open311_device_id": "", "status": Feedback.Status.RECEIVED, "received_at": received,
            "receiving_unit_id": self.centre.pk, "classify_due_at": received + dt.timedelta(days=7), "due_at": due,
            "forwarded_to": "", "answer": "", "is_public": False, "reopen_reason": "", "updated_at": self.now,
            "search_key": fold(f"{code} {title}"),
        }  # fmt: skip
        classified = clock.after(received, rng.uniform(0.05, 2))
        if classified > self.now:
            return row  # still waiting for the operator to classify it
        if rng.random() < 0.05:  # not ours: forwarded to the competent agency (which is not an answer)
            row.update(status=Feedback.Status.FORWARDED, forwarded_to="Công an tỉnh", forwarded_at=classified)
            return row
        window = clock.hours_between(received, due)
        answered = clock.after(received, window * rng.betavariate(2, 4) * (1.6 if rng.random() < 0.06 else 1))
        row.update(assigned_unit_id=rng.choice(self.feedback_units).pk, assigned_at=classified,
                   status=Feedback.Status.ASSIGNED)  # fmt: skip
        if answered > self.now:
            return row
        public = rng.random() < 0.6
        row.update(status=Feedback.Status.ANSWERED, answered_at=answered, answered_on_time=answered <= due,
                   answered_by_id=self._member_of(row["assigned_unit_id"], answered),
                   answer="Cơ quan đã tiếp thu, trả lời và hướng dẫn công dân thực hiện theo quy định.",
                   is_public=public, published_at=answered if public else None)  # fmt: skip
        return row

    # --- afterwards -----------------------------------------------------------------------------------------

    def save_counters(self) -> None:
        """Live counters continue after the generated numbers, so real receipts never reuse a code."""
        reset_id_sequences(Dossier, DossierStep, Rating, Slip, Apology, Feedback, FeedbackRating)
        with transaction.atomic():  # in bulk: thousands of daily keys (one query each would take seconds)
            stored = dict(Sequence.objects.filter(key__regex=COUNTER_KEYS).values_list("key", "last"))
            Sequence.objects.bulk_create(
                [Sequence(key=key, last=last) for key, last in self.counters.items() if key not in stored],
                batch_size=500, ignore_conflicts=True,
            )  # fmt: skip
            for key, last in self.counters.items():
                if key in stored and stored[key] < last:
                    set_at_least(key, last)
