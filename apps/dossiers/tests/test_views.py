import pytest

from apps.dossiers import services
from apps.dossiers.links import rating_token
from apps.dossiers.models import Dossier, Rating
from apps.dossiers.tests.factories import APPLICANT, world
from apps.dossiers.tests.test_services import at, walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_desk_receive_page_receives_and_redirects_to_the_dossier(client, w):
    client.force_login(w.clerk)
    page = client.get(f"/can-bo/ho-so/tiep-nhan/?procedure={w.procedure.code}").content.decode()
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in page
    data = {
        **APPLICANT,
        "applicant_kind": "person",
        "procedure": w.procedure.code,
        "channel": "desk",
        "sets": 1,
        "delivery": "desk",
        "papers": [str(pk) for pk in w.paper_ids()],
    }
    response = client.post("/can-bo/ho-so/tiep-nhan/", data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    detail = client.get(response["Location"]).content.decode()
    assert "Đã tiếp nhận" in detail and "BM.01" in detail


def test_desk_receive_page_keeps_input_on_error(client, w):
    client.force_login(w.clerk)
    data = {
        **APPLICANT,
        "applicant_phone": "abc",
        "applicant_kind": "person",
        "procedure": w.procedure.code,
        "channel": "desk",
        "sets": 1,
        "delivery": "desk",
    }
    page = client.post("/can-bo/ho-so/tiep-nhan/", data).content.decode()
    assert "Số điện thoại không hợp lệ" in page and APPLICANT["applicant_name"] in page
    assert Dossier.objects.count() == 0


def test_htmx_loads_the_checklist(client, w):
    client.force_login(w.clerk)
    response = client.get(f"/can-bo/ho-so/tiep-nhan/?procedure={w.procedure.code}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.startswith('<div id="papers">') and "Tờ khai" in html


def test_queue_and_detail_are_scoped(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    client.force_login(w.clerk)
    assert dossier.code in client.get("/can-bo/ho-so/?scope=mine").content.decode()
    client.force_login(w.other_clerk)
    assert dossier.code not in client.get("/can-bo/ho-so/?scope=unit").content.decode()
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau/bm01/").status_code == 404
    assert client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/forward/").status_code == 404


def test_action_buttons_and_forbidden_moves_show_messages(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    client.force_login(w.clerk)
    page = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/return_result/", follow=True).content.decode()
    assert "Không thể trả kết quả hồ sơ" in page
    page = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/forward/", {"note": "Đủ"}, follow=True).content.decode()
    assert "Đã chuyển bước" in page and "Thẩm định" in page


def test_forms_download_as_pdf(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    client.force_login(w.clerk)
    for form in ("bm01", "bm05"):
        response = client.get(f"/can-bo/ho-so/{dossier.code}/mau/{form}/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_tracking_book_page_and_exports(client, w):
    walk_in(w, at("25/11/2026", "09:00"))
    client.force_login(w.clerk)
    assert "1 hồ sơ" in client.get("/can-bo/ho-so/so-theo-doi/?start=2026-11-01&end=2026-11-30").content.decode()
    xlsx = client.get("/can-bo/ho-so/so-theo-doi/?start=2026-11-01&end=2026-11-30&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = client.get("/can-bo/ho-so/so-theo-doi/?start=2026-11-01&end=2026-11-30&format=pdf")
    assert pdf.content.startswith(b"%PDF")


def test_late_page_is_for_leaders(client, w):
    client.force_login(w.officer)
    assert client.get("/can-bo/ho-so/tre-han/").status_code == 404
    client.force_login(w.chairman)
    assert "Hồ sơ trễ hạn" in client.get("/can-bo/ho-so/tre-han/").content.decode()


# --- citizen pages -----------------------------------------------------------------------------------------


def test_procedure_search_and_page(client, w):
    html = client.get("/thu-tuc/?q=TINH+TRANG+hon+nhan").content.decode()
    assert "Cấp Giấy xác nhận tình trạng hôn nhân" in html
    assert "Nộp hồ sơ trực tuyến" in client.get(f"/thu-tuc/{w.procedure.code}/").content.decode()
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_online_submission_page_then_confirmation(client, w):
    data = {**APPLICANT, "applicant_kind": "person", "agency": w.commune.pk, "delivery": "desk"}
    response = client.post(f"/thu-tuc/{w.procedure.code}/nop-truc-tuyen/", data, follow=True)
    dossier = Dossier.objects.get()
    html = response.content.decode()
    assert dossier.code in html and "Điều gì xảy ra tiếp theo" in html
    assert dossier.status == Dossier.Status.SUBMITTED


def test_public_tracking_page_hides_personal_data_without_the_phone(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    html = client.get(f"/tra-cuu/?ma={dossier.code.lower()}").content.decode()
    assert "Đã tiếp nhận" in html and APPLICANT["applicant_name"] not in html
    assert APPLICANT["applicant_phone"] not in html and APPLICANT["applicant_address"] not in html
    html = client.get(f"/tra-cuu/?ma={dossier.code}&sdt=0900000000").content.decode()
    assert "không khớp" in html and APPLICANT["applicant_name"] not in html
    html = client.get(f"/tra-cuu/?ma={dossier.code}&sdt={APPLICANT['applicant_phone']}").content.decode()
    assert APPLICANT["applicant_name"] in html


def test_public_tracking_is_rate_limited(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    for _ in range(20):
        client.get(f"/tra-cuu/?ma={dossier.code}")
    assert "quá nhiều lần" in client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()


def test_rating_page_once(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    for actor in (w.clerk, w.officer, w.chairman):
        services.dossier_forward(actor=actor, dossier=dossier, now=at("25/11/2026", "15:00"))
    services.dossier_return(actor=w.clerk, dossier=dossier)
    url = f"/danh-gia/{rating_token(dossier.code)}/"
    html = client.post(url, {"overall": "satisfied", "politeness": "very_satisfied", "timeliness": "satisfied"})
    assert "Cảm ơn" in html.content.decode() and Rating.objects.count() == 1
    assert "đã được đánh giá" in client.get(url).content.decode()
    assert client.get("/danh-gia/gia-mao/").status_code == 403
