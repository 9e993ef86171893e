import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.models import AuditEvent
from apps.documents.models import IncomingDocument, OutgoingDocument
from apps.documents.tests.factories import draft, world

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


INCOMING = {"issuer_name": "Sở Tư pháp", "number_symbol": "12/QĐ-STP", "issued_date": "2026-01-02",
            "doc_type": "quyet_dinh", "summary": "Về việc công bố thủ tục hành chính"}  # fmt: skip


def test_draft_release_and_list_the_outgoing_register():
    w = world()
    api = client_for(w.clerk)
    created = api.post("/api/v1/documents/outgoing/", {"unit": w.commune.pk, "doc_type": "cong_van",
                       "summary": "Về việc báo cáo số liệu", "drafting_unit": w.office.pk}, format="json")  # fmt: skip
    assert created.status_code == 201 and created.json()["number"] is None
    released = api.post(f"/api/v1/documents/outgoing/{created.json()['id']}/release/")
    assert released.status_code == 200 and released.json()["symbol"] == "01/UBND-VP"
    listed = api.get(f"/api/v1/documents/outgoing/?unit={w.commune.pk}&year={YEAR}").json()
    assert [row["symbol"] for row in listed["results"]] == ["01/UBND-VP"]
    assert api.post(f"/api/v1/documents/outgoing/{created.json()['id']}/release/").status_code == 409


def test_another_units_clerk_cannot_see_or_release():
    w = world()
    document = draft(w)
    api = client_for(w.other_clerk)
    assert api.post(f"/api/v1/documents/outgoing/{document.pk}/release/").status_code == 404
    assert api.get(f"/api/v1/documents/outgoing/?unit={w.commune.pk}").status_code == 404
    refused = api.post("/api/v1/documents/outgoing/", {"unit": w.commune.pk, "doc_type": "quyet_dinh",
                                                       "summary": "x"}, format="json")  # fmt: skip
    assert refused.status_code == 400 and "unit" in refused.json()["errors"]
    # a plain officer of the committee sees the register but may not release
    assert client_for(w.officer).post(f"/api/v1/documents/outgoing/{document.pk}/release/").status_code == 403
    assert not OutgoingDocument.objects.filter(number__isnull=False).exists()


def test_incoming_duplicate_answers_400_with_the_earlier_registration_unless_confirmed():
    w = world()
    api = client_for(w.clerk)
    first = api.post("/api/v1/documents/incoming/", {**INCOMING, "unit": w.commune.pk}, format="json")
    assert first.status_code == 201 and first.json()["number"] == 1
    again = api.post("/api/v1/documents/incoming/", {**INCOMING, "unit": w.commune.pk}, format="json")
    assert again.status_code == 400
    body = again.json()
    assert body["code"] == "duplicate" and [d["id"] for d in body["duplicates"]] == [first.json()["id"]]
    confirmed = api.post("/api/v1/documents/incoming/", {**INCOMING, "unit": w.commune.pk, "confirm_duplicate": True},
                         format="json")  # fmt: skip
    assert confirmed.status_code == 201 and confirmed.json()["number"] == 2
    listed = api.get(f"/api/v1/documents/incoming/?unit={w.commune.pk}").json()
    assert [row["number"] for row in listed["results"]] == [1, 2]
    assert AuditEvent.objects.filter(action="documents.incoming.register").count() == 2


def test_bad_input_is_told_in_vietnamese():
    w = world()
    api = client_for(w.clerk)
    answer = api.get("/api/v1/documents/incoming/?unit=abc&year=20x")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"unit", "year"}
    bad = api.post("/api/v1/documents/incoming/", {**INCOMING, "unit": w.commune.pk, "issuer_name": " "},
                   format="json")  # fmt: skip
    assert bad.status_code == 400
    assert not IncomingDocument.objects.exists()
    assert APIClient().get(f"/api/v1/documents/incoming/?unit={w.commune.pk}").status_code == 401
