"""The feedback journeys of issue 4, in Chromium against the demo province."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def sign_out(page):
    page.get_by_role("button", name=re.compile("Đăng xuất")).click()


def an_phu_office():
    from apps.org.models import Unit

    return Unit.objects.get(name="Văn phòng HĐND và UBND", parent__name="Ủy ban nhân dân xã An Phú")


def test_citizen_sends_operator_assigns_unit_answers_published_citizen_reads_and_rates(page, site):
    # The citizen sends a question from the website.
    page.goto(f"{site}/")
    page.get_by_role("link", name=re.compile("Phản ánh, kiến nghị")).first.click()
    page.get_by_role("link", name="Gửi phản ánh, kiến nghị").click()
    page.get_by_label("Loại phản ánh").select_option(label="Hỏi đáp về thủ tục hành chính")
    page.get_by_label("Tiêu đề").fill("Xin giấy xác nhận tình trạng hôn nhân cần gì?")
    page.get_by_label("Nội dung").fill(
        "Tôi sắp kết hôn ở tỉnh khác, cần giấy tờ gì để xin xác nhận tình trạng hôn nhân?"
    )
    page.get_by_label(re.compile("Số điện thoại")).fill("0912 000 111")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã nhận phản ánh")
    code = re.search(r"PA-\d{6}-\d{4}", page.locator("h1").inner_text()).group(0)
    expect(page.locator("#feedback-status")).to_have_text("Đã tiếp nhận")

    # The hotline operator sends it to An Phú's office.
    sign_in(page, site, "tongdai.1022")
    page.goto(f"{site}/can-bo/phan-anh/?scope=to_classify")
    page.get_by_role("link", name=code).click()
    page.get_by_label("Đơn vị xử lý").select_option(str(an_phu_office().pk))
    page.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.locator("#feedback-status")).to_have_text("Đang xử lý")
    sign_out(page)

    # The office answers from a template, edited, and publishes the answer.
    sign_in(page, site, "tuphap.anphu")
    page.goto(f"{site}/can-bo/phan-anh/?scope=unit")
    page.get_by_role("link", name=code).click()
    page.get_by_label("Nội dung trả lời").fill(
        "Ông/Bà nộp tờ khai và căn cước tại Bộ phận Một cửa xã nơi cư trú; thời hạn 3 ngày làm việc."
    )
    page.get_by_label(re.compile("Công khai câu hỏi và câu trả lời")).check()
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.locator("#feedback-status")).to_have_text("Đã trả lời")
    sign_out(page)

    # The citizen finds the published answer without accents, reads it and rates it.
    page.goto(f"{site}/phan-anh/?q=xac+nhan+hon+nhan")
    page.get_by_role("link", name="Xin giấy xác nhận tình trạng hôn nhân cần gì?").click()
    expect(page.locator("#feedback-answer")).to_contain_text("thời hạn 3 ngày làm việc")
    expect(page.locator("main")).not_to_contain_text("0912000111")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Số điện thoại đã dùng khi gửi").fill("0912 000 111")  # only the sender rates
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("alert").first).to_contain_text("Cảm ơn")

    from apps.feedback.models import Feedback

    feedback = Feedback.objects.get(code=code)
    assert feedback.is_public and feedback.answered_on_time and feedback.rating.level == "satisfied"


def test_operator_logs_a_hotline_call_and_sees_earlier_calls(page, site):
    from apps.feedback import services
    from apps.feedback.models import Category, Feedback

    services.feedback_submit(
        channel="hotline", category=Category.objects.get(code="hoi-dap-thu-tuc"), title="Hỏi lệ phí chứng thực",
        content="Lệ phí chứng thực bản sao là bao nhiêu?", contact={"contact_phone": "0987111222"},
    )  # fmt: skip
    sign_in(page, site, "tongdai.1022")
    page.get_by_role("navigation").get_by_role("link", name="Tổng đài 1022").click()
    page.get_by_label(re.compile("Số điện thoại")).fill("0987 111 222")
    expect(page.locator("#earlier")).to_contain_text("Hỏi lệ phí chứng thực")
    page.get_by_label("Loại phản ánh").select_option(label="Hồ sơ giải quyết chậm, quá hẹn")
    page.get_by_label("Tiêu đề").fill("Hồ sơ chứng thực chưa trả đúng hẹn")
    page.get_by_label("Nội dung").fill("Công dân gọi báo hồ sơ chứng thực quá hẹn hai ngày chưa có kết quả.")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã ghi nhận phản ánh")
    call = Feedback.objects.get(title="Hồ sơ chứng thực chưa trả đúng hẹn")
    assert call.channel == "hotline" and call.received_by.username == "tongdai.1022"
    assert call.contact_phone == "0987111222"
