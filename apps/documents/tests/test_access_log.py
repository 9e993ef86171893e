"""Every opening of a document is logged (Decree 30/2020; DOMAIN.md "log every access"): its page, its files, its
API; files are served private and never as a page of this site unless they are PDF or images."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from apps.documents.models import DocumentAccess, DocumentFile
from apps.documents.tests.factories import draft
from apps.documents.tests.test_handling import HandlingWorld
from tests.helpers import at

pytestmark = pytest.mark.django_db
HTML_ATTACHMENT = b"<html><script src='/x.js'></script>Xin chao</html>"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def attach(document, name: str, data: bytes, content_type: str) -> DocumentFile:
    return DocumentFile.objects.create(
        incoming=document, stage=DocumentFile.Stage.RECEIVED, name=name, content_type=content_type, size=len(data),
        sha256="0" * 64, uploaded_at=at("24/04/2026"), file=SimpleUploadedFile(name, data, content_type=content_type),
    )  # fmt: skip


def openings(user) -> list[tuple[str, int, str]]:
    return list(DocumentAccess.objects.filter(user=user).order_by("pk").values_list("kind", "document_id", "via"))


def test_pages_files_and_api_openings_are_logged():
    h = HandlingWorld()
    incoming = h.incoming()
    pdf = attach(incoming, "van-ban.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    outgoing = draft(h.w)
    chairman = signed_in(h.w.chairman)
    assert chairman.get(f"/can-bo/van-ban/den/{incoming.pk}/").status_code == 200
    assert chairman.get(f"/can-bo/van-ban/den/{incoming.pk}/tep/{pdf.pk}/").status_code == 200
    assert chairman.get(f"/can-bo/van-ban/di/{outgoing.pk}/").status_code == 200
    api = APIClient()
    api.force_authenticate(h.w.chairman)
    assert api.get(f"/api/v1/documents/incoming/{incoming.pk}/").status_code == 200
    assert openings(h.w.chairman) == [
        ("in", incoming.pk, "page"), ("in", incoming.pk, "download"), ("out", outgoing.pk, "page"),
        ("in", incoming.pk, "api"),
    ]  # fmt: skip
    # a stranger is refused and nothing is logged for them
    stranger = signed_in(h.other_leader)
    assert stranger.get(f"/can-bo/van-ban/den/{incoming.pk}/tep/{pdf.pk}/").status_code == 404
    assert openings(h.other_leader) == []


def test_a_file_that_is_not_pdf_or_an_image_is_only_ever_a_private_download():
    h = HandlingWorld()
    incoming = h.incoming()
    html = attach(incoming, "phu-luc.html", HTML_ATTACHMENT, "text/html")  # as a sender declared it
    response = signed_in(h.w.chairman).get(f"/can-bo/van-ban/den/{incoming.pk}/tep/{html.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_every_documents_page_carries_the_documents_menu_with_the_entries_of_the_users_role():
    h = HandlingWorld()
    clerk, officer = signed_in(h.w.clerk), signed_in(h.culture_officer)
    for url in ("/can-bo/van-ban/tim-kiem/", f"/can-bo/van-ban/lien-thong/nhan/?don-vi={h.w.commune.pk}",
                f"/can-bo/van-ban/den/vao-so/?don-vi={h.w.commune.pk}"):  # fmt: skip
        page = clerk.get(url).content.decode()
        assert 'href="/can-bo/van-ban/lien-thong/nhan/"' in page and 'href="/can-bo/van-ban/tim-kiem/"' in page, url
    page = officer.get("/can-bo/van-ban/tim-kiem/").content.decode()
    assert 'href="/can-bo/van-ban/tim-kiem/"' in page and "/can-bo/van-ban/lien-thong/" not in page


def test_the_menus_waiting_badge_stops_counting_at_its_cap(monkeypatch):
    from apps.documents.selectors import handling

    monkeypatch.setattr(handling, "COUNT_CAP", 2)
    h = HandlingWorld()
    for index in range(3):
        h.incoming(number_symbol=f"{index}/QĐ-STP")
    assert handling.handling_counts(h.w.chairman)["awaiting"] == 2
    page = signed_in(h.w.chairman).get("/can-bo/van-ban/cho-y-kien/").content.decode()
    assert 'text-bg-warning">2+</span>' in page
    assert len(list(handling.awaiting_direction(h.w.chairman))) == 3  # the queue itself lists them all
