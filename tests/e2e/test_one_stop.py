"""The two one-stop journeys of issue 3, in Chromium against the demo province."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân, 3 working days, An Phú's office (VP)


def sign_out(page):
    page.get_by_role("button", name=re.compile("Đăng xuất")).click()


def forward(page, site, code, username, note=""):
    sign_in(page, site, username)
    page.goto(f"{site}/can-bo/ho-so/{code}/")
    if note:
        page.get_by_label("Ý kiến xử lý").fill(note)
    page.get_by_role("button", name="Hoàn thành bước, chuyển tiếp").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã chuyển bước")
    sign_out(page)


def test_citizen_submits_desk_receives_officers_process_result_returned_citizen_tracks_and_rates(page, site):
    from apps.core.models import Notification

    # The citizen submits online.
    page.goto(f"{site}/thu-tuc/?q=xac+nhan+tinh+trang+hon+nhan")
    page.get_by_role("link", name=re.compile("Cấp Giấy xác nhận tình trạng hôn nhân")).click()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="Ủy ban nhân dân xã An Phú")
    page.get_by_label("Họ và tên / tên tổ chức").fill("Trần Thị Mai")
    page.get_by_label("Số định danh cá nhân (12 số) / mã số thuế").fill("001195012345")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Địa chỉ liên hệ").fill("Thôn Đông, xã An Phú")
    page.get_by_label("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu").set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )  # a full-online procedure: its required paper in its slot
    page.get_by_role("button", name="Gửi hồ sơ").click()
    code = page.locator("#dossier-code").inner_text().strip()
    assert re.fullmatch(r"H99\.24-\d{6}-\d{4}", code)

    # The desk checks and receives it.
    sign_in(page, site, "motcua.anphu")
    page.goto(f"{site}/can-bo/ho-so/{code}/")
    page.get_by_label(re.compile("Tờ khai cấp Giấy xác nhận")).check()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.locator("#status")).to_have_text("Đã tiếp nhận")
    page.get_by_role("button", name="Hoàn thành bước, chuyển tiếp").click()
    sign_out(page)

    # The office's officer forwards to the chairman, who approves.
    forward(page, site, code, "tuphap.anphu", note="Đủ điều kiện cấp")
    forward(page, site, code, "chutich.anphu")

    # The desk returns the result.
    sign_in(page, site, "motcua.anphu")
    page.goto(f"{site}/can-bo/ho-so/{code}/")
    expect(page.locator("#status")).to_have_text("Đã có kết quả, chờ trả")
    page.get_by_role("button", name="Trả kết quả cho công dân").click()
    expect(page.locator("#status")).to_have_text("Đã trả kết quả")
    sign_out(page)

    # The citizen tracks it (no personal data without the phone) and rates from the link in the SMS.
    page.goto(f"{site}/tra-cuu/?ma={code}")
    expect(page.locator("#public-status")).to_have_text("Đã trả kết quả")
    expect(page.locator("#tracking")).not_to_contain_text("Trần Thị Mai")
    sms = Notification.objects.filter(channel="sms", body__contains=code).latest("created_at")
    page.goto(re.search(r"https?://\S+/danh-gia/\S+", sms.body).group(0).replace("http://127.0.0.1:8000", site))
    page.get_by_role("group", name="Mức độ hài lòng chung").get_by_label("Rất hài lòng").check()
    page.get_by_role("group", name="Thái độ phục vụ của cán bộ").get_by_label("Rất hài lòng").check()
    page.get_by_role("group", name="Thời gian giải quyết").get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("#rating-done")).to_be_visible()


def test_late_dossier_apology_signed_by_the_head_and_the_citizen_sees_the_new_date(page, site):
    from apps.dossiers import services
    from apps.dossiers.models import Dossier
    from apps.org.models import User
    from apps.procedures.models import Procedure

    clerk = User.objects.get(username="motcua.anphu")
    procedure = Procedure.objects.get(code=PROCEDURE)
    received = timezone.now() - dt.timedelta(days=20)  # long past its 3-day appointment, whatever today is
    dossier = services.dossier_receive_walk_in(
        actor=clerk, desk=clerk.memberships.get().unit, procedure=procedure, now=received,
        applicant={"applicant_name": "Lê Văn Hùng", "applicant_id_number": "001080054321",
                   "applicant_phone": "0987654321", "applicant_address": "Thôn Tây, xã An Phú"},
        provided_paper_ids=list(procedure.papers.filter(optional=False).values_list("pk", flat=True)),
    )  # fmt: skip
    services.dossier_forward(actor=clerk, dossier=dossier, now=received + dt.timedelta(minutes=30))
    assert services.sweep_late_dossiers() == 1  # the office has held it too long

    # The chief of the office (head of the late unit) signs the apology with the proposed date.
    sign_in(page, site, "chanhvanphong.anphu")
    page.goto(f"{site}/can-bo/ho-so/{dossier.code}/")
    page.get_by_role("button", name="Ký và gửi công dân").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã ký phiếu xin lỗi")
    dossier.refresh_from_db()
    new_date = timezone.localtime(dossier.appointment_at).strftime("%H:%M %d/%m/%Y")
    assert dossier.rescheduled
    sign_out(page)

    # The citizen sees the new date on the public page.
    page.goto(f"{site}/tra-cuu/?ma={dossier.code}")
    expect(page.locator("#public-appointment")).to_have_text(new_date)
    expect(page.locator("#tracking")).to_contain_text("đã hẹn lại")
    assert Dossier.objects.get(pk=dossier.pk).apology.number.endswith("/PXL-VP")


def test_the_desk_keeps_ticks_and_scans_when_the_applicants_id_brings_earlier_papers(page, site, tmp_path):
    """Typing the ID number looks up the person's earlier digitised papers; it must not wipe what the clerk has
    already ticked and scanned (only the offers of each slot are refreshed)."""
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    sign_in(page, site, "motcua.anphu")
    page.goto(f"{site}/can-bo/ho-so/tiep-nhan/")
    page.get_by_label("Thủ tục hành chính").select_option(value=PROCEDURE)
    first_slot = page.locator(".paper-slot").first
    expect(first_slot).to_be_visible()
    first_slot.locator("input[type=checkbox]").check()
    first_slot.locator("input[type=file]").set_input_files(str(scan))
    with page.expect_response(re.compile("/can-bo/ho-so/tiep-nhan/")):
        page.get_by_label("Số định danh cá nhân (12 số) / mã số thuế").fill("001080012345")
        page.get_by_label("Số định danh cá nhân (12 số) / mã số thuế").blur()
    expect(first_slot.locator("input[type=checkbox]")).to_be_checked()
    assert first_slot.locator("input[type=file]").evaluate("input => input.files.length") == 1
