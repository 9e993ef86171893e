"""The briefing pages: list, scheduling, the whole path on the briefing page (minutes, attendance, conclusions, the
notice, the tasks), the notice PDF's text, and the scope (another commune gets 404, a step it may not take is
refused)."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from apps.work.models import Briefing, ScheduleEntry, Task
from apps.work.services import briefings as services
from apps.work.tests.factories import world

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def scheduled(w) -> Briefing:
    return services.schedule_briefing(
        actor=w.commune_chairman, unit=w.commune, kind=Briefing.Kind.QUARTERLY, title="Giao ban quý I năm 2026",
        starts_at=local(2026, 3, 10, 8), ends_at=local(2026, 3, 10, 11), location="Hội trường UBND xã",
        chaired_by=w.commune_chairman, agenda="Kiểm điểm quý I", participant_users=[w.culture_head],
        participant_units=[w.culture], now=local(2026, 3, 2, 9),
    )  # fmt: skip


@time_machine.travel(local(2026, 3, 2, 9, 0), tick=False)
def test_a_leader_schedules_a_briefing_from_the_page(client):
    w = world()
    client.force_login(w.commune_chairman)
    assert client.get(reverse("work:briefings")).status_code == 200
    page = client.get(reverse("work:briefing-new"))
    assert page.status_code == 200 and "Lên lịch họp giao ban" in page.content.decode()
    response = client.post(reverse("work:briefing-new"), {
        "unit": w.commune.pk, "kind": "monthly", "title": "Giao ban tháng 3", "starts_at": "2026-03-12T14:00",
        "ends_at": "2026-03-12T16:00", "location": "Phòng họp", "chaired_by": w.commune_chairman.pk,
        "agenda": "", "participant_units": [w.culture.pk], "is_public": "on",
    })  # fmt: skip
    briefing = Briefing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("work:briefing", args=[briefing.pk])
    assert briefing.starts_at == local(2026, 3, 12, 14, 0)
    assert ScheduleEntry.objects.get(briefing=briefing).is_public is True
    bad = client.post(reverse("work:briefing-new"), {
        "unit": w.commune.pk, "kind": "monthly", "title": "Sai giờ", "starts_at": "2026-03-12T14:00",
        "ends_at": "2026-03-12T13:00", "location": "Phòng họp", "chaired_by": w.commune_chairman.pk,
    })  # fmt: skip
    assert bad.status_code == 400 and "Thời gian kết thúc phải sau" in bad.content.decode()


def test_an_officer_cannot_open_the_scheduling_page(client):
    w = world()
    client.force_login(w.culture_officer)
    assert client.get(reverse("work:briefing-new")).status_code == 302


@time_machine.travel(local(2026, 3, 10, 11, 30), tick=False)
def test_the_whole_briefing_on_its_page_ends_in_tasks_and_a_notice_pdf(client):
    w = world()
    briefing = scheduled(w)
    url = reverse("work:briefing", args=[briefing.pk])
    client.force_login(w.commune_chairman)
    assert client.post(url, {"hanh-dong": "minutes", "bien-ban-minutes": "Biên bản họp"}).status_code == 302
    head, unit = sorted(briefing.participants.all(), key=lambda p: p.user_id is None)
    response = client.post(url, {"hanh-dong": "attendance", f"co-mat-{head.pk}": "1", f"co-mat-{unit.pk}": "0",
                                 f"ly-do-{unit.pk}": "Đi công tác"})  # fmt: skip
    assert response.status_code == 302
    holiday = client.post(url, {"hanh-dong": "conclusion", "ket-luan-text": "Báo cáo",
                                "ket-luan-owner_unit": w.culture.pk, "ket-luan-deadline": "2026-04-30"})  # fmt: skip
    assert holiday.status_code == 400 and "không phải ngày làm việc" in holiday.content.decode()
    response = client.post(url, {"hanh-dong": "conclusion", "ket-luan-text": "Rà soát hồ sơ trễ hạn",
                                 "ket-luan-owner_unit": w.culture.pk, "ket-luan-owner_user": w.culture_officer.pk,
                                 "ket-luan-deadline": "2026-03-20"})  # fmt: skip
    assert response.status_code == 302
    assert client.post(url, {"hanh-dong": "notice"}).status_code == 302
    page = client.get(url).content.decode()
    assert "01/TB-UBND" in page and "Giao nhiệm vụ từ kết luận" in page
    assert client.post(url, {"hanh-dong": "tasks"}).status_code == 302
    task = Task.objects.get()
    assert task.source == Task.Source.BRIEFING and task.deadline == dt.date(2026, 3, 20)
    page = client.get(url).content.decode()
    assert "Giao nhiệm vụ từ kết luận" not in page and f"nhiệm vụ #{task.pk}" in page
    assert f'href="{reverse("work:task", args=[task.pk])}"' in page  # each assigned conclusion opens its task
    pdf = client.get(reverse("work:briefing-notice-pdf", args=[briefing.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(text.split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 01/TB-UBND",
                     "THÔNG BÁO", "Kết luận của", "Giao ban quý I năm 2026", "Rà soát hồ sơ trễ hạn",
                     "Phòng Văn hóa - Xã hội", "20/03/2026", "Nơi nhận", "ngày 10 tháng 3 năm 2026"):  # fmt: skip
        assert expected in flat, expected


@time_machine.travel(local(2026, 3, 10, 11, 30), tick=False)
def test_another_commune_cannot_see_or_act_on_the_briefing(client):
    w = world()
    briefing = scheduled(w)
    url = reverse("work:briefing", args=[briefing.pk])
    client.force_login(w.other_chairman)
    assert client.get(url).status_code == 404
    assert client.post(url, {"hanh-dong": "minutes", "bien-ban-minutes": "x"}).status_code == 404
    assert client.get(reverse("work:briefing-notice-pdf", args=[briefing.pk])).status_code == 404
    assert "Giao ban quý I" not in client.get(reverse("work:briefings")).content.decode()
    client.force_login(w.culture_officer)  # invited through the division: sees it, may not record anything
    page = client.get(url)
    assert page.status_code == 200 and "Lưu điểm danh" not in page.content.decode()
    response = client.post(url, {"hanh-dong": "notice"})
    assert response.status_code == 403
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PLANNED


@time_machine.travel(local(2026, 3, 2, 9, 0), tick=False)
def test_a_planned_briefing_is_edited_from_its_page_and_the_schedule_follows(client):
    w = world()
    briefing = scheduled(w)
    client.force_login(w.commune_chairman)
    url = reverse("work:briefing-edit", args=[briefing.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Giao ban quý I năm 2026" in page.content.decode()
    response = client.post(url, {
        "kind": "quarterly", "title": "Giao ban quý I năm 2026", "starts_at": "2026-03-11T14:00",
        "ends_at": "2026-03-11T16:00", "location": "Phòng họp số 2", "chaired_by": w.commune_chairman.pk,
        "participant_users": [w.culture_head.pk], "participant_units": [w.culture.pk],
    })  # fmt: skip
    assert response.status_code == 302
    entry = ScheduleEntry.objects.get(briefing=briefing)
    assert entry.starts_at == local(2026, 3, 11, 14) and entry.location == "Phòng họp số 2"
    assert entry.is_public is False  # the box was left unticked
    client.force_login(w.other_chairman)
    assert client.get(url).status_code == 404
