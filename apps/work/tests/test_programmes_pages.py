"""The programme pages: the list of a unit's year, creating a programme, adding items, the moves, the month drawn,
a task from an item, the item's edit form and the exports; another commune gets 404 and changes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.portal.navigation import navigation_for
from apps.work.models import ProgramItem, Task, WorkProgram
from apps.work.services import programmes as services
from apps.work.tests.factories import world
from apps.work.tests.test_programmes_services import approved, draft, item_fields
from tests.helpers import at

pytestmark = pytest.mark.django_db
LIST = "/can-bo/cong-viec/chuong-trinh/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def w():
    with time_machine.travel(at("05/01/2026", "09:00"), tick=False):
        yield world()


def item_post(w, **overrides) -> dict:
    data = {"hanh-dong": "add", "them-title": "Tổ chức Ngày hội Đại đoàn kết", "them-lead_unit": w.culture.pk,
            "them-person_in_charge": w.culture_officer.pk, "them-co_handlers": [w.commune.pk],
            "them-product_kind": "plan", "them-product": "Kế hoạch", "them-deadline": "2026-03-10"}  # fmt: skip
    return {**data, **overrides}


def test_the_menu_and_the_list_of_a_units_year(w):
    assert any(item.url_name == "work:my-tasks" for item in navigation_for(w.culture_officer))
    work_page = page_of(client_for(w.culture_officer).get("/can-bo/cong-viec/"))
    assert 'href="/can-bo/cong-viec/chuong-trinh/"' in work_page  # the work app's own menu
    program = draft(w)
    services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    shown = page_of(client_for(w.culture_officer).get(LIST, {"don-vi": w.commune.pk, "nam": 2026}))
    assert "Chương trình công tác năm 2026" in shown and "Dự thảo" in shown
    assert f'href="/can-bo/cong-viec/chuong-trinh/{program.pk}/"' in shown
    assert 'action="/can-bo/cong-viec/chuong-trinh/lap-moi/"' in shown
    assert 'action="/can-bo/cong-viec/chuong-trinh/lay-tu-quy-nam/"' in shown
    assert Client().get(LIST).status_code == 302  # to the login


def test_a_programme_is_made_filled_submitted_approved_and_tasked_from_the_pages(w):
    officer, chairman = client_for(w.culture_officer), client_for(w.commune_chairman)
    with time_machine.travel(at("05/01/2026", "09:00"), tick=False):
        made = officer.post(f"{LIST}lap-moi/", {"unit": w.commune.pk, "kind": "quarter", "year": 2026, "number": 1})
        program = WorkProgram.objects.get()
        assert made.status_code == 302 and made["Location"] == f"{LIST}{program.pk}/"
        again = officer.post(f"{LIST}lap-moi/", {"unit": w.commune.pk, "kind": "quarter", "year": 2026, "number": 1},
                             follow=True)  # fmt: skip
        assert "đã có chương trình công tác quý I năm 2026" in page_of(again)
        url = f"{LIST}{program.pk}/"

        holiday = officer.post(url, item_post(w, **{"them-deadline": "2026-04-30"}))
        assert holiday.status_code == 400 and "không phải ngày làm việc" in page_of(holiday)
        assert "Tổ chức Ngày hội Đại đoàn kết" in page_of(holiday)  # what was typed survives
        assert officer.post(url, item_post(w)).status_code == 302
        officer.post(url, item_post(w, **{"them-title": "Sơ kết quý", "them-deadline": "2026-03-31"}))
        first, second = program.items.order_by("order")
        officer.post(url, {"hanh-dong": "up", "item": second.pk})
        assert list(program.items.order_by("order").values_list("title", flat=True)) == [
            "Sơ kết quý", "Tổ chức Ngày hội Đại đoàn kết"
        ]  # fmt: skip
        edit = f"{LIST}noi-dung/{first.pk}/"
        assert "Sửa nội dung chương trình" in page_of(officer.get(edit))
        saved = officer.post(edit, {"title": "Ngày hội Đại đoàn kết toàn dân", "lead_unit": w.culture.pk,
                                    "person_in_charge": w.culture_officer.pk, "product_kind": "plan",
                                    "deadline": "2026-03-12"})  # fmt: skip
        assert saved.status_code == 302
        assert ProgramItem.objects.get(pk=first.pk).due_at == at("12/03/2026", "17:00")

        shown = page_of(officer.get(url))
        assert 'value="submit"' in shown and 'value="approve"' not in shown
        officer.post(url, {"hanh-dong": "submit"})
        refused = officer.post(url, {"hanh-dong": "approve"}, follow=True)
        assert "thủ trưởng" in page_of(refused).lower()
        assert WorkProgram.objects.get().status == "submitted"
        shown = page_of(chairman.get(url))
        assert 'value="approve"' in shown and 'value="return"' in shown
        assert chairman.post(url, {"hanh-dong": "return", "tra-lai-note": ""}).status_code == 400
        chairman.post(url, {"hanh-dong": "return", "tra-lai-note": "Thêm sản phẩm"})
        assert "Thêm sản phẩm" in page_of(officer.get(url))
        officer.post(url, {"hanh-dong": "submit"})
        chairman.post(url, {"hanh-dong": "approve"})
        assert WorkProgram.objects.get().status == "approved"

        refused = officer.get(edit, follow=True)
        assert "Chỉ sửa nội dung khi chương trình là dự thảo" in page_of(refused)
        assert refused.redirect_chain[-1][0] == url
        shown = page_of(officer.get(url))
        assert 'value="add"' not in shown and 'value="task"' not in shown  # approved; an officer does not assign
        officer.post(url, {"hanh-dong": "status", "item": second.pk, "status": "in_progress", "note": "Đang soạn"})
        assert ProgramItem.objects.get(pk=second.pk).status == "in_progress"
        shown = page_of(chairman.get(url))
        assert 'value="task"' in shown
        tasked = chairman.post(url, {"hanh-dong": "task", "item": first.pk}, follow=True)
        assert "Đã giao nhiệm vụ; hạn ngày 12/03/2026." in page_of(tasked)
        task = Task.objects.get()
        assert (task.program_item_id, task.unit, task.assignee) == (first.pk, w.culture, w.culture_officer)
        assert "Đã giao nhiệm vụ" in page_of(chairman.get(url))


def test_the_month_is_drawn_from_the_list_page(w):
    year = draft(w)
    source = services.add_item(actor=w.culture_officer, program=year, **item_fields(w, deadline=dt.date(2026, 3, 9)))
    approved(w, year)
    officer = client_for(w.culture_officer)
    drawn = officer.post(f"{LIST}lay-tu-quy-nam/", {"unit": w.commune.pk, "year": 2026, "month": 3}, follow=True)
    month = WorkProgram.objects.get(kind="month")
    assert drawn.redirect_chain[-1][0] == f"{LIST}{month.pk}/"
    assert "Đã lấy 1 nội dung" in page_of(drawn) and "Lấy từ: Chương trình công tác năm 2026" in page_of(drawn)
    assert month.items.get().source_item == source


def test_the_exports_download(w):
    program = draft(w)
    services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    officer = client_for(w.culture_officer)
    xlsx = officer.get(f"{LIST}{program.pk}/", {"xuat": "xlsx"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="chuong-trinh-cong-tac-year-1-2026.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.content)).active["B8"].value == "Rà soát hộ nghèo, hộ cận nghèo"
    pdf = officer.get(f"{LIST}{program.pk}/", {"xuat": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_another_commune_gets_404_everywhere_and_changes_nothing(w):
    program = draft(w)
    item = services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    url = f"{LIST}{program.pk}/"
    for stranger in (w.other_officer, w.other_chairman):
        them = client_for(stranger)
        assert "Chương trình công tác năm 2026" not in page_of(them.get(LIST))
        assert them.get(LIST, {"don-vi": w.commune.pk}).status_code == 404
        assert them.get(url).status_code == 404
        assert them.get(url, {"xuat": "xlsx"}).status_code == 404
        assert them.post(url, item_post(w)).status_code == 404
        for action in ("submit", "approve", "remove", "task"):
            assert them.post(url, {"hanh-dong": action, "item": item.pk}).status_code == 404
        assert them.get(f"{LIST}noi-dung/{item.pk}/").status_code == 404
        assert them.post(f"{LIST}noi-dung/{item.pk}/", {"title": "x"}).status_code == 404
        # The forms only offer their own units; a forged unit is refused.
        them.post(f"{LIST}lap-moi/", {"unit": w.commune.pk, "kind": "quarter", "year": 2026, "number": 1})
        them.post(f"{LIST}lay-tu-quy-nam/", {"unit": w.commune.pk, "year": 2026, "month": 3})
    assert WorkProgram.objects.count() == 1 and ProgramItem.objects.count() == 1
    assert program.items.get().title == item.title


def test_the_programme_page_reads_in_queries_that_do_not_grow_with_its_items(w, django_assert_max_num_queries):
    program = draft(w)
    services.add_item(actor=w.culture_officer, program=program, **item_fields(w))
    officer = client_for(w.culture_officer)
    with CaptureQueriesContext(connection) as one_item:
        assert officer.get(f"{LIST}{program.pk}/").status_code == 200
    for n in range(15):
        services.add_item(actor=w.culture_officer, program=program,
                          **item_fields(w, title=f"Việc {n}", co_handlers=[w.commune, w.justice]))  # fmt: skip
    with django_assert_max_num_queries(len(one_item)):
        assert officer.get(f"{LIST}{program.pk}/").status_code == 200
