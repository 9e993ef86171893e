"""Accessibility: axe-core (WCAG 2.1 A and AA rules) finds no serious or critical issue on any public or staff page,
on a desktop screen and on a phone; the dashboard chart has axes, labels, the on-time line and a text alternative.

axe-core comes from the `axe-playwright-python` wheel (pinned in the dev extra): nothing is downloaded at test time.
The script is evaluated by the browser driver, not loaded by the page, so the pages keep the Content-Security-Policy
they are served with (test_csp.py checks that no page breaks it). The admin is Django's own and is left out."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: An Phú's office, 3 working days, online
APPLICANT = {"applicant_name": "Trần Thị Mai", "applicant_id_number": "001195012345", "applicant_phone": "0912345678",
             "applicant_address": "Thôn Đông, xã An Phú"}  # fmt: skip
STEPS = ("motcua.anphu", "tuphap.anphu", "chutich.anphu")  # desk, the office's officer, the chairman


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may name the records made by `records()`: {dossier}, {feedback}...
    user: str = ""  # signed in as; empty for a citizen
    send: str = ""  # the button pressed once the page is open (a form sent empty shows its errors)


# Every page checked, in one place. A staff page is seen by the person whose work it shows (actions and forms appear).
PAGES = [
    Page("trang chủ", "/"),
    Page("danh mục thủ tục", "/thu-tuc/"),
    Page("danh mục thủ tục: tìm kiếm", "/thu-tuc/?q=hon+nhan"),
    Page("thủ tục", "/thu-tuc/{procedure}/"),
    Page("nộp hồ sơ trực tuyến", "/thu-tuc/{procedure}/nop-truc-tuyen/"),
    Page("nộp hồ sơ trực tuyến: lỗi", "/thu-tuc/{procedure}/nop-truc-tuyen/", send="Gửi hồ sơ"),
    Page("tra cứu", "/tra-cuu/"),
    Page("tra cứu theo mã", "/tra-cuu/?ma={dossier}"),
    Page("tra cứu hồ sơ đã trả", "/tra-cuu/?ma={returned}"),
    Page("tra cứu hồ sơ đã hẹn lại", "/tra-cuu/?ma={late}"),
    Page("tra cứu: không có mã này", "/tra-cuu/?ma=H99.24-000000-0000"),
    Page("nộp bổ sung", "/bo-sung/"),
    Page("đánh giá hồ sơ", "/danh-gia/{dossier_rating}/"),
    Page("phản ánh: danh sách", "/phan-anh/"),
    Page("phản ánh: gửi", "/phan-anh/gui/"),
    Page("phản ánh: gửi, lỗi", "/phan-anh/gui/", send="Gửi"),
    Page("phản ánh: theo dõi (chưa công khai)", "/phan-anh/{feedback}/"),
    Page("phản ánh: câu trả lời công khai", "/phan-anh/{answered}/"),
    Page("phản ánh: đánh giá", "/phan-anh/danh-gia/{feedback_rating}/"),
    Page("chất lượng phục vụ", "/chat-luong-phuc-vu/"),
    Page("chất lượng phục vụ: tháng", "/chat-luong-phuc-vu/?ky=month&nam={year}&so={month}"),
    Page("không tìm thấy", "/trang-khong-co/"),
    Page("đăng nhập", "/tai-khoan/dang-nhap/"),
    Page("trang làm việc", "/can-bo/", "motcua.anphu"),
    Page("hồ sơ của tôi", "/can-bo/ho-so/", "motcua.anphu"),
    Page("hồ sơ trực tuyến chờ kiểm tra", "/can-bo/ho-so/?scope=online", "motcua.anphu"),
    Page("hồ sơ của đơn vị", "/can-bo/ho-so/?scope=unit", "motcua.anphu"),
    Page("hồ sơ sắp đến hạn", "/can-bo/ho-so/?scope=due_soon", "motcua.anphu"),
    Page("hồ sơ quá hạn", "/can-bo/ho-so/?scope=late", "motcua.anphu"),
    Page("hồ sơ: đang xử lý", "/can-bo/ho-so/{dossier}/", "motcua.anphu"),
    Page("hồ sơ: trực tuyến chờ kiểm tra", "/can-bo/ho-so/{online}/", "motcua.anphu"),
    Page("hồ sơ: chờ trả kết quả", "/can-bo/ho-so/{ready}/", "motcua.anphu"),
    Page("hồ sơ: đã trả", "/can-bo/ho-so/{returned}/", "motcua.anphu"),
    Page("tiếp nhận", "/can-bo/ho-so/tiep-nhan/", "motcua.anphu"),
    Page("tiếp nhận: thủ tục đã chọn", "/can-bo/ho-so/tiep-nhan/?procedure={procedure}", "motcua.anphu"),
    Page("sổ theo dõi", "/can-bo/ho-so/so-theo-doi/", "motcua.anphu"),
    Page("đổi mật khẩu", "/tai-khoan/doi-mat-khau/", "motcua.anphu"),
    Page("hồ sơ trễ hạn", "/can-bo/ho-so/tre-han/", "chanhvanphong.anphu"),
    Page("hồ sơ: phiếu xin lỗi chờ ký", "/can-bo/ho-so/{late}/", "chanhvanphong.anphu"),
    Page("chất lượng phục vụ (cán bộ)", "/can-bo/chat-luong-phuc-vu/", "chutich.anphu"),
    Page("phản ánh: chờ phân loại", "/can-bo/phan-anh/?scope=to_classify", "tongdai.1022"),
    Page("tổng đài 1022", "/can-bo/phan-anh/tong-dai/", "tongdai.1022"),
    Page("phản ánh: phân loại", "/can-bo/phan-anh/{feedback}/", "tongdai.1022"),
    Page("phản ánh của đơn vị", "/can-bo/phan-anh/?scope=unit", "tuphap.anphu"),
    Page("phản ánh: trả lời", "/can-bo/phan-anh/{assigned}/", "tuphap.anphu"),
    Page("phản ánh: đã trả lời", "/can-bo/phan-anh/{answered}/", "tuphap.anphu"),
    Page("đơn vị", "/can-bo/don-vi/", "quantri.anphu"),
    Page("lịch làm việc", "/can-bo/lich/", "quantri.anphu"),
    Page("nhật ký hệ thống", "/can-bo/nhat-ky/", "quantri.anphu"),
]


def people() -> dict:
    from apps.org.models import User

    return {user.username: user for user in User.objects.filter(username__in=[*STEPS, "tongdai.1022"])}


def walk_in(when: dt.datetime, **applicant):
    from apps.dossiers import services
    from apps.procedures.models import Procedure

    clerk = people()["motcua.anphu"]
    procedure = Procedure.objects.get(code=PROCEDURE)
    return services.dossier_receive_walk_in(
        actor=clerk, desk=clerk.memberships.get().unit, procedure=procedure, applicant=APPLICANT | applicant,
        provided_paper_ids=list(procedure.papers.filter(optional=False).values_list("pk", flat=True)), now=when,
    )  # fmt: skip


def through_every_step(dossier, when: dt.datetime):
    from apps.dossiers import services

    staff = people()
    for username in STEPS:
        dossier = services.dossier_forward(actor=staff[username], dossier=dossier, now=when)
    return dossier


def records() -> dict[str, str]:
    """One record in each state the pages show, made through the services by the people who would make them."""
    from apps.dossiers import links, services
    from apps.feedback import services as feedback_services
    from apps.feedback.models import Category
    from apps.org.models import Unit

    staff, now = people(), timezone.now()
    dossier = walk_in(now - dt.timedelta(hours=1))
    online = services.dossier_submit_online(
        procedure=dossier.procedure, filing_unit=dossier.filing_unit, now=now,
        applicant=APPLICANT | {"applicant_name": "Phạm Văn Nam", "applicant_id_number": "001090011122"},
    )  # fmt: skip
    late = walk_in(now - dt.timedelta(days=20), applicant_name="Lê Văn Hùng")
    services.dossier_forward(actor=staff["motcua.anphu"], dossier=late, now=late.received_at + dt.timedelta(hours=1))
    services.sweep_late_dossiers()  # drafts the apology its head signs
    ready = through_every_step(walk_in(now - dt.timedelta(days=1)), now)
    returned = through_every_step(walk_in(now - dt.timedelta(days=1), applicant_name="Đỗ Văn Bình"), now)
    services.dossier_return(actor=staff["motcua.anphu"], dossier=returned, now=now)

    category = Category.objects.get(code="hoi-dap-thu-tuc")
    office = Unit.objects.get(name="Văn phòng HĐND và UBND", parent__name="Ủy ban nhân dân xã An Phú")

    def feedback(title: str, assign: bool = False):
        item = feedback_services.feedback_submit(
            channel="web", category=category, title=title, content=f"{title} Xin cơ quan hướng dẫn cụ thể.",
            contact={"contact_name": "Hoàng Thị Lan", "contact_phone": "0987111222"},
        )  # fmt: skip
        if assign:
            item = feedback_services.feedback_assign(actor=staff["tongdai.1022"], feedback=item, unit=office)
        return item

    received = feedback("Hỏi lệ phí chứng thực bản sao?")
    assigned = feedback("Hỏi thời hạn cấp giấy xác nhận tình trạng hôn nhân?", assign=True)
    answered = feedback_services.feedback_answer(
        actor=staff["tuphap.anphu"], feedback=feedback("Xin giấy xác nhận độc thân cần gì?", assign=True),
        answer="Ông/Bà nộp tờ khai và căn cước tại Bộ phận Một cửa xã nơi cư trú; thời hạn 3 ngày làm việc.",
        publish=True,
    )  # fmt: skip
    today = timezone.localdate()
    return {
        "procedure": PROCEDURE, "dossier": dossier.code, "online": online.code, "late": late.code,
        "ready": ready.code, "returned": returned.code, "dossier_rating": links.rating_token(returned.code),
        "feedback": received.code, "assigned": assigned.code, "answered": answered.code,
        "feedback_rating": answered.rating_token, "year": today.year, "month": today.month,
    }  # fmt: skip


def serious_issues(page, where: str, *, colours: bool = True) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now: rule, target and page, one a line."""
    options = AXE_OPTIONS if colours else {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
    violations = page.evaluate("options => axe.run(document, options)", options)["violations"]
    return [
        f"{v['id']} [{v['impact']}] {' '.join(map(str, node['target']))} on {where}: {v['help']}"
        + "".join(f" — {check['message']}" for check in (node.get("any") or node.get("all") or [])[:1])
        for v in violations
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("audience", ["citizen", "staff"])
def test_axe_finds_no_serious_or_critical_wcag_issue_on_any_page(page, site, audience):
    from axe_playwright_python.base import AXE_SCRIPT

    page.context.add_init_script(AXE_SCRIPT)  # in every page the browser opens, beside (not under) its policy
    values, user, found = records(), None, []
    for entry in (p for p in PAGES if bool(p.user) == (audience == "staff")):
        if entry.user != user:
            page.context.clear_cookies()
            sign_in(page, site, entry.user)
            user = entry.user
        path = entry.path.format(**values)
        response = page.goto(f"{site}{path}")
        assert response.status < 500 and (response.status != 404 or entry.name == "không tìm thấy"), path
        if entry.send:
            with page.expect_navigation():
                page.get_by_role("button", name=entry.send, exact=True).click()
        for screen, size in SCREENS.items():  # the same page reflowed, no reload; colours are the same at any width
            page.set_viewport_size(size)
            where = f"{path} ({entry.name}, {screen}{', ' + user if user else ''})"
            found += serious_issues(page, where, colours=screen == "desktop")
        page.set_viewport_size(SCREENS["desktop"])
    assert not found, f"{len(found)} serious or critical accessibility issue(s):\n" + "\n".join(found)


def test_dashboard_chart_has_axes_labels_the_on_time_line_and_its_table_as_text(page, site):
    from apps.dossiers import services

    clerk = people()["motcua.anphu"]
    tz = timezone.get_current_timezone()
    march, may = dt.datetime(2025, 3, 3, 9, tzinfo=tz), dt.datetime(2025, 5, 5, 9, tzinfo=tz)
    # March 2025: two received (3 working days each), one done and returned the next day, one done and returned
    # 17 days later: half on time. May: one, on time. April: nothing returned.
    for received, done in [(march, march + dt.timedelta(days=1)), (march, march + dt.timedelta(days=17)),
                           (may, may + dt.timedelta(days=1))]:  # fmt: skip
        dossier = through_every_step(walk_in(received), done)
        services.dossier_return(actor=clerk, dossier=dossier, now=done + dt.timedelta(hours=1))

    page.goto(f"{site}/chat-luong-phuc-vu/?ky=year&nam=2025")
    chart = page.locator("figure.chart svg")
    expect(chart).to_have_attribute("role", "img")
    caption = page.locator(f"#{chart.get_attribute('aria-labelledby')}")
    expect(caption).to_have_text("Hồ sơ tiếp nhận theo tháng và tỷ lệ trả đúng hạn")
    table = page.locator(f"table#{chart.get_attribute('aria-describedby')}")  # the text alternative
    expect(table.locator("tbody tr")).to_have_count(12)
    expect(table.locator("tbody tr").nth(2)).to_contain_text("03/2025")
    expect(table.locator("tbody tr").nth(2)).to_contain_text("50")

    def positions(selector: str, attribute: str = "y") -> dict[str, float]:
        script = f"es => es.map(e => [e.textContent, +e.getAttribute('{attribute}')])"
        return dict(chart.locator(selector).evaluate_all(script))

    counts = positions(".chart-ticks text[text-anchor=end]")  # the left axis: dossiers received
    rates = positions(".chart-ticks text[text-anchor=start]")  # the right axis: % on time
    months = positions(".chart-ticks text[text-anchor=middle]", "x")
    assert list(months) == [f"{m:02d}" for m in range(1, 13)]
    assert "0" in counts and "0%" in rates and "50%" in rates and "100%" in rates
    expect(chart.locator(".chart-axis-title text")).to_have_text(
        ["Tháng (2025)", "Hồ sơ tiếp nhận", "Trả đúng hạn (%)"]
    )

    # The bars reach the number received on the left axis; the line's points sit on the right axis' rate.
    bars = chart.locator(".chart-bars rect").evaluate_all("es => es.map(e => +e.getAttribute('y'))")
    assert bars[2] == pytest.approx(counts["2"]) and bars[4] == pytest.approx(counts["1"])
    assert bars[0] == pytest.approx(counts["0"])
    points = chart.locator(".chart-line circle").evaluate_all(
        "es => es.map(e => [+e.getAttribute('cx'), +e.getAttribute('cy')])"
    )
    assert points == [
        [pytest.approx(months["03"]), pytest.approx(rates["50%"])],
        [pytest.approx(months["05"]), pytest.approx(rates["100%"])],
    ]
    assert chart.locator(".chart-line polyline").count() == 2  # the line breaks at April: nothing returned then
