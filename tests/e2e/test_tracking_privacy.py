"""Issue 10.15 in Chromium: the owner's lookup with the phone is a POST; no address the browser visits carries it,
the language switch included."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân, An Phú
PHONE, NAME = "0987654321", "Lê Văn Hùng"


def test_owner_lookup_never_puts_the_phone_in_an_address(page, site):
    from apps.dossiers import services
    from apps.org.models import User
    from apps.procedures.models import Procedure

    clerk = User.objects.get(username="motcua.anphu")
    procedure = Procedure.objects.get(code=PROCEDURE)
    dossier = services.dossier_receive_walk_in(
        actor=clerk, desk=clerk.memberships.get().unit, procedure=procedure, now=timezone.now(),
        applicant={"applicant_name": NAME, "applicant_id_number": "001080054321", "applicant_phone": PHONE,
                   "applicant_address": "Thôn Tây, xã An Phú"},
        provided_paper_ids=list(procedure.papers.filter(optional=False).values_list("pk", flat=True)),
    )  # fmt: skip
    visited = []
    page.on("request", lambda request: visited.append(request.url))

    page.goto(f"{site}/tra-cuu/")
    page.get_by_label("Mã hồ sơ (trên giấy hẹn)").fill(dossier.code)
    page.get_by_label("Số điện thoại hoặc số định danh (để xem thông tin cá nhân)").fill(PHONE)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#tracking")).to_contain_text(NAME)
    assert page.url == f"{site}/tra-cuu/"
    # Again, with the page's frame rendered: answered ahead of the middleware, after Django's CSRF check of what
    # Chromium posts (cookie, token, Origin); by the ID number, then with a wrong secret.
    for secret, shown in (("001080054321", NAME), ("0900000000", "không khớp")):
        page.get_by_label("Số điện thoại hoặc số định danh (để xem thông tin cá nhân)").fill(secret)
        page.get_by_role("button", name="Tra cứu").click()
        expect(page.locator("main")).to_contain_text(shown)
    expect(page.locator("#tracking")).not_to_contain_text(NAME)

    page.get_by_label("Ngôn ngữ").select_option("en")  # the switch submits itself and comes back by the code only
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == f"{site}/tra-cuu/?ma={dossier.code}"
    expect(page.locator("#tracking")).not_to_contain_text(NAME)
    assert visited and not [url for url in visited if PHONE in url or "001080054321" in url]  # none at all

    page.goto(f"{site}/tra-cuu/?ma={dossier.code}&sdt={PHONE}")  # an old link: the phone is dropped, not read
    assert page.url == f"{site}/tra-cuu/?ma={dossier.code}"
    expect(page.locator("#tracking")).not_to_contain_text(NAME)
