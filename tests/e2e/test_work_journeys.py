"""Issue 12, point 9: the two browser journeys of the work app within the demo province (no generated history: each
journey makes what it needs through the pages).

1. The province chairman holds a quarterly briefing with Sở Tư pháp: attendance, minutes, a conclusion owned by the
   department with a deadline, the conclusion notice (its number, its PDF) and the conclusion turned into a task in
   one step. The department head finds it in "Việc của tôi", reports progress with a file, asks for an extension; the
   chairman sees the request on his own "Việc của tôi" (what waits for his decision) and approves it (the original
   deadline stays beside the new one); the department reports completion with its product; the chairman, shown on
   "Việc của tôi" that it waits for acceptance, accepts it: early. His follow-up page counted it while it was open
   (finished in time, it leaves the page, which counts open, due, late and finished-late tasks).
2. The chairman asks the communes for a monthly report (a number pre-filled from the system's figures, a number, a
   text); its current cycle opens at once. One commune sends before the due time; then the due time passes (no e2e
   test moves the clock — the live server would follow it, the browser would not — so the cycle's due moment is set
   back in the database, as if the day had come); a second commune sends late, the third never does. The chairman's
   cycle page shows who sent, who is late, the totals; the .xlsx export carries the same totals."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from weasyprint import HTML

from tests.e2e.conftest import sign_in
from tests.e2e.test_a11y import serious_issues

pytestmark = pytest.mark.e2e

CONCLUSION = "Sở Tư pháp rà soát, hoàn thiện dự thảo Quy định phối hợp quản lý nhà nước về bồi thường nhà nước"
REPORT_TITLE = "Báo cáo tình hình tiếp công dân và giải quyết thủ tục hành chính hằng tháng"


def pdf(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_bytes(HTML(string=f"<p>{body}</p>").write_pdf())
    return path


def switch_user(page, site: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, site, username)


def working_day_after(unit, day: dt.date, days: int) -> dt.date:
    """The `days`-th working day of `unit` after `day`."""
    from apps.calendar.selectors import legal_calendar_for_unit

    calendar = legal_calendar_for_unit(unit)
    while days:
        day += dt.timedelta(days=1)
        days -= calendar.is_working_day(day)
    return day


def expect_success(page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


class Axe:
    """axe-core (WCAG 2.1 A, AA) over each page the journey stops on: serious or critical issues are collected and
    reported together at the end, so that one run names them all."""

    def __init__(self, page):
        from axe_playwright_python.base import AXE_SCRIPT

        page.context.add_init_script(AXE_SCRIPT)
        self.page, self.found = page, []

    def check(self, where: str) -> None:
        self.found += serious_issues(self.page, f"{self.page.url} ({where})")

    def assert_clean(self) -> None:
        assert not self.found, f"{len(self.found)} serious or critical accessibility issue(s):\n" + "\n".join(
            self.found
        )


def open_from_menu(page, site: str, entry: str) -> None:
    """Through the staff menu "Công việc" (Việc của tôi), then the work app's own menu."""
    page.goto(f"{site}/can-bo/cong-viec/")
    page.get_by_role("navigation", name="Công việc").get_by_role("link", name=entry, exact=True).click()


def test_briefing_conclusion_becomes_a_task_extended_finished_and_counted(page, site, tmp_path):
    from apps.org.models import Unit, User

    department = Unit.objects.get(agency_code="H99.02")
    province = department.parent
    chairman = User.objects.get(username="chutich.tinh")
    officer = User.objects.get(username="chuyenvien.stp")
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    deadline = working_day_after(department, today, 10)
    extended_to = working_day_after(department, deadline, 5)

    axe = Axe(page)
    # The chairman schedules the quarterly briefing (yesterday afternoon: the minutes are written once it has begun).
    sign_in(page, site, "chutich.tinh")
    open_from_menu(page, site, "Giao ban")
    page.get_by_role("link", name="Lên lịch họp giao ban").click()
    axe.check("lên lịch họp giao ban")
    page.get_by_label("Đơn vị chủ trì").select_option(label=province.name)
    page.get_by_label("Loại cuộc họp").select_option(label="Giao ban quý")
    page.get_by_label("Tên cuộc họp").fill("Giao ban quý IV/2026 với Sở Tư pháp")
    page.get_by_label("Bắt đầu").fill(f"{yesterday:%Y-%m-%d}T14:00")
    page.get_by_label("Kết thúc").fill(f"{yesterday:%Y-%m-%d}T16:30")
    page.get_by_label("Địa điểm").fill("Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh")
    page.get_by_label("Chủ trì", exact=True).select_option(label=str(chairman))
    page.get_by_label("Nội dung, chương trình").fill("Đánh giá kết quả công tác tư pháp quý IV; nhiệm vụ năm 2027.")
    page.get_by_label("Đơn vị dự họp").select_option(label=department.name)
    page.get_by_label("Người dự họp").select_option(label=str(officer))
    page.get_by_role("button", name="Lên lịch").click()
    expect_success(page, "Đã lên lịch cuộc họp")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giao ban quý IV/2026 với Sở Tư pháp")
    briefing_url = page.url
    axe.check("cuộc họp đã lên lịch")

    # Attendance: the department present, its officer away with the reason; the minutes; the conclusion.
    present = page.get_by_role("row").filter(has_text=department.name)
    present.get_by_label("Có mặt", exact=True).check()
    absent = page.get_by_role("row").filter(has_text=str(officer))
    absent.get_by_label("Vắng", exact=True).check()
    absent.get_by_label("Lý do vắng").fill("Đi công tác tại Bộ Tư pháp")
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect_success(page, "Đã ghi điểm danh.")
    expect(page.get_by_role("row").filter(has_text=str(officer)).get_by_label("Lý do vắng")).to_have_value(
        "Đi công tác tại Bộ Tư pháp"
    )
    page.get_by_label("Biên bản cuộc họp").fill("Sở Tư pháp báo cáo kết quả quý IV. Chủ tịch kết luận như sau.")
    page.get_by_role("button", name="Ghi biên bản (đã họp)").click()
    expect_success(page, "Đã ghi biên bản cuộc họp.")
    axe.check("cuộc họp đã họp: thêm kết luận")
    page.get_by_label("Nội dung kết luận").fill(CONCLUSION)
    page.get_by_label("Đơn vị thực hiện").select_option(label=department.name)
    page.get_by_label("Thời hạn", exact=True).fill(f"{deadline:%Y-%m-%d}")
    page.get_by_role("button", name="Thêm kết luận").click()
    expect_success(page, "Đã thêm kết luận.")
    expect(page.get_by_role("row").filter(has_text=CONCLUSION)).to_contain_text(f"{deadline:%d/%m/%Y}")

    # The notice: numbered in the committee's TB series, its PDF answers a PDF; then the tasks in one step.
    page.get_by_role("button", name="Ban hành thông báo kết luận").click()
    expect_success(page, "Đã ban hành Thông báo kết luận số 01/TB-UBND.")
    expect(page.get_by_text("Thông báo số 01/TB-UBND")).to_be_visible()
    notice = page.request.get(site + page.get_by_role("link", name="PDF").get_attribute("href"))
    assert notice.status == 200
    assert notice.headers["content-type"] == "application/pdf"
    assert notice.body().startswith(b"%PDF")
    page.get_by_role("button", name="Giao nhiệm vụ từ kết luận").click()
    expect_success(page, "Đã giao 1 nhiệm vụ từ kết luận.")
    expect(page.get_by_role("button", name="Giao nhiệm vụ từ kết luận")).to_have_count(0)
    axe.check("cuộc họp đã ban hành thông báo, đã giao nhiệm vụ")
    page.get_by_role("row").filter(has_text=CONCLUSION).get_by_role("link", name=re.compile("nhiệm vụ #")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONCLUSION)
    task_url = page.url
    expect(page.get_by_text("Thông báo số 01/TB-UBND").first).to_be_visible()
    page.goto(briefing_url)

    # The department head: the task in "Việc của tôi"; progress with a file; an extension asked for.
    switch_user(page, site, "giamdoc.stp")
    page.goto(f"{site}/can-bo/cong-viec/")
    row = page.get_by_role("row").filter(has_text=CONCLUSION[:60])
    expect(row).to_contain_text(f"{deadline:%d/%m/%Y}")
    axe.check("việc của tôi: giám đốc sở")
    row.get_by_role("link").first.click()
    expect(page).to_have_url(task_url)
    axe.check("nhiệm vụ: người thực hiện")
    page.get_by_label("Tiến độ (%)").fill("40")
    page.get_by_label("Nội dung báo cáo").fill("Đã hoàn thành dự thảo lần 1, đang lấy ý kiến các sở, ngành.")
    page.get_by_label("Tệp kèm theo (PDF, ảnh)").set_input_files(
        str(pdf(tmp_path, "du-thao-lan-1.pdf", "DỰ THẢO Quy định phối hợp — lần 1"))
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect_success(page, "Đã ghi báo cáo tiến độ.")
    expect(page.get_by_role("link", name="du-thao-lan-1.pdf").first).to_be_visible()
    page.get_by_text("Xin gia hạn", exact=True).click()
    page.get_by_label("Đề nghị gia hạn đến ngày").fill(f"{extended_to:%Y-%m-%d}")
    page.get_by_label("Lý do", exact=True).fill("Chờ ý kiến thẩm định của Bộ Tư pháp.")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect_success(page, "Đã gửi đề nghị gia hạn cho người giao.")
    axe.check("nhiệm vụ: đã xin gia hạn")

    # The chairman: his follow-up counts the open task; the request waits for him on "Việc của tôi" (and among the
    # tasks he assigned); he approves it.
    switch_user(page, site, "chutich.tinh")
    open_from_menu(page, site, "Theo dõi nhiệm vụ")
    counts = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=department.name, exact=True))
    expect(counts.get_by_role("cell").first).to_have_text("1")  # Đang thực hiện
    axe.check("theo dõi nhiệm vụ")
    open_from_menu(page, site, "Việc của tôi")
    page.get_by_role("link", name="Tôi đã giao").click()
    expect(page.get_by_role("row").filter(has_text=CONCLUSION[:60])).to_contain_text("Chờ quyết định gia hạn")
    open_from_menu(page, site, "Việc của tôi")
    waiting = page.get_by_role("region", name="Chờ tôi quyết định")
    expect(waiting.get_by_role("row").filter(has_text=CONCLUSION[:60])).to_contain_text("Chờ quyết định gia hạn")
    axe.check("việc của tôi: chờ tôi quyết định")
    waiting.get_by_role("link", name=re.compile(re.escape(CONCLUSION[:60]))).click()
    expect(page.get_by_text(f"đề nghị đến {extended_to:%d/%m/%Y}")).to_be_visible()
    axe.check("nhiệm vụ: quyết định gia hạn")
    page.get_by_label("Đồng ý gia hạn").check()
    page.get_by_role("button", name="Ghi quyết định").click()
    expect_success(page, "Đã ghi quyết định về đề nghị gia hạn.")
    due = page.locator("dd").filter(has_text="Thời hạn ban đầu")
    expect(due).to_contain_text(f"17:00 {extended_to:%d/%m/%Y}")
    expect(due).to_contain_text(f"Thời hạn ban đầu: 17:00 {deadline:%d/%m/%Y} (đã gia hạn)")

    # The department reports it done with the product; the chairman accepts it: finished early.
    switch_user(page, site, "giamdoc.stp")
    page.goto(task_url)
    page.get_by_label("Sản phẩm, kết quả").fill("Dự thảo Quy định đã hoàn thiện, trình Ủy ban nhân dân tỉnh ban hành.")
    page.get_by_label("Tệp sản phẩm (PDF, ảnh)").set_input_files(
        str(pdf(tmp_path, "du-thao-trinh.pdf", "DỰ THẢO Quy định phối hợp — bản trình"))
    )
    page.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect_success(page, "Đã báo cáo hoàn thành; chờ người giao nghiệm thu.")
    switch_user(page, site, "chutich.tinh")
    page.goto(f"{site}/can-bo/cong-viec/")
    waiting = page.get_by_role("region", name="Chờ tôi quyết định")
    expect(waiting.get_by_role("row").filter(has_text=CONCLUSION[:60])).to_contain_text("Chờ nghiệm thu")
    waiting.get_by_role("link", name=re.compile(re.escape(CONCLUSION[:60]))).click()
    expect(page).to_have_url(task_url)
    expect(page.get_by_role("link", name="du-thao-trinh.pdf").first).to_be_visible()
    page.get_by_role("button", name="Nghiệm thu").click()
    expect_success(page, "Đã nghiệm thu nhiệm vụ.")
    axe.check("nhiệm vụ đã nghiệm thu")
    badges = page.locator("h1 + p")
    expect(badges).to_contain_text("Đã hoàn thành")
    expect(badges).to_contain_text("Trước hạn")
    expect(badges).to_contain_text("Đã gia hạn")
    open_from_menu(page, site, "Theo dõi nhiệm vụ")  # finished in time: neither open nor late any more
    expect(page.get_by_role("rowheader", name=department.name, exact=True)).to_have_count(0)
    open_from_menu(page, site, "Việc của tôi")  # nothing waits for him any more
    expect(page.get_by_role("heading", name="Chờ tôi quyết định")).to_have_count(0)
    axe.assert_clean()


def submit_report(page, site: str, username: str, values: dict[str, str], *, expected_outcome: str, axe) -> None:
    """The commune chairman opens the report his commune must send from "Việc của tôi", fills it and sends it."""
    switch_user(page, site, username)
    page.goto(f"{site}/can-bo/cong-viec/")
    page.get_by_role("link", name=REPORT_TITLE).click()
    expect(page.get_by_text("Lấy từ số liệu hệ thống").first).to_be_visible()  # the pre-filled number is marked
    axe.check(f"báo cáo của đơn vị ({username})")
    for label, value in values.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect_success(page, "Đã nộp báo cáo.")
    expect(page.locator("p").filter(has_text="Trạng thái")).to_contain_text("Đã nộp · nộp lúc")
    expect(page.locator("p").filter(has_text="Trạng thái")).to_contain_text(expected_outcome)


def test_monthly_report_from_the_communes_one_late_aggregate_exported(page, site):
    from apps.org.models import Unit
    from apps.work.models import ReportCycle

    province = Unit.objects.get(agency_code="H99.02").parent
    communes = {slug: Unit.objects.get(agency_code=code) for slug, code in
                (("anphu", "H99.24"), ("binhminh", "H99.25"), ("hoalac", "H99.26"))}  # fmt: skip

    axe = Axe(page)
    # The chairman asks three communes for the monthly report: a pre-filled number, a number, a text.
    sign_in(page, site, "chutich.tinh")
    open_from_menu(page, site, "Báo cáo")
    page.get_by_role("link", name="Yêu cầu báo cáo mới").click()
    axe.check("yêu cầu báo cáo mới")
    page.get_by_label("Tên báo cáo").fill(REPORT_TITLE)
    page.get_by_label("Đơn vị yêu cầu").select_option(label=province.name)
    page.get_by_label("Loại báo cáo").select_option(label="Định kỳ")
    page.get_by_label("Kỳ báo cáo (định kỳ)").select_option(label="Tháng")
    page.get_by_label("Hạn nộp: ngày trong tháng (định kỳ)").fill("20")
    page.get_by_label("Đơn vị báo cáo").select_option(
        label=[f"{unit.name} — {province.name}" for unit in communes.values()]
    )
    page.get_by_label("Chỉ tiêu 1", exact=True).fill("Số hồ sơ tiếp nhận")
    page.get_by_label("Đơn vị tính 1", exact=True).fill("hồ sơ")
    page.get_by_label("Lấy từ số liệu hệ thống 1", exact=True).select_option(label="Số hồ sơ tiếp nhận")
    page.get_by_label("Chỉ tiêu 2", exact=True).fill("Số buổi tiếp công dân")
    page.get_by_label("Đơn vị tính 2", exact=True).fill("buổi")
    page.get_by_label("Chỉ tiêu 3", exact=True).fill("Tình hình nổi bật")
    page.get_by_label("Kiểu 3", exact=True).select_option(label="Văn bản")
    page.get_by_role("button", name="Gửi yêu cầu báo cáo").click()
    expect_success(page, "Đã gửi yêu cầu báo cáo tới các đơn vị.")
    cycle = ReportCycle.objects.get(request__title=REPORT_TITLE)  # the current month's, opened at once
    page.get_by_role("link", name=cycle.label).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cycle.label)
    cycle_url = page.url
    expect(page.get_by_text("Chưa nộp: 3")).to_be_visible()
    axe.check("kỳ báo cáo: chưa ai nộp")

    # An Phú sends in time, keeping the system's figure; then the due moment passes; Bình Minh sends late,
    # correcting the figure; Hòa Lạc never sends.
    submit_report(page, site, "chutich.anphu",
                  {"Số buổi tiếp công dân": "4", "Tình hình nổi bật": "Tình hình an ninh trật tự ổn định."},
                  expected_outcome="Trước hạn", axe=axe)  # fmt: skip
    ReportCycle.objects.filter(pk=cycle.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    submit_report(page, site, "chutich.binhminh",
                  {"Số hồ sơ tiếp nhận": "12", "Số buổi tiếp công dân": "6",
                   "Tình hình nổi bật": "Hoàn thành chuyển đổi số tại bộ phận một cửa."},
                  expected_outcome="Quá hạn", axe=axe)  # fmt: skip

    # The chairman's cycle page: who sent, who is late, the totals; the export carries the same.
    switch_user(page, site, "chutich.tinh")
    page.goto(cycle_url)
    expect(page.get_by_text("Đã nộp: 2")).to_be_visible()
    expect(page.get_by_text("Nộp quá hạn: 1")).to_be_visible()
    expect(page.get_by_text("Quá hạn, chưa nộp: 1")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Kết quả thời hạn")).to_be_visible()
    axe.check("kỳ báo cáo: tổng hợp")
    rows = {slug: page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=unit.name, exact=True))
            for slug, unit in communes.items()}  # fmt: skip
    expect(rows["anphu"]).to_contain_text("Đã nộp")
    expect(rows["anphu"]).to_contain_text("Trước hạn")
    expect(rows["anphu"].get_by_text("hệ thống")).to_be_visible()
    expect(rows["binhminh"]).to_contain_text("Quá hạn")
    expect(rows["hoalac"]).to_contain_text("Quá hạn, chưa nộp")
    totals = page.get_by_role("row").filter(has_text="Tổng cộng (báo cáo đã nộp)").get_by_role("cell")
    expect(totals.nth(3)).to_have_text("12")
    expect(totals.nth(4)).to_have_text("10")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng tổng hợp (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1]}
    assert rows[communes["anphu"].name][2:] == ("Đã nộp", rows[communes["anphu"].name][3], "Trước hạn", 0, 4,
                                               "Tình hình an ninh trật tự ổn định.")  # fmt: skip
    assert rows[communes["binhminh"].name][4:6] == ("Quá hạn", 12)
    assert rows[communes["hoalac"].name][2] == "Quá hạn, chưa nộp"
    assert rows["Đơn vị báo cáo"][4] == "Kết quả thời hạn"
    assert rows["Tổng cộng"][2:7] == ("2/3 đơn vị đã nộp", None, "2 quá hạn", 12, 10)
    axe.assert_clean()
