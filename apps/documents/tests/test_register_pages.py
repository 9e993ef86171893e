import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.documents import services
from apps.documents.tests.factories import draft, world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_register_pages_keep_the_register_order_in_a_constant_number_of_queries():
    w = world()
    for _ in range(52):
        services.outgoing_release(actor=w.clerk, document=draft(w, now=NOW), now=NOW)
    secret = services.outgoing_release(actor=w.clerk, document=draft(w, confidentiality="secret", now=NOW), now=NOW)
    client = Client()
    client.force_login(w.clerk)

    def page(number: int) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/can-bo/van-ban/", {"don-vi": w.commune.pk, "so": "di", "nam": 2026, "page": number})
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    page(1)  # the session's first request does a little more
    first, first_queries = page(1)
    second, second_queries = page(2)
    assert "01/QĐ-UBND" in first and "50/QĐ-UBND" in first and "51/QĐ-UBND" not in first
    # the normal series to 52, then the secret series (its own number 01) on the second page
    assert "51/QĐ-UBND" in second and "52/QĐ-UBND" in second and secret.symbol == "01/QĐ-UBND"
    assert second.index("52/QĐ-UBND") < second.rindex("01/QĐ-UBND")
    assert first_queries == second_queries
