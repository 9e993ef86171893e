"""The task pages: my tasks, the task page with the forms of the allowed steps (each step through the page), files
served through the permission check, the assignment form (prefilled from an incoming document), the follow-up page
with its links and the lists behind them; strangers from another commune get 404 and see no counts; the menu."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.work.models import Task
from apps.work.services import tasks as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(local(2026, 4, 28, 9), tick=False):
        yield


@pytest.fixture
def w():
    return world()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(response) -> str:
    return response.content.decode()


def give(w, **kwargs) -> Task:
    fields = {"actor": w.chairman, "unit": w.culture, "assignee": w.culture_officer, "title": "Rà soát hộ nghèo",
              "deadline": dt.date(2026, 5, 4), **kwargs}  # fmt: skip
    return services.assign_task(**fields)


def test_my_tasks_lists_mine_and_the_menu_offers_tasks_to_everyone_and_follow_up_to_leaders(w):
    give(w)
    page = page_of(client_for(w.culture_officer).get(reverse("work:my-tasks")))
    assert "Rà soát hộ nghèo" in page and "04/05/2026" in page
    assert reverse("work:my-tasks") == "/can-bo/cong-viec/"
    assert reverse("work:follow-up") in page_of(client_for(w.chairman).get(reverse("work:my-tasks")))
    assert 'href="/can-bo/cong-viec/theo-doi/"' not in page
    assigned = page_of(client_for(w.chairman).get(reverse("work:my-tasks"), {"xem": "da-giao"}))
    assert "Rà soát hộ nghèo" in assigned


def test_my_tasks_shows_the_assigner_what_waits_for_his_decision(w):
    task = give(w)
    chairman = client_for(w.chairman)
    assert "Chờ tôi quyết định" not in page_of(chairman.get(reverse("work:my-tasks")))
    services.request_extension(actor=w.culture_officer, task=task, proposed_deadline=dt.date(2026, 5, 6),
                               reason="Chờ số liệu")  # fmt: skip
    page = page_of(chairman.get(reverse("work:my-tasks")))
    assert "Chờ tôi quyết định" in page and "Chờ quyết định gia hạn" in page
    assert reverse("work:task", args=[task.pk]) in page
    assert "Chờ tôi quyết định" not in page_of(client_for(w.culture_officer).get(reverse("work:my-tasks")))
    services.decide_extension(actor=w.chairman, task=task, approve=True)
    assert "Chờ tôi quyết định" not in page_of(chairman.get(reverse("work:my-tasks")))
    services.complete(actor=w.culture_officer, task=task, product="Báo cáo số 12")
    page = page_of(chairman.get(reverse("work:my-tasks")))
    assert "Chờ tôi quyết định" in page and "Chờ nghiệm thu" in page
    services.accept(actor=w.chairman, task=task)
    assert "Chờ tôi quyết định" not in page_of(chairman.get(reverse("work:my-tasks")))


def test_another_commune_gets_404_on_the_task_and_its_file(w):
    task = give(w)
    services.report_progress(actor=w.culture_officer, task=task, note="Kèm tệp", percent=10,
                             file=SimpleUploadedFile("bc.pdf", PDF_BYTES))  # fmt: skip
    stored = task.files.get()
    stranger = client_for(w.other_chairman)
    assert stranger.get(reverse("work:task", args=[task.pk])).status_code == 404
    assert stranger.get(reverse("work:task-file", args=[task.pk, stored.pk])).status_code == 404
    assert "Rà soát" not in page_of(stranger.get(reverse("work:my-tasks"), {"xem": "tat-ca"}))
    response = client_for(w.culture_officer).get(reverse("work:task-file", args=[task.pk, stored.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_task_page_shows_each_side_its_forms_and_takes_the_steps(w):
    task = give(w)
    holder, assigner = client_for(w.culture_officer), client_for(w.chairman)
    url = reverse("work:task", args=[task.pk])
    page = page_of(holder.get(url))
    assert 'value="progress"' in page and 'value="complete"' in page and 'value="cancel"' not in page
    assert 'value="cancel"' in page_of(assigner.get(url)) and 'value="progress"' not in page_of(assigner.get(url))
    response = holder.post(url, {"hanh-dong": "progress", "tien-do-percent": "30", "tien-do-note": "Đã làm 1/3",
                                 "tien-do-file": SimpleUploadedFile("bc.pdf", PDF_BYTES)})  # fmt: skip
    assert response.status_code == 302
    response = holder.post(url, {"hanh-dong": "request_extension", "gia-han-proposed_deadline": "2026-05-06",
                                 "gia-han-reason": "Chờ số liệu"})  # fmt: skip
    assert response.status_code == 302
    decision = {"quyet-dinh-approve": "1", "quyet-dinh-granted_deadline": "2026-05-07", "quyet-dinh-note": "Đồng ý"}
    response = assigner.post(url, {"hanh-dong": "decide_extension", **decision})
    assert response.status_code == 302
    page = page_of(holder.get(url))
    assert "17:00 07/05/2026" in page and "Thời hạn ban đầu: 17:00 04/05/2026" in page
    assert holder.post(url, {"hanh-dong": "complete", "hoan-thanh-product": "Báo cáo số 12"}).status_code == 302
    assert "Trước hạn" in page_of(holder.get(url))
    assert assigner.post(url, {"hanh-dong": "accept", "nghiem-thu-note": ""}).status_code == 302
    assert Task.objects.get(pk=task.pk).status == "accepted"


def test_a_refused_step_shows_the_message_and_keeps_what_was_typed(w):
    task = give(w)
    url = reverse("work:task", args=[task.pk])
    asked = {"gia-han-proposed_deadline": "2026-05-09", "gia-han-reason": "Thêm số liệu"}
    response = client_for(w.culture_officer).post(url, {"hanh-dong": "request_extension", **asked})
    assert response.status_code == 400
    page = page_of(response)
    assert "không phải ngày làm việc" in page and "Thêm số liệu" in page  # 09/05/2026 is a Saturday
    response = client_for(w.culture_officer).post(url, {"hanh-dong": "cancel", "thu-hoi-reason": "Tôi thôi"})
    assert response.status_code == 302 and Task.objects.get(pk=task.pk).status == "assigned"


def test_the_assignment_form(w):
    chairman = client_for(w.commune_chairman)
    page = page_of(chairman.get(reverse("work:task-new")))
    assert w.culture.name in page and w.other_commune.name not in page
    people = page_of(chairman.get(reverse("work:task-people"), {"unit": w.culture.pk}))
    assert w.culture_officer.full_name in people
    assert page_of(chairman.get(reverse("work:task-people"), {"unit": w.other_commune.pk})).count("<option") == 1
    response = chairman.post(reverse("work:task-new"), {
        "title": "Kiểm tra chợ", "unit": w.culture.pk, "assignee": w.culture_officer.pk, "working_days": "2",
        "priority": "normal",
    })  # fmt: skip
    task = Task.objects.get(title="Kiểm tra chợ")
    assert response.status_code == 302 and response["Location"] == reverse("work:task", args=[task.pk])
    # Tue 28/04 + 2 working days: Wed 29/04, then Mon 04/05 (30/04 – 03/05 off).
    assert task.deadline == dt.date(2026, 5, 4) and task.assigner_unit == w.commune
    response = chairman.post(reverse("work:task-new"), {"title": "Sang xã khác", "unit": w.other_commune.pk,
                                                         "working_days": "2", "priority": "normal"})  # fmt: skip
    assert response.status_code == 400 and not Task.objects.filter(title="Sang xã khác").exists()
    assert client_for(w.culture_officer).get(reverse("work:task-new")).status_code == 403


def test_the_assignment_from_an_incoming_document_keeps_its_id_and_reference():
    from apps.documents.tests.test_handling import HandlingWorld

    h = HandlingWorld()  # the documents app's world: its province, chairman and register
    document = h.incoming()
    client = client_for(h.w.chairman)
    response = client.get(reverse("work:task-new"), {"van-ban": document.pk})
    assert response.status_code == 200 and document.number_symbol in page_of(response)
    response = client.post(f"{reverse('work:task-new')}?van-ban={document.pk}", {
        "title": document.summary, "unit": h.w.culture.pk, "working_days": "3", "priority": "normal",
        "document_reference": "",
    })  # fmt: skip
    assert response.status_code == 302, page_of(response)
    task = Task.objects.get()
    assert (task.source, task.incoming_document_id) == ("document", document.pk)
    assert document.number_symbol in task.document_reference and document.issued_date.strftime("%d/%m/%Y") in (
        task.document_reference
    )
    assert client_for(h.other_leader).get(reverse("work:task-new"), {"van-ban": document.pk}).status_code == 404


def test_the_assignment_from_a_programme_item_prefills_the_form_and_links_the_item(w):
    from apps.work.models import ProgramItem, WorkProgram

    program = WorkProgram.objects.create(unit=w.commune, kind="year", year=2026, title="Chương trình công tác 2026",
                                         status="approved", created_at=timezone.now())  # fmt: skip
    item = ProgramItem.objects.create(program=program, order=1, title="Tổng kết công tác văn hóa", lead_unit=w.culture,
                                      person_in_charge=w.culture_officer, product_kind="report",
                                      deadline=dt.date(2026, 5, 8), due_at=local(2026, 5, 8, 17))  # fmt: skip
    chairman = client_for(w.commune_chairman)
    page = page_of(chairman.get(reverse("work:task-new"), {"item": item.pk}))
    assert "Tổng kết công tác văn hóa" in page and 'value="2026-05-08"' in page
    response = chairman.post(f"{reverse('work:task-new')}?item={item.pk}", {
        "title": item.title, "unit": w.culture.pk, "assignee": w.culture_officer.pk, "deadline": "2026-05-08",
        "priority": "normal",
    })  # fmt: skip
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.source, task.program_item, task.assignee) == ("program", item, w.culture_officer)
    assert client_for(w.other_chairman).get(reverse("work:task-new"), {"item": item.pk}).status_code == 404


def test_the_follow_up_page_links_its_counts_and_shows_late_in_red(w):
    give(w)
    late = give(w, unit=w.other_commune, assignee=w.other_officer, title="Báo cáo quá hạn",
                deadline=dt.date(2026, 4, 28))  # fmt: skip
    with time_machine.travel(local(2026, 4, 29, 9), tick=False):
        page = page_of(client_for(w.chairman).get(reverse("work:follow-up")))
        assert w.culture.name in page and w.other_commune.name in page and "text-danger" in page
        assert "sắp đến hạn" in page  # due 04/05: the next working day after 29/04 (30/04 – 03/05 are off)
        listed = client_for(w.chairman).get(reverse("work:follow-up-list"), {"loai": "late"})
        assert "Báo cáo quá hạn" in page_of(listed) and late.title in page_of(listed)
        commune = page_of(client_for(w.commune_chairman).get(reverse("work:follow-up")))
        assert w.other_commune.name not in commune
        assert "Báo cáo quá hạn" not in page_of(
            client_for(w.commune_chairman).get(reverse("work:follow-up-list"), {"loai": "late"})
        )
        assert client_for(w.chairman).get(reverse("work:follow-up-list"), {"loai": "x"}).status_code == 404


def test_a_leader_of_many_units_sees_units_first_and_opens_one_for_its_people(w, monkeypatch):
    from apps.work.views import tasks as views

    give(w)
    give(w, unit=w.justice, assignee=w.justice_officer, title="Việc của Sở")
    monkeypatch.setattr(views, "PEOPLE_SHOWN_UP_TO_UNITS", 1)
    chairman = client_for(w.chairman)
    page = page_of(chairman.get(reverse("work:follow-up")))
    assert w.culture_officer.full_name not in page and f"don-vi={w.culture.pk}" in page
    opened = page_of(chairman.get(reverse("work:follow-up"), {"don-vi": w.culture.pk}))
    assert w.culture_officer.full_name in opened and w.justice_officer.full_name not in opened
