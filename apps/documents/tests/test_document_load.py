import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from apps.documents import selectors, services
from apps.documents.models import IncomingDocument, OutgoingDocument, SearchEntry
from apps.documents.tests.factories import draft, world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_generated_documents_are_registered_numbered_and_indexed():
    w = world()
    call_command("generate_document_load", documents=400, batch=150, now=NOW, stdout=io.StringIO())
    assert IncomingDocument.objects.count() == 200 and OutgoingDocument.objects.count() == 200
    assert SearchEntry.objects.count() == 400
    assert set(IncomingDocument.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    # gap-free numbers from 1 in each register and year (the secret outgoing series apart)
    for rows in (
        IncomingDocument.objects.values("unit", "year").annotate(n=Count("pk"), top=Max("number")),
        OutgoingDocument.objects.filter(confidentiality="normal").values("unit", "year")
        .annotate(n=Count("pk"), top=Max("number")),
    ):  # fmt: skip
        assert rows and all(row["n"] == row["top"] for row in rows)
    # the live counter continues after the generated numbers
    last = (
        OutgoingDocument.objects.filter(unit=w.commune, year=2026, confidentiality="normal").aggregate(
            top=Max("number")
        )["top"]
        or 0
    )
    document = services.outgoing_release(actor=w.clerk, document=draft(w, now=NOW), now=NOW)
    assert document.number == last + 1
    # the generated documents are found like registered ones, accent-insensitively
    assert selectors.search_documents(w.chairman, "ve viec", year=2025).total > 0
