import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEvent
from apps.documents import selectors, services
from apps.documents.models import DocumentAccess, DocumentFile, SearchEntry
from apps.documents.services.access import log_opening
from apps.documents.services.search import index_incoming
from apps.documents.tests.factories import draft, world
from apps.org.models import Role
from apps.org.tests.factories import staff_in

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LAND = "Quyết định về việc giao đất đai cho hộ gia đình ông Đặng Văn Bình"


def found(user, query="", **filters) -> list:
    return [(e.kind, e.document_id) for e in selectors.search_documents(user, query, **filters).entries]


def incoming(w, summary=LAND, *, unit=None, actor=None, number_symbol="12/QĐ-STP", issuer="Sở Tư pháp", **extra):
    document, _ = services.incoming_register(
        actor=actor or w.clerk, unit=unit or w.commune, issuer_name=issuer, number_symbol=number_symbol,
        issued_date=dt.date(2026, 3, 2), doc_type=extra.pop("doc_type", "quyet_dinh"), summary=summary, now=NOW,
        confirm_duplicate=True, **extra,
    )  # fmt: skip
    return document


def released(w, **kwargs):
    return services.outgoing_release(actor=w.clerk, document=draft(w, now=NOW, **kwargs), now=NOW)


def add_text(document, text: str) -> None:
    DocumentFile.objects.create(
        incoming=document, file=ContentFile(b"%PDF", name="van-ban.pdf"), name="van-ban.pdf",
        content_type="application/pdf", size=4, sha256="0" * 64, text=text, uploaded_at=NOW,
    )  # fmt: skip


def test_unaccented_words_find_the_accented_summary():
    w = world()
    document = incoming(w)
    incoming(w, "Báo cáo tình hình tài chính", number_symbol="03/BC-STC", issuer="Sở Tài chính")
    assert found(w.clerk, "quyet dinh dat dai") == [("in", document.pk)]
    assert found(w.clerk, "DANG VAN BINH") == [("in", document.pk)]  # đ → d, upper case
    assert found(w.clerk, "Quyết định đất đai") == [("in", document.pk)]
    assert found(w.clerk, "dat dia") == []  # every word must be there


def test_the_type_of_document_is_searched_though_the_summary_does_not_name_it():
    w = world()
    report = incoming(w, "Kết quả công tác cải cách hành chính tháng 3", number_symbol="07/BC-UBND",
                      issuer="Ủy ban nhân dân xã Bình Minh", doc_type="bao_cao")  # fmt: skip
    incoming(w, "Về việc cải cách hành chính", number_symbol="08/QĐ-UBND", issuer="Sở Nội vụ")
    assert found(w.clerk, "bao cao cai cach") == [("in", report.pk)]
    assert len(found(w.clerk, "cai cach")) == 2


def test_decomposed_input_finds_the_same_documents():
    w = world()
    document = incoming(w, unicodedata.normalize("NFD", LAND))  # stored NFC by the service
    query = unicodedata.normalize("NFD", "Quyết định đất đai")
    assert query != unicodedata.normalize("NFC", query)
    assert found(w.clerk, query) == [("in", document.pk)]


def test_number_symbol_and_issuer_are_searched():
    w = world()
    document = incoming(w, number_symbol="45/QĐ-UBND", issuer="Ủy ban nhân dân huyện Đông Hải")
    assert found(w.clerk, "45/QĐ-UBND") == [("in", document.pk)]
    assert found(w.clerk, "qd ubnd 45") == [("in", document.pk)]
    assert found(w.clerk, "dong hai") == [("in", document.pk)]


def test_the_files_text_is_searched_and_shown_around_the_words_found():
    w = world()
    document = incoming(w, "Về việc kiểm tra")
    add_text(document, "Điều 1. Giao cho Phòng Tài nguyên và Môi trường kiểm tra hiện trạng sử dụng đất rừng phòng hộ.")
    assert found(w.clerk, "rung phong ho") == []  # not indexed until the document's index is refreshed
    index_incoming(document)
    [entry] = selectors.search_documents(w.clerk, "rung phong ho").entries
    assert entry.document_id == document.pk
    assert "<mark>rừng</mark> <mark>phòng</mark> <mark>hộ</mark>" in entry.snippet
    assert SearchEntry.objects.filter(kind="in", document_id=document.pk).count() == 1


def test_the_snippet_escapes_the_text():
    w = world()
    document = incoming(w, "Về việc kiểm tra")
    add_text(document, "<script>alert(1)</script> đất đai")
    index_incoming(document)
    [entry] = selectors.search_documents(w.clerk, "dat").entries
    assert "<script>" not in entry.snippet and "&lt;script&gt;" in entry.snippet
    assert "<mark>đất</mark>" in entry.snippet


def test_the_index_follows_drafting_and_release():
    w = world()
    document = draft(w, now=NOW)
    entry = SearchEntry.objects.get(kind="out", document_id=document.pk)
    assert (entry.status, entry.number, entry.number_symbol) == ("draft", None, "")
    assert found(w.clerk, "kien toan to cong tac") == [("out", document.pk)]
    later = incoming(w, "Về việc kiện toàn tổ công tác văn thư")
    services.outgoing_release(actor=w.clerk, document=document, now=NOW)
    drafted_at, entry = entry.pk, SearchEntry.objects.get(kind="out", document_id=document.pk)
    assert entry.pk > drafted_at  # it enters the register at release: newer than what was registered meanwhile
    assert found(w.clerk, "kien toan to cong tac") == [("out", document.pk), ("in", later.pk)]
    assert (entry.status, entry.number, entry.number_symbol, entry.year) == ("released", 1, "01/QĐ-UBND", 2026)
    assert found(w.clerk, "01/QĐ-UBND") == [("out", document.pk)]
    assert found(w.clerk, "kien toan", status="draft") == []
    assert SearchEntry.objects.filter(kind="out", document_id=document.pk).count() == 1


def test_filters():
    w = world()
    land = incoming(w, urgency="urgent")
    report = incoming(w, "Báo cáo đất đai quý I", number_symbol="03/BC-STNMT", issuer="Sở Tài nguyên và Môi trường",
                      doc_type="bao_cao")  # fmt: skip
    outgoing = released(w, doc_type="ke_hoach")
    assert found(w.clerk, "dat dai", register="in") == [("in", report.pk), ("in", land.pk)]
    assert found(w.clerk, "", register="out") == [("out", outgoing.pk)]
    assert found(w.clerk, "dat", doc_type="bao_cao") == [("in", report.pk)]
    assert found(w.clerk, "", urgency="urgent") == [("in", land.pk)]
    assert found(w.clerk, "", issuer="so tai nguyen") == [("in", report.pk)]
    assert found(w.clerk, "", issuer="SỞ TƯ PHÁP") == [("in", land.pk)]
    assert found(w.clerk, "", status="released") == [("out", outgoing.pk)]
    assert found(w.clerk, "", status="awaiting_direction", register="in") == [("in", report.pk), ("in", land.pk)]
    assert found(w.clerk, "", year=2026, register="out") == [("out", outgoing.pk)]
    assert found(w.clerk, "", year=2025) == []


def test_a_commune_clerk_cannot_find_another_communes_documents():
    w = world()
    document = incoming(w, number_symbol="77/QĐ-UBND")
    assert found(w.other_clerk, "quyet dinh dat dai") == []
    assert found(w.other_clerk, "77/QĐ-UBND") == []
    assert found(w.other_clerk, "", unit=w.commune.pk) == []  # naming the unit does not open it
    assert found(w.other_clerk, "") == []
    other = incoming(w, unit=w.other_commune, actor=w.other_clerk)
    assert found(w.other_clerk, "quyet dinh dat dai") == [("in", other.pk)]
    assert found(w.clerk, "quyet dinh dat dai") == [("in", document.pk)]
    province_leader = staff_in(w.province, Role.UNIT_LEADER, username="chutich.tinh")
    assert set(found(province_leader, "quyet dinh dat dai")) == {("in", document.pk), ("in", other.pk)}


def test_secret_documents_are_found_by_the_keepers_only():
    w = world()
    plain = incoming(w)
    secret = incoming(w, number_symbol="13/QĐ-STP", confidentiality="secret")
    secret_out = released(w, confidentiality="top_secret")
    for keeper in (w.clerk, w.chairman):
        assert set(found(keeper, "quyet dinh dat dai")) == {("in", plain.pk), ("in", secret.pk)}
        assert found(keeper, "kien toan") == [("out", secret_out.pk)]
    # the committee's officer reads the registers but keeps none, and the province's chairman does not keep a
    # commune's (another agency): the plain document only, whatever the search
    province_leader = staff_in(w.province, Role.UNIT_LEADER, username="chutich.tinh")
    for reader in (w.officer, province_leader):
        assert found(reader, "quyet dinh dat dai") == [("in", plain.pk)]
        assert found(reader, "kien toan") == []
    assert found(w.officer, "13/QĐ-STP") == []
    assert found(w.officer, "kien toan") == []
    assert found(w.officer, "", unit=w.commune.pk, register="out") == []


def test_nobody_signed_out_finds_anything():
    from django.contrib.auth.models import AnonymousUser

    w = world()
    incoming(w)
    assert found(AnonymousUser(), "dat dai") == []
    assert found(None, "dat dai") == []


def test_the_number_of_queries_does_not_grow_with_the_results():
    w = world()
    incoming(w)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.search_documents(w.clerk, "dat dai")
        return len(captured)

    few = queries()
    for number in range(25):
        incoming(w, number_symbol=f"{number}/QĐ-STP")
    assert selectors.search_documents(w.clerk, "dat dai").total == 26
    assert queries() == few


def test_results_are_capped_and_paged():
    w = world()
    for number in range(25):
        incoming(w, number_symbol=f"{number}/QĐ-STP")
    first = selectors.search_documents(w.clerk, "dat dai")
    second = selectors.search_documents(w.clerk, "dat dai", page=2)
    beyond = selectors.search_documents(w.clerk, "dat dai", page=99)
    assert (first.total, first.pages, len(first.entries), len(second.entries)) == (25, 2, 20, 5)
    assert {e.pk for e in first.entries}.isdisjoint({e.pk for e in second.entries})
    assert beyond.page == 2


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_search_page_results_empty_state_and_bad_input():
    w = world()
    document = incoming(w)
    page = client_for(w.clerk).get("/can-bo/van-ban/tim-kiem/", {"q": "quyet dinh dat dai", "so": "den"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "12/QĐ-STP" in text and "Sở Tư pháp" in text and "05/03/2026" in text and "1 văn bản phù hợp" in text
    assert f"?don-vi={w.commune.pk}&amp;so=den&amp;nam=2026" in text
    empty = client_for(w.other_clerk).get("/can-bo/van-ban/tim-kiem/", {"q": "quyet dinh dat dai"})
    assert "Không tìm thấy văn bản nào" in empty.content.decode() and "12/QĐ-STP" not in empty.content.decode()
    bad = client_for(w.clerk).get("/can-bo/van-ban/tim-kiem/", {"q": "đất đai", "nam": "hai nghìn"})
    bad_text = bad.content.decode()
    assert "Năm phải là một số" in bad_text and 'value="đất đai"' in bad_text
    blank = client_for(w.clerk).get("/can-bo/van-ban/tim-kiem/")
    assert "Tìm trong sổ văn bản đến và đi" in blank.content.decode()
    assert str(document.pk)  # the document exists; the blank page lists nothing
    assert "12/QĐ-STP" not in blank.content.decode()


def test_search_page_pages_keep_the_filters():
    w = world()
    for number in range(25):
        incoming(w, number_symbol=f"{number}/QĐ-STP")
    text = client_for(w.clerk).get("/can-bo/van-ban/tim-kiem/", {"q": "dat", "so": "den"}).content.decode()
    assert "Trang 1/2" in text and "q=dat&amp;so=den&amp;trang=2" in text
    second = client_for(w.clerk).get("/can-bo/van-ban/tim-kiem/", {"q": "dat", "so": "den", "trang": "2"})
    assert "Trang 2/2" in second.content.decode()


def test_search_api():
    w = world()
    document = incoming(w)
    incoming(w, number_symbol="13/QĐ-STP", confidentiality="secret")
    answer = client_for(w.officer).get("/api/v1/documents/search/", {"q": "quyet dinh dat dai", "register": "in"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1 and body["more_than_count"] is False
    [result] = body["results"]
    assert (result["kind"], result["document_id"], result["number_symbol"]) == ("in", document.pk, "12/QĐ-STP")
    assert client_for(w.other_clerk).get("/api/v1/documents/search/", {"q": "dat dai"}).json()["count"] == 0
    bad = client_for(w.clerk).get("/api/v1/documents/search/", {"register": "sideways", "year": "x"})
    assert bad.status_code == 400
    assert Client().get("/api/v1/documents/search/", {"q": "dat"}).status_code in (401, 403)


def test_search_is_in_the_schema_and_the_registers_link_to_it():
    w = world()
    assert "/api/v1/documents/search/" in Client().get("/api/schema/").content.decode()
    assert "/can-bo/van-ban/tim-kiem/" in client_for(w.clerk).get("/can-bo/van-ban/").content.decode()


def test_every_opening_is_logged_in_one_insert_outside_the_audit_chain():
    w = world()
    document = incoming(w)
    outgoing = released(w)
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        access = log_opening(w.clerk, document, via="page")
    assert len(captured) == 1
    log_opening(w.chairman, outgoing, via="download")
    log_opening(w.clerk, document, via="api")
    assert AuditEvent.objects.count() == events
    rows = list(DocumentAccess.objects.order_by("pk").values_list("user", "kind", "document_id", "via"))
    assert rows == [(w.clerk.pk, "in", document.pk, "page"), (w.chairman.pk, "out", outgoing.pk, "download"),
                    (w.clerk.pk, "in", document.pk, "api")]  # fmt: skip
    assert access.at is not None
    with pytest.raises(ValueError):
        log_opening(w.clerk, document, via="fax")


def test_many_matches_are_read_newest_first_with_the_same_results(monkeypatch):
    from apps.documents.selectors import search

    w = world()
    documents = [incoming(w, number_symbol=f"{number}/QĐ-STP") for number in range(6)]
    incoming(w, number_symbol="13/QĐ-STP", confidentiality="secret")
    expected = [("in", d.pk) for d in reversed(documents)]
    assert found(w.officer, "quyet dinh dat dai") == expected
    monkeypatch.setattr(search, "COMMON_MATCHES", 3)  # PostgreSQL: past the probe, another plan, the same rows
    assert found(w.officer, "quyet dinh dat dai") == expected
    assert found(w.officer, "quyet dinh dat dai", page=1) == expected


def test_the_search_scope_keeps_exactly_the_registers_the_rules_let_each_user_keep():
    """The scope is SQL (selectors.search) and the rule is Python (selectors.registers): they must agree for every
    user and unit, or search would show secret documents a page refuses (or hide those it shows)."""
    from apps.documents.selectors import registers
    from apps.documents.selectors.search import reader_scope
    from apps.documents.tests.factories import world
    from apps.org.models import Role, Unit
    from apps.org.tests.factories import staff_in

    w = world()
    province_leader = staff_in(w.province, Role.UNIT_LEADER, username="chutich.tinh")
    division_clerk = staff_in(w.culture, Role.CLERICAL_OFFICER, username="vanthu.vhxh")
    units = list(Unit.objects.all())
    for user in (w.clerk, w.chairman, w.officer, w.other_clerk, province_leader, division_clerk):
        scope = reader_scope(user)
        kept = {unit.pk for unit in units if registers.can_keep_register(user, unit)}
        readable = {unit.pk for unit in units if registers.can_read_register(user, unit)}
        assert (set(scope.kept), set(scope.readable)) == (kept, readable), user.username
