"""Generate tasks and report submissions for the leader's follow-up benchmark (issue 12, point 10): `--tasks` tasks
given by the demo province's leaders (the province chairman to every unit under the committee, commune chairmen to
their divisions, department heads to their officers) over `--days` up to now, open, late, finished early, on time or
late and some extended, spread over units and people; and `--submissions` report submissions of the province's
monthly report requests to its departments and communes, with Decree 09/2019 figures periods, most on time, some
late, some missing, the open cycles in draft.

Written in bulk with the models, keeping the services' rules: each task has its ASSIGNED event (and its COMPLETED
event when done); deadlines and due moments come from the work app's clock (apps.work.services.common, cached per unit
and day); outcomes from apps.calendar.selectors.timeliness. ANALYZE (VACUUM ANALYZE on PostgreSQL) after.

    manage.py generate_work_load --tasks 200000 --submissions 50000
"""

import datetime as dt
import random
import time
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from apps.calendar.selectors import legal_calendar_for_unit, timeliness
from apps.core.audit import record_event
from apps.demo.exchange import DEMO_AGENCY_ID
from apps.demo.work import decree_09_period
from apps.org.models import Membership, Role, Unit, User
from apps.org.selectors import user_has_role
from apps.work.models import (
    ExtensionRequest,
    PeriodKind,
    ReportCycle,
    ReportField,
    ReportRequest,
    ReportSubmission,
    Task,
    TaskEvent,
)
from apps.work.services.common import end_of_working_day, previous_working_day

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TITLES = ["Báo cáo tình hình thực hiện", "Rà soát, tham mưu xử lý", "Kiểm tra, đôn đốc tiến độ",
          "Tổng hợp số liệu", "Tham mưu văn bản trả lời", "Xây dựng kế hoạch triển khai", "Giải quyết dứt điểm",
          "Chuẩn bị nội dung họp"]  # fmt: skip
SUBJECTS = ["cải cách hành chính", "chuyển đổi số", "giải phóng mặt bằng", "thu ngân sách", "đầu tư công",
            "phòng, chống thiên tai", "nông thôn mới", "an toàn thực phẩm", "hộ nghèo", "đơn thư tồn đọng",
            "trật tự xây dựng", "vệ sinh môi trường", "tuyển dụng công chức", "cấp giấy chứng nhận"]  # fmt: skip
OPEN_LATE_SHARE = 0.12  # of the tasks past their deadline: still open
EXTENDED_SHARE = 0.05
LATE_SUBMISSION_SHARE, MISSING_SHARE = 0.1, 0.04


class Generator:
    def __init__(self, rng: random.Random, now: dt.datetime, days: int):
        self.rng, self.now, self.days = rng, now, days
        self.root = Unit.objects.filter(agency_code=DEMO_AGENCY_ID).first()
        if self.root is None:
            raise CommandError("Chưa có tỉnh mẫu: chạy `manage.py load_demo` trước.")
        self.units = {u.pk: u for u in Unit.objects.filter(path__startswith=self.root.path, is_active=True)}
        self.members: dict[int, list[int]] = defaultdict(list)
        self.heads: dict[int, int] = {}
        leaders = self._leaders()
        for unit_id, user_id, is_head in Membership.objects.filter(
            end_date__isnull=True, unit_id__in=self.units, user__is_active=True
        ).values_list("unit_id", "user_id", "is_head"):
            self.members[unit_id].append(user_id)
            if is_head and user_id in leaders:
                self.heads[unit_id] = user_id
        self.givers = self._givers()
        self._due: dict[tuple[int, dt.date], dt.datetime] = {}
        self._remind: dict[tuple[int, dt.date], dt.date] = {}
        self.calendars = {pk: legal_calendar_for_unit(unit) for pk, unit in self.units.items()}

    def _leaders(self) -> set[int]:
        """The heads who hold the leader role (only they give tasks: apps.work.selectors.scope)."""
        heads = Membership.objects.filter(is_head=True, end_date__isnull=True, unit_id__in=self.units)
        users = User.objects.filter(is_active=True, pk__in=heads.values("user_id"))
        return {user.pk for user in users if user_has_role(user, Role.UNIT_LEADER)}

    def _givers(self) -> list[tuple[int, int, list[int], float]]:
        """(leader, their unit, the units they give tasks to, weight): the province chairman to every unit under the
        committee (half of the tasks), each head to the units under theirs or to their own officers."""
        below = defaultdict(list)
        for unit in self.units.values():
            for other in self.units.values():
                if other.pk != unit.pk and other.path.startswith(unit.path):
                    below[unit.pk].append(other.pk)
        givers = []
        for unit_id, head in self.heads.items():
            targets = below[unit_id] or [unit_id]
            weight = 50.0 if unit_id == self.root.pk else 1.0
            givers.append((head, unit_id, targets, weight))
        if not any(g[1] == self.root.pk for g in givers):
            raise CommandError("Tỉnh mẫu chưa có Chủ tịch UBND tỉnh.")
        total = sum(g[3] for g in givers if g[1] != self.root.pk)
        return [(h, u, t, w if u == self.root.pk else 50.0 * w / total) for h, u, t, w in givers]

    # ---- the clock, cached per unit and day ----------------------------------------------------------------------

    def working_on_or_before(self, unit_id: int, day: dt.date) -> dt.date:
        calendar = self.calendars[unit_id]
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def working_on_or_after(self, unit_id: int, day: dt.date) -> dt.date:
        calendar = self.calendars[unit_id]
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def due(self, unit_id: int, day: dt.date) -> dt.datetime:
        key = (unit_id, day)
        if key not in self._due:
            self._due[key] = end_of_working_day(self.units[unit_id], day)
        return self._due[key]

    def remind_on(self, unit_id: int, day: dt.date) -> dt.date:
        key = (unit_id, day)
        if key not in self._remind:
            self._remind[key] = previous_working_day(self.units[unit_id], day)
        return self._remind[key]

    def moment(self, unit_id: int, day: dt.date) -> dt.datetime:
        day = self.working_on_or_after(unit_id, day)
        return dt.datetime.combine(day, dt.time(self.rng.choice([8, 9, 10, 14, 15, 16]), self.rng.randrange(60)),
                                   tzinfo=TZ)  # fmt: skip

    # ---- tasks -----------------------------------------------------------------------------------------------------

    def write_tasks(self, size: int) -> None:
        weights = [g[3] for g in self.givers]
        start = timezone.localtime(self.now).date() - dt.timedelta(days=self.days)
        tasks, fates = [], []
        for _ in range(size):
            head, giver_unit, targets, _weight = self.rng.choices(self.givers, weights)[0]
            unit_id = self.rng.choice(targets)
            assigned = self.moment(giver_unit, start + dt.timedelta(days=self.rng.randrange(self.days)))
            if assigned >= self.now:
                assigned = self.now - dt.timedelta(hours=self.rng.randint(1, 48))
            people = [p for p in self.members[unit_id] if p != head]
            assignee = self.rng.choice(people) if people and self.rng.random() < 0.6 else None
            deadline = self.working_on_or_before(unit_id, assigned.date() + dt.timedelta(days=self.rng.randint(4, 40)))
            if deadline <= assigned.date():
                deadline = self.working_on_or_after(unit_id, assigned.date() + dt.timedelta(days=1))
            task = Task(
                title=f"{self.rng.choice(TITLES)} về {self.rng.choice(SUBJECTS)}", source=Task.Source.DIRECT,
                priority=self.rng.choice(list(Task.Priority)), assigned_by_id=head, assigner_unit_id=giver_unit,
                assigned_at=assigned, unit_id=unit_id, assignee_id=assignee, original_deadline=deadline,
                original_due_at=self.due(unit_id, deadline), deadline=deadline, due_at=self.due(unit_id, deadline),
                remind_on=self.remind_on(unit_id, deadline),
            )  # fmt: skip
            fates.append(self.live(task))
            tasks.append(task)
        with transaction.atomic():
            Task.objects.bulk_create(tasks, batch_size=2000)
            events, extensions = [], []
            for task, (holder, extension) in zip(tasks, fates, strict=True):
                events.append(TaskEvent(task_id=task.pk, kind=TaskEvent.Kind.ASSIGNED, actor_id=task.assigned_by_id,
                                        at=task.assigned_at, new_due_at=task.original_due_at))  # fmt: skip
                if extension is not None:
                    extension.task_id = task.pk
                    extensions.append(extension)
                    events.append(TaskEvent(task_id=task.pk, kind=TaskEvent.Kind.EXTENSION_APPROVED,
                                            actor_id=task.assigned_by_id, at=extension.decided_at,
                                            old_due_at=task.original_due_at, new_due_at=task.due_at))  # fmt: skip
                if task.completed_at is not None:
                    events.append(TaskEvent(task_id=task.pk, kind=TaskEvent.Kind.COMPLETED, actor_id=holder,
                                            at=task.completed_at, progress=100))  # fmt: skip
            TaskEvent.objects.bulk_create(events, batch_size=5000)
            ExtensionRequest.objects.bulk_create(extensions, batch_size=2000)

    def live(self, task: Task) -> tuple[int | None, ExtensionRequest | None]:
        """Extension, completion (judged against the deadline in force) and acceptance, up to now."""
        holder = task.assignee_id or self.heads.get(task.unit_id) or task.assigned_by_id
        extension = None
        asked = task.original_due_at - dt.timedelta(days=2)
        if self.rng.random() < EXTENDED_SHARE and task.assigned_at < asked and asked + dt.timedelta(hours=4) < self.now:
            day = self.working_on_or_before(task.unit_id, task.original_deadline + dt.timedelta(days=10))
            extension = ExtensionRequest(
                requested_by_id=holder, requested_at=asked, reason="Cần thêm thời gian phối hợp.",
                proposed_deadline=day, status=ExtensionRequest.Status.APPROVED, decided_by_id=task.assigned_by_id,
                decided_at=asked + dt.timedelta(hours=4), granted_deadline=day,
            )  # fmt: skip
            task.deadline, task.due_at, task.extended = day, self.due(task.unit_id, day), True
            task.remind_on = self.remind_on(task.unit_id, day)
        due_day = timezone.localtime(task.due_at).date()
        if task.due_at < self.now and self.rng.random() < OPEN_LATE_SHARE:
            finished = None
        else:
            roll = self.rng.random()
            if roll < 0.3:
                span = max((due_day - task.assigned_at.date()).days, 1)
                finished = self.moment(task.unit_id, task.assigned_at.date() + dt.timedelta(self.rng.randrange(span)))
            elif roll < 0.8:
                finished = self.moment(task.unit_id, due_day)
            else:
                finished = self.moment(task.unit_id, due_day + dt.timedelta(days=self.rng.randint(1, 15)))
            if not task.assigned_at < finished <= self.now:
                finished = None
        if finished is None:
            task.status = Task.Status.IN_PROGRESS if self.rng.random() < 0.7 else Task.Status.ASSIGNED
            task.progress = self.rng.choice([0, 20, 50, 80]) if task.status == Task.Status.IN_PROGRESS else 0
            if task.due_at < self.now:
                task.late_notice_sent_at = min(self.now, task.due_at + dt.timedelta(hours=14))
            return holder, extension
        task.completed_at, task.progress, task.outcome = finished, 100, timeliness(finished, task.due_at)
        task.status, task.product = Task.Status.COMPLETED, "Báo cáo kết quả thực hiện."
        accepted = finished + dt.timedelta(days=1)
        if accepted <= self.now:
            task.status, task.accepted_by_id, task.accepted_at = Task.Status.ACCEPTED, task.assigned_by_id, accepted
        return holder, extension

    # ---- report submissions ------------------------------------------------------------------------------------

    def write_submissions(self, total: int, batch: int) -> int:
        """Monthly requests of the committee to its departments and communes, as many as `total` needs, each with
        the cycles of the last `days`; submissions written cycle by cycle."""
        recipients = [u for u in self.units.values() if u.parent_id == self.root.pk
                      and u.kind in (Unit.Kind.DEPARTMENT, Unit.Kind.PEOPLES_COMMITTEE)]  # fmt: skip
        chairman = self.heads[self.root.pk]
        periods = self.periods()
        if not periods or not recipients:
            raise CommandError("Không có kỳ báo cáo hoặc đơn vị báo cáo.")
        made, pending, number = 0, [], 0
        while made + len(pending) < total:
            number += 1
            request = ReportRequest.objects.create(
                title=f"Báo cáo chuyên đề số {number} hằng tháng", from_unit=self.root,
                kind=ReportRequest.Kind.PERIODIC, frequency=PeriodKind.MONTH, due_day=20,
                starts_on=periods[0][0], created_by_id=chairman,
                created_at=self.now - dt.timedelta(days=self.days + 20),
            )  # fmt: skip
            request.recipients.set(recipients)
            ReportField.objects.bulk_create([
                ReportField(request=request, order=1, label="Số liệu chính", kind=ReportField.Kind.NUMBER),
                ReportField(request=request, order=2, label="Đánh giá", kind=ReportField.Kind.TEXT),
            ])  # fmt: skip
            cycles = []
            for start, end in periods:
                deadline = self.working_on_or_after(self.root.pk, dt.date(end.year, end.month, 20))
                cycles.append(
                    ReportCycle(
                        request=request,
                        label=f"Tháng {end.month}/{end.year}",
                        period_start=start,
                        period_end=end,
                        deadline=deadline,
                        due_at=self.due(self.root.pk, deadline),
                    )
                )
            ReportCycle.objects.bulk_create(cycles)
            for cycle in cycles:
                for unit in recipients:
                    if made + len(pending) >= total:
                        break
                    submission = self.submission(cycle, unit)
                    if submission is not None:
                        pending.append(submission)
                if len(pending) >= batch:
                    ReportSubmission.objects.bulk_create(pending, batch_size=5000)
                    made, pending = made + len(pending), []
        ReportSubmission.objects.bulk_create(pending, batch_size=5000)
        return made + len(pending)

    def periods(self) -> list[tuple[dt.date, dt.date]]:
        today = timezone.localtime(self.now).date()
        first = today - dt.timedelta(days=self.days)
        periods, year, month = [], first.year, first.month
        while True:
            start, end = decree_09_period(PeriodKind.MONTH, year, month)
            if start > today:
                return periods
            if start >= first - dt.timedelta(days=31):
                periods.append((start, end))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def submission(self, cycle: ReportCycle, unit: Unit) -> ReportSubmission | None:
        today = timezone.localtime(self.now).date()
        head = self.heads.get(unit.pk)
        if cycle.period_end >= today:
            return None  # figures not complete: nothing to report yet
        if cycle.due_at >= self.now:  # between the end of the figures and the due day: drafts, a few submitted
            if self.rng.random() < 0.5:
                return ReportSubmission(cycle=cycle, unit=unit, status=ReportSubmission.Status.DRAFT)
            submitted = self.moment(unit.pk, cycle.period_end + dt.timedelta(days=1))
            if submitted > self.now:
                return None
            return ReportSubmission(cycle=cycle, unit=unit, status=ReportSubmission.Status.SUBMITTED,
                                    submitted_at=submitted, submitted_by_id=head,
                                    outcome=timeliness(submitted, cycle.due_at))  # fmt: skip
        roll = self.rng.random()
        if roll < MISSING_SHARE:
            return None  # never submitted: late today
        due_day = timezone.localtime(cycle.due_at).date()
        if roll < MISSING_SHARE + LATE_SUBMISSION_SHARE:
            submitted = self.moment(unit.pk, due_day + dt.timedelta(days=self.rng.randint(1, 6)))
        else:
            submitted = self.moment(unit.pk, due_day - dt.timedelta(days=self.rng.randint(0, 4)))
        submitted = max(submitted, self.moment(unit.pk, cycle.period_end + dt.timedelta(days=1)))
        if submitted > self.now:
            return ReportSubmission(cycle=cycle, unit=unit, status=ReportSubmission.Status.DRAFT)
        decided = submitted + dt.timedelta(days=2)
        accepted = decided <= self.now
        return ReportSubmission(
            cycle=cycle, unit=unit, submitted_at=submitted, submitted_by_id=head,
            status=ReportSubmission.Status.ACCEPTED if accepted else ReportSubmission.Status.SUBMITTED,
            outcome=timeliness(submitted, cycle.due_at), decided_by_id=self.heads[self.root.pk] if accepted else None,
            decided_at=decided if accepted else None,
        )  # fmt: skip


class Command(BaseCommand):
    help = (
        "Sinh nhiệm vụ và báo cáo giả lập để đo hiệu năng trang theo dõi của lãnh đạo. "
        "Generate tasks and report submissions for the follow-up benchmark."
    )
    stealth_options = ("now",)

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=10_000)
        parser.add_argument("--submissions", type=int, default=2_000)
        parser.add_argument("--days", type=int, default=730, help="spread over this many days up to now")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=10_000)

    def handle(self, *args, tasks: int, submissions: int, days: int, seed: int, batch: int, **options):
        now = options.get("now") or timezone.now()
        generator = Generator(random.Random(seed), now, days)
        started, made, made_submissions = time.perf_counter(), 0, 0
        try:
            while made < tasks:
                size = min(batch, tasks - made)
                generator.write_tasks(size)
                made += size
                rate = made / (time.perf_counter() - started)
                self.stdout.write(f"\r{made:,}/{tasks:,} nhiệm vụ ({rate:,.0f}/s)", ending="")
                self.stdout.flush()
            if submissions:
                self.stdout.write(f"\nBáo cáo của đơn vị: {submissions:,}…")
                made_submissions = generator.write_submissions(submissions, batch)
        finally:
            self.stdout.write("\nCập nhật thống kê của cơ sở dữ liệu (ANALYZE)…")
            with connection.cursor() as cursor:
                vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
                cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
            record_event(
                "demo.work.generate_load",
                changes={"tasks": made, "submissions": made_submissions, "days": days, "seed": seed},
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"\nĐã sinh {made:,} nhiệm vụ, {made_submissions:,} báo cáo trong {elapsed:.0f} s.")
        )
