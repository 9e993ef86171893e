import re

import pytest

from apps.core.models import AuditEvent
from apps.org.models import User

pytestmark = pytest.mark.django_db


def _login(client, username):
    client.force_login(User.objects.get(username=username))


def test_public_home_in_vietnamese_with_the_province_name(client, demo):
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "Sơn Hà" in html and "Đăng nhập cán bộ" in html
    # everything the page loads is served by this site (it works offline); the page's random CSRF tokens may spell
    # anything, so only the addresses of what it loads are read
    loaded = re.findall(r'<(?:script|img|link|iframe)\b[^>]*?\b(?:src|href)="([^"]*)"', html)
    assert loaded and all(address.startswith("/") and not address.startswith("//") for address in loaded)


def test_vietnamese_even_when_the_browser_asks_for_english(client, demo):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Tỉnh Sơn Hà" in html


def test_english_switch(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Staff sign in" in html


def test_login_page_and_wrong_password_message(client, demo):
    assert client.get("/tai-khoan/dang-nhap/").status_code == 200
    response = client.post("/tai-khoan/dang-nhap/", {"username": "motcua.anphu", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_login_then_staff_home(client, demo):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "motcua.anphu", "password": "congvu@2026"})
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    html = client.get("/can-bo/").content.decode()
    assert "Cán bộ một cửa" in html and "Bộ phận Một cửa" in html


def test_repeated_wrong_passwords_lock_the_account(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/tai-khoan/dang-nhap/", {"username": "motcua.anphu", "password": "sai"})
    response = client.post("/tai-khoan/dang-nhap/", {"username": "motcua.anphu", "password": "congvu@2026"})
    assert "tạm khóa" in response.content.decode()


def test_staff_pages_need_login(client, demo):
    for url in ("/can-bo/", "/can-bo/don-vi/", "/can-bo/lich/", "/can-bo/nhat-ky/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_navigation_by_role(client, demo):
    _login(client, "motcua.anphu")
    html = client.get("/can-bo/").content.decode()
    assert "Lịch làm việc" in html and "Nhật ký hệ thống" not in html
    _login(client, "quantri.anphu")
    html = client.get("/can-bo/").content.decode()
    assert "Nhật ký hệ thống" in html and "/admin/" in html


def test_units_page_is_scoped_and_searchable(client, demo):
    _login(client, "chutich.anphu")
    html = client.get("/can-bo/don-vi/?q=van+hoa").content.decode()
    assert "Phòng Văn hóa - Xã hội" in html and "Bình Minh" not in html
    assert "Không có đơn vị nào phù hợp" in client.get("/can-bo/don-vi/?q=zzzz").content.decode()


def test_calendar_page_add_and_remove_override(client, demo):
    _login(client, "chutich.anphu")
    commune = demo["H99.24"]
    html = client.get(f"/can-bo/lich/?unit={commune.pk}&year=2026&month=11").content.decode()
    assert "Ngày Văn hóa Việt Nam" in html
    response = client.post(
        f"/can-bo/lich/{commune.pk}/ngay/",
        {"date": "2026-11-30", "kind": "day_off", "note": "Bão", "legal_basis": "Công điện 12/CĐ-UBND của tỉnh"},
        follow=True,
    )
    html = response.content.decode()
    assert "Đã lưu ngày 30/11/2026" in html and 'data-date="2026-11-30" data-working="0"' in html
    override = commune.calendar_overrides.get(date="2026-11-30")
    response = client.post(f"/can-bo/lich/ngay/{override.pk}/xoa/", follow=True)
    assert "Đã xóa ngày điều chỉnh" in response.content.decode()


def test_calendar_bad_input_keeps_a_clear_message(client, demo):
    _login(client, "chutich.anphu")
    commune = demo["H99.24"]
    response = client.post(f"/can-bo/lich/{commune.pk}/ngay/", {"date": "31/02/2026", "kind": "day_off"}, follow=True)
    assert "Ngày không hợp lệ" in response.content.decode()
    response = client.post(
        f"/can-bo/lich/{commune.pk}/ngay/", {"date": "2026-11-30", "kind": "service_day"}, follow=True
    )
    assert "thứ Bảy hoặc Chủ nhật" in response.content.decode()


def test_calendar_of_another_commune_is_404(client, demo):
    _login(client, "chutich.anphu")
    assert client.get(f"/can-bo/lich/?unit={demo['H99.25'].pk}").status_code == 404
    assert (
        client.post(f"/can-bo/lich/{demo['H99.25'].pk}/ngay/", {"date": "2026-11-30", "kind": "day_off"}).status_code
        == 404
    )


def test_deadline_calculator_on_the_page(client, demo):
    _login(client, "motcua.anphu")
    html = client.get("/can-bo/lich/?start=2026-02-13T09:00&days=1").content.decode()
    assert "13:30 13/02/2026" in html and "11:30 23/02/2026" in html


def test_audit_page_is_for_administrators_and_scoped(client, demo):
    _login(client, "motcua.anphu")
    assert client.get("/can-bo/nhat-ky/").status_code == 403
    _login(client, "quantri.anphu")
    html = client.get("/can-bo/nhat-ky/?action=org.unit").content.decode()
    assert "Ủy ban nhân dân xã An Phú" in html and "Bình Minh" not in html
    assert AuditEvent.objects.filter(unit_label__contains="Bình Minh").exists()


def test_password_change(client, demo):
    _login(client, "motcua.anphu")
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        {
            "old_password": "congvu@2026",
            "new_password1": "Hoa-sen-no-giua-dong-2027",
            "new_password2": "Hoa-sen-no-giua-dong-2027",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="motcua.anphu").check_password("Hoa-sen-no-giua-dong-2027")


def test_load_demo_is_idempotent(demo):
    from apps.demo.province import load_demo
    from apps.org.models import Unit

    units, staff, events = Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()
    load_demo()
    assert (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (units, staff, events)
    assert units >= 1 + 4 + 1 + 10 * 2 + 8
    assert Unit.objects.filter(kind="party_cell").count() >= 7
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert {
        "desk_clerk",
        "handling_officer",
        "unit_leader",
        "clerical_officer",
        "party_office",
        "administrator",
    } <= roles
