"""Issue 11, point 8: the browser journey across the exchange within the demo province. The commune's clerk drafts a
report with its PDF, the chairman signs it, the clerk releases and sends it to Sở Tư pháp; the department's clerk takes
it into the incoming register, the director assigns it to an officer, the reply is drafted, signed, released and sent
back and attached, and the original is closed. The commune's clerk, on her own screen the whole time, sees 01, 03, 04,
05 and 06 arrive on her outbox page, then takes the reply into her own register and sees its signatures valid.

Delivery is what the system does in tests: Huey runs the outbox task at once (settings_test), over the signed edXML
path to the live server, so each status travels as a signed message too."""

import re

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

REPORT_SUMMARY = "Báo cáo kết quả thực hiện công tác tư pháp năm 2026"
REPLY_SUMMARY = "Về việc góp ý báo cáo công tác tư pháp năm 2026 của xã An Phú"


def pdf(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_bytes(HTML(string=f"<p>{body}</p>").write_pdf())
    return path


def switch_user(page, site: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, site, username)


def draft(page, site: str, doc_type: str, summary: str, file) -> str:
    """The clerk drafts an outgoing document from the registers page; returns the document's page address."""
    page.goto(f"{site}/can-bo/van-ban/")
    page.get_by_role("link", name="Dự thảo văn bản đi").click()
    page.get_by_label("Loại văn bản").select_option(doc_type)
    page.get_by_label("Trích yếu nội dung").fill(summary)
    page.get_by_label("Tệp dự thảo").set_input_files(str(file))
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dự thảo")
    return page.url


def sign(page, site: str, summary: str) -> None:
    """The leader finds the draft among those waiting for their signature and signs it."""
    page.goto(f"{site}/can-bo/van-ban/cho-y-kien/")
    page.get_by_role("link", name=re.compile(re.escape(summary))).click()
    page.get_by_role("button", name="Ký số").click()
    expect(page.locator('[data-status="signed"]')).to_be_visible()
    expect(page.locator('[data-verdict="valid"]')).to_be_visible()


def release(page, url: str, symbol_tail: str) -> str:
    """The clerk releases the signed draft; returns the symbol given."""
    page.goto(url)
    page.get_by_role("button", name="Ban hành (cấp số, ký số cơ quan)").click()
    page.goto(url)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(symbol_tail)
    return re.search(r"\d+/" + re.escape(symbol_tail), heading.inner_text()).group(0)


def send(page, url: str, recipient: str) -> None:
    """From the released document's page, through the exchange, to one recipient."""
    page.goto(url)
    page.get_by_role("link", name="Gửi liên thông", exact=True).click()
    page.get_by_label(recipient).check()
    page.get_by_role("button", name="Ký số gói tin và gửi").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã gửi liên thông đến 1 nơi nhận.")


def accept_from_inbox(page, site: str, symbol: str) -> None:
    """The receiving clerk takes the arrived document into the register and opens it from the inbox."""
    page.goto(f"{site}/can-bo/van-ban/lien-thong/nhan/")
    row = page.get_by_role("row").filter(has_text=symbol)
    expect(row).to_be_visible()
    row.get_by_role("button", name="Tiếp nhận vào sổ").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã vào sổ văn bản đến số")
    page.get_by_role("link", name="Đã vào sổ", exact=True).click()
    page.get_by_role("row").filter(has_text=symbol).get_by_role("link", name=re.compile("Số đến")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(symbol)


def expect_status(commune, site: str, symbol: str, code: str, label: str) -> None:
    """The commune's clerk reloads her outbox: the row of the report carries the status with its label."""
    commune.goto(f"{site}/can-bo/van-ban/lien-thong/da-gui/")
    row = commune.get_by_role("row").filter(has_text=symbol)
    expect(row.get_by_role("listitem").filter(has_text=f"{code} {label}")).to_have_count(1)


def test_report_up_to_the_department_reply_back_and_every_status_seen_by_the_commune(
    page, site, tmp_path, browser, browser_context_args
):
    from apps.org.models import User

    officer = User.objects.get(username="chuyenvien.stp")
    commune = browser.new_context(**browser_context_args).new_page()
    commune.on("dialog", lambda dialog: dialog.accept())

    # The commune: drafted by the clerk, signed by the chairman, released with its number, sent.
    sign_in(commune, site, "vanthu.anphu")
    report_pdf = pdf(tmp_path, "bao-cao-tu-phap.pdf", "ỦY BAN NHÂN DÂN XÃ AN PHÚ — BÁO CÁO công tác tư pháp năm 2026")
    report_url = draft(commune, site, "bao_cao", REPORT_SUMMARY, report_pdf)
    sign_in(page, site, "chutich.anphu")
    sign(page, site, REPORT_SUMMARY)
    report = release(commune, report_url, "BC-UBND")
    expect(commune.locator('[data-verdict="valid"]')).to_contain_text("Chữ ký hợp lệ")
    send(commune, report_url, "Sở Tư pháp (H99.02)")
    expect(commune.get_by_role("heading", level=1)).to_contain_text("Văn bản đã gửi liên thông")
    expect_status(commune, site, report, "01", "Đã tiếp nhận")
    commune.goto(report_url)
    expect(commune.locator('[data-dispatch="H99.02"]')).to_contain_text("01 Đã tiếp nhận")

    # Sở Tư pháp's clerk registers it; the received PDF's signatures are checked on its page.
    switch_user(page, site, "vanthu.stp")
    accept_from_inbox(page, site, report)
    incoming_url = page.url
    expect(page.locator('[data-verdict="valid"]').first).to_contain_text("Chữ ký hợp lệ")
    expect(page.locator("[data-signature]")).to_have_count(2)  # the chairman's and the commune's
    expect_status(commune, site, report, "03", "Đã vào sổ")
    expect_status(commune, site, report, "04", "Chờ phân công")

    # The director assigns it to the officer.
    switch_user(page, site, "giamdoc.stp")
    page.goto(f"{site}/can-bo/van-ban/cho-y-kien/")
    page.get_by_role("row").filter(has_text=report).get_by_role("link").first.click()
    expect(page).to_have_url(incoming_url)
    page.get_by_label("Chủ trì xử lý").select_option(f"p:{officer.pk}")
    page.get_by_label("Thời hạn (số ngày làm việc)").fill("5")
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao chuyên viên nghiên cứu, dự thảo văn bản trả lời xã.")
    page.get_by_role("button", name="Giao xử lý").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã giao xử lý")
    expect_status(commune, site, report, "05", "Đã phân công, đang xử lý")

    # The reply: drafted by the department's clerk, signed by the director, released and sent back to the commune.
    switch_user(page, site, "vanthu.stp")
    reply_pdf = pdf(tmp_path, "cong-van-tra-loi.pdf", "SỞ TƯ PHÁP — Về việc góp ý báo cáo công tác tư pháp")
    reply_url = draft(page, site, "cong_van", REPLY_SUMMARY, reply_pdf)
    switch_user(page, site, "giamdoc.stp")
    sign(page, site, REPLY_SUMMARY)
    switch_user(page, site, "vanthu.stp")
    reply = release(page, reply_url, "STP")
    send(page, reply_url, "Ủy ban nhân dân xã An Phú (H99.24)")

    # The officer who leads it attaches the reply and closes the original.
    switch_user(page, site, "chuyenvien.stp")
    page.goto(f"{site}/can-bo/van-ban/xu-ly/")
    page.get_by_role("row").filter(has_text=report).get_by_role("link").first.click()
    page.get_by_label("Văn bản đi trả lời").select_option(label=f"{reply} — {REPLY_SUMMARY}")
    page.get_by_role("button", name="Đính kèm").click()
    expect(page.get_by_text(f"Văn bản trả lời: {reply}").first).to_be_visible()
    page.get_by_role("button", name="Đã xử lý xong").click()
    # Closing signs the status 06 and delivers it to the commune before the page answers (the worker runs inline
    # in tests): on a loaded machine that takes longer than the default 5 s.
    expect(page.get_by_role("alert").first).to_contain_text("Đã kết thúc xử lý văn bản", timeout=20_000)
    expect_status(commune, site, report, "06", "Đã xử lý xong")
    page.get_by_role("link", name=reply).first.click()  # from the original to its reply, and back
    page.get_by_role("link").filter(has_text="Số đến").filter(has_text=report).click()
    expect(page).to_have_url(incoming_url)

    # Back at the commune: the reply waits in the inbox; the clerk registers it and sees its signatures valid.
    accept_from_inbox(commune, site, reply)
    expect(commune.get_by_text(REPLY_SUMMARY).first).to_be_visible()
    expect(commune.locator('[data-verdict="valid"]').first).to_contain_text("Chữ ký hợp lệ")
    commune.context.close()
