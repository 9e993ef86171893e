"""What a new user finds: the documents' menu entries for the roles that use them (and for anyone holding a document),
the drafts waiting for a leader's signature, and the links between pages that belong together."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from apps.documents import exports, services
from apps.documents.models import InboxDocument
from apps.documents.services import exchange, handling, outgoing
from apps.documents.tests.factories import draft, world
from apps.documents.tests.test_exchange import PDF as EXCHANGE_PDF
from apps.documents.tests.test_exchange import send_to_other_commune
from apps.documents.tests.test_exchange import w as exchange_world  # noqa: F401 (a fixture)
from apps.documents.tests.test_handling import PDF_BYTES, HandlingWorld
from apps.org.models import Role, Unit
from apps.org.tests.factories import UnitFactory, staff_in
from apps.portal.navigation import navigation_for
from tests.helpers import at

pytestmark = pytest.mark.django_db
DOCUMENT_ENTRIES = {
    "documents:registers", "documents:exchange-inbox", "documents:awaiting-direction", "documents:my-handling",
}  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def document_entries(user) -> set[str]:
    return {item.url_name for item in navigation_for(user)} & DOCUMENT_ENTRIES


def with_file(w, unit=None, clerk=None):
    clerk = clerk or w.clerk
    document = draft(w, unit=unit, actor=clerk)
    upload = SimpleUploadedFile("du-thao.pdf", PDF_BYTES, content_type="application/pdf")
    outgoing.outgoing_attach_version(actor=clerk, document=document, uploaded=upload)
    return document


def test_menu_entries_by_role():
    w = world()
    assert document_entries(w.clerk) == DOCUMENT_ENTRIES - {"documents:awaiting-direction"}
    assert document_entries(w.chairman) == DOCUMENT_ENTRIES - {"documents:exchange-inbox"}
    assert document_entries(w.officer) == {"documents:my-handling"}
    assert document_entries(staff_in(w.commune, Role.DESK_CLERK)) == set()


def test_whoever_holds_a_document_finds_it_from_the_menu():
    h = HandlingWorld()
    desk = staff_in(h.w.culture, Role.DESK_CLERK)
    assert document_entries(desk) == set()
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        handling.assign(actor=h.w.chairman, document=h.incoming(), lead=desk, working_days=3)
    assert document_entries(desk) == {"documents:my-handling"}


def test_the_leader_finds_the_drafts_to_sign_beside_the_direction_queue():
    w = world()
    to_sign = with_file(w)
    paper = draft(w)  # no file: released on paper, nothing to sign here
    elsewhere = with_file(w, unit=w.other_commune, clerk=w.other_clerk)
    page = client_for(w.chairman).get("/can-bo/van-ban/cho-y-kien/").content.decode()
    assert f'href="/can-bo/van-ban/di/{to_sign.pk}/"' in page
    assert f"/can-bo/van-ban/di/{paper.pk}/" not in page and f"/can-bo/van-ban/di/{elsewhere.pk}/" not in page
    clerk_page = client_for(w.clerk).get("/can-bo/van-ban/cho-y-kien/").content.decode()
    assert "Không có dự thảo nào chờ bạn ký." in clerk_page  # a clerk signs nothing


def test_a_released_document_leads_to_sending_only_for_its_keepers():
    w = world()
    released = services.outgoing_release(actor=w.clerk, document=draft(w))
    url = f"/can-bo/van-ban/di/{released.pk}/"
    send = f'href="/can-bo/van-ban/di/{released.pk}/gui-lien-thong/"'
    assert send in client_for(w.clerk).get(url).content.decode()
    officer_page = client_for(w.officer).get(url)
    assert officer_page.status_code == 200 and send not in officer_page.content.decode()
    unreleased = draft(w)
    assert "gui-lien-thong" not in client_for(w.clerk).get(f"/can-bo/van-ban/di/{unreleased.pk}/").content.decode()


def test_the_clerk_reads_an_arrived_document_before_accepting_it(exchange_world):  # noqa: F811 (the fixture)
    w = exchange_world
    _document, _dispatch = send_to_other_commune(w)
    exchange.deliver_due()
    item = InboxDocument.objects.get()
    inbox = client_for(w.other_clerk).get("/can-bo/van-ban/lien-thong/nhan/").content.decode()
    url = f"/can-bo/van-ban/lien-thong/nhan/{item.pk}/tep/1/"
    assert f'href="{url}"' in inbox
    shown = client_for(w.other_clerk).get(url)
    assert (shown.status_code, shown["Content-Type"], shown.content) == (200, "application/pdf", EXCHANGE_PDF)
    assert shown["Content-Disposition"] == "inline" and shown["X-Content-Type-Options"] == "nosniff"
    assert client_for(w.other_clerk).get(f"/can-bo/van-ban/lien-thong/nhan/{item.pk}/tep/2/").status_code == 404
    assert client_for(w.clerk).get(url).status_code == 404  # the sender's clerk does not read the recipient's inbox
    exchange.accept_inbox(actor=w.other_clerk, item=item)
    accepted = client_for(w.other_clerk).get("/can-bo/van-ban/lien-thong/nhan/?tinh-trang=accepted").content.decode()
    assert f'href="/can-bo/van-ban/den/{InboxDocument.objects.get().incoming_id}/"' in accepted


def test_the_registers_date_line_names_the_place_as_decree_30_does():
    w = world()
    department = UnitFactory(name="Sở Tư pháp", kind=Unit.Kind.DEPARTMENT, level=Unit.Level.PROVINCE, parent=w.province)
    assert exports.place_name(w.commune) == "An Phú"  # "Ủy ban nhân dân xã An Phú"
    assert exports.place_name(w.office) == "An Phú"  # the commune's office keeps the commune's place
    assert exports.place_name(department) == "Thử"  # "Ủy ban nhân dân tỉnh Thử"
    pdf = PdfReader(io.BytesIO(exports.outgoing_pdf(w.office, 2026, [])))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "An Phú, ngày" in text and "Xã An Phú, ngày" not in text


def test_the_reply_and_the_document_it_answers_link_to_each_other():
    h = HandlingWorld()
    with time_machine.travel(at("24/04/2026", "10:00"), tick=False):
        document = h.incoming()
        handling.assign(actor=h.w.chairman, document=document, lead=h.w.culture, working_days=3)
        reply = services.outgoing_release(actor=h.w.clerk, document=draft(h.w))
        handling.attach_reply(actor=h.w.chairman, document=document, outgoing=reply)
    clerk = client_for(h.w.clerk)
    assert f'href="/can-bo/van-ban/di/{reply.pk}/"' in clerk.get(f"/can-bo/van-ban/den/{document.pk}/").content.decode()
    assert f'href="/can-bo/van-ban/den/{document.pk}/"' in clerk.get(f"/can-bo/van-ban/di/{reply.pk}/").content.decode()
    # a reader of the outgoing register who may not see the incoming document is not led to it
    secret = h.incoming(number_symbol="13/QĐ-STP", confidentiality="secret")
    with time_machine.travel(at("24/04/2026", "11:00"), tick=False):
        handling.assign(actor=h.w.chairman, document=secret, lead=h.w.culture, working_days=3)
        handling.attach_reply(actor=h.w.chairman, document=secret, outgoing=reply)
    officer_page = client_for(h.w.officer).get(f"/can-bo/van-ban/di/{reply.pk}/").content.decode()
    assert f"/can-bo/van-ban/den/{document.pk}/" in officer_page
    assert f"/can-bo/van-ban/den/{secret.pk}/" not in officer_page
