"""Generate a realistic province-year of dossiers for benchmarks and the demo dashboards.

Dossiers are spread over the communes' desks and the demo catalogue, received in office hours over the chosen number
of days, each with its BM.05 step rows; most are returned (a few late), the rest are in every open status.
Codes and tracking-book numbers follow the real format and continue the live counters afterwards.
"""

import datetime as dt
import random
import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.calendar.selectors import calendar_for_unit
from apps.core.text import fold
from apps.dossiers.models import Dossier, DossierStep, Outcome, Rating, Sequence
from apps.dossiers.services import publish_tracking_many
from apps.feedback.models import Category, Feedback, FeedbackRating
from apps.org import selectors as org
from apps.org.models import Membership, Unit
from apps.procedures.models import Procedure
from apps.stats import services as stats

S = Dossier.Status
STATUS_WEIGHTS = [(S.RETURNED, 86), (S.IN_PROGRESS, 5), (S.READY, 2), (S.SUPPLEMENT_REQUESTED, 1),
                  (S.SUBMITTED, 2), (S.REFUSED, 2), (S.WITHDRAWN, 2)]  # fmt: skip
CHANNELS = ["online", "online", "desk", "desk", "desk", "post"]
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
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Nga",
         "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]  # fmt: skip


class Command(BaseCommand):
    help = "Sinh dữ liệu hồ sơ giả lập để đo hiệu năng. Generate load data (dossiers with their steps)."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=10_000)
        parser.add_argument("--days", type=int, default=365, help="spread over this many days up to now")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=10_000)
        parser.add_argument("--feedback", type=int, default=0, help="also this many feedback items (hotline, web)")

    def handle(self, *args, dossiers: int, days: int, seed: int, batch: int, feedback: int, **options):
        desks = list(Unit.objects.filter(kind=Unit.Kind.ONE_STOP_DESK, is_active=True).select_related("parent"))
        procedures = list(Procedure.objects.filter(is_active=True, level=Unit.Level.COMMUNE).prefetch_related("steps"))
        if not desks or not procedures:
            raise CommandError("Chưa có tỉnh mẫu: chạy `manage.py load_demo` trước.")
        generator = Generator(random.Random(seed), desks, procedures, days)
        started, made = time.perf_counter(), 0
        try:
            while made < dossiers:
                size = min(batch, dossiers - made)
                generator.write_batch(size)
                made += size
                rate = made / (time.perf_counter() - started)
                self.stdout.write(f"\r{made:,}/{dossiers:,} hồ sơ ({rate:,.0f}/s)", ending="")
                self.stdout.flush()
            made_feedback = 0
            while made_feedback < feedback:
                size = min(batch, feedback - made_feedback)
                generator.write_feedback_batch(size)
                made_feedback += size
                self.stdout.write(f"\r{made_feedback:,}/{feedback:,} phản ánh", ending="")
                self.stdout.flush()
        finally:  # even after a failure, the live counters continue after what was written and the counts match it
            generator.save_counters()
            self.stdout.write("\nTính lại số liệu tổng hợp theo ngày…")
            stats.rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"\nĐã sinh {made:,} hồ sơ, {feedback:,} phản ánh trong {elapsed:.0f} s."))


def _columns(model) -> tuple[list[str], set[int]]:
    fields = list(model._meta.concrete_fields)
    return [f.attname for f in fields], {i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"}


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime: naive UTC text."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def fast_insert(model, rows: list[dict]) -> None:
    """Insert plain dicts (attname → value) with executemany on SQLite or COPY on PostgreSQL."""
    if not rows:
        return
    names, datetimes = _columns(model)
    adapt = _sqlite_datetime if connection.vendor == "sqlite" else (lambda value: value)
    values = []
    for row in rows:
        record = [row.get(name) for name in names]
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


class Generator:
    def __init__(self, rng: random.Random, desks: list[Unit], procedures: list[Procedure], days: int):
        self.rng, self.desks, self.procedures = rng, desks, procedures
        self.steps = {p.pk: sorted(p.steps.all(), key=lambda s: s.order) for p in procedures}
        self.calendars = {desk.pk: calendar_for_unit(desk) for desk in desks}
        self.agency = {desk.pk: org.agency_code_of(desk.parent) for desk in desks}
        self.step_units = self._step_units()
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.start = self.now - dt.timedelta(days=days)
        self.next_dossier_id = Dossier.objects.aggregate(top=Max("pk"))["top"] or 0
        self.next_step_id = DossierStep.objects.aggregate(top=Max("pk"))["top"] or 0
        self.next_rating_id = Rating.objects.aggregate(top=Max("pk"))["top"] or 0
        self.next_feedback_id = Feedback.objects.aggregate(top=Max("pk"))["top"] or 0
        self.next_feedback_rating_id = FeedbackRating.objects.aggregate(top=Max("pk"))["top"] or 0
        self.categories = list(Category.objects.filter(is_active=True))
        self.centre = Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTRE).order_by("path").first()
        self.feedback_units = [desk.parent for desk in desks] + [
            child for desk in desks for child in desk.parent.children.all() if child.kind == Unit.Kind.DEPARTMENT
        ]
        self.statuses, self.weights = [s for s, _w in STATUS_WEIGHTS], [w for _s, w in STATUS_WEIGHTS]
        self.members: dict[int, list[int]] = defaultdict(list)  # who receives at each desk, who answers in each unit
        for unit_id, user_id in Membership.objects.filter(user__is_active=True).values_list("unit_id", "user_id"):
            self.members[unit_id].append(user_id)
        self.codes: dict[str, int] = defaultdict(int)
        self.books: dict[str, int] = defaultdict(int)
        for key, last in Sequence.objects.filter(key__startswith="dossier:").values_list("key", "last"):
            self.codes[key] = last
        for key, last in Sequence.objects.filter(key__startswith="feedback:").values_list("key", "last"):
            self.codes[key] = last
        for key, last in Sequence.objects.filter(key__startswith="book:").values_list("key", "last"):
            self.books[key] = last

    def _step_units(self) -> dict[tuple[int, str], Unit]:
        """Each commune's divisions by symbol, so that no step needs a query."""
        units = {}
        for desk in self.desks:
            commune = desk.parent
            units[(commune.pk, "")] = commune
            for child in commune.children.all():
                units[(commune.pk, child.symbol)] = child
        return units

    def _moment(self) -> dt.datetime:
        """A random moment in office hours of a working day in the window (local time)."""
        span = (self.now - self.start).total_seconds()
        while True:
            moment = (self.start + dt.timedelta(seconds=self.rng.random() * span)).astimezone(self.tz)
            calendar = self.calendars[self.desks[0].pk]
            if calendar.is_working_day(moment.date()) and (7 <= moment.hour < 11 or 13 <= moment.hour < 17):
                return moment

    def _person(self) -> str:
        rng = self.rng
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def write_batch(self, size: int) -> None:
        """Rows are plain dicts written with executemany (SQLite) or COPY (PostgreSQL): building a million model
        objects and letting bulk_create prepare each value costs ten times as much."""
        dossiers, steps, ratings = [], [], []
        for _ in range(size):
            dossier, plan = self._dossier()
            self.next_dossier_id += 1
            dossier["id"] = self.next_dossier_id
            for step in plan:
                self.next_step_id += 1
                step["id"], step["dossier_id"] = self.next_step_id, dossier["id"]
            if plan and dossier["status"] in Dossier.OPEN_STATUSES:
                current = plan[-1]
                dossier.update(
                    current_step_id=current["id"], current_unit_id=current["unit_id"], current_due_at=current["due_at"]
                )
            dossiers.append(dossier)
            steps.extend(plan)
            if dossier["status"] == S.RETURNED and self.rng.random() < 0.4:
                ratings.append(self._rating(dossier))
        with transaction.atomic():
            fast_insert(Dossier, dossiers)
            fast_insert(DossierStep, steps)
            fast_insert(Rating, ratings)
            publish_tracking_many([dossier["id"] for dossier in dossiers])

    def _dossier(self) -> tuple[dict, list[dict]]:
        rng = self.rng
        desk = rng.choice(self.desks)
        procedure = rng.choice(self.procedures)
        calendar = self.calendars[desk.pk]
        received = self._moment()
        status = rng.choices(self.statuses, self.weights)[0]
        agency, day = self.agency[desk.pk], received.strftime("%y%m%d")
        code_key, book_key = f"dossier:{agency}:{day}", f"book:{desk.pk}:{received.year}"
        self.codes[code_key] += 1
        self.books[book_key] += 1
        name = self._person()
        code = f"{agency}-{day}-{self.codes[code_key]:04d}"
        channel = rng.choice(CHANNELS)
        dossier = {
            "code": code, "procedure_id": procedure.pk, "filing_unit_id": desk.parent_id, "desk_id": desk.pk,
            "channel": channel, "status": status, "applicant_kind": "person", "applicant_name": name,
            "applicant_id_number": str(rng.randrange(10**11, 10**12)),
            "applicant_phone": f"09{rng.randrange(10**7, 10**8)}",
            "applicant_email": "", "applicant_address": f"Thôn {rng.randint(1, 20)}, {desk.parent.short_name}",
            "representative": "", "request_summary": "", "home_service": rng.random() < 0.01,
            "home_service_address": "", "sets": 1, "fee_vnd": procedure.fee_vnd,
            "payment": self._payment(procedure, channel),
            "delivery": Dossier.Delivery.DESK, "submitted_at": received, "rescheduled": False, "outcome": "",
            "book_volume": received.year, "book_entry": self.books[book_key],
            "search_key": fold(f"{code} {name}"), "updated_at": self.now,
        }  # fmt: skip
        if status == S.SUBMITTED:
            return dossier, []
        appointment = self._add(calendar, received, procedure.time_limit, procedure.time_unit)
        dossier.update(received_at=received, appointment_at=appointment, original_appointment_at=appointment,
                       received_by_id=self._member_of(desk.pk))  # fmt: skip
        plan, moment = [], received
        slow = rng.random() < 0.05  # a few dossiers overrun every step
        steps = self.steps[procedure.pk]
        open_at = {S.IN_PROGRESS: rng.randint(1, len(steps) - 2), S.SUPPLEMENT_REQUESTED: 1,
                   S.READY: len(steps) - 1}.get(status)  # fmt: skip
        for procedure_step in steps:
            if procedure_step.kind in ("receive", "return"):
                unit_id = desk.pk
            else:
                unit_id = self.step_units.get((desk.parent_id, procedure_step.division_symbol), desk.parent).pk
            due = self._add(calendar, moment, procedure_step.budget, procedure_step.budget_unit)
            step = {"procedure_step_id": procedure_step.pk, "order": procedure_step.order, "kind": procedure_step.kind,
                    "name": procedure_step.name, "unit_id": unit_id, "role": procedure_step.role,
                    "started_at": moment, "due_at": due, "outcome": "", "note": ""}  # fmt: skip
            plan.append(step)
            if open_at is not None and procedure_step.order - 1 == open_at:
                break
            closing = status in (S.REFUSED, S.WITHDRAWN) and procedure_step.order == 2
            share = rng.random() if closing else rng.betavariate(2, 5) * (2.5 if slow else 1.0)
            finished = min(moment + (due - moment) * share, self.now)
            step.update(
                finished_at=finished, outcome=self._classify(finished, due), finished_by_id=self._member_of(unit_id)
            )
            moment = finished
            if closing:
                dossier["closed_at"] = finished
                break
            if procedure_step.kind == "return":
                dossier["returned_at"] = dossier["closed_at"] = finished
        if status in (S.RETURNED, S.READY):
            ready = plan[-1]["started_at"]
            dossier.update(ready_at=ready, outcome=self._classify(ready, appointment))
        if status == S.SUPPLEMENT_REQUESTED:
            dossier["paused_at"] = plan[-1]["started_at"]
        return dossier, plan

    def _payment(self, procedure: Procedure, channel: str) -> str:
        if not procedure.fee_vnd:
            return Dossier.Payment.NOT_REQUIRED
        online = channel == Dossier.Channel.ONLINE and self.rng.random() < 0.6
        return Dossier.Payment.PAID_ONLINE if online else Dossier.Payment.PAID_AT_DESK

    def _rating(self, dossier: dict) -> dict:
        """A citizen's rating some hours after the result, mostly satisfied (the seeds report 99.42 %)."""
        self.next_rating_id += 1
        level = lambda: self.rng.choices(RATING_LEVELS, RATING_WEIGHTS)[0]  # noqa: E731
        moment = min(dossier["returned_at"] + dt.timedelta(hours=self.rng.randint(1, 72)), self.now)
        return {"id": self.next_rating_id, "dossier_id": dossier["id"], "overall": level(), "politeness": level(),
                "timeliness": level(), "comment": "", "created_at": moment}  # fmt: skip

    def write_feedback_batch(self, size: int) -> None:
        """Feedback over the same window: most answered by a commune's unit (nearly all on time), some published
        and rated, a few forwarded outside, the rest still open."""
        rows, ratings = [], []
        for _ in range(size):
            row = self._feedback()
            rows.append(row)
            if row.get("answered_at") and row["channel"] == Feedback.Channel.WEB and self.rng.random() < 0.5:
                self.next_feedback_rating_id += 1
                ratings.append({"id": self.next_feedback_rating_id, "feedback_id": row["id"], "comment": "",
                                "level": self.rng.choices(RATING_LEVELS, RATING_WEIGHTS)[0],
                                "rated_at": min(row["answered_at"] + dt.timedelta(hours=5), self.now)})  # fmt: skip
        with transaction.atomic():
            fast_insert(Feedback, rows)
            fast_insert(FeedbackRating, ratings)

    def _feedback(self) -> dict:
        rng, category = self.rng, self.rng.choice(self.categories)
        received = self._moment()
        day = received.strftime("%y%m%d")
        self.codes[f"feedback:{day}"] += 1
        self.next_feedback_id += 1
        code = f"PA-{day}-{self.codes[f'feedback:{day}']:04d}"
        title = rng.choice(FEEDBACK_TITLES[category.group])
        due = self.calendars[self.desks[0].pk].add_working_days(received, float(category.answer_days))
        row = {
            "id": self.next_feedback_id, "code": code, "channel": rng.choice(FEEDBACK_CHANNELS),
            "category_id": category.pk, "title": title, "content": f"{title}. Đề nghị cơ quan xem xét, trả lời.",
            "address": "", "contact_name": self._person(), "contact_phone": f"09{rng.randrange(10**7, 10**8)}",
            "contact_email": "", "open311_device_id": "", "status": Feedback.Status.RECEIVED, "received_at": received,
            "receiving_unit_id": self.centre.pk, "classify_due_at": received + dt.timedelta(days=7), "due_at": due,
            "forwarded_to": "", "answer": "", "is_public": False, "reopen_reason": "", "updated_at": self.now,
            "search_key": fold(f"{code} {title}"),
        }  # fmt: skip
        fate = rng.random()
        if (due < self.now and fate < 0.97) or fate < 0.8:
            answered = received + (due - received) * (rng.betavariate(2, 4) * (1.6 if rng.random() < 0.06 else 1))
            answered = min(answered, self.now)
            public = rng.random() < 0.6
            row.update(status=Feedback.Status.ANSWERED, answered_at=answered, answered_on_time=answered <= due,
                       answer="Cơ quan đã tiếp thu, trả lời và hướng dẫn công dân thực hiện theo quy định.",
                       is_public=public, published_at=answered if public else None)  # fmt: skip
            if rng.random() < 0.05:
                row.update(status=Feedback.Status.FORWARDED, forwarded_to="Công an tỉnh", forwarded_at=answered,
                           is_public=False, published_at=None)  # fmt: skip
                return row
        if row["status"] == Feedback.Status.RECEIVED and rng.random() < 0.3:
            return row  # still waiting for the operator to classify it
        row.update(assigned_unit_id=rng.choice(self.feedback_units).pk, assigned_at=received)
        if row.get("answered_at"):
            row["answered_by_id"] = self._member_of(row["assigned_unit_id"])
        if row["status"] == Feedback.Status.RECEIVED:
            row["status"] = Feedback.Status.ASSIGNED
        return row

    def _member_of(self, unit_id: int) -> int | None:
        return self.rng.choice(self.members[unit_id]) if self.members[unit_id] else None

    def _classify(self, finished: dt.datetime, due: dt.datetime) -> str:
        """services.classify without Django's time-zone lookups (a million calls)."""
        if finished > due:
            return Outcome.LATE
        return (
            Outcome.EARLY if finished.astimezone(self.tz).date() < due.astimezone(self.tz).date() else Outcome.ON_TIME
        )

    @staticmethod
    def _add(calendar, moment, amount, unit):
        if unit == Procedure.TimeUnit.WORKING_HOURS:
            return calendar.add_working_hours(moment, float(amount))
        return calendar.add_working_days(moment, float(amount))

    def save_counters(self) -> None:
        reset_id_sequences(Dossier, DossierStep, Rating, Feedback, FeedbackRating)
        """Live counters continue after the generated numbers, so real receipts never reuse a code."""
        with transaction.atomic():
            for key, last in {**self.codes, **self.books}.items():
                sequence, _created = Sequence.objects.get_or_create(key=key)
                if sequence.last < last:
                    Sequence.objects.filter(pk=sequence.pk).update(last=last)
