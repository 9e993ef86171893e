"""The demo province's year of work (issue 12, point 8): the work programmes of the provincial committee, two
departments and Xã An Phú (year, quarters, months; a month's items drawn from the quarter's, the quarter's from the
year's), the tasks the chairmen and heads gave from those items, from briefing conclusions, from incoming documents of
the demo year and directly (most finished early or on time, some late, some extended, some open and due this week, a
few late now), the heads' commitments bound to the figures the system computes (earlier quarters evaluated from
them), the province's monthly and quarterly report requests to every commune with the past cycles' submissions, two
quarterly briefings with their conclusions turned into tasks, and this week's schedule of the two chairmen.

Written with the models in bulk (a few seconds) but holding every rule the services hold: each task has its ASSIGNED
event; deadlines and due moments come from the work app's deadline clock (apps.work.services.common), cached per
unit and day; outcomes from apps.calendar.selectors.timeliness; an extended task keeps its original deadline and has
its approved request and events; report cycles follow the periods of Decree 09/2019; a commitment's bound targets are
judged from apps.work.selectors.figures.metric_values. Deterministic: one seeded random generator, and `today` fixed
by the caller (or now, 17:00 local)."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from apps.calendar.selectors import legal_calendar_for_unit, timeliness
from apps.core.audit import record_event
from apps.demo.exchange import DEMO_AGENCY_ID
from apps.documents.models import DocType, IncomingDocument, OutgoingDocument
from apps.documents.selectors.registers import agency_path_ids
from apps.documents.services import registers
from apps.org.models import Membership, Unit, User
from apps.work.models import (
    Briefing,
    BriefingParticipant,
    Commitment,
    CommitmentTarget,
    Conclusion,
    ExtensionRequest,
    Metric,
    Outcome,
    PeriodKind,
    ProgramItem,
    ReportCycle,
    ReportField,
    ReportRequest,
    ReportSubmission,
    ReportValue,
    ScheduleEntry,
    Task,
    TaskEvent,
    WorkProgram,
)
from apps.work.selectors.figures import metric_values
from apps.work.services.common import due_after_working_days, end_of_working_day, previous_working_day

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
COMMITMENT_TITLES = {"tasks": "Bản cam kết thực hiện nhiệm vụ", "charter": "Cam kết phục vụ Nhân dân"}
# Departments with their own programmes (the others only receive tasks from the committee).
PROGRAMME_DEPARTMENTS = ("H99.02", "H99.05")  # Sở Tư pháp, Sở Nội vụ
AN_PHU = "H99.24"
LATE_COMMUNE = "H99.26"  # Xã Hòa Lạc: late with its reports now and then
DIRECT_TASKS = 150
DOCUMENT_TASKS = 60
LATE_NOW = 6  # open tasks already past their deadline today
DUE_THIS_WEEK = 8
EXTENSION_SHARE, REFUSED_SHARE = 0.09, 0.03
OUTCOME_WEIGHTS = {Outcome.EARLY: 38, Outcome.ON_TIME: 50, Outcome.LATE: 12}

# (content, product kind, expected product) — what a committee, a department and a commune plan
PROVINCE_ITEMS = [
    ("Xây dựng Kế hoạch cải cách hành chính", "plan", "Kế hoạch của UBND tỉnh"),
    ("Tổng kết công tác chuyển đổi số, đề xuất nhiệm vụ năm sau", "report", "Báo cáo tổng kết"),
    ("Rà soát, công bố danh mục thủ tục hành chính được chuẩn hóa", "decision", "Quyết định công bố"),
    ("Đề án sắp xếp thôn, tổ dân phố", "scheme", "Đề án trình HĐND tỉnh"),
    ("Chỉ thị tăng cường kỷ luật, kỷ cương hành chính", "directive", "Chỉ thị của Chủ tịch UBND tỉnh"),
    ("Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn", "plan", "Kế hoạch"),
    ("Báo cáo tình hình kinh tế - xã hội", "report", "Báo cáo trình Tỉnh ủy"),
    ("Tờ trình dự toán ngân sách địa phương", "submission", "Tờ trình HĐND tỉnh"),
    ("Kiểm tra công tác giải quyết thủ tục hành chính tại cấp xã", "report", "Báo cáo kết quả kiểm tra"),
    ("Phương án bồi thường, hỗ trợ, tái định cư dự án đường tỉnh 392", "decision", "Quyết định phê duyệt"),
    ("Kế hoạch tuyển dụng công chức cấp xã", "plan", "Kế hoạch"),
    ("Sơ kết thực hiện chương trình xây dựng nông thôn mới", "report", "Báo cáo sơ kết"),
    ("Quy chế phối hợp tiếp nhận, xử lý phản ánh, kiến nghị", "decision", "Quyết định ban hành quy chế"),
    ("Kế hoạch thi đua, khen thưởng", "plan", "Kế hoạch"),
]
DEPARTMENT_ITEMS = [
    ("Thẩm định dự thảo văn bản quy phạm pháp luật", "report", "Báo cáo thẩm định"),
    ("Kiểm tra công tác hộ tịch, chứng thực tại các xã", "report", "Báo cáo kiểm tra"),
    ("Tham mưu kiện toàn tổ chức bộ máy", "submission", "Tờ trình UBND tỉnh"),
    ("Rà soát văn bản hết hiệu lực", "decision", "Quyết định công bố"),
    ("Tập huấn nghiệp vụ cho công chức cấp xã", "plan", "Kế hoạch tập huấn"),
    ("Tổng hợp số liệu thống kê chuyên ngành", "report", "Báo cáo thống kê"),
    ("Hướng dẫn đánh giá, xếp loại chất lượng công chức", "other", "Văn bản hướng dẫn"),
    ("Đề xuất đơn giản hóa thủ tục hành chính thuộc lĩnh vực quản lý", "submission", "Tờ trình"),
]
COMMUNE_ITEMS = [
    ("Kế hoạch thu ngân sách và chi thường xuyên", "plan", "Kế hoạch"),
    ("Rà soát hộ nghèo, hộ cận nghèo", "report", "Báo cáo kết quả rà soát"),
    ("Tổ chức Ngày hội Đại đoàn kết toàn dân tộc", "plan", "Kế hoạch tổ chức"),
    ("Cấp giấy chứng nhận quyền sử dụng đất tồn đọng", "report", "Báo cáo tiến độ"),
    ("Ra quân vệ sinh môi trường, nạo vét kênh mương", "plan", "Kế hoạch ra quân"),
    ("Kiểm tra an toàn thực phẩm tại chợ An Phú", "report", "Biên bản, báo cáo kiểm tra"),
    ("Số hóa hồ sơ hộ tịch lưu trữ", "report", "Báo cáo kết quả số hóa"),
    ("Tuyên truyền phòng, chống cháy nổ trong khu dân cư", "other", "Tin, bài tuyên truyền"),
    ("Xử lý vi phạm trật tự xây dựng trên địa bàn", "decision", "Quyết định xử phạt"),
    ("Tiêm chủng mở rộng cho trẻ em dưới 5 tuổi", "report", "Báo cáo kết quả"),
]
DIRECT_TITLES = [
    "Báo cáo nhanh thiệt hại do mưa lớn ngày {day}",
    "Rà soát hồ sơ trễ hạn trong tháng, làm rõ trách nhiệm",
    "Chuẩn bị nội dung làm việc với Đoàn kiểm tra của Bộ Nội vụ",
    "Tham mưu văn bản trả lời kiến nghị của cử tri",
    "Kiểm tra, xử lý phản ánh về ô nhiễm môi trường",
    "Đôn đốc giải ngân vốn đầu tư công",
    "Chuẩn bị báo cáo phục vụ kỳ họp HĐND",
    "Giải quyết dứt điểm đơn thư tồn đọng",
    "Cập nhật dữ liệu dân cư phục vụ cấp căn cước",
    "Tham mưu tổ chức hội nghị đối thoại với doanh nghiệp",
]
PROGRESS_NOTES = [
    "Đã tổng hợp số liệu từ các bộ phận, đang hoàn thiện dự thảo.",
    "Đã làm việc với các đơn vị phối hợp, thống nhất nội dung.",
    "Đang rà soát hồ sơ, tài liệu liên quan.",
    "Đã trình lãnh đạo đơn vị cho ý kiến về dự thảo.",
]
EXTENSION_REASONS = [
    "Cần thêm thời gian lấy ý kiến các đơn vị phối hợp.",
    "Số liệu của các xã gửi chậm, chưa đủ để tổng hợp.",
    "Phải chờ ý kiến thẩm định của Sở chuyên ngành.",
]


@dataclass
class Summary:
    programmes: int = 0
    items: int = 0
    tasks: int = 0
    events: int = 0
    extensions: int = 0
    commitments: int = 0
    requests: int = 0
    cycles: int = 0
    submissions: int = 0
    briefings: int = 0
    schedule: int = 0
    skipped: bool = False


@dataclass
class PlannedTask:
    """A task before it is written, with what happened to it (its events are written after the task has a key)."""

    task: Task
    events: list[TaskEvent]
    extensions: list[ExtensionRequest]


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_days(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    return first, month_days(year, 3 * quarter)[1]


def month_days(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def decree_09_period(frequency: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    """The figures period of a report (Decree 09/2019, art. 12): month m runs from the 15th of month m-1 to the 14th
    of m; quarter q from the 15th of the month before it starts … to the 14th of its last month; the year from 15/12
    of the year before to 14/12."""
    last_month = {PeriodKind.MONTH: number, PeriodKind.QUARTER: 3 * number, PeriodKind.YEAR: 12}[frequency]
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[frequency]
    end = dt.date(year, last_month, 14)
    start_month_index = year * 12 + last_month - 1 - months  # zero-based month index of the start
    return dt.date(start_month_index // 12, start_month_index % 12 + 1, 15), end


class WorkYear:
    def __init__(self, *, seed: int, today: dt.date | None):
        self.rng = random.Random(seed)
        self.now = timezone.now() if today is None else dt.datetime.combine(today, dt.time(17, 0), tzinfo=TZ)
        self.today = timezone.localtime(self.now).date()
        self.year = self.today.year
        self.summary = Summary()
        self._due: dict[tuple[int, dt.date], dt.datetime] = {}
        self._remind: dict[tuple[int, dt.date], dt.date] = {}
        self._calendars: dict[int, object] = {}
        self.root = Unit.objects.get(agency_code=DEMO_AGENCY_ID)
        self.units = {u.pk: u for u in Unit.objects.filter(path__startswith=self.root.path, is_active=True)}
        self.by_code = {u.agency_code: u for u in self.units.values() if u.agency_code}
        self.anphu = self.by_code[AN_PHU]
        self.divisions = {u.symbol: u for u in self.units.values() if u.parent_id == self.anphu.pk}
        self.departments = [u for u in self.units.values() if u.parent_id == self.root.pk and u.kind == "department"]
        self.departments.sort(key=lambda u: u.agency_code)
        self.communes = sorted(
            (u for u in self.units.values() if u.parent_id == self.root.pk and u.level == Unit.Level.COMMUNE),
            key=lambda u: u.agency_code,
        )
        self.users = {u.username: u for u in User.objects.filter(is_active=True)}
        self.heads: dict[int, User] = {}
        self.members: dict[int, list[User]] = defaultdict(list)
        users_by_pk = {u.pk: u for u in self.users.values()}
        for unit_id, user_id, is_head in Membership.objects.filter(
            end_date__isnull=True, unit_id__in=self.units
        ).values_list("unit_id", "user_id", "is_head"):
            if user_id in users_by_pk:
                self.members[unit_id].append(users_by_pk[user_id])
                if is_head:
                    self.heads[unit_id] = users_by_pk[user_id]
        for members in self.members.values():
            members.sort(key=lambda u: u.username)
        self.chairman = self.users["chutich.tinh"]
        self.commune_chairman = self.users["chutich.anphu"]
        self.planned: list[PlannedTask] = []
        self.late_now = 0

    # ---- the clock ----------------------------------------------------------------------------------------------

    def working(self, unit: Unit, day: dt.date) -> bool:
        """On the unit's legal calendar, looked up once per unit (the lookup reads the calendar revision)."""
        if unit.pk not in self._calendars:
            self._calendars[unit.pk] = legal_calendar_for_unit(unit)
        return self._calendars[unit.pk].is_working_day(day)

    def on_or_after(self, unit: Unit, day: dt.date) -> dt.date:
        while not self.working(unit, day):
            day += dt.timedelta(days=1)
        return day

    def on_or_before(self, unit: Unit, day: dt.date) -> dt.date:
        while not self.working(unit, day):
            day -= dt.timedelta(days=1)
        return day

    def due(self, unit: Unit, day: dt.date) -> dt.datetime:
        """The due moment of a deadline on a working day of the unit (the work app's clock, cached)."""
        key = (unit.pk, day)
        if key not in self._due:
            self._due[key] = end_of_working_day(unit, day)
        return self._due[key]

    def remind_on(self, unit: Unit, day: dt.date) -> dt.date:
        key = (unit.pk, day)
        if key not in self._remind:
            self._remind[key] = previous_working_day(unit, day)
        return self._remind[key]

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)

    def office_moment(self, unit: Unit, day: dt.date) -> dt.datetime:
        """A moment in office hours on the first working day from `day`."""
        day = self.on_or_after(unit, day)
        hour = self.rng.choice([8, 9, 10, 14, 15, 16])
        return self.at(day, hour, self.rng.choice([0, 10, 20, 30, 40]))

    def working_days_after(self, unit: Unit, day: dt.date, count: int) -> dt.date:
        for _ in range(count):
            day = self.on_or_after(unit, day + dt.timedelta(days=1))
        return day

    # ---- the run --------------------------------------------------------------------------------------------------

    def run(self) -> Summary:
        with transaction.atomic():
            self.programmes()
            self.briefings()
            self.document_tasks()
            self.direct_tasks()
            self.write_tasks()
            self.commitments()
            self.reports()
            self.schedule()
            record_event("demo.work.generate", changes={"tasks": self.summary.tasks, "today": str(self.today)})
        return self.summary

    # ---- programmes -----------------------------------------------------------------------------------------------

    def holder_of(self, unit: Unit) -> User | None:
        """Who answers for a unit's task: its head, or its first member when it has none (a desk)."""
        return self.heads.get(unit.pk) or (self.members[unit.pk][0] if self.members[unit.pk] else None)

    def planners(self) -> list[tuple[Unit, User, list, list[Unit]]]:
        """(unit, its leader, its catalogue, the units its items go to) for each unit that plans its work."""
        planners = [(self.root, self.chairman, PROVINCE_ITEMS, self.departments + self.communes)]
        for code in PROGRAMME_DEPARTMENTS:
            dept = self.by_code[code]
            planners.append((dept, self.heads[dept.pk], DEPARTMENT_ITEMS, [dept]))
        planners.append((self.anphu, self.commune_chairman, COMMUNE_ITEMS, list(self.divisions.values())))
        return planners

    def programmes(self) -> None:
        for unit, leader, catalogue, lead_units in self.planners():
            year_items = self.programme(unit, leader, PeriodKind.YEAR, 1, catalogue, lead_units, [], 10)
            for quarter in range(1, quarter_of(self.today) + 1):
                drawn = [i for i in year_items if quarter_of(i.deadline) == quarter]
                quarter_items = self.programme(unit, leader, PeriodKind.QUARTER, quarter, catalogue, lead_units,
                                               drawn, 3)  # fmt: skip
                for month in range(3 * quarter - 2, min(3 * quarter, self.today.month) + 1):
                    drawn = [i for i in quarter_items if i.deadline.month == month]
                    self.programme(unit, leader, PeriodKind.MONTH, month, catalogue, lead_units, drawn, 2)

    def period_days(self, kind: str, number: int) -> tuple[dt.date, dt.date]:
        if kind == PeriodKind.YEAR:
            return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if kind == PeriodKind.QUARTER:
            return quarter_days(self.year, number)
        return month_days(self.year, number)

    def programme(self, unit, leader, kind, number, catalogue, lead_units, drawn, own: int) -> list[ProgramItem]:
        """A programme approved by the unit head before its period starts: the items drawn from the longer
        programme (same content, lead unit and deadline) and `own` items of its own."""
        first, last = self.period_days(kind, number)
        label = {PeriodKind.YEAR: f"năm {self.year}", PeriodKind.QUARTER: f"quý {ROMAN.get(number)} năm {self.year}",
                 PeriodKind.MONTH: f"tháng {number}/{self.year}"}[kind]  # fmt: skip
        created = self.office_moment(self.root, first - dt.timedelta(days=20))
        approved = self.office_moment(unit, first - dt.timedelta(days=10))
        program = WorkProgram.objects.create(
            unit=unit, kind=kind, year=self.year, number=number, title=f"Chương trình công tác {label}",
            status=WorkProgram.Status.APPROVED, created_by=self.holder_of(unit) if unit.parent_id else leader,
            created_at=created, submitted_at=created + dt.timedelta(days=2), approved_by=leader, approved_at=approved,
        )  # fmt: skip
        items = []
        for source in drawn:
            items.append(self.item(program, len(items) + 1, source.title, source.lead_unit, source.product_kind,
                                   source.product, source.deadline, source=source))  # fmt: skip
        for _ in range(own):
            title, product_kind, product = self.rng.choice(catalogue)
            lead = self.rng.choice(lead_units)
            day = self.on_or_before(lead, first + dt.timedelta(days=self.rng.randint(10, (last - first).days)))
            items.append(self.item(program, len(items) + 1, f"{title} {label}", lead, product_kind, product, day))
        ProgramItem.objects.bulk_create(items)
        through = ProgramItem.co_handlers.through
        co_handlers = []
        for item in items:
            if item.source_item is None and len(lead_units) > 1 and self.rng.random() < 0.4:
                other = self.rng.choice([u for u in lead_units if u.pk != item.lead_unit_id])
                co_handlers.append(through(programitem_id=item.pk, unit_id=other.pk))
        through.objects.bulk_create(co_handlers)
        for item in items:
            if item.source_item is None:  # an item is worked on once: the task comes with its own programme item
                self.follow_task(item, self.task_from_item(program, item, leader))
        ProgramItem.objects.bulk_update(items, ["status", "done_at"])
        self.summary.programmes += 1
        self.summary.items += len(items)
        return items

    def item(self, program, order, title, lead, product_kind, product, day, source=None) -> ProgramItem:
        """An item as planned; its status follows its task (`follow_task`), a drawn item its source's."""
        return ProgramItem(
            program=program, order=order, title=title, lead_unit=lead, person_in_charge=self.holder_of(lead),
            product_kind=product_kind, product=product, deadline=day, due_at=self.due(lead, day),
            status=source.status if source else ProgramItem.Status.PLANNED, done_at=source.done_at if source else None,
            source_item=source,
        )  # fmt: skip

    def follow_task(self, item: ProgramItem, planned: "PlannedTask | None") -> None:
        if planned is None:
            return
        task = planned.task
        if task.completed_at is not None:
            item.status, item.done_at = ProgramItem.Status.DONE, task.completed_at
        else:
            item.status = ProgramItem.Status.IN_PROGRESS

    def task_from_item(self, program: WorkProgram, item: ProgramItem, leader: User) -> "PlannedTask | None":
        assigned = self.office_moment(program.unit, max(program.approved_at.date(), item.deadline - dt.timedelta(60)))
        if assigned >= self.now or assigned.date() >= item.deadline:
            return None
        unit = self.units[item.lead_unit_id]
        assignee = None
        if program.unit.kind == "department":  # a department's head gives the item to one of its officers
            assignee = next((m for m in self.members[unit.pk] if m.pk != leader.pk), None)
        return self.plan_task(
            title=item.title, unit=unit, assigner=leader, assigner_unit=program.unit, assigned_at=assigned,
            deadline=item.deadline, source=Task.Source.PROGRAM, program_item=item, assignee=assignee,
            description=f"Thực hiện theo {program.title.lower()}; sản phẩm: {item.product}.",
        )  # fmt: skip

    # ---- tasks ----------------------------------------------------------------------------------------------------

    def plan_task(self, *, title, unit, assigner, assigner_unit, assigned_at, deadline, source, assignee=None,
                  description="", program_item=None, conclusion=None, document=None, reference="",
                  priority=Task.Priority.NORMAL, fate=None) -> PlannedTask:  # fmt: skip
        deadline = self.on_or_before(unit, deadline)
        if deadline <= assigned_at.date():
            deadline = self.working_days_after(unit, assigned_at.date(), 3)
        due_at = self.due(unit, deadline)
        task = Task(
            title=title[:500], description=description, source=source, program_item=program_item,
            conclusion=conclusion, incoming_document_id=document, document_reference=reference[:300],
            priority=priority, assigned_by=assigner, assigner_unit=assigner_unit, assigned_at=assigned_at, unit=unit,
            assignee=assignee, original_deadline=deadline, original_due_at=due_at, deadline=deadline, due_at=due_at,
            remind_on=self.remind_on(unit, deadline),
        )  # fmt: skip
        planned = PlannedTask(task, [self.event(TaskEvent.Kind.ASSIGNED, assigner, assigned_at, new_due_at=due_at)],
                              [])  # fmt: skip
        self.live(planned, fate)
        self.planned.append(planned)
        return planned

    def conclusion_notice(self, briefing: Briefing, chair: User, after: dt.datetime) -> OutgoingDocument:
        """The notice as the register has it (Decree 30/2020: one outgoing series per agency and year): the demo year
        of documents already released the committee's conclusion notices (Thông báo), so the first one released
        after the meeting is taken; without that year, the notice is released now, the register's next number."""
        agency_id = agency_path_ids(briefing.unit)[-1]
        released = OutgoingDocument.objects.filter(
            unit_id=agency_id,
            doc_type=DocType.NOTICE,
            released_at__gte=after,
            released_at__lte=self.now,
            status__in=(OutgoingDocument.Status.RELEASED, OutgoingDocument.Status.SENT),
        ).exclude(pk__in=Briefing.objects.filter(notice_document_id__isnull=False).values("notice_document_id"))
        notice = released.order_by("released_at", "pk").first()
        if notice is not None:
            return notice
        draft = registers.outgoing_draft(
            actor=chair, unit=Unit.objects.get(pk=agency_id), doc_type=DocType.NOTICE, now=self.now,
            summary=f"Kết luận của {chair.full_name} tại {briefing.title}", signer_name=chair.full_name,
        )  # fmt: skip
        return registers.outgoing_release(actor=chair, document=draft, now=self.now)

    def event(self, kind, actor, at, **fields) -> TaskEvent:
        return TaskEvent(kind=kind, actor=actor, at=at, **fields)

    def holder(self, task: Task) -> User | None:
        return task.assignee or self.holder_of(self.units[task.unit_id])

    def live(self, planned: PlannedTask, fate: str | None) -> None:
        """What happened to the task up to now: an extension asked for, progress, completion judged against the
        deadline in force, acceptance, and the worker's reminder and late notice."""
        task = planned.task
        unit = self.units[task.unit_id]
        if fate is None:
            fate = self.rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
            if task.due_at < self.now and fate == Outcome.LATE and self.late_now < LATE_NOW:
                fate, self.late_now = "late_now", self.late_now + 1
        roll = self.rng.random()
        if roll < EXTENSION_SHARE:
            self.extend(planned, approve=True)
        elif roll < EXTENSION_SHARE + REFUSED_SHARE:
            self.extend(planned, approve=False)
        finished = None if fate in ("open", "late_now") else self.finishing_moment(task, unit, fate)
        last_step = max(event.at for event in planned.events)  # an extension asked for and decided, if any
        if finished is not None and finished <= last_step:
            finished = self.office_moment(unit, self.working_days_after(unit, timezone.localtime(last_step).date(), 1))
        if finished is not None and (finished > self.now or finished <= task.assigned_at):
            finished = None
        end = finished or self.now
        halfway = task.assigned_at + (end - task.assigned_at) / 2
        middle = self.office_moment(unit, timezone.localtime(halfway).date())  # in office hours
        if end - task.assigned_at > dt.timedelta(days=2) and task.assigned_at < middle < end:
            progress = self.rng.choice([30, 50, 70])
            planned.events.append(self.event(TaskEvent.Kind.PROGRESS, self.holder(task), middle, progress=progress,
                                             note=self.rng.choice(PROGRESS_NOTES)))  # fmt: skip
            task.status, task.progress = Task.Status.IN_PROGRESS, progress
            task.last_progress, task.last_progress_at = planned.events[-1].note, middle
        self.worker_marks(planned, end, still_open=finished is None)
        if finished is None:
            return
        task.completed_at, task.progress, task.status = finished, 100, Task.Status.COMPLETED
        task.outcome = timeliness(finished, task.due_at)
        task.product = "Đã hoàn thành; sản phẩm gửi kèm báo cáo."
        planned.events.append(self.event(TaskEvent.Kind.COMPLETED, self.holder(task), finished, progress=100,
                                         note=task.product))  # fmt: skip
        accepted = self.office_moment(unit, finished.date() + dt.timedelta(days=self.rng.randint(0, 3)))
        if accepted <= finished:  # that day's office moment fell before the report: the next working morning
            accepted = self.at(self.on_or_after(unit, timezone.localtime(finished).date() + dt.timedelta(days=1)), 8)
        if finished < accepted <= self.now:
            task.status, task.accepted_by, task.accepted_at = Task.Status.ACCEPTED, task.assigned_by, accepted
            planned.events.append(self.event(TaskEvent.Kind.ACCEPTED, task.assigned_by, accepted))

    def finishing_moment(self, task: Task, unit: Unit, fate: str) -> dt.datetime | None:
        due_day = timezone.localtime(task.due_at).date()
        start_day = timezone.localtime(task.assigned_at).date()
        if fate == Outcome.EARLY and (due_day - start_day).days > 1:
            day = start_day + dt.timedelta(days=self.rng.randint(1, (due_day - start_day).days - 1))
            return self.office_moment(unit, day)
        if fate == Outcome.LATE:
            return self.office_moment(unit, self.working_days_after(unit, due_day, self.rng.randint(1, 8)))
        return self.at(due_day, self.rng.choice([8, 9, 10, 14, 15, 16]), self.rng.choice([0, 15, 30]))

    def extend(self, planned: PlannedTask, *, approve: bool) -> None:
        """The holder asks two days before the original deadline; the assigner decides the same day. Approved: the
        deadline in force moves, the original stays beside it."""
        task = planned.task
        unit = self.units[task.unit_id]
        asked = self.at(self.on_or_before(unit, task.original_deadline - dt.timedelta(days=2)), 9)
        decided = asked + dt.timedelta(hours=5)
        if asked <= task.assigned_at or decided > self.now:
            return
        proposed_due = due_after_working_days(unit, task.original_due_at, self.rng.randint(5, 10))
        proposed = timezone.localtime(proposed_due).date()
        holder = self.holder(task)
        extension = ExtensionRequest(
            requested_by=holder, requested_at=asked, reason=self.rng.choice(EXTENSION_REASONS),
            proposed_deadline=proposed, status=ExtensionRequest.Status.APPROVED if approve else
            ExtensionRequest.Status.REFUSED, decided_by=task.assigned_by, decided_at=decided,
            granted_deadline=proposed if approve else None,
            decision_note="Đồng ý gia hạn." if approve else "Không đồng ý; tập trung hoàn thành đúng hạn.",
        )  # fmt: skip
        planned.extensions.append(extension)
        planned.events.append(self.event(TaskEvent.Kind.EXTENSION_REQUESTED, holder, asked, note=extension.reason,
                                         old_due_at=task.due_at, new_due_at=self.due(unit, proposed)))  # fmt: skip
        if approve:
            planned.events.append(self.event(TaskEvent.Kind.EXTENSION_APPROVED, task.assigned_by, decided,
                                             old_due_at=task.due_at, new_due_at=self.due(unit, proposed)))  # fmt: skip
            task.deadline, task.due_at, task.extended = proposed, self.due(unit, proposed), True
            task.remind_on = self.remind_on(unit, proposed)
        else:
            planned.events.append(self.event(TaskEvent.Kind.EXTENSION_REFUSED, task.assigned_by, decided,
                                             note=extension.decision_note))  # fmt: skip

    def worker_marks(self, planned: PlannedTask, end: dt.datetime, *, still_open: bool) -> None:
        """The worker's reminder (the working day before the deadline) and the assigner's late notice (the morning
        after the deadline passed), each sent once, as apps.work.tasks would have while the task was open."""
        task = planned.task
        unit = self.units[task.unit_id]
        reminded = self.at(task.remind_on, 7)
        if task.assigned_at < reminded <= min(end, self.now):
            task.reminder_sent_at = reminded
            planned.events.append(self.event(TaskEvent.Kind.REMINDED, None, reminded))
        noticed = self.at(self.working_days_after(unit, timezone.localtime(task.due_at).date(), 1), 7)
        if noticed <= min(end, self.now) and (still_open or end > task.due_at):
            task.late_notice_sent_at = noticed
            planned.events.append(self.event(TaskEvent.Kind.LATE_NOTICE, None, noticed))

    def document_tasks(self) -> None:
        """Incoming documents of the demo year that ask for work, turned into tasks by the receiving unit's leader
        the next working day (none when the documents year was not generated)."""
        givers = {self.root.pk: (self.chairman, self.departments)}
        givers[self.anphu.pk] = (self.commune_chairman, list(self.divisions.values()))
        for code in PROGRAMME_DEPARTMENTS:
            dept = self.by_code[code]
            givers[dept.pk] = (self.heads[dept.pk], [dept])
        start = self.now - dt.timedelta(days=330)
        documents = list(
            IncomingDocument.objects.filter(unit_id__in=givers, received_at__gte=start, received_at__lt=self.now)
            .order_by("received_at", "pk")
            .only("pk", "unit_id", "number_symbol", "issued_date", "issuer_name", "summary", "doc_type", "received_at")
        )
        for document in sorted(self.rng.sample(documents, min(DOCUMENT_TASKS, len(documents))), key=lambda d: d.pk):
            leader, targets = givers[document.unit_id]
            giver_unit = self.units[document.unit_id]
            unit = self.rng.choice(targets)
            assigned = self.office_moment(giver_unit, timezone.localtime(document.received_at).date()
                                          + dt.timedelta(days=1))  # fmt: skip
            if assigned >= self.now:
                continue
            assignee = None
            if unit.pk == giver_unit.pk:
                assignee = next((m for m in self.members[unit.pk] if m.pk != leader.pk), None)
            reference = (f"{document.get_doc_type_display()} số {document.number_symbol} ngày "
                         f"{document.issued_date:%d/%m/%Y} của {document.issuer_name}")  # fmt: skip
            self.plan_task(
                title=f"Triển khai thực hiện: {document.summary}", unit=unit, assigner=leader,
                assigner_unit=giver_unit, assigned_at=assigned, source=Task.Source.DOCUMENT, assignee=assignee,
                deadline=self.working_days_after(unit, assigned.date(), self.rng.randint(5, 20)),
                document=document.pk, reference=reference,
            )  # fmt: skip

    def direct_tasks(self) -> None:
        """Tasks given directly over the last eleven months, then the ones due this week (open)."""
        start = self.today - dt.timedelta(days=330)
        for index in range(DIRECT_TASKS):
            leader, giver_unit, targets = self.giver(index)
            unit = self.rng.choice(targets)
            assigned = self.office_moment(giver_unit, start + dt.timedelta(days=330 * index // DIRECT_TASKS))
            if assigned >= self.now:
                continue
            title = self.rng.choice(DIRECT_TITLES).format(day=f"{assigned:%d/%m/%Y}")
            self.plan_task(
                title=title, unit=unit, assigner=leader, assigner_unit=giver_unit, assigned_at=assigned,
                deadline=self.working_days_after(unit, assigned.date(), self.rng.randint(3, 25)),
                source=Task.Source.DIRECT, priority=self.rng.choice(list(Task.Priority)),
            )  # fmt: skip
        monday = self.today - dt.timedelta(days=self.today.weekday())
        for index in range(DUE_THIS_WEEK):
            leader, giver_unit, targets = self.giver(index)
            unit = targets[index % len(targets)]
            day = self.on_or_after(unit, max(self.today, monday + dt.timedelta(days=index % 5)))
            assigned = self.office_moment(giver_unit, day - dt.timedelta(days=12))
            self.plan_task(
                title=self.rng.choice(DIRECT_TITLES).format(day=f"{assigned:%d/%m/%Y}"), unit=unit, assigner=leader,
                assigner_unit=giver_unit, assigned_at=assigned, deadline=day, source=Task.Source.DIRECT,
                priority=Task.Priority.HIGH, fate="open",
            )  # fmt: skip

    def giver(self, index: int) -> tuple[User, Unit, list[Unit]]:
        if index % 3 == 2:
            return self.commune_chairman, self.anphu, list(self.divisions.values())
        return self.chairman, self.root, self.departments + self.communes

    def write_tasks(self) -> None:
        tasks = [planned.task for planned in self.planned]
        Task.objects.bulk_create(tasks, batch_size=500)
        events, extensions = [], []
        for planned in self.planned:
            for event in planned.events:
                event.task_id = planned.task.pk
            for extension in planned.extensions:
                extension.task_id = planned.task.pk
            events += planned.events
            extensions += planned.extensions
        TaskEvent.objects.bulk_create(events, batch_size=1000)
        ExtensionRequest.objects.bulk_create(extensions)
        self.summary.tasks += len(tasks)
        self.summary.events += len(events)
        self.summary.extensions += len(extensions)
        self.planned = []

    # ---- briefings ------------------------------------------------------------------------------------------------

    def briefings(self) -> None:
        """The last ended quarter's briefings of the province and of An Phú, held and concluded, each conclusion a
        task; An Phú's monthly briefing planned this week."""
        ended = quarter_of(self.today) - 1 or 4
        year = self.year if ended != 4 else self.year - 1
        _first, last = quarter_days(year, ended)
        province_day = self.on_or_before(self.root, last - dt.timedelta(days=4))
        commune_day = self.on_or_before(self.anphu, province_day - dt.timedelta(days=2))
        participants = [self.heads[d.pk] for d in self.departments] + [self.heads[c.pk] for c in self.communes]
        self.briefing(self.root, self.chairman, Briefing.Kind.QUARTERLY, f"Giao ban quý {ROMAN[ended]} năm {year}",
                      province_day, participants, self.departments + self.communes)  # fmt: skip
        divisions = list(self.divisions.values())
        self.briefing(self.anphu, self.commune_chairman, Briefing.Kind.QUARTERLY,
                      f"Giao ban quý {ROMAN[ended]} năm {year} của UBND xã An Phú", commune_day,
                      [self.holder_of(d) for d in divisions], divisions)  # fmt: skip
        thursday = self.on_or_after(self.anphu, self.today - dt.timedelta(days=self.today.weekday() - 3))
        self.briefing(self.anphu, self.commune_chairman, Briefing.Kind.MONTHLY,
                      f"Giao ban tháng {self.today.month}/{self.year} của UBND xã An Phú", thursday,
                      [self.holder_of(d) for d in divisions], divisions, conclude=False)  # fmt: skip

    def briefing(self, unit, chair, kind, title, day, people, owners, *, conclude=True) -> None:
        """A briefing with its schedule entry; held (attendance, minutes) when its day has passed, and concluded
        (notice, conclusions, their tasks) two days later when `concluded`."""
        starts = self.at(day, 8)
        held = starts + dt.timedelta(hours=4) <= self.now
        created = self.office_moment(unit, day - dt.timedelta(days=10))
        briefing = Briefing.objects.create(
            unit=unit, kind=kind, title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=3, minutes=30),
            location=f"Phòng họp {unit.short_name or unit.name}", chaired_by=chair, created_by=chair,
            created_at=created,
            agenda="1. Đánh giá kết quả thực hiện nhiệm vụ trong kỳ.\n2. Tiến độ các nhiệm vụ trễ hạn.\n"
                   "3. Nhiệm vụ trọng tâm kỳ tới.",
        )  # fmt: skip
        rows = [BriefingParticipant(briefing=briefing, user=chair, attended=True if held else None)]
        for index, person in enumerate(p for p in people if p is not None and p.pk != chair.pk):
            absent = held and index == 2
            rows.append(BriefingParticipant(
                briefing=briefing, user=person, attended=None if not held else not absent,
                absence_reason="Đi công tác theo lịch của Ủy ban." if absent else "",
            ))  # fmt: skip
        BriefingParticipant.objects.bulk_create(rows)
        entry = ScheduleEntry.objects.create(
            unit=unit, kind=ScheduleEntry.Kind.BRIEFING, title=title, starts_at=briefing.starts_at,
            ends_at=briefing.ends_at, location=briefing.location, participants="Thành phần theo giấy mời.",
            preparing_unit="Văn phòng", briefing=briefing, created_by=chair,
        )  # fmt: skip
        entry.leaders.add(chair)
        self.summary.briefings += 1
        self.summary.schedule += 1
        if not held:
            return
        briefing.status = Briefing.Status.HELD
        briefing.minutes = (f"Cuộc họp do đồng chí {chair.full_name} chủ trì; các đơn vị báo cáo kết quả thực hiện "
                            "nhiệm vụ, khó khăn, vướng mắc và đề xuất giải pháp.")  # fmt: skip
        concluded = self.office_moment(unit, day + dt.timedelta(days=2))
        if not conclude or concluded > self.now:
            briefing.save(update_fields=["status", "minutes"])
            return
        notice = self.conclusion_notice(briefing, chair, concluded)
        briefing.status, briefing.concluded_at = Briefing.Status.CONCLUDED, notice.released_at
        briefing.notice_number, briefing.notice_document_id = notice.symbol, notice.pk
        briefing.save(update_fields=["status", "concluded_at", "minutes", "notice_number", "notice_document_id"])
        concluded = notice.released_at
        conclusions = []
        for order, owner in enumerate(self.rng.sample(owners, min(5, len(owners))), start=1):
            deadline = self.working_days_after(owner, concluded.date(), self.rng.randint(10, 30))
            conclusions.append(Conclusion(
                briefing=briefing, order=order, owner_unit=owner, owner_user=self.holder_of(owner), deadline=deadline,
                text=f"{owner.short_name or owner.name}: {self.rng.choice(PROVINCE_ITEMS + COMMUNE_ITEMS)[0].lower()}"
                     ", báo cáo kết quả về Ủy ban.",
            ))  # fmt: skip
        Conclusion.objects.bulk_create(conclusions)
        for conclusion in conclusions:
            self.plan_task(
                title=conclusion.text, unit=conclusion.owner_unit, assigner=chair, assigner_unit=unit,
                assigned_at=concluded, deadline=conclusion.deadline, source=Task.Source.BRIEFING,
                conclusion=conclusion, reference=f"Thông báo kết luận số {briefing.notice_number}",
            )  # fmt: skip

    # ---- commitments ----------------------------------------------------------------------------------------------

    def commitments(self) -> None:
        """For the year and each quarter so far: the An Phú division heads to the commune chairman, the commune
        chairman and the department heads to the province chairman; ended quarters evaluated from the figures."""
        signers = [(d, self.heads[d.pk], self.commune_chairman, DIVISION_TARGETS)
                   for d in self.divisions.values() if d.pk in self.heads]  # fmt: skip
        signers.append((self.anphu, self.commune_chairman, self.chairman, COMMUNE_TARGETS))
        signers += [(d, self.heads[d.pk], self.chairman, DEPARTMENT_TARGETS) for d in self.departments]
        for unit, signer, superior, targets in signers:
            self.commitment(unit, signer, superior, PeriodKind.YEAR, 1, targets)
            for quarter in range(1, quarter_of(self.today) + 1):
                self.commitment(unit, signer, superior, PeriodKind.QUARTER, quarter, targets)
        charter = self.commitment(self.anphu, self.commune_chairman, self.chairman, PeriodKind.YEAR, 1,
                                  COMMUNE_TARGETS[:3], kind=Commitment.Kind.CHARTER)  # fmt: skip
        charter.is_public = True
        charter.save(update_fields=["is_public"])

    def commitment(self, unit, signer, superior, period, number, targets, kind=Commitment.Kind.TASKS) -> Commitment:
        first, last = self.period_days(period, number)
        label = f"năm {self.year}" if period == PeriodKind.YEAR else f"quý {ROMAN[number]} năm {self.year}"
        signed = self.office_moment(unit, first)
        commitment = Commitment.objects.create(
            kind=kind, unit=unit, signer=signer, superior=superior, period_kind=period, year=self.year,
            number=number, status=Commitment.Status.SIGNED, created_at=signed - dt.timedelta(days=3),
            signed_at=signed, title=f"{COMMITMENT_TITLES[kind]} {label} — {unit.short_name or unit.name}",
        )  # fmt: skip
        rows = [CommitmentTarget(commitment=commitment, order=order, text=text, metric=metric, comparison=comparison,
                                 target_value=Decimal(value) if value is not None else None)
                for order, (text, metric, comparison, value) in enumerate(targets, start=1)]  # fmt: skip
        evaluated = self.office_moment(unit, last + dt.timedelta(days=3))
        if evaluated <= self.now:
            values = metric_values(unit, first, last)
            for row in rows:
                if row.metric:
                    row.actual_value = values[row.metric]
                    row.met = None if row.actual_value is None else (
                        row.actual_value >= row.target_value if row.comparison == "gte"
                        else row.actual_value <= row.target_value)  # fmt: skip
                else:
                    row.met, row.review_note = True, "Hoàn thành."
            commitment.status, commitment.evaluated_at = Commitment.Status.EVALUATED, evaluated
            broken = any(row.met is False for row in rows)
            commitment.result = Commitment.Result.BROKEN if broken else Commitment.Result.KEPT
            commitment.save(update_fields=["status", "evaluated_at", "result"])
        CommitmentTarget.objects.bulk_create(rows)
        self.summary.commitments += 1
        return commitment

    # ---- reporting regime -----------------------------------------------------------------------------------------

    def reports(self) -> None:
        created = self.office_moment(self.root, dt.date(self.year - 1, 12, 5))
        monthly = self.request("Báo cáo tình hình giải quyết thủ tục hành chính hằng tháng", PeriodKind.MONTH,
                               MONTHLY_FIELDS, created)  # fmt: skip
        quarterly = self.request("Báo cáo công tác cải cách hành chính quý", PeriodKind.QUARTER, QUARTERLY_FIELDS,
                                 created)  # fmt: skip
        for request, numbers in ((monthly, range(1, 13)), (quarterly, range(1, 5))):
            cycles = []
            for number in numbers:
                start, end = decree_09_period(request.frequency, self.year, number)
                if start > self.today:
                    break
                deadline = self.on_or_after(self.root, dt.date(end.year, end.month, request.due_day))
                label = f"Tháng {number}/{self.year}" if request.frequency == PeriodKind.MONTH else \
                    f"Quý {ROMAN[number]}/{self.year}"  # fmt: skip
                cycles.append(ReportCycle(request=request, label=label, period_start=start, period_end=end,
                                          deadline=deadline, due_at=self.due(self.root, deadline)))  # fmt: skip
            ReportCycle.objects.bulk_create(cycles)
            self.summary.cycles += len(cycles)
            past = [c for c in cycles if c.due_at < self.now]
            for cycle in cycles:
                self.submissions(request, cycle, last_past=bool(past) and cycle is past[-1])

    def request(self, title, frequency, fields, created) -> ReportRequest:
        request = ReportRequest.objects.create(
            title=title, from_unit=self.root, kind=ReportRequest.Kind.PERIODIC, frequency=frequency, due_day=20,
            starts_on=dt.date(self.year - 1, 12, 15), created_by=self.chairman, created_at=created,
            instructions="Số liệu từ ngày 15 tháng trước đến ngày 14 tháng báo cáo (Nghị định 09/2019/NĐ-CP); "
                         "các chỉ tiêu đánh dấu được lấy sẵn từ số liệu của hệ thống, đơn vị kiểm tra trước khi nộp.",
        )  # fmt: skip
        request.recipients.set(self.communes)
        ReportField.objects.bulk_create([
            ReportField(request=request, order=order, label=label, kind=kind, measure=measure, prefill=prefill,
                        choices=choices or [], required=True)
            for order, (label, kind, measure, prefill, choices) in enumerate(fields, start=1)
        ])  # fmt: skip
        self.summary.requests += 1
        return request

    def submissions(self, request: ReportRequest, cycle: ReportCycle, *, last_past: bool) -> None:
        """Past cycles: every commune submitted a few days before the due day and the province accepted; Hòa Lạc
        late every third cycle, and not at all in the last cycle due; An Phú returned once, then accepted. The open
        cycle (figures ended, not yet due): a few early submissions and drafts."""
        due_day = timezone.localtime(cycle.due_at).date()
        if cycle.period_end >= self.today:
            return
        fields = list(request.fields.order_by("order"))
        decider = self.users["giamdoc.vp"]
        rows, values = [], []
        for index, commune in enumerate(self.communes):
            submitter = self.heads.get(commune.pk)
            late_one = commune.agency_code == LATE_COMMUNE
            if cycle.due_at < self.now:
                if late_one and last_past:
                    continue
                if late_one and cycle.period_start.month % 3 == 0:
                    day = self.working_days_after(commune, due_day, self.rng.randint(1, 3))
                else:
                    day = self.on_or_before(commune, due_day - dt.timedelta(days=self.rng.randint(0, 4)))
                submitted = self.office_moment(commune, max(day, cycle.period_end + dt.timedelta(days=1)))
                decided = self.office_moment(self.root, submitted.date() + dt.timedelta(days=2))
                status = ReportSubmission.Status.ACCEPTED if decided <= self.now else ReportSubmission.Status.SUBMITTED
            elif index % 3 == 0:
                submitted = self.office_moment(commune, cycle.period_end + dt.timedelta(days=1))
                if submitted > self.now:
                    continue
                decided, status = None, ReportSubmission.Status.SUBMITTED
            elif index % 3 == 1:
                submitted, decided, status = None, None, ReportSubmission.Status.DRAFT
            else:
                continue
            returned = (commune.pk == self.anphu.pk and cycle.period_start.month == 6
                        and status == ReportSubmission.Status.ACCEPTED)  # fmt: skip
            rows.append(ReportSubmission(
                cycle=cycle, unit=commune, status=status, submitted_at=submitted,
                submitted_by=submitter if submitted else None,
                outcome=timeliness(submitted, cycle.due_at) if submitted else "",
                returned_note="Số liệu hồ sơ trễ hạn chưa khớp với sổ theo dõi; đề nghị rà soát, nộp lại."
                if returned else "", decided_by=decider if status == ReportSubmission.Status.ACCEPTED else None,
                decided_at=decided if status == ReportSubmission.Status.ACCEPTED else None,
                late_notice_sent_at=self.at(self.working_days_after(self.root, due_day, 1), 7)
                if submitted and submitted > cycle.due_at else None,
            ))  # fmt: skip
        ReportSubmission.objects.bulk_create(rows)
        for submission in rows:
            figures = metric_values(submission.unit, cycle.period_start, cycle.period_end)
            for field in fields:
                values.append(self.value(submission, field, figures))
        ReportValue.objects.bulk_create(values)
        self.summary.submissions += len(rows)

    def value(self, submission: ReportSubmission, field: ReportField, figures: dict) -> ReportValue:
        if field.kind == ReportField.Kind.NUMBER:
            if field.prefill:  # a rate with nothing counted stays empty rather than a made-up figure
                figure = figures.get(field.prefill)
                return ReportValue(submission=submission, field=field, number=figure, prefilled=figure is not None)
            return ReportValue(submission=submission, field=field, number=Decimal(self.rng.randint(0, 12)))
        if field.kind == ReportField.Kind.CHOICE:
            return ReportValue(submission=submission, field=field, text=self.rng.choice(field.choices))
        return ReportValue(submission=submission, field=field, text=self.rng.choice(REPORT_TEXTS))

    # ---- the week's schedule ----------------------------------------------------------------------------------------

    def schedule(self) -> None:
        monday = self.today - dt.timedelta(days=self.today.weekday())
        for unit, leader, entries in ((self.root, self.chairman, PROVINCE_WEEK), (self.anphu, self.commune_chairman,
                                                                                 COMMUNE_WEEK)):  # fmt: skip
            rows = []
            for weekday, hour, kind, title, location, participants, preparing in entries:
                day = self.on_or_after(unit, monday + dt.timedelta(days=weekday))  # a holiday moves it on
                if day > monday + dt.timedelta(days=4):
                    continue
                starts = self.at(day, hour)
                rows.append(ScheduleEntry(
                    unit=unit, kind=kind, title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=3),
                    location=location, participants=participants, preparing_unit=preparing, created_by=leader,
                ))  # fmt: skip
            ScheduleEntry.objects.bulk_create(rows)
            ScheduleEntry.leaders.through.objects.bulk_create(
                [ScheduleEntry.leaders.through(scheduleentry_id=row.pk, user_id=leader.pk) for row in rows]
            )
            self.summary.schedule += len(rows)


# (text, metric, comparison, target) — bound to a figure the system computes, or free text (metric "")
DIVISION_TARGETS = [
    ("Hoàn thành đúng hạn không dưới 90% nhiệm vụ được giao", Metric.TASKS_ON_TIME_RATE, "gte", "90"),
    ("Không để đơn thư, phản ánh tồn đọng kéo dài", "", "", None),
    ("Chấp hành nghiêm kỷ luật, kỷ cương hành chính", "", "", None),
]
COMMUNE_TARGETS = [
    ("Tỷ lệ hồ sơ giải quyết đúng hạn không dưới 95%", Metric.DOSSIER_ON_TIME_RATE, "gte", "95"),
    ("Số hồ sơ trễ hạn không quá 20 hồ sơ", Metric.LATE_DOSSIERS, "lte", "20"),
    ("Tỷ lệ người dân hài lòng không dưới 90%", Metric.SATISFACTION, "gte", "90"),
    ("Phiếu xin lỗi không quá 15 phiếu", Metric.APOLOGIES_ISSUED, "lte", "15"),
    ("Trả lời phản ánh, kiến nghị đúng hạn không dưới 90%", Metric.FEEDBACK_ON_TIME_RATE, "gte", "90"),
    ("Hoàn thành đúng hạn không dưới 90% nhiệm vụ Chủ tịch UBND tỉnh giao", Metric.TASKS_ON_TIME_RATE, "gte", "90"),
]
DEPARTMENT_TARGETS = [
    ("Hoàn thành đúng hạn không dưới 90% nhiệm vụ được giao", Metric.TASKS_ON_TIME_RATE, "gte", "90"),
    ("Trả lời phản ánh, kiến nghị đúng hạn không dưới 90%", Metric.FEEDBACK_ON_TIME_RATE, "gte", "90"),
    ("Tham mưu đầy đủ, kịp thời các nội dung trong chương trình công tác", "", "", None),
]
MONTHLY_FIELDS = [  # (label, kind, measure, prefill, choices)
    ("Số hồ sơ tiếp nhận trong kỳ", "number", "hồ sơ", Metric.DOSSIERS_RECEIVED, None),
    ("Số hồ sơ đã giải quyết", "number", "hồ sơ", Metric.DOSSIERS_RETURNED, None),
    ("Số hồ sơ trễ hạn", "number", "hồ sơ", Metric.LATE_DOSSIERS, None),
    ("Kết quả nổi bật, khó khăn, vướng mắc, kiến nghị", "text", "", "", None),
    ("Tự đánh giá kết quả trong kỳ", "choice", "", "", ["Tốt", "Khá", "Trung bình", "Chưa đạt"]),
]
QUARTERLY_FIELDS = [
    ("Tỷ lệ hồ sơ giải quyết đúng hạn", "number", "%", Metric.DOSSIER_ON_TIME_RATE, None),
    ("Số phản ánh, kiến nghị tiếp nhận", "number", "phản ánh", Metric.FEEDBACK_RECEIVED, None),
    ("Số thủ tục hành chính được rà soát, đơn giản hóa", "number", "thủ tục", "", None),
    ("Đánh giá chung công tác cải cách hành chính", "text", "", "", None),
    ("Mức độ hoàn thành kế hoạch", "choice", "", "", ["Hoàn thành", "Cơ bản hoàn thành", "Chưa hoàn thành"]),
]
REPORT_TEXTS = [
    "Tiếp nhận, giải quyết hồ sơ đúng quy trình; tăng tỷ lệ hồ sơ trực tuyến toàn trình.",
    "Một số hồ sơ đất đai phải xác minh nguồn gốc nên kéo dài; đã xin lỗi người dân theo quy định.",
    "Đường truyền tại Bộ phận Một cửa chập chờn; kiến nghị tỉnh hỗ trợ nâng cấp.",
]
K = ScheduleEntry.Kind
PROVINCE_WEEK = [  # (weekday, hour, kind, title, location, participants, preparing unit)
    (0, 8, K.MEETING, "Họp Thường trực UBND tỉnh cho ý kiến các đề án trình HĐND", "Phòng họp số 1, UBND tỉnh",
     "Các Phó Chủ tịch UBND tỉnh; Giám đốc các Sở liên quan", "Văn phòng UBND tỉnh"),
    (1, 8, K.RECEPTION, "Tiếp công dân định kỳ", "Trụ sở Tiếp công dân tỉnh", "Chánh Thanh tra tỉnh; Sở Tư pháp",
     "Ban Tiếp công dân tỉnh"),
    (2, 14, K.VISIT, "Kiểm tra tiến độ xây dựng nông thôn mới tại xã An Phú", "Xã An Phú",
     "Sở Nông nghiệp và Môi trường; UBND xã An Phú", "Sở Nông nghiệp và Môi trường"),
    (3, 8, K.MEETING, "Làm việc với Sở Tư pháp về cải cách thủ tục hành chính", "Phòng họp số 2, UBND tỉnh",
     "Lãnh đạo Sở Tư pháp; Văn phòng UBND tỉnh", "Sở Tư pháp"),
    (4, 14, K.MEETING, "Hội nghị đối thoại với doanh nghiệp", "Hội trường UBND tỉnh",
     "Hiệp hội Doanh nghiệp tỉnh; các Sở, ngành", "Sở Tài chính"),
]  # fmt: skip
COMMUNE_WEEK = [
    (0, 14, K.MEETING, "Họp Thường trực UBND xã về thu ngân sách", "Phòng họp UBND xã",
     "Phó Chủ tịch UBND xã; Phòng Kinh tế", "Phòng Kinh tế"),
    (1, 8, K.VISIT, "Kiểm tra vệ sinh môi trường tại các thôn", "Thôn Đông, thôn Tây", "Phòng Văn hóa - Xã hội",
     "Phòng Văn hóa - Xã hội"),
    (2, 8, K.RECEPTION, "Tiếp công dân định kỳ", "Phòng Tiếp công dân UBND xã", "Công chức Tư pháp - Hộ tịch",
     "Văn phòng HĐND và UBND"),
]  # fmt: skip


def generate_work_year(*, seed: int = 2026, today: dt.date | None = None) -> Summary:
    """A year of the demo province's work up to today (or `today`, 17:00). Does nothing when the provincial committee
    already has a work programme (load_demo run again)."""
    root = Unit.objects.filter(agency_code=DEMO_AGENCY_ID).first()
    if root is None or WorkProgram.objects.filter(unit=root).exists():
        return Summary(skipped=True)
    return WorkYear(seed=seed, today=today).run()
