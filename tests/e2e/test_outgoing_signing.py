"""Browser journey: a commune's clerk drafts a decision with its PDF and asks an officer's opinion, the officer
comments, the chairman signs it with his certificate, the clerk releases it (number, stamp, the committee's
signature) and the page shows both signatures valid."""

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def draft_pdf(tmp_path):
    path = tmp_path / "du-thao-quyet-dinh.pdf"
    html = "<p>ỦY BAN NHÂN DÂN XÃ AN PHÚ</p><p>Số: /QĐ-UBND</p><h1>QUYẾT ĐỊNH</h1><p>Về việc kiện toàn tổ công tác</p>"
    path.write_bytes(HTML(string=html).write_pdf())
    return path


def test_draft_review_sign_release_with_the_signature_check(page, site, draft_pdf):
    from apps.org.models import User

    officer = User.objects.get(username="chuyenvien.anphu")
    sign_in(page, site, "vanthu.anphu")
    page.goto(f"{site}/can-bo/van-ban/")
    page.get_by_role("link", name="Dự thảo văn bản đi").click()
    page.get_by_label("Loại văn bản").select_option("quyet_dinh")
    page.get_by_label("Trích yếu nội dung").fill("Về việc kiện toàn tổ công tác chuyển đổi số")
    page.get_by_label("Tệp dự thảo").set_input_files(str(draft_pdf))
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dự thảo")
    expect(page.locator('[data-version="1"]')).to_contain_text("du-thao-quyet-dinh.pdf")
    page.get_by_label("Người cho ý kiến").select_option(str(officer.pk))
    page.get_by_role("button", name="Gửi xin ý kiến").click()
    expect(page.locator('[data-status="review"]')).to_be_visible()
    document_url = page.url

    page.context.clear_cookies()
    sign_in(page, site, "chuyenvien.anphu")
    page.goto(document_url)
    page.get_by_label("Ý kiến của bạn").fill("Đề nghị bổ sung thành viên Phòng Kinh tế.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    expect(page.locator('[data-version="1"]')).to_contain_text("Đề nghị bổ sung thành viên Phòng Kinh tế.")
    expect(page.get_by_role("button", name="Ký số")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, site, "chutich.anphu")
    page.goto(document_url)
    page.get_by_role("button", name="Ký số").click()
    expect(page.locator('[data-status="signed"]')).to_be_visible()
    expect(page.locator('[data-verdict="valid"]')).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, site, "vanthu.anphu")
    page.goto(document_url)
    page.get_by_role("button", name="Ban hành (cấp số, ký số cơ quan)").click()
    page.goto(document_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("/QĐ-UBND")
    expect(page.locator('[data-verdict="valid"]')).to_contain_text("Chữ ký hợp lệ")
    expect(page.locator("[data-signature]")).to_have_count(2)
    expect(page.locator('[data-version="3"]')).to_contain_text("Đã ban hành")
