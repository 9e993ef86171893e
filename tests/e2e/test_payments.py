"""Online fee payment in Chromium: from the tracking page to the VNPAY simulator (mounted in the demo site) and back,
with the electronic receipt downloaded by the citizen."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PROCEDURE = "2.000884"  # Chứng thực chữ ký: 10.000 đồng, partly online, An Phú


def submitted_dossier():
    from apps.dossiers import services
    from apps.org.models import Unit
    from apps.procedures.models import Procedure

    return services.dossier_submit_online(
        procedure=Procedure.objects.get(code=PROCEDURE),
        filing_unit=Unit.objects.get(name="Ủy ban nhân dân xã An Phú"),
        applicant={
            "applicant_name": "Lê Văn Hùng", "applicant_id_number": "001190054321", "applicant_phone": "0987111222",
            "applicant_address": "Thôn Tây, xã An Phú",
        },
    )  # fmt: skip


def test_citizen_pays_the_fee_online_and_downloads_the_receipt(page, site):
    from apps.dossiers.models import Dossier

    dossier = submitted_dossier()
    page.goto(f"{site}/tra-cuu/?ma={dossier.code}")
    expect(page.locator("#fee-unpaid")).to_contain_text("10000")
    page.get_by_role("link", name="Nộp phí trực tuyến").click()
    expect(page.get_by_label("Mã hồ sơ").first).to_have_value(dossier.code)
    page.locator("#pay-sdt").fill("0987 111 222")
    page.get_by_role("button", name="Thanh toán qua VNPAY").click()

    # The gateway's page (the simulator) shows the amount; the citizen pays.
    expect(page).to_have_url(re.compile(r"/_vnpay-sim/\?"))
    expect(page.locator("#amount")).to_have_text("10.000 VND")
    page.get_by_role("button", name="Thanh toán").click()

    expect(page).to_have_url(re.compile(r"/thanh-toan/ket-qua/\?"))
    expect(page.locator("#payment-result")).to_contain_text("Thanh toán thành công")
    dossier.refresh_from_db()
    assert dossier.payment == Dossier.Payment.PAID_ONLINE
    assert "0987111222" not in page.url

    with page.expect_download() as download:
        page.get_by_role("button", name="Tải biên lai điện tử (PDF)").click()
    assert re.fullmatch(r"bien-lai-\d{4}-0000001\.pdf", download.value.suggested_filename)
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"


def test_citizen_cancels_at_the_gateway_and_the_fee_stays_unpaid(page, site):
    from apps.dossiers.models import Dossier

    dossier = submitted_dossier()
    page.goto(f"{site}/thanh-toan/?ma={dossier.code}")
    page.locator("#pay-sdt").fill("001190054321")  # the ID number works as well as the phone
    page.get_by_role("button", name="Thanh toán qua VNPAY").click()
    page.get_by_role("button", name="Hủy").click()
    expect(page.locator("#payment-result")).to_contain_text("Khách hàng hủy giao dịch")
    dossier.refresh_from_db()
    assert dossier.payment == Dossier.Payment.UNPAID
