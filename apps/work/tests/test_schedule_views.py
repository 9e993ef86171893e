"""The weekly schedule pages: the staff editor (add, cancel, edit; another commune gets 404), the public page (only
that week's public entries, no login, no phone or e-mail), the week's PDF and its iCalendar parsed back."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from apps.org.models import Role
from apps.work.models import Briefing, ScheduleEntry
from apps.work.services import briefings as briefing_services
from apps.work.services import schedule as services
from apps.work.tests.factories import staff_in, world

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def entry(w, **overrides) -> ScheduleEntry:
    fields = {
        "actor": w.commune_chairman, "unit": w.commune, "kind": ScheduleEntry.Kind.RECEPTION,
        "title": "Tiếp công dân định kỳ", "starts_at": local(2026, 3, 12, 7, 30), "ends_at": local(2026, 3, 12, 11),
        "location": "Trụ sở tiếp công dân xã", "leaders": [w.commune_chairman], "participants": "Thanh tra xã",
        "preparing_unit": "Văn phòng", "is_public": True,
    }  # fmt: skip
    fields.update(overrides)
    return services.add_entry(**fields)


def public_week(w):
    w.commune_chairman.email, w.commune_chairman.phone = "chutich@anphu.gov.vn", "0912345678"
    w.commune_chairman.save()
    entry(w)
    entry(w, title="Họp nội bộ Đảng ủy", is_public=False)
    cancelled = entry(w, title="Đi kiểm tra đã hoãn", kind=ScheduleEntry.Kind.VISIT)
    services.cancel_entry(actor=w.commune_chairman, entry=cancelled)
    entry(w, title="Lịch tuần sau", starts_at=local(2026, 3, 16, 8), ends_at=local(2026, 3, 16, 9))
    entry(w, title="Lịch xã Bình Minh", unit=w.other_commune, actor=w.other_chairman, leaders=[w.other_chairman])
    briefing_services.schedule_briefing(
        actor=w.commune_chairman, unit=w.commune, kind=Briefing.Kind.MONTHLY, title="Giao ban tháng 3",
        starts_at=local(2026, 3, 13, 14), ends_at=local(2026, 3, 13, 16, 30), location="Hội trường",
        chaired_by=w.commune_chairman,
    )  # fmt: skip


def test_the_public_page_shows_only_that_weeks_public_entries_without_contacts(client):
    w = world()
    public_week(w)
    page = client.get(reverse("work-public:schedule"), {"don-vi": w.commune.pk, "tuan": "2026-03-11"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tiếp công dân định kỳ" in html and "Giao ban tháng 3" in html
    for hidden in ("Họp nội bộ Đảng ủy", "Đi kiểm tra đã hoãn", "Lịch tuần sau", "Lịch xã Bình Minh",
                   "chutich@anphu.gov.vn", "0912345678"):  # fmt: skip
        assert hidden not in html, hidden
    assert "09/03/2026" in html and "15/03/2026" in html
    assert client.get(reverse("work-public:schedule"), {"don-vi": 999999}).status_code == 404


def test_the_weeks_pdf_lists_the_public_entries_by_day(client):
    w = world()
    public_week(w)
    pdf = client.get(reverse("work-public:schedule-pdf"), {"don-vi": w.commune.pk, "tuan": "2026-03-09"})
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "LỊCH CÔNG TÁC TUẦN 11", "Thứ Năm, 12/03/2026",
                     "07:30 - 11:00", "Tiếp công dân định kỳ", "Trụ sở tiếp công dân xã", "Thanh tra xã",
                     "Thứ Sáu, 13/03/2026", "Giao ban tháng 3"):  # fmt: skip
        assert expected in text, expected
    assert "Họp nội bộ Đảng ủy" not in text and "Lịch tuần sau" not in text


def test_the_weeks_icalendar_parses_back_with_stable_uids_and_hanoi_times(client):
    w = world()
    public_week(w)
    query = {"don-vi": w.commune.pk, "tuan": "2026-03-09"}
    response = client.get(reverse("work-public:schedule-ics"), query)
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Tiếp công dân định kỳ", "Giao ban tháng 3"}
    reception = events["Tiếp công dân định kỳ"]
    start, end = reception.decoded("DTSTART"), reception.decoded("DTEND")
    assert start.utcoffset() == dt.timedelta(hours=7) and end.utcoffset() == dt.timedelta(hours=7)
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (dt.datetime(2026, 3, 12, 7, 30),
                                                                       dt.datetime(2026, 3, 12, 11, 0))  # fmt: skip
    assert start == dt.datetime(2026, 3, 12, 0, 30, tzinfo=dt.UTC)  # the same moment
    assert reception["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert str(reception["LOCATION"]) == "Trụ sở tiếp công dân xã"
    assert reception.get("DTSTAMP") is not None
    again = Calendar.from_ical(client.get(reverse("work-public:schedule-ics"), query).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events.values()}
    assert len({str(e["UID"]) for e in events.values()}) == 2


def test_the_staff_editor_adds_and_cancels_and_another_commune_is_kept_out(client):
    w = world()
    clerk = staff_in(w.commune, Role.CLERICAL_OFFICER, username="vanthu.anphu")
    client.force_login(clerk)
    url = reverse("work:schedule")
    query = f"?don-vi={w.commune.pk}&tuan=2026-03-09"
    page = client.get(url + query)
    assert page.status_code == 200 and "Thêm lịch" in page.content.decode()
    response = client.post(url + query, {
        "hanh-dong": "add", "lich-kind": "meeting", "lich-title": "Họp Ban chỉ đạo",
        "lich-starts_at": "2026-03-10T08:00",
        "lich-ends_at": "2026-03-10T10:00", "lich-location": "Phòng họp", "lich-leaders": [w.commune_chairman.pk],
        "lich-is_public": "on",
    })  # fmt: skip
    assert response.status_code == 302
    item = ScheduleEntry.objects.get()
    assert item.starts_at == local(2026, 3, 10, 8) and item.created_by == clerk
    assert "Họp Ban chỉ đạo" in client.get(url + query).content.decode()
    edit = client.post(reverse("work:schedule-entry", args=[item.pk]), {
        "lich-kind": "meeting", "lich-title": "Họp Ban chỉ đạo (sửa)", "lich-starts_at": "2026-03-10T08:00",
        "lich-ends_at": "2026-03-10T10:30", "lich-location": "Phòng họp", "lich-leaders": [w.commune_chairman.pk],
    })  # fmt: skip
    assert edit.status_code == 302
    item.refresh_from_db()
    assert item.title == "Họp Ban chỉ đạo (sửa)" and item.is_public is False
    client.force_login(w.other_chairman)
    assert client.get(url + query).status_code == 404
    assert client.get(reverse("work:schedule-entry", args=[item.pk])).status_code == 404
    other_query = f"?don-vi={w.other_commune.pk}&tuan=2026-03-09"
    assert client.post(url + other_query, {"hanh-dong": "cancel", "muc": item.pk}).status_code == 404
    client.force_login(clerk)
    assert client.post(url + query, {"hanh-dong": "cancel", "muc": item.pk}).status_code == 302
    item.refresh_from_db()
    assert item.cancelled is True


def test_an_officer_sees_the_week_without_the_editor(client):
    w = world()
    entry(w)
    client.force_login(w.justice_officer)  # a province department sees nothing of the commune
    assert client.get(reverse("work:schedule") + f"?don-vi={w.commune.pk}").status_code == 404
    client.force_login(w.chairman)  # the province's chairman sees the commune's week (and leads it)
    page = client.get(reverse("work:schedule") + f"?don-vi={w.commune.pk}&tuan=2026-03-12")
    assert page.status_code == 200 and "Tiếp công dân định kỳ" in page.content.decode()
