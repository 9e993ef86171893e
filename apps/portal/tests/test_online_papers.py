"""The online form's paper slots, the holding of files across a wrong field, the error summary, and the citizen's
download of the electronic result (issue 10, points 6 and 14)."""

import datetime as dt
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.dossiers import services
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, world
from apps.portal import online
from apps.procedures.models import RequiredPaper

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}
    }
    return world()


def pdf(name="to-khai.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def url(w):
    return f"/thu-tuc/{w.procedure.code}/nop-truc-tuyen/"


def form_data(w, **changes):
    data = {"agency": w.commune.pk, "applicant_kind": "person", "delivery": "online", **APPLICANT}
    return {key: value for key, value in (data | changes).items() if value is not None}


def required(w) -> RequiredPaper:
    return RequiredPaper.objects.get(procedure=w.procedure, optional=False)


def test_the_form_has_a_labelled_slot_per_paper_and_marks_required_fields(client, w):
    page = client.get(url(w)).content.decode()
    paper, optional = required(w), RequiredPaper.objects.get(procedure=w.procedure, optional=True)
    assert f'<label class="form-label" for="paper-{paper.pk}">{paper.name}' in page
    assert re.search(rf'id="paper-{paper.pk}"[^>]*data-max-size="10485760"[^>]*required aria-required="true"', page)
    assert f'for="paper-{optional.pk}">{optional.name}' in page and "(nếu có)" in page
    name_field = re.search(r'<input[^>]*name="applicant_name"[^>]*>', page).group(0)
    assert "required" in name_field and 'aria-required="true"' in name_field
    assert page.count("(bắt buộc)") >= 6  # agency, kind, name, ID, phone, address, delivery, the required paper
    email = re.search(r'<input[^>]*name="applicant_email"[^>]*>', page).group(0)
    assert "aria-required" not in email


def test_a_wrong_field_keeps_the_file_and_the_summary_links_to_the_fields(client, w):
    paper = required(w)
    response = client.post(url(w), form_data(w, applicant_phone="12", **{f"paper-{paper.pk}": pdf()}))
    page = response.content.decode()
    assert response.status_code == 200 and not Dossier.objects.exists()
    summary = re.search(r'<div class="alert alert-danger" role="alert" tabindex="-1" id="error-summary".*?</div>',
                        page, re.S).group(0)  # fmt: skip
    assert '<a href="#id_applicant_phone">Số điện thoại không hợp lệ' in summary or "#id_applicant_phone" in summary
    assert 'aria-invalid="true" aria-describedby="applicant_phone-error"' in page
    assert "Đã nhận tệp to-khai.pdf" in page  # held: no need to choose it again
    held = client.session[online.SESSION_KEY][w.procedure.code][str(paper.pk)]
    assert default_storage.exists(held["path"])

    response = client.post(url(w), form_data(w))  # phone fixed, no file sent again
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    slot = dossier.papers.get(required_paper=paper)
    assert slot.digitised_file.original_name == "to-khai.pdf" and slot.digitised_file.file.read() == PDF
    assert not default_storage.exists(held["path"]) and not client.session[online.SESSION_KEY]


def test_a_full_online_dossier_without_its_required_paper_is_refused_on_the_slot(client, w):
    paper = required(w)
    response = client.post(url(w), form_data(w, agency=""))
    page = response.content.decode()
    assert not Dossier.objects.exists()
    assert f'<a href="#paper-{paper.pk}">Thủ tục trực tuyến toàn trình: hãy đính kèm' in page
    assert '<a href="#agency">Hãy chọn nơi nộp hồ sơ.</a>' in page
    assert f'id="paper-{paper.pk}-error"' in page


def test_a_file_too_large_or_of_the_wrong_type_is_refused_on_its_slot(client, w):
    paper = required(w)
    big = pdf("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    page = client.post(url(w), form_data(w, **{f"paper-{paper.pk}": big})).content.decode()
    assert f'<a href="#paper-{paper.pk}">Tệp big.pdf quá lớn' in page and not Dossier.objects.exists()
    page = client.post(url(w), form_data(w, **{f"paper-{paper.pk}": pdf("virus.pdf", b"MZ\x90")})).content.decode()
    assert "không đúng định dạng" in page


def test_a_held_file_expires_and_the_citizen_can_drop_it(client, w):
    paper = required(w)
    client.post(url(w), form_data(w, applicant_phone="12", **{f"paper-{paper.pk}": pdf()}))
    held = client.session[online.SESSION_KEY][w.procedure.code][str(paper.pk)]
    page = client.post(url(w), form_data(w, applicant_phone="12", **{f"drop-paper-{paper.pk}": "1"})).content
    assert "Đã nhận tệp" not in page.decode() and not default_storage.exists(held["path"])
    # an abandoned file is deleted once older than the holding time
    client.post(url(w), form_data(w, applicant_phone="12", **{f"paper-{paper.pk}": pdf()}))
    held = client.session[online.SESSION_KEY][w.procedure.code][str(paper.pk)]
    later = timezone.now() + dt.timedelta(seconds=online.HOLD_SECONDS + 1)
    assert online.purge_stale(now=later) == 1 and not default_storage.exists(held["path"])


def ready_with_result(w) -> Dossier:
    dossier = services.dossier_submit_online_with_papers(
        procedure=w.procedure, filing_unit=w.commune, applicant=APPLICANT, files={required(w).pk: pdf()},
        delivery=Dossier.Delivery.ONLINE,
    )  # fmt: skip
    dossier = services.dossier_receive_digitised(actor=w.clerk, dossier=dossier, provided_paper_ids=[])
    dossier = services.dossier_forward(actor=w.clerk, dossier=dossier)
    services.result_attach(actor=w.officer, dossier=dossier, file=pdf("ket-qua.pdf", PDF + b"%result"))
    dossier = services.dossier_forward(actor=w.officer, dossier=dossier)
    return services.dossier_forward(actor=w.chairman, dossier=dossier)


def test_the_citizen_downloads_the_result_with_code_and_phone_by_post_only(client, w):
    dossier = ready_with_result(w)
    assert dossier.status == Dossier.Status.READY
    page = client.get(f"/ket-qua/?ma={dossier.code}").content.decode()
    assert 'method="post"' in page and dossier.code in page
    wrong = client.post("/ket-qua/", {"ma": dossier.code, "sdt": "0987654321"}, follow=True)
    assert "không khớp" in wrong.content.decode() and wrong["Content-Type"].startswith("text/html")
    response = client.post("/ket-qua/", {"ma": dossier.code, "sdt": "0912 345 678"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF + b"%result"
    assert "attachment" in response["Content-Disposition"]
    track = client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
    assert f'href="/ket-qua/?ma={dossier.code}"' in track


def test_staff_pages_show_the_slots_and_the_result(client, w):
    dossier = ready_with_result(w)
    client.force_login(w.clerk)
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    paper = dossier.papers.get(required_paper=required(w))
    assert f"/can-bo/ho-so/{dossier.code}/giay-to/{paper.pk}/" in page and "chưa ký số" in page
    assert client.get(f"/can-bo/ho-so/{dossier.code}/giay-to/{paper.pk}/").status_code == 200
    client.force_login(w.other_clerk)  # another commune's desk
    assert client.get(f"/can-bo/ho-so/{dossier.code}/giay-to/{paper.pk}/").status_code == 404
