"""Browser journey on the exchange: a commune's clerk sends a report to the province's people's committee, the
committee's clerk (the provincial office) accepts it into the incoming register, the commune sees 01, 03, 04."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def sign_out(page):
    page.get_by_role("button", name=re.compile("Đăng xuất")).click()


@pytest.fixture
def report(site):
    from apps.core.actors import SYSTEM
    from apps.demo.exchange import ensure_demo_identity
    from apps.documents import services
    from apps.org.models import Unit

    ensure_demo_identity("Ủy ban nhân dân tỉnh Sơn Hà")
    commune = Unit.objects.get(agency_code="H99.24")  # Xã An Phú
    document = services.outgoing_draft(
        actor=SYSTEM, unit=commune, doc_type="bao_cao", summary="Báo cáo kết quả cải cách hành chính quý IV",
        signer_name="Nguyễn Văn An", signer_position="Chủ tịch",
    )  # fmt: skip
    return services.outgoing_release(actor=SYSTEM, document=document)


def test_commune_sends_a_report_and_sees_each_status(page, site, report):
    from apps.org.models import Unit

    province = Unit.objects.get(agency_code="000.00.00.H99")
    sign_in(page, site, "vanthu.anphu")
    page.goto(f"{site}/can-bo/van-ban/di/{report.pk}/gui-lien-thong/")
    page.get_by_role("button", name="Ký số gói tin và gửi").click()
    expect(page.get_by_role("alert").first).to_contain_text("Hãy chọn ít nhất một nơi nhận.")
    page.get_by_label("Ủy ban nhân dân tỉnh Sơn Hà (000.00.00.H99)").check()
    page.get_by_role("button", name="Ký số gói tin và gửi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Văn bản đã gửi liên thông")
    expect(page.get_by_role("cell", name="Đã tiếp nhận")).to_be_visible()  # the 01, through the signed path

    sign_out(page)
    sign_in(page, site, "vanthu.vp")
    page.goto(f"{site}/can-bo/van-ban/lien-thong/nhan/?don-vi={province.pk}")
    expect(page.get_by_role("cell", name=report.symbol)).to_be_visible()
    page.get_by_role("button", name="Tiếp nhận vào sổ").click()
    expect(page.get_by_text("Đã vào sổ văn bản đến số")).to_be_visible()

    sign_out(page)
    sign_in(page, site, "vanthu.anphu")
    page.goto(f"{site}/can-bo/van-ban/lien-thong/da-gui/?don-vi={report.unit_id}")
    statuses = page.get_by_role("cell", name="Đã tiếp nhận")
    expect(statuses).to_contain_text("03 Đã vào sổ")
    expect(statuses).to_contain_text("04 Chờ phân công")
