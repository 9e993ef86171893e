import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_public_home_in_vietnamese_then_english(page, site):
    page.goto(site)
    expect(page).to_have_title(re.compile("Sơn Hà"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cổng dịch vụ công")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.get_by_role("link", name="Staff sign in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_desk_clerk_signs_in_and_sees_the_staff_home(page, site):
    sign_in(page, site, "motcua.anphu", "mat-khau-sai")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    sign_in(page, site, "motcua.anphu")
    expect(page).to_have_url(f"{site}/can-bo/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    expect(page.get_by_text("Cán bộ một cửa")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Chức năng")
    expect(navigation.get_by_role("link", name="Lịch làm việc")).to_be_visible()
    expect(navigation.get_by_role("link", name="Nhật ký hệ thống")).to_have_count(0)


def test_leader_marks_a_day_off_on_the_calendar(page, site):
    sign_in(page, site, "chutich.anphu")
    page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Lịch làm việc").click()
    page.get_by_label("Ngày", exact=True).fill("2026-11-30")
    page.get_by_label("Loại ngày").select_option("day_off")
    page.get_by_label("Ghi chú").fill("Nghỉ do bão")
    page.get_by_label("Căn cứ pháp lý").fill("Công điện 12/CĐ-UBND ngày 27/11/2026 của Chủ tịch UBND tỉnh")
    page.get_by_role("button", name="Thêm ngày").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu ngày 30/11/2026")
    expect(page.locator('td[data-date="2026-11-30"]')).to_have_attribute("data-working", "0")


def test_keyboard_reaches_the_main_content(page, site):
    page.goto(site)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Bỏ qua, tới nội dung chính")).to_be_focused()
