"""Every dashboard export writes names typed by users as text, never as a formula."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from apps.dossiers import services
from apps.dossiers.tests.factories import world
from tests.helpers import at, walk_in

pytestmark = pytest.mark.django_db

HOSTILE = {"unit": '=HYPERLINK("http://x","y")', "procedure": "+1", "clerk": "-2+3", "officer": "@SUM(A1)"}


@pytest.fixture
def w():
    w = world()
    w.commune.name, w.procedure.name = HOSTILE["unit"], HOSTILE["procedure"]
    w.clerk.full_name, w.officer.full_name = HOSTILE["clerk"], HOSTILE["officer"]
    for obj in (w.commune, w.procedure, w.clerk, w.officer):
        obj.save()
    dossier = walk_in(w, at("25/11/2026", "09:00"))
    services.dossier_forward(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "10:00"))
    services.dossier_forward(actor=w.officer, dossier=dossier, now=at("25/11/2026", "11:00"))
    services.dossier_forward(actor=w.chairman, dossier=dossier, now=at("25/11/2026", "14:00"))
    dossier = services.dossier_return(actor=w.clerk, dossier=dossier, now=at("25/11/2026", "15:00"))
    services.rating_submit(dossier=dossier, overall="satisfied", politeness="satisfied", timeliness="satisfied")
    return w


def cells_of(export) -> list:
    book = load_workbook(io.BytesIO(export.content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_only(cells, expected: set[str]) -> None:
    assert [(cell.parent.title, cell.coordinate) for cell in cells if cell.data_type == "f"] == []
    values = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert expected <= values


def test_staff_dashboard_export_writes_names_as_text(w):
    client = Client()
    client.force_login(w.chairman)
    export = client.get(f"/can-bo/chat-luong-phuc-vu/?don-vi={w.commune.pk}&ky=year&nam=2026&xuat=xlsx")
    assert export.status_code == 200
    assert_text_only(cells_of(export), set(HOSTILE.values()))


def test_public_dashboard_export_writes_names_as_text(w):
    export = Client().get(f"/chat-luong-phuc-vu/?don-vi={w.province.pk}&ky=year&nam=2026&xuat=xlsx")
    assert export.status_code == 200
    assert_text_only(cells_of(export), {HOSTILE["unit"], HOSTILE["procedure"]})
