"""Digitised papers in their slots, reuse of the same person's earlier copies, the electronic result and its
download with code + phone (issue 10, point 6)."""

from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.actors import CITIZEN
from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.dossiers import services
from apps.dossiers.models import Attachment, Dossier, DossierPaper
from apps.dossiers.tests.factories import APPLICANT, world
from apps.procedures.models import Procedure, RequiredPaper
from tests.helpers import at

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
S = Dossier.Status


def pdf(name="to-khai.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def w():
    return world()


def form_paper(w) -> RequiredPaper:
    return RequiredPaper.objects.get(procedure=w.procedure, optional=False)


def walk_in(w, moment, *, files=None, reuse=None, applicant=APPLICANT, provided=None):
    return services.dossier_receive_walk_in_digitised(
        actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=applicant,
        provided_paper_ids=provided if provided is not None else [], files=files, reuse=reuse, now=moment,
    )  # fmt: skip


def finish(w, dossier, moment):
    for actor in (w.clerk, w.officer, w.chairman):
        dossier = services.dossier_forward(actor=actor, dossier=dossier, now=moment)
    return dossier


def test_walk_in_receipt_scans_each_paper_into_its_slot(w):
    paper = form_paper(w)
    dossier = walk_in(w, at("25/11/2026", "09:00"), files={paper.pk: pdf()})
    slot = dossier.papers.get(required_paper=paper)
    assert dossier.status == S.RECEIVED
    assert slot.provided and slot.digitised_at == at("25/11/2026", "09:00")
    assert slot.digitised_file.paper_id == slot.pk and slot.digitised_file.dossier_id == dossier.pk
    assert slot.digitised_file.purpose == Attachment.Purpose.SUBMISSION and slot.reused_from is None
    event = AuditEvent.objects.get(action="dossiers.paper_digitise")
    assert event.changes["paper"] == paper.name and event.changes["sha256"] == slot.digitised_file.sha256


def test_a_slot_refuses_a_file_that_is_not_a_scan_and_nothing_is_received(w):
    paper = form_paper(w)
    with pytest.raises(DomainError, match="không đúng định dạng") as error:
        walk_in(w, at("25/11/2026", "09:00"), files={paper.pk: pdf(body=b"MZ\x90 executable")})
    assert error.value.field == f"paper-{paper.pk}"
    assert not Dossier.objects.exists() and not Attachment.objects.exists()


def test_a_paper_of_another_procedure_has_no_slot_here(w):
    other = RequiredPaper.objects.create(procedure=Procedure.objects.create(
        code="1.000001", name="Khác", field=w.procedure.field, level=w.procedure.level, time_limit=1,
        time_unit="working_days", online_level="none"), name="Đơn khác")  # fmt: skip
    with pytest.raises(DomainError, match="không thuộc thủ tục"):
        walk_in(w, at("25/11/2026", "09:00"), files={form_paper(w).pk: pdf(), other.pk: pdf()})


def test_only_the_receiving_desk_digitises_and_only_while_open(w):
    paper = form_paper(w)
    dossier = walk_in(w, at("25/11/2026", "09:00"), provided=[paper.pk])
    with pytest.raises(PermissionDeniedError):  # another commune's desk
        services.paper_digitise(actor=w.other_clerk, dossier=dossier, paper_id=paper.pk, file=pdf())
    with pytest.raises(PermissionDeniedError):  # the citizen, after submission
        services.paper_digitise(actor=CITIZEN, dossier=dossier, paper_id=paper.pk, file=pdf())
    services.paper_digitise(
        actor=w.clerk, dossier=dossier, paper_id=paper.pk, file=pdf(), now=at("25/11/2026", "10:00")
    )
    assert dossier.papers.get(required_paper=paper).digitised_at == at("25/11/2026", "10:00")
    dossier = finish(w, dossier, at("26/11/2026", "09:00"))
    assert dossier.status == S.READY
    with pytest.raises(ConflictError):
        services.paper_digitise(actor=w.clerk, dossier=dossier, paper_id=paper.pk, file=pdf())


def test_the_same_persons_earlier_copy_is_reused_by_reference(w):
    paper = form_paper(w)
    first = walk_in(w, at("02/11/2026", "09:00"), files={paper.pk: pdf()})
    original = first.papers.get(required_paper=paper)
    second = walk_in(w, at("25/11/2026", "09:00"), provided=[paper.pk])
    offers = services.reuse_offers(second)
    assert [p.pk for p in offers[paper.pk]] == [original.pk]
    assert services.reuse_offers_for_person(w.procedure, "0011 9001 2345")[paper.pk][0].pk == original.pk

    services.paper_reuse(actor=w.clerk, dossier=second, paper_id=paper.pk, source_id=original.pk,
                         now=at("25/11/2026", "09:05"))  # fmt: skip
    reused = second.papers.get(required_paper=paper)
    assert reused.digitised_file_id == original.digitised_file_id  # the same file, not a copy
    assert reused.reused_from_id == original.pk and Attachment.objects.count() == 1
    event = AuditEvent.objects.get(action="dossiers.paper_reuse")
    assert event.changes["from_dossier"] == first.code and event.object_id == str(second.pk)


def test_reuse_is_refused_across_people_and_for_another_paper(w):
    paper = form_paper(w)
    someone_else = walk_in(w, at("02/11/2026", "09:00"), files={paper.pk: pdf()},
                           applicant=APPLICANT | {"applicant_id_number": "001190099999"})  # fmt: skip
    mine = walk_in(w, at("25/11/2026", "09:00"), provided=[paper.pk])
    assert services.reuse_offers(mine) == {}
    with pytest.raises(DomainError, match="chính người nộp"):
        services.paper_reuse(actor=w.clerk, dossier=mine, paper_id=paper.pk,
                             source_id=someone_else.papers.get(required_paper=paper).pk)  # fmt: skip
    optional = RequiredPaper.objects.get(procedure=w.procedure, optional=True)
    earlier = walk_in(w, at("03/11/2026", "09:00"), files={paper.pk: pdf()})
    with pytest.raises(DomainError, match="Không dùng lại"):  # the form's copy is not the divorce paper
        services.paper_reuse(actor=w.clerk, dossier=mine, paper_id=optional.pk,
                             source_id=earlier.papers.get(required_paper=paper).pk)  # fmt: skip
    with pytest.raises(PermissionDeniedError):  # another desk cannot attach it either
        services.paper_reuse(actor=w.other_clerk, dossier=mine, paper_id=paper.pk,
                             source_id=earlier.papers.get(required_paper=paper).pk)  # fmt: skip


def test_a_copy_of_the_same_paper_name_in_another_procedure_is_offered(w):
    paper = form_paper(w)
    other = Procedure.objects.create(code="1.000002", name="Khác", field=w.procedure.field, level=w.procedure.level,
                                     time_limit=1, time_unit="working_days", online_level="none")  # fmt: skip
    earlier_dossier = walk_in(w, at("02/11/2026", "09:00"), files={paper.pk: pdf()})
    earlier = earlier_dossier.papers.get(required_paper=paper)
    twin = RequiredPaper.objects.create(procedure=other, name=paper.name.upper())
    assert [p.pk for p in services.reuse_offers_for_person(other, APPLICANT["applicant_id_number"])[twin.pk]] == [
        earlier.pk
    ]


def online(w, files=None, procedure=None, now=None):
    return services.dossier_submit_online_with_papers(
        procedure=procedure or w.procedure, filing_unit=w.commune, applicant=APPLICANT, files=files,
        delivery=Dossier.Delivery.ONLINE, now=now or at("24/11/2026", "20:00"),
    )  # fmt: skip


def test_online_slots_are_digitised_at_submission_and_count_at_receipt(w):
    paper = form_paper(w)
    dossier = online(w, files={paper.pk: pdf()})
    slot = dossier.papers.get(required_paper=paper)
    assert slot.digitised_at == at("24/11/2026", "20:00") and slot.digitised_file.original_name == "to-khai.pdf"
    # The desk ticks nothing: the digitised paper is there, the dossier is received.
    dossier = services.dossier_receive_digitised(actor=w.clerk, dossier=dossier, provided_paper_ids=[],
                                                 now=at("25/11/2026", "08:00"))  # fmt: skip
    assert dossier.status == S.RECEIVED and dossier.papers.get(required_paper=paper).provided


def test_a_full_online_dossier_without_its_required_papers_is_refused_on_the_slot(w):
    paper = form_paper(w)
    assert w.procedure.online_level == Procedure.OnlineLevel.FULL
    with pytest.raises(DomainError, match="toàn trình") as error:
        online(w, files={})
    assert error.value.field == f"paper-{paper.pk}" and not Dossier.objects.exists()
    Procedure.objects.filter(pk=w.procedure.pk).update(online_level=Procedure.OnlineLevel.PARTIAL)
    w.procedure.refresh_from_db()
    assert online(w, files={}).status == S.SUBMITTED  # partial: the papers may come to the desk


def test_result_is_stored_unsigned_and_downloaded_with_code_and_phone(w):
    paper = form_paper(w)
    dossier = walk_in(w, at("25/11/2026", "09:00"), files={paper.pk: pdf()})
    dossier = services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    with pytest.raises(DomainError, match="không đúng định dạng"):  # a result is a PDF
        services.result_attach(actor=w.officer, dossier=dossier, file=SimpleUploadedFile("kq.png", PNG))
    with pytest.raises(PermissionDeniedError):  # another commune's officer
        services.result_attach(actor=w.other_officer, dossier=dossier, file=pdf("kq.pdf"))
    result = services.result_attach(actor=w.officer, dossier=dossier, file=pdf("ket-qua.pdf"))
    assert result.purpose == Attachment.Purpose.RESULT and result.signed is False
    assert AuditEvent.objects.filter(action="dossiers.result_attach").count() == 1

    with pytest.raises(ConflictError, match="chưa có kết quả"):  # still being handled
        services.result_for_citizen(code=dossier.code, phone=APPLICANT["applicant_phone"])
    dossier = services.dossier_forward(actor=w.officer, dossier=dossier, now=at("26/11/2026", "09:00"))
    dossier = services.dossier_forward(actor=w.chairman, dossier=dossier, now=at("26/11/2026", "10:00"))
    assert dossier.status == S.READY
    with pytest.raises(PermissionDeniedError, match="không khớp"):
        services.result_for_citizen(code=dossier.code, phone="0987654321")
    with pytest.raises(PermissionDeniedError, match="không khớp"):  # an unknown code answers the same
        services.result_for_citizen(code="H98.01-261125-9999", phone=APPLICANT["applicant_phone"])
    with pytest.raises(PermissionDeniedError):  # someone else's ID number (the owner's works as the phone does)
        services.result_for_citizen(code=dossier.code, phone="001099000001")
    got = services.result_for_citizen(code=dossier.code.lower(), phone="+84 912 345 678")
    assert got.pk == result.pk
    assert AuditEvent.objects.filter(action="dossiers.result_download", object_id=str(dossier.pk)).count() == 1
    services.dossier_return(actor=w.clerk, dossier=dossier, now=at("26/11/2026", "14:00"))
    assert services.result_for_citizen(code=dossier.code, phone=APPLICANT["applicant_phone"]).pk == result.pk


def test_no_electronic_result_sends_the_citizen_to_the_desk(w):
    dossier = finish(w, walk_in(w, at("25/11/2026", "09:00"), provided=[form_paper(w).pk]), at("26/11/2026", "9:00"))
    with pytest.raises(NotFoundError, match="nhận kết quả tại"):
        services.result_for_citizen(code=dossier.code, phone=APPLICANT["applicant_phone"])


def test_digitised_papers_are_listed_with_their_files(w):
    paper = form_paper(w)
    dossier = walk_in(w, at("25/11/2026", "09:00"), files={paper.pk: pdf()})
    assert [p.is_digitised for p in DossierPaper.objects.filter(dossier=dossier).order_by("pk")] == [True, False]
