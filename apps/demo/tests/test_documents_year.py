"""The demo province's documents over a short window, replayed through the real services: both registers of several
units filled with gap-free numbers, the exchange log whole, the statuses back at the sender at past moments in the
order Decree 30 and QCVN 102:2016 give them, the leaders' and handlers' queues with content for today."""

import datetime as dt
import itertools
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from apps.demo.documents import generate_document_year
from apps.demo.province import load_demo
from apps.documents.models import (
    Dispatch,
    DispatchStatus,
    DocumentFile,
    ExchangeLogEntry,
    InboxDocument,
    IncomingDocument,
    OutgoingDocument,
)
from apps.documents.selectors import handling as handling_selectors
from apps.documents.services import exchange, signing
from apps.org.models import User

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 19, 45, tzinfo=VN)  # a Friday evening
DAYS = 20
# QCVN 102:2016: received, accepted (registered), awaiting assignment, assigned / in progress, done
ORDER = ["01", "03", "04", "05", "06"]


@pytest.fixture
def window(settings, tmp_path):
    settings.EXCHANGE_DIR = tmp_path / "exchange"
    with time_machine.travel(NOW, tick=False):
        load_demo()
        summary = generate_document_year(days=DAYS, seed=7, file_days=2)  # PDFs for the last two days only: fast
    return summary


def _series_are_gap_free(numbers_by_series: dict) -> list:
    return [key for key, numbers in numbers_by_series.items() if sorted(numbers) != list(range(1, len(numbers) + 1))]


def test_both_registers_of_several_units_are_filled_with_gap_free_numbers(window):
    outgoing = OutgoingDocument.objects.filter(number__isnull=False)
    incoming = IncomingDocument.objects.all()
    assert outgoing.values("unit").distinct().count() >= 5
    assert incoming.values("unit").distinct().count() >= 5
    out_series, in_series = defaultdict(list), defaultdict(list)
    for unit, year, number, confidentiality in outgoing.values_list("unit", "year", "number", "confidentiality"):
        out_series[(unit, year, confidentiality)].append(number)
    for unit, year, number in incoming.values_list("unit", "year", "number"):
        in_series[(unit, year)].append(number)
    assert _series_are_gap_free(out_series) == []
    assert _series_are_gap_free(in_series) == []
    # a register's numbers follow the order of the moments (released, received)
    for rows in (outgoing.order_by("unit", "year", "number").values_list("unit", "released_at"),
                 incoming.order_by("unit", "year", "number").values_list("unit", "received_at")):  # fmt: skip
        rows = list(rows)
        assert all(a[1] <= b[1] for a, b in itertools.pairwise(rows) if a[0] == b[0])
    start = NOW - dt.timedelta(days=DAYS + 1)
    assert all(start <= moment <= NOW for moment in outgoing.values_list("released_at", flat=True))
    assert window.outgoing == outgoing.count() and window.dispatches == Dispatch.objects.count()


def test_the_exchange_log_verifies_and_is_recorded_in_the_past(window):
    assert exchange.verify_log() is None
    moments = list(ExchangeLogEntry.objects.order_by("seq").values_list("recorded_at", flat=True))
    assert len(moments) == window.messages * 2  # each message logged when queued and when received
    assert all(moment <= NOW for moment in moments)
    assert moments == sorted(moments)


def test_statuses_come_back_at_past_moments_in_their_order(window):
    codes = set(DispatchStatus.objects.values_list("code", flat=True))
    assert set(ORDER) <= codes
    by_dispatch = defaultdict(list)
    for dispatch, code, reported in DispatchStatus.objects.values_list("dispatch", "code", "reported_at"):
        by_dispatch[dispatch].append((reported, code))
    checked = 0
    for statuses in by_dispatch.values():
        moment_of = {code: reported for reported, code in statuses}
        assert all(reported <= NOW for reported, _code in statuses)
        present = [code for code in ORDER if code in moment_of]
        assert present == ORDER[: len(present)]  # no 05 without 04, no 06 without 05…
        assert [moment_of[c] for c in present] == sorted(moment_of[c] for c in present)
        checked += len(present) == len(ORDER)
    assert checked > 0
    # statuses at the moment they happened, not at the moment the generator ran
    assert DispatchStatus.objects.filter(reported_at__lt=NOW - dt.timedelta(days=5)).exists()


def test_every_incoming_from_the_exchange_has_its_dispatch_status_at_the_sender(window):
    for incoming in IncomingDocument.objects.filter(source=IncomingDocument.Source.EXCHANGE):
        item = InboxDocument.objects.get(incoming=incoming)
        dispatch = Dispatch.objects.get(document_id=item.document_id, recipient_organ=incoming.unit.agency_code)
        assert dispatch.statuses.filter(code="03").exists()
        assert dispatch.last_status in {"03", "04", "05", "06", "13", "15"}


def test_queues_have_content_for_today(window):
    leaders = User.objects.filter(username__in=["chutich.tinh", "giamdoc.stp", "giamdoc.snv", "chutich.anphu"])
    with time_machine.travel(NOW, tick=False):
        assert any(handling_selectors.awaiting_direction(user).exists() for user in leaders) or any(
            handling_selectors.my_handling(user).exists() for user in leaders
        )
        handlers = User.objects.filter(username__startswith="chuyenvien.") | User.objects.filter(
            username__startswith="tuphap."
        )
        assert sum(handling_selectors.my_handling(user).count() for user in handlers) > 0
    done = IncomingDocument.objects.filter(handling_status=IncomingDocument.Handling.DONE)
    assert done.exists()


def test_recent_documents_carry_signed_pdfs_with_the_past_signing_time(window):
    released = DocumentFile.objects.filter(stage=DocumentFile.Stage.RELEASED).select_related("outgoing").first()
    assert released is not None
    with released.file.open("rb") as handle:
        data = handle.read()
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    signatures = PdfFileReader(BytesIO(data)).embedded_signatures
    assert len(signatures) == 2  # the leader's, then the agency's at release
    agency_time = signatures[1].self_reported_timestamp
    assert abs(agency_time - released.outgoing.released_at) < dt.timedelta(seconds=1)
    assert signing.verify_pdf(data) is not None


def test_generating_again_adds_nothing(window):
    before = (OutgoingDocument.objects.count(), IncomingDocument.objects.count(), ExchangeLogEntry.objects.count())
    with time_machine.travel(NOW, tick=False):
        assert generate_document_year(days=DAYS, seed=7).skipped
    assert (OutgoingDocument.objects.count(), IncomingDocument.objects.count(),
            ExchangeLogEntry.objects.count()) == before  # fmt: skip


def test_the_pages_show_the_year(window):
    sent = OutgoingDocument.objects.filter(unit__agency_code="000.00.00.H99", status="sent").latest("released_at")
    incoming = IncomingDocument.objects.filter(unit__agency_code="H99.02").latest("received_at")
    pages = [
        ("vanthu.vp", "/can-bo/van-ban/", sent.symbol),
        ("vanthu.vp", "/can-bo/van-ban/lien-thong/da-gui/", sent.symbol),
        ("vanthu.stp", "/can-bo/van-ban/?so=den", incoming.number_symbol),
        ("giamdoc.stp", "/can-bo/van-ban/cho-y-kien/", ""),
        ("chuyenvien.stp", "/can-bo/van-ban/xu-ly/", ""),
    ]
    with time_machine.travel(NOW, tick=False):
        for username, path, shown in pages:
            client = Client()
            client.force_login(User.objects.get(username=username))
            response = client.get(path)
            assert response.status_code == 200, path
            assert shown in response.content.decode(), (username, path, shown)
