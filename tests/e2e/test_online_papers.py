"""Issue 10 (points 6 and 14) in Chromium: the citizen submits online with a file in each paper's slot, the desk
receives it (the papers already digitised), the officer stores the result PDF, the dossier becomes ready, and the
citizen downloads the electronic result with the code and the phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RESULT = PDF + b"% ket qua\n"


def sign_out(page):
    page.get_by_role("button", name=re.compile("Đăng xuất")).click()


def forward(page, site, code, username):
    sign_in(page, site, username)
    page.goto(f"{site}/can-bo/ho-so/{code}/")
    page.get_by_role("button", name="Hoàn thành bước, chuyển tiếp").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã chuyển bước")


def test_online_papers_digitised_result_downloaded_with_code_and_phone(page, site):
    page.goto(f"{site}/thu-tuc/1.004873/nop-truc-tuyen/")
    form_slot = page.get_by_label("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu")
    expect(form_slot).to_have_attribute("aria-required", "true")
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="Ủy ban nhân dân xã An Phú")
    page.get_by_label("Họ và tên / tên tổ chức").fill("Lê Văn Số")
    page.get_by_label("Số định danh cá nhân (12 số) / mã số thuế").fill("001195099999")
    page.get_by_label("Số điện thoại").fill("0912 000 111")
    # A wrong field first: the summary links to it, and the file already chosen is kept.
    form_slot.set_input_files({"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Gửi hồ sơ").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.locator('a[href="#id_applicant_address"]').click()
    expect(page.get_by_label("Địa chỉ liên hệ")).to_be_focused()
    expect(page.locator(".paper-slot").first).to_contain_text("Đã nhận tệp to-khai.pdf")
    page.get_by_label("Địa chỉ liên hệ").fill("Thôn Tây, xã An Phú")
    page.get_by_label("Nhận kết quả").select_option(label="Nhận bản điện tử")
    page.get_by_role("button", name="Gửi hồ sơ").click()
    code = page.locator("#dossier-code").inner_text().strip()

    # The desk finds it on its first tab (online dossiers waiting for the check) and receives it: the paper is
    # already digitised, nothing to tick or scan.
    sign_in(page, site, "motcua.anphu")
    page.goto(f"{site}/can-bo/ho-so/")
    expect(page.locator(".nav-tabs .nav-link.active")).to_contain_text("Chờ tiếp nhận trực tuyến")
    page.get_by_role("link", name=code).click()
    expect(page).to_have_url(re.compile(f"/can-bo/ho-so/{re.escape(code)}/$"))
    expect(page.locator("#papers")).to_contain_text("đã số hóa")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.locator("#status")).to_have_text("Đã tiếp nhận")
    page.get_by_role("button", name="Hoàn thành bước, chuyển tiếp").click()
    sign_out(page)

    # The office's officer stores the result PDF and forwards; the chairman approves: ready.
    sign_in(page, site, "tuphap.anphu")
    page.goto(f"{site}/can-bo/ho-so/{code}/")
    page.get_by_label("Tải lên kết quả (PDF, tối đa 10 MB)").set_input_files(
        {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": RESULT}
    )
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.locator("#result")).to_contain_text("ket-qua.pdf")
    page.get_by_role("button", name="Hoàn thành bước, chuyển tiếp").click()
    sign_out(page)
    forward(page, site, code, "chutich.anphu")
    sign_out(page)

    # The citizen follows the link from the tracking page and downloads the result with code + phone.
    page.goto(f"{site}/tra-cuu/?ma={code}")
    expect(page.locator("#public-status")).to_have_text("Đã có kết quả, chờ trả")
    page.locator("#result-link").click()
    page.get_by_label("Số điện thoại trên hồ sơ").fill("0999999999")
    page.get_by_role("button", name="Tải kết quả").click()
    expect(page.get_by_role("alert").first).to_contain_text("không khớp")
    assert "0999999999" not in page.url
    page.get_by_label("Số điện thoại trên hồ sơ").fill("0912000111")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải kết quả").click()
    assert Path(download.value.path()).read_bytes() == RESULT
    assert "0912000111" not in page.url
