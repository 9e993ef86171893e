import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.models import AuditEvent
from apps.documents import services
from apps.documents.models import IncomingDocument, OutgoingDocument
from apps.documents.tests.factories import draft, register_incoming, world

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def release(w, document, now, actor=None):
    return services.outgoing_release(actor=actor or w.clerk, document=document, now=now)


def test_draft_has_no_number_and_release_numbers_from_01_with_a_leading_zero():
    w = world()
    document = draft(w)
    assert document.number is None and document.symbol == "" and document.status == "draft"
    symbols = [release(w, draft(w), at(2026, 3, 5)).symbol for _ in range(10)]
    # Decree 30/2020: numbers from 01, below 10 with a leading 0; "05/QĐ-UBND"
    assert symbols[0] == "01/QĐ-UBND" and symbols[4] == "05/QĐ-UBND" and symbols[9] == "10/QĐ-UBND"
    # the draft made first, released last, takes the next number: the number is taken at release
    assert release(w, document, at(2026, 3, 6)).symbol == "11/QĐ-UBND"


def test_official_letter_has_no_type_and_names_the_drafting_division():
    w = world()
    letter = release(w, draft(w, doc_type="cong_van", drafting_unit=w.office), at(2026, 3, 5))
    assert letter.symbol == "01/UBND-VP"
    plan = release(w, draft(w, doc_type="ke_hoach", drafting_unit=w.culture), at(2026, 3, 5))
    assert plan.symbol == "02/KH-UBND"  # one series for every type of the unit


def test_issuer_without_symbol_takes_its_committees():
    w = world()
    w.culture.symbol = ""
    w.culture.save()
    document = release(
        w, draft(w, unit=w.culture, doc_type="bao_cao", actor=w.chairman), at(2026, 3, 5), actor=w.chairman
    )
    assert document.symbol == "01/BC-UBND"


def test_numbers_restart_on_the_first_of_january():
    w = world()
    last_day = [release(w, draft(w), at(2026, 12, 31, 23, 59)) for _ in range(3)]
    new_year = release(w, draft(w), at(2027, 1, 1, 0, 1))
    assert [d.number for d in last_day] == [1, 2, 3] and {d.year for d in last_day} == {2026}
    assert (new_year.year, new_year.number, new_year.symbol) == (2027, 1, "01/QĐ-UBND")


def test_secret_documents_have_their_own_series():
    w = world()
    release(w, draft(w), at(2026, 3, 5))
    release(w, draft(w), at(2026, 3, 5))
    secret = release(w, draft(w, confidentiality="secret"), at(2026, 3, 5))
    top = release(w, draft(w, confidentiality="top_secret"), at(2026, 3, 5))
    normal = release(w, draft(w), at(2026, 3, 5))
    assert (secret.number, top.number, normal.number) == (1, 2, 3)


def test_release_is_once_and_audited():
    w = world()
    document = release(w, draft(w), at(2026, 3, 5))
    with pytest.raises(ConflictError):
        release(w, document, at(2026, 3, 6))
    event = AuditEvent.objects.filter(action="documents.outgoing.release").get()
    assert event.object_id == str(document.pk) and event.changes["symbol"] == "01/QĐ-UBND"
    assert AuditEvent.objects.filter(action="documents.outgoing.draft").count() == 1


def test_another_units_clerk_or_a_plain_officer_cannot_draft_or_release():
    w = world()
    document = draft(w)
    for stranger in (w.other_clerk, w.officer):
        with pytest.raises(PermissionDeniedError):
            services.outgoing_release(actor=stranger, document=document, now=at(2026, 3, 5))
        with pytest.raises(PermissionDeniedError):
            services.outgoing_draft(actor=stranger, unit=w.commune, doc_type="quyet_dinh", summary="x")
    document.refresh_from_db()
    assert document.number is None
    assert release(w, document, at(2026, 3, 5), actor=w.chairman).number == 1  # the leader may


def test_drafting_unit_must_belong_to_the_issuer():
    w = world()
    with pytest.raises(DomainError) as error:
        draft(w, drafting_unit=w.other_commune)
    assert error.value.field == "drafting_unit"


def test_incoming_numbers_run_on_within_the_year_and_restart():
    w = world()
    first, _ = register_incoming(w, number_symbol="01/BC-SXD", now=at(2026, 3, 5))
    second, _ = register_incoming(w, number_symbol="02/BC-SXD", now=at(2026, 12, 31, 16))
    next_year, _ = register_incoming(w, number_symbol="03/BC-SXD", now=at(2027, 1, 2))
    assert [(d.year, d.number) for d in (first, second, next_year)] == [(2026, 1), (2026, 2), (2027, 1)]
    assert AuditEvent.objects.filter(action="documents.incoming.register").count() == 3


def test_duplicate_warns_with_the_earlier_registration_and_needs_confirming():
    w = world()
    earlier, duplicates = register_incoming(w, now=at(2026, 3, 5))
    assert duplicates == []
    with pytest.raises(services.DuplicateDocumentError) as error:
        register_incoming(w, number_symbol="12 / qđ-stp", issuer="SỞ TƯ PHÁP", now=at(2026, 3, 6))
    assert error.value.duplicates == [earlier]
    assert IncomingDocument.objects.count() == 1
    again, duplicates = register_incoming(w, now=at(2026, 3, 6), confirm_duplicate=True)
    assert duplicates == [earlier] and again.number == 2
    other_issuer, duplicates = register_incoming(w, issuer="Sở Xây dựng", now=at(2026, 3, 6))
    assert duplicates == [] and other_issuer.number == 3


def test_incoming_is_refused_across_units_and_checked():
    w = world()
    with pytest.raises(PermissionDeniedError):
        register_incoming(w, actor=w.other_clerk, now=at(2026, 3, 5))
    with pytest.raises(DomainError) as error:
        register_incoming(w, issuer="  ", now=at(2026, 3, 5))
    assert error.value.field == "issuer_name"
    with pytest.raises(DomainError) as error:
        register_incoming(w, now=at(2026, 3, 1))  # the document is dated 02/03/2026
    assert error.value.field == "issued_date"
    assert not IncomingDocument.objects.exists() and not OutgoingDocument.objects.exists()
