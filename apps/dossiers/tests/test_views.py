import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.dossiers import services
from apps.dossiers.links import rating_token
from apps.dossiers.models import Dossier, Rating
from apps.dossiers.tests.factories import APPLICANT, world
from tests.helpers import at, walk_in

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
    response = client.post("/can-bo/ho-so/tiep-nhan/", data | {"hand_over": "1"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=bm01"
    detail = client.get(response["Location"]).content.decode()
    # One action: received, handed to the handling division, and the page says where it went and offers BM.01.
    assert "Đã tiếp nhận" in detail and "Phòng Văn hóa - Xã hội" in detail
    assert f"/can-bo/ho-so/{dossier.code}/mau/bm01/" in detail
    assert Dossier.objects.get().current_unit == w.culture


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
    assert html.startswith('<div id="papers"') and "Tờ khai" in html
    paper = w.procedure.papers.get(optional=False)
    assert f'type="file" id="paper-{paper.pk}" name="paper-{paper.pk}"' in html  # its digitisation slot


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
    page = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/return/", follow=True).content.decode()
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
    paper = w.procedure.papers.get(optional=False)  # full online: the required paper's slot is filled
    data[f"paper-{paper.pk}"] = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n%%EOF\n")
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
    html = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": "0900000000"}).content.decode()
    assert "không khớp" in html and APPLICANT["applicant_name"] not in html
    html = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"]}).content.decode()
    assert APPLICANT["applicant_name"] in html  # the phone goes by POST only: apps/portal/tests/test_privacy.py


def test_public_tracking_is_rate_limited(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    for _ in range(20):
        client.get(f"/tra-cuu/?ma={dossier.code}")
    assert "Ông/bà tra cứu quá nhiều lần" in client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()


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


def _paper_dossier(w, **extra) -> dict:
    return {**APPLICANT, "applicant_kind": "person", "procedure": w.procedure.code, "channel": "desk", "sets": 1,
            "delivery": "desk", **extra}  # fmt: skip


def test_an_incomplete_paper_dossier_gets_a_written_supplement_request(client, w):
    from apps.core.models import AuditEvent
    from apps.dossiers.models import Slip

    client.force_login(w.clerk)
    response = client.post("/can-bo/ho-so/tiep-nhan/", _paper_dossier(w, papers=[], decision="supplement"))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and dossier.status == Dossier.Status.NEEDS_COMPLETION
    assert dossier.received_at is None and dossier.due_at is None  # not received: no clock runs
    slip = Slip.objects.get(dossier=dossier)
    missing = set(dossier.papers.filter(provided=False, required_paper__optional=False).values_list("name", flat=True))
    assert slip.kind == Slip.Kind.SUPPLEMENT and missing and all(name in slip.items for name in missing)
    assert AuditEvent.objects.filter(action="dossiers.request_completion", object_id=str(dossier.pk)).exists()
    pdf = client.get(f"/can-bo/ho-so/{dossier.code}/mau/slip/{slip.pk}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_paper_dossier_outside_competence_gets_a_written_refusal_and_a_reason_is_required(client, w):
    from apps.dossiers.models import Slip

    client.force_login(w.clerk)
    page = client.post("/can-bo/ho-so/tiep-nhan/", _paper_dossier(w, decision="refuse")).content.decode()
    assert "Hãy ghi rõ lý do từ chối" in page and Dossier.objects.count() == 0  # nothing half-kept
    reason = "Thủ tục thuộc thẩm quyền của Sở Tư pháp."
    client.post("/can-bo/ho-so/tiep-nhan/", _paper_dossier(w, decision="refuse", reason=reason))
    dossier = Dossier.objects.get()
    slip = Slip.objects.get(dossier=dossier)
    assert dossier.status == Dossier.Status.REFUSED and slip.kind == Slip.Kind.REFUSAL and slip.reason == reason


def test_another_communes_clerk_cannot_write_slips_for_this_desk(w):
    from apps.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.dossier_desk_refusal(
            actor=w.other_clerk,
            desk=w.desk,
            procedure=w.procedure,
            applicant=APPLICANT,
            reason="Không thuộc thẩm quyền",
        )
    assert Dossier.objects.count() == 0


def test_the_desk_page_receives_for_another_commune_of_the_province(client, w):
    client.force_login(w.clerk)
    page = client.get(f"/can-bo/ho-so/tiep-nhan/?competent_unit={w.other_commune.pk}").content.decode()
    assert "xã Bình Minh" in page and "không phụ thuộc địa giới hành chính" in page
    data = _paper_dossier(w, papers=[str(pk) for pk in w.paper_ids()], competent_unit=str(w.other_commune.pk),
                          return_desk=str(w.other_desk.pk))  # fmt: skip
    response = client.post("/can-bo/ho-so/tiep-nhan/", data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302, response.content.decode()[:500]
    assert (dossier.filing_unit, dossier.desk, dossier.return_desk) == (w.other_commune, w.desk, w.other_desk)


def test_the_tracking_page_lists_the_papers_asked_for_a_timeline_and_the_owners_rating_link(
    client, w, django_capture_on_commit_callbacks
):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    services.dossier_request_supplement(
        actor=w.officer, dossier=dossier, items="Bản sao giấy ly hôn\nẢnh 4x6", reason="Thiếu",
        now=at("25/11/2026", "11:00"),
    )  # fmt: skip
    page = client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
    assert "ly hôn" not in page  # an officer's free text: the owner's view only
    assert 'id="timeline"' in page and "đang thực hiện" in page and "Hạn giải quyết theo quy định" in page
    owner = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"]}).content.decode()
    assert "<li>Bản sao giấy ly hôn</li>" in owner and "<li>Ảnh 4x6</li>" in owner
    with django_capture_on_commit_callbacks(execute=True):  # published after each change, as in production
        services.dossier_supplement_received(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "09:00"))
        for actor in (w.officer, w.chairman):
            services.dossier_forward(actor=actor, dossier=dossier, now=at("26/11/2026", "10:00"))
        services.dossier_return(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "11:00"))
    assert 'id="rating-link"' not in client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()  # anyone: no
    owner = client.post("/tra-cuu/", {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"]}).content.decode()
    assert 'id="rating-link"' in owner and "/danh-gia/" in owner
