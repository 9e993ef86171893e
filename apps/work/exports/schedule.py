"""A unit's weekly schedule as PDF (a table by day: time, content, leaders, participants, place) and as iCalendar
(RFC 5545, with the `icalendar` library): one VEVENT per entry, its UID stable across exports (so that a calendar
that subscribed updates the event instead of adding a copy), times in Asia/Ho_Chi_Minh with the VTIMEZONE."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from apps.core.dates import date_line
from apps.core.pdf import render_pdf
from apps.work.exports.briefings import place_of
from apps.work.selectors.schedule import days_of

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
PRODID = "-//Cong vu//Lich cong tac tuan//VI"


def leader_names(entry) -> str:
    return ", ".join(leader.get_full_name() or leader.get_username() for leader in entry.leaders.all())


def _rows(entries, monday: dt.date) -> list[dict]:
    rows = []
    for day, day_entries in days_of(entries, monday):
        rows.append({
            "day": f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}",
            "entries": [{
                "time": f"{timezone.localtime(e.starts_at):%H:%M} - {timezone.localtime(e.ends_at):%H:%M}",
                "title": e.title, "kind": e.get_kind_display(), "leaders": leader_names(e),
                "participants": e.participants, "preparing_unit": e.preparing_unit, "location": e.location,
            } for e in day_entries],
        })  # fmt: skip
    return rows


def week_pdf(unit, monday: dt.date, entries) -> bytes:
    sunday = monday + dt.timedelta(days=6)
    return render_pdf("work/schedule_week_pdf.html", {
        "issuer": unit.name, "issuer_parent": unit.parent.name if unit.parent_id else "",
        "place_date": date_line(timezone.localdate(), place_of(unit)),
        "monday": monday, "sunday": sunday, "week": monday.isocalendar().week, "rows": _rows(entries, monday),
    })  # fmt: skip


def entry_uid(entry) -> str:
    return f"schedule-entry-{entry.pk}@{getattr(settings, 'ICAL_UID_DOMAIN', 'congvu')}"


def week_ics(unit, monday: dt.date, entries) -> bytes:
    from icalendar import Calendar, Event

    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Lịch công tác tuần {monday.isocalendar().week} - {unit.name}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(dt.UTC)
    for entry in entries:
        event = Event()
        event.add("uid", entry_uid(entry))
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.starts_at.astimezone(zone))
        event.add("dtend", entry.ends_at.astimezone(zone))
        event.add("summary", entry.title)
        event.add("location", entry.location)
        event.add("categories", [str(entry.get_kind_display())])
        description = [f"Lãnh đạo: {leader_names(entry)}"]
        if entry.participants:
            description.append(f"Thành phần: {entry.participants}")
        if entry.preparing_unit:
            description.append(f"Chuẩn bị: {entry.preparing_unit}")
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        event.add("last-modified", entry.updated_at.astimezone(dt.UTC))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
