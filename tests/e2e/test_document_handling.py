"""The direction of an incoming document (issue 11, point 2), in Chromium against the demo province: the chairman finds
it in the direction queue, sees the deadline the working days give while typing, assigns it; the division's officer
finds it in their queue, reports progress and closes it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def sign_out(page):
    page.get_by_role("button", name=re.compile("Đăng xuất")).click()


def registered_at_an_phu():
    from apps.documents import services
    from apps.org.models import Unit, User

    commune = Unit.objects.get(name="Ủy ban nhân dân xã An Phú")
    document, _earlier = services.incoming_register(
        actor=User.objects.get(username="vanthu.anphu"), unit=commune, issuer_name="Sở Văn hóa, Thể thao và Du lịch",
        number_symbol="321/SVHTTDL-QLVH", issued_date=dt.date.today(), doc_type="cong_van", urgency="very_urgent",
        summary="Về việc tổ chức ngày hội văn hóa các dân tộc", confirm_duplicate=True,
    )  # fmt: skip
    return document


def test_chairman_assigns_with_the_deadline_shown_and_the_officer_handles_to_the_end(page, site):
    document = registered_at_an_phu()
    sign_in(page, site, "chutich.anphu")
    page.goto(f"{site}/can-bo/van-ban/cho-y-kien/")
    page.get_by_role("link", name=f"{document.number:02d}/{document.year}").first.click()
    expect(page.locator("h1")).to_contain_text("321/SVHTTDL-QLVH")
    page.get_by_label("Chủ trì xử lý").select_option(label="Phòng Văn hóa - Xã hội")
    page.get_by_label("Thời hạn (số ngày làm việc)").fill("5")
    preview = page.locator("#deadline-preview")
    # the preview is the server's answer to a fetch: over 15 s with two test suites and a browser on two cores
    expect(preview).to_contain_text(re.compile(r"Hạn xử lý: \d{2}/\d{2}/\d{4}"), timeout=40_000)
    shown = re.search(r"\d{2}/\d{2}/\d{4}", preview.inner_text()).group(0)
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Văn hóa - Xã hội tham mưu, báo cáo trước hạn.")
    page.get_by_role("button", name="Giao xử lý").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"hạn xử lý ngày {shown}")
    sign_out(page)

    sign_in(page, site, "chuyenvien.anphu")
    page.goto(f"{site}/can-bo/van-ban/xu-ly/")
    page.get_by_role("link", name=f"{document.number:02d}/{document.year}").first.click()
    page.get_by_label("Nội dung báo cáo tiến độ").fill("Đã xây dựng kế hoạch, đang lấy ý kiến các thôn.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã ghi báo cáo tiến độ")
    page.get_by_role("button", name="Đã xử lý xong").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã kết thúc xử lý văn bản")
    expect(page.locator("h1 + p .badge").first).to_have_text("Đã xử lý xong")


def test_the_deadline_preview_asks_again_once_says_when_it_could_not_and_says_the_rule(page, site):
    document = registered_at_an_phu()
    asked = []

    def refuse_the_first_and_every_answer_for_seven(route):
        asked.append(route.request.url)
        if len(asked) == 1 or "working_days=7" in route.request.url:
            route.abort()
        else:
            route.continue_()

    page.route("**/deadline/?working_days=*", refuse_the_first_and_every_answer_for_seven)
    sign_in(page, site, "chutich.anphu")
    page.goto(f"{site}/can-bo/van-ban/den/{document.pk}/")
    preview = page.locator("#deadline-preview")
    page.get_by_label("Thời hạn (số ngày làm việc)").fill("5")
    expect(preview).to_contain_text(re.compile(r"Hạn xử lý: \d{2}/\d{2}/\d{4}"), timeout=40_000)
    assert len(asked) == 2  # the refused answer was asked again, once

    page.get_by_label("Thời hạn (số ngày làm việc)").fill("7")
    expect(preview).to_have_text("Chưa xem trước được hạn xử lý; hạn vẫn được tính khi giao.", timeout=40_000)
    assert sum("working_days=7" in url for url in asked) == 2

    for out_of_the_rule in ("2.5", "200", "0"):  # said before the form is sent, never a deadline of other days
        page.get_by_label("Thời hạn (số ngày làm việc)").fill(out_of_the_rule)
        expect(preview).to_have_text("Thời hạn xử lý là số ngày làm việc từ 1 đến 180.")
