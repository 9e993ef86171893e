"""Request bodies over the limit are refused before they are read; stored files get generated names."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.core.errors import DomainError
from apps.core.files import MAX_SET_BYTES, check_upload_set, display_name
from apps.dossiers import services as dossier_services
from apps.dossiers.tests.factories import APPLICANT, world
from apps.dossiers.tests.test_attachments import PDF

SIXTY_MB = 60 * 1024 * 1024


def declared_60_mb(client: Client, path: str):
    """A request that announces 60 MB but carries 1 KB: reading its body at all would fail the test client's
    stream ("Cannot read more than the available bytes"), so an answer proves the body was never read."""
    return client.generic(
        "POST", path, b"x" * 1024, content_type="multipart/form-data; boundary=B", CONTENT_LENGTH=str(SIXTY_MB)
    )


@pytest.mark.django_db
def test_a_60_mb_page_upload_is_refused_before_it_is_read_in_vietnamese():
    client = Client(raise_request_exception=True)
    response = declared_60_mb(client, "/phan-anh/gui/")
    assert response.status_code == 413 and response["Connection"] == "close"
    assert "Dữ liệu gửi lên quá lớn (tối đa 30 MB một lần gửi)." in response.content.decode()


@pytest.mark.django_db
def test_a_60_mb_api_upload_is_refused_with_the_error_shape():
    response = declared_60_mb(Client(raise_request_exception=True), "/api/v1/public/dossiers")
    assert response.status_code == 413
    message = "Dữ liệu gửi lên quá lớn (tối đa 30 MB một lần gửi)."
    assert response.json() == {"code": "body_too_large", "message": message, "errors": {}}


@pytest.mark.django_db
def test_a_chunked_body_without_a_length_is_refused():
    response = Client().generic("POST", "/api/v1/public/dossiers", b"", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411 and response.json()["code"] == "length_required"


def test_the_body_limit_leaves_room_for_the_largest_set_of_attachments_and_the_fields():
    assert settings.MAX_REQUEST_BODY >= MAX_SET_BYTES + settings.FILE_UPLOAD_MAX_MEMORY_SIZE // 5


def test_a_set_of_files_over_the_total_is_refused():
    nine_mb = 9 * 1024 * 1024
    check_upload_set([SimpleUploadedFile(f"{n}.pdf", PDF + b"0" * nine_mb) for n in range(2)])
    with pytest.raises(DomainError, match="tối đa 25 MB"):
        check_upload_set([SimpleUploadedFile(f"{n}.pdf", PDF + b"0" * nine_mb) for n in range(3)])


@pytest.mark.parametrize(
    ("sent", "shown"),
    [("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\lan\\tờ khai.pdf", "tờ khai.pdf"),
     ("to\x00khai\x07.pdf", "tokhai.pdf"), ("Tờ khai.pdf", "Tờ khai.pdf"), ("", "tệp đính kèm")],
)  # fmt: skip
def test_display_names_keep_only_the_last_part_without_control_characters(sent, shown):
    assert display_name(sent) == shown


@pytest.mark.django_db
def test_stored_attachment_names_are_generated_never_the_clients():
    w = world()
    dossier = dossier_services.dossier_receive_walk_in(
        actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=w.paper_ids()
    )
    sent = SimpleUploadedFile("<script>alert(1)</script> ../tờ khai.php", PDF)
    [stored] = dossier_services.dossier_attach(dossier=dossier, files=[sent], actor=w.clerk)
    assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored.file.name), stored.file.name
    assert stored.original_name == "tờ khai.php"  # shown to people (escaped by the templates), never a path
    assert stored.file.read() == PDF
