"""The outgoing document's workflow: draft → review (versions kept, comments per version) → signed by a leader →
released with its number, stamped and sealed → the leader's signature still valid; who may do what; the demo's
certificates."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from apps.core.audit import AuditEvent
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.documents import selectors, services
from apps.documents.models import DocumentFile, OutgoingDocument, SigningCertificate
from apps.documents.selectors import outgoing as outgoing_selectors
from apps.documents.services import outgoing, signing
from apps.documents.tests.factories import draft, world
from apps.org.models import Role
from apps.org.tests.factories import staff_in
from tests.helpers import at

pytestmark = pytest.mark.django_db
MOMENT = at("05/03/2026", "09:30")
S = OutgoingDocument.Status


def pdf_upload(title="QUYẾT ĐỊNH", name="du-thao.pdf") -> SimpleUploadedFile:
    html = f"<p>ỦY BAN NHÂN DÂN XÃ AN PHÚ</p><p>Số: /QĐ-UBND</p><h1>{title}</h1><p>Về việc kiện toàn tổ công tác</p>"
    return SimpleUploadedFile(name, HTML(string=html).write_pdf(), content_type="application/pdf")


def docx_upload() -> SimpleUploadedFile:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile("du-thao.docx", data.getvalue())


class Signing:
    def __init__(self):
        self.w = w = world()
        valid_from = MOMENT - dt.timedelta(days=30)
        signing.authority_ensure(actor=None, name="CA tỉnh Thử", organisation=w.province.name, valid_from=valid_from)
        w.chairman.full_name = "Nguyễn Văn An"
        w.chairman.save()
        self.other_leader = staff_in(w.other_commune, Role.UNIT_LEADER, username="chutich.khac")
        for user, unit in ((w.chairman, w.commune), (self.other_leader, w.other_commune)):
            signing.certificate_issue_for_user(actor=None, user=user, unit=unit, valid_from=valid_from)
        signing.certificate_issue_for_unit(actor=None, unit=w.commune, valid_from=valid_from)
        self.reviewer = staff_in(w.culture, Role.HANDLING_OFFICER, username="chuyenvien.vhxh")


@pytest.fixture
def s():
    return Signing()


def test_the_whole_workflow_keeps_versions_and_signatures(s):
    w = s.w
    with time_machine.travel(MOMENT, tick=False):
        document = draft(w)
        v1 = outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
        s.reviewer.email = "chuyenvien.vhxh@anphu.gov.vn"
        s.reviewer.save()
        outgoing.outgoing_submit_for_review(actor=w.clerk, document=document, reviewers=[s.reviewer, w.officer])
        document.refresh_from_db()
        assert document.status == S.REVIEW
        # the named reviewer is told by e-mail (the outbox)
        from apps.core.models import Notification

        (asked,) = Notification.objects.filter(recipient="chuyenvien.vhxh@anphu.gov.vn")
        assert "xin ý kiến" in asked.body and "Về việc kiện toàn tổ công tác" in asked.body
        # a named reviewer from a division sees the draft (the register is not theirs) and comments on version 1
        assert selectors.outgoing_document(s.reviewer, document.pk) is None
        assert outgoing_selectors.outgoing_document(s.reviewer, document.pk) == document
        outgoing.outgoing_comment(actor=s.reviewer, document=document, body="Đề nghị bổ sung căn cứ pháp lý.")
        v2 = outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload("QUYẾT ĐỊNH (2)"))
        outgoing.outgoing_comment(actor=w.officer, document=document, body="Thống nhất.")
        signed = outgoing.outgoing_sign(actor=w.chairman, document=document)
        document.refresh_from_db()
        assert document.status == S.SIGNED and document.signed_by == w.chairman and document.number is None
        assert document.signed_at == MOMENT
        released_doc = services.outgoing_release(actor=w.clerk, document=document)
    assert released_doc.status == S.RELEASED and released_doc.symbol == "01/QĐ-UBND"
    files = outgoing_selectors.outgoing_versions(document)
    assert [(f.version, f.stage) for f in files] == [(4, "released"), (3, "signed"), (2, "draft"), (1, "draft")]
    assert [c.body for c in files[3].comments.all()] == ["Đề nghị bổ sung căn cứ pháp lý."]
    assert [c.body for c in files[2].comments.all()] == ["Thống nhất."]
    assert v1.sha256 != v2.sha256 and DocumentFile.objects.get(pk=v1.pk).sha256 == v1.sha256  # never overwritten
    # the text layer is kept for search, on every version (the signed and released files carry the draft's)
    assert all("kiện toàn tổ công tác" in f.text for f in files)
    assert signing.verify_document_file(signed).verdict == "valid"
    with time_machine.travel(MOMENT + dt.timedelta(minutes=5), tick=False):
        report = signing.verify_document_file(files[0])
    assert report.verdict == "valid"
    leader, seal = report.signatures
    assert leader.signer_name == "Nguyễn Văn An" and leader.signing_time == MOMENT
    assert leader.modified_after and leader.modification_permitted and leader.trusted
    assert seal.unit == w.commune.name and seal.covers_whole_document
    assert files[0].name == "01-QĐ-UBND.pdf"
    actions = list(AuditEvent.objects.filter(object_id=str(document.pk), action__startswith="documents.outgoing")
                   .order_by("seq").values_list("action", flat=True))  # fmt: skip
    assert actions == [
        "documents.outgoing.draft", "documents.outgoing.version", "documents.outgoing.review",
        "documents.outgoing.comment", "documents.outgoing.version", "documents.outgoing.comment",
        "documents.outgoing.sign", "documents.outgoing.release", "documents.outgoing.seal",
    ]  # fmt: skip


def test_the_stamp_carries_the_number_and_the_release_day(s):
    w = s.w
    document = draft(w, doc_type="cong_van", drafting_unit=w.office)
    document.released_at, document.symbol = at("05/03/2026", "23:30"), "05/UBND-VP"
    # 23:30 in Vietnam is still the 5th although it is the 5th 16:30 UTC; the day is read in Vietnam's time
    assert outgoing.stamp_text(document) == "Số: 05/UBND-VP — ngày 05/03/2026"


def test_who_may_sign(s):
    w = s.w
    document = draft(w)
    outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
    for stranger in (w.clerk, w.officer, s.other_leader):
        with pytest.raises(PermissionDeniedError) as refused:
            outgoing.outgoing_sign(actor=stranger, document=document)
        assert "Chỉ lãnh đạo của Ủy ban nhân dân xã An Phú" in refused.value.message
    document.refresh_from_db()
    assert document.status == S.DRAFT and not document.files.filter(stage="signed").exists()


def test_only_a_pdf_draft_can_be_signed_and_only_with_a_certificate(s):
    w = s.w
    document = draft(w)
    with pytest.raises(DomainError, match="Chưa có tệp dự thảo"):
        outgoing.outgoing_sign(actor=w.chairman, document=document)
    outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=docx_upload())
    with pytest.raises(DomainError, match="không phải tệp PDF"):
        outgoing.outgoing_sign(actor=w.chairman, document=document)
    outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
    SigningCertificate.objects.filter(user=w.chairman).update(revoked_at=MOMENT)
    with pytest.raises(DomainError, match="chưa được cấp chứng thư số"):
        outgoing.outgoing_sign(actor=w.chairman, document=document)


def test_uploads_are_checked_by_content():
    w = world()
    document = draft(w)
    fake = SimpleUploadedFile("du-thao.pdf", b"MZ this is an executable", content_type="application/pdf")
    with pytest.raises(DomainError, match="không đúng định dạng"):
        outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=fake)
    with pytest.raises(PermissionDeniedError):
        outgoing.outgoing_attach_version(actor=w.other_clerk, document=document, uploaded=pdf_upload())


def test_review_needs_a_file_and_reviewers_of_the_unit(s):
    w = s.w
    document = draft(w)
    with pytest.raises(DomainError, match="tải lên tệp dự thảo"):
        outgoing.outgoing_submit_for_review(actor=w.clerk, document=document, reviewers=[w.officer])
    outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
    with pytest.raises(DomainError, match="không phải lãnh đạo hoặc công chức") as refused:
        outgoing.outgoing_submit_for_review(actor=w.clerk, document=document, reviewers=[s.other_leader])
    assert refused.value.field == "reviewers"
    with pytest.raises(DomainError, match="ít nhất một người"):
        outgoing.outgoing_submit_for_review(actor=w.clerk, document=document, reviewers=[])
    # someone neither named nor an editor may not comment
    with pytest.raises(PermissionDeniedError):
        outgoing.outgoing_comment(actor=s.reviewer, document=document, body="Ý kiến")


def test_release_needs_the_leaders_signature_and_the_agencys_certificate(s):
    w = s.w
    with time_machine.travel(MOMENT, tick=False):
        document = draft(w)
        outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
        with pytest.raises(ConflictError, match="phải được lãnh đạo ký số"):
            services.outgoing_release(actor=w.clerk, document=document)
        outgoing.outgoing_sign(actor=w.chairman, document=document)
        # after signing, the draft is frozen
        with pytest.raises(ConflictError):
            outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
        SigningCertificate.objects.filter(unit=w.commune).update(revoked_at=MOMENT)
        with pytest.raises(DomainError, match="chưa có chứng thư số của cơ quan"):
            services.outgoing_release(actor=w.clerk, document=document)
        document.refresh_from_db()
        # nothing was taken: the number waits for the release that succeeds (gap-free register)
        assert document.status == S.SIGNED and document.number is None
        signing.certificate_issue_for_unit(actor=None, unit=w.commune, valid_from=MOMENT - dt.timedelta(days=1))
        assert services.outgoing_release(actor=w.clerk, document=document).symbol == "01/QĐ-UBND"
        # a paper draft (no file) is still numbered at release, as before
        assert services.outgoing_release(actor=w.clerk, document=draft(w)).symbol == "02/QĐ-UBND"


def test_signing_twice_is_refused(s):
    w = s.w
    document = draft(w)
    outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
    outgoing.outgoing_sign(actor=w.chairman, document=document)
    with pytest.raises(ConflictError):
        outgoing.outgoing_sign(actor=w.chairman, document=document)


def test_the_demo_province_has_an_authority_and_certificates_for_leaders_and_agencies(demo):
    from apps.org.models import Unit, User

    chairman = User.objects.get(username="chutich.anphu")
    certificate = signing.active_certificate_of_user(chairman)
    assert certificate is not None and certificate.organisation == "Ủy ban nhân dân xã An Phú"
    assert certificate.common_name == chairman.full_name
    for code in ("000.00.00.H99", "H99.02", "H99.24"):
        assert signing.active_certificate_of_unit(demo[code]) is not None
    leaders = User.objects.filter(groups__name=Role.UNIT_LEADER).count()
    assert SigningCertificate.objects.filter(user__isnull=False).count() == leaders
    agencies = Unit.objects.filter(kind__in=["peoples_committee", "department"]).count()
    assert SigningCertificate.objects.filter(unit__isnull=False).count() == agencies
    # running again issues nothing new
    summary = signing.certificates_issue_missing(actor=None, authority_name="x", organisation="y")
    assert (summary.leaders, summary.units) == (0, 0)
    assert len(signing.trusted_roots()) == 1


# -- pages and API ---------------------------------------------------------------------------------------------------


def page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def api_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


COMPOSE = {"doc_type": "quyet_dinh", "summary": "Về việc kiện toàn tổ công tác", "drafting_unit": "",
           "signer_position": "Chủ tịch", "signer_name": "", "recipients": "Như trên", "urgency": "normal",
           "confidentiality": "normal"}  # fmt: skip


def test_pages_draft_review_sign_release_and_show_the_signature_check(s):
    w = s.w
    clerk = page_client(w.clerk)
    bad = clerk.post(f"/can-bo/van-ban/di/soan-thao/?don-vi={w.commune.pk}",
                     {**COMPOSE, "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")})  # fmt: skip
    text = bad.content.decode()
    assert bad.status_code == 400 and "không đúng định dạng" in text and "Về việc kiện toàn tổ công tác" in text
    assert not OutgoingDocument.objects.exists()  # the draft and its file together or not at all
    made = clerk.post(f"/can-bo/van-ban/di/soan-thao/?don-vi={w.commune.pk}", {**COMPOSE, "file": pdf_upload()})
    document = OutgoingDocument.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/can-bo/van-ban/di/{document.pk}/"
    page = clerk.get(made["Location"]).content.decode()
    assert "Phiên bản 1 — Dự thảo" in page and "Tải lên phiên bản mới" in page and "Ký số</button>" not in page
    # the register lists it, linked to its page
    assert f"/can-bo/van-ban/di/{document.pk}/" in clerk.get(f"/can-bo/van-ban/?don-vi={w.commune.pk}").content.decode()
    asked = clerk.post(f"/can-bo/van-ban/di/{document.pk}/xin-y-kien/", {"reviewers": [s.reviewer.pk]})
    assert asked.status_code == 302
    reviewer = page_client(s.reviewer)
    version = document.files.get()
    said = reviewer.post(f"/can-bo/van-ban/di/{document.pk}/gop-y/", {"body": "Sửa điều 2.", "file": version.pk})
    assert said.status_code == 302
    empty = reviewer.post(f"/can-bo/van-ban/di/{document.pk}/gop-y/", {"body": "  ", "file": version.pk})
    assert empty.status_code == 400 and "Hãy ghi ý kiến." in empty.content.decode()
    chairman = page_client(w.chairman)
    page = chairman.get(f"/can-bo/van-ban/di/{document.pk}/").content.decode()
    assert "Sửa điều 2." in page and "Ký số</button>" in page
    with time_machine.travel(MOMENT, tick=False):
        assert chairman.post(f"/can-bo/van-ban/di/{document.pk}/ky-so/").status_code == 302
        page = clerk.get(f"/can-bo/van-ban/di/{document.pk}/").content.decode()
        assert 'data-verdict="valid"' in page and "Nguyễn Văn An" in page and "09:30:00 05/03/2026" in page
        assert clerk.post(f"/can-bo/van-ban/di/{document.pk}/ban-hanh/").status_code == 302
        page = clerk.get(f"/can-bo/van-ban/di/{document.pk}/").content.decode()
    assert "01/QĐ-UBND" in page and 'data-verdict="valid"' in page and page.count("data-signature=") == 2
    released = document.files.get(stage="released")
    download = clerk.get(f"/can-bo/van-ban/tep/{released.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # another commune's clerk sees neither the page nor the file
    stranger = page_client(w.other_clerk)
    assert stranger.get(f"/can-bo/van-ban/di/{document.pk}/").status_code == 404
    assert stranger.get(f"/can-bo/van-ban/tep/{released.pk}/").status_code == 404
    assert stranger.post(f"/can-bo/van-ban/di/{document.pk}/ky-so/").status_code == 404


def test_api_workflow_and_verification(s):
    w = s.w
    clerk = api_client(w.clerk)
    document = draft(w)
    url = f"/api/v1/documents/outgoing/{document.pk}/"
    uploaded = clerk.post(f"{url}versions/", {"file": pdf_upload(), "note": "Bản đầu"}, format="multipart")
    assert uploaded.status_code == 201 and uploaded.json()["version"] == 1
    assert clerk.post(f"{url}review/", {"reviewers": [w.officer.pk]}, format="json").status_code == 200
    assert clerk.post(f"{url}review/", {"reviewers": [999999]}, format="json").status_code == 400
    comment = api_client(w.officer).post(f"{url}comments/", {"body": "Đồng ý"}, format="json")
    assert comment.status_code == 201
    refused = clerk.post(f"{url}sign/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    with time_machine.travel(MOMENT, tick=False):
        signed = api_client(w.chairman).post(f"{url}sign/")
        assert signed.status_code == 200
        body = signed.json()
        assert body["document"]["status"] == "signed" and body["signatures"]["verdict"] == "valid"
        assert body["signatures"]["signatures"][0]["signer_name"] == "Nguyễn Văn An"
        assert clerk.post(f"{url}release/").status_code == 200
        detail = clerk.get(url).json()
    assert [v["stage"] for v in detail["versions"]] == ["released", "signed", "draft"]
    assert detail["versions"][2]["comments"][0]["body"] == "Đồng ý"
    assert detail["allowed"] == {"edit": False, "comment": False, "sign": False, "release": False}
    assert len(detail["signatures"]["signatures"]) == 2 and detail["signatures"]["verdict"] == "valid"
    file_url = detail["versions"][0]["download"]
    data = b"".join(clerk.get(file_url).streaming_content)
    with time_machine.travel(MOMENT, tick=False):
        good = clerk.post("/api/v1/documents/signatures/verify/",
                          {"file": SimpleUploadedFile("a.pdf", data)}, format="multipart")  # fmt: skip
        altered = bytearray(data)
        altered[altered.index(b"stream") + 40] ^= 0x01
        bad = clerk.post("/api/v1/documents/signatures/verify/",
                         {"file": SimpleUploadedFile("a.pdf", bytes(altered))}, format="multipart")  # fmt: skip
    assert good.json()["verdict"] == "valid" and bad.json()["verdict"] == "invalid"
    assert api_client(w.other_clerk).get(url).status_code == 404
    assert api_client(w.other_clerk).get(file_url).status_code == 404


def test_the_workflow_is_in_the_openapi_schema():
    from django.test import Client

    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/documents/outgoing/{id}/sign/", "/api/v1/documents/outgoing/{id}/versions/",
                 "/api/v1/documents/outgoing/{id}/review/", "/api/v1/documents/outgoing/{id}/comments/",
                 "/api/v1/documents/signatures/verify/", "/api/v1/documents/files/{id}/"):  # fmt: skip
        assert path in schema


def test_the_document_page_reads_a_fixed_number_of_queries_whatever_the_versions(s):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = s.w
    document = draft(w)
    outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
    outgoing.outgoing_comment(actor=w.clerk, document=document, body="Một")
    clerk = page_client(w.clerk)
    clerk.get(f"/can-bo/van-ban/di/{document.pk}/")  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        assert clerk.get(f"/can-bo/van-ban/di/{document.pk}/").status_code == 200
    for number in range(3):
        outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload(f"Bản {number}"))
        outgoing.outgoing_comment(actor=w.chairman, document=document, body=f"Ý kiến {number}")
    with CaptureQueriesContext(connection) as four:
        assert clerk.get(f"/can-bo/van-ban/di/{document.pk}/").status_code == 200
    assert len(four) == len(one)


def test_the_register_names_who_actually_signed_not_the_name_typed_in_the_draft(s):
    w = s.w
    deputy = staff_in(w.commune, Role.UNIT_LEADER, username="phochutich", full_name="Lê Thị Hoa")
    deputy.memberships.update(position="Phó Chủ tịch")
    signing.certificate_issue_for_user(actor=None, user=deputy, unit=w.commune,
                                       valid_from=MOMENT - dt.timedelta(days=30))  # fmt: skip
    with time_machine.travel(MOMENT, tick=False):
        document = draft(w)  # typed: "Nguyễn Văn An", "Chủ tịch"
        outgoing.outgoing_attach_version(actor=w.clerk, document=document, uploaded=pdf_upload())
        outgoing.outgoing_sign(actor=deputy, document=document)
    document.refresh_from_db()
    assert (document.signer_name, document.signer_position) == ("Lê Thị Hoa", "Phó Chủ tịch")


def test_the_review_api_refuses_a_stranger_without_telling_their_name(s):
    w = s.w
    w.other_clerk.full_name = "Trần Văn Lạ"
    w.other_clerk.save()
    clerk = api_client(w.clerk)
    document = draft(w)
    url = f"/api/v1/documents/outgoing/{document.pk}/"
    clerk.post(f"{url}versions/", {"file": pdf_upload()}, format="multipart")
    refused = clerk.post(f"{url}review/", {"reviewers": [w.officer.pk, w.other_clerk.pk]}, format="json")
    assert refused.status_code == 400 and "Trần Văn Lạ" not in refused.content.decode()
    assert not document.reviewers.exists()  # nobody asked: nothing half-kept
