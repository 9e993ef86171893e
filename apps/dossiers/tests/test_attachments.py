import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import DomainError
from apps.dossiers import services
from apps.dossiers.models import Attachment, Dossier
from apps.dossiers.tests.factories import APPLICANT, world
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def w():
    return world()


def test_files_are_checked_by_content_not_by_name(w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    stored = services.dossier_attach(
        dossier=dossier, files=[SimpleUploadedFile("to-khai.pdf", PDF), SimpleUploadedFile("anh.png", PNG)]
    )
    assert [a.content_type for a in stored] == ["application/pdf", "image/png"]
    assert len(stored[0].sha256) == 64 and stored[0].size == len(PDF)
    disguised = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(DomainError, match="không đúng định dạng"):
        services.dossier_attach(dossier=dossier, files=[SimpleUploadedFile("ok.pdf", PDF), disguised])
    assert Attachment.objects.count() == 2  # all or none


def test_too_large_and_empty_files_are_refused(w, settings):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    with pytest.raises(DomainError, match="rỗng"):
        services.dossier_attach(dossier=dossier, files=[SimpleUploadedFile("a.pdf", b"")])
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(DomainError, match="quá lớn"):
        services.dossier_attach(dossier=dossier, files=[big])


def test_citizen_supplement_page_moves_the_dossier_on(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    services.dossier_request_supplement(actor=w.officer, dossier=dossier, items="Giấy ly hôn", reason="Thiếu")
    wrong = client.post(
        "/bo-sung/",
        {"ma": dossier.code, "sdt": "0900000000", "files": SimpleUploadedFile("ly-hon.pdf", PDF)},
        follow=True,
    )
    assert "không khớp" in wrong.content.decode()
    response = client.post(
        "/bo-sung/",
        {"ma": dossier.code, "sdt": APPLICANT["applicant_phone"], "files": SimpleUploadedFile("ly-hon.pdf", PDF)},
        follow=True,
    )
    assert "Đã nhận hồ sơ bổ sung" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.IN_PROGRESS and dossier.attachments.get().purpose == "supplement"


def test_attachments_are_served_only_within_scope(client, w):
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    stored = services.dossier_attach(dossier=dossier, files=[SimpleUploadedFile("to-khai.pdf", PDF)])[0]
    client.force_login(w.clerk)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/tep/{stored.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(w.other_clerk)
    assert client.get(f"/can-bo/ho-so/{dossier.code}/tep/{stored.pk}/").status_code == 404


def test_online_submission_page_stores_files_or_nothing(client, w):
    data = {**APPLICANT, "applicant_kind": "person", "agency": w.commune.pk, "delivery": "desk"}
    slot = f"paper-{w.procedure.papers.get(optional=False).pk}"  # the form has a slot per paper
    bad = client.post(
        f"/thu-tuc/{w.procedure.code}/nop-truc-tuyen/",
        {**data, slot: SimpleUploadedFile("to-khai.pdf", b"not a pdf at all")},
    )
    assert "không đúng định dạng" in bad.content.decode() and Dossier.objects.count() == 0
    client.post(f"/thu-tuc/{w.procedure.code}/nop-truc-tuyen/", {**data, slot: SimpleUploadedFile("to-khai.pdf", PDF)})
    dossier = Dossier.objects.get()
    assert [a.original_name for a in dossier.attachments.all()] == ["to-khai.pdf"]
