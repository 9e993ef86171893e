"""What every write of the work app shares: the working-day clock of a deadline, stored files, the leader's right
to assign to a unit, and the notification of a person."""

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.calendar.selectors import WORKING_DAYS, legal_calendar_for_unit, legal_due
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.files import check_upload, display_name
from apps.core.models import Notification
from apps.core.notifications import notify
from apps.org.models import Unit
from apps.work.selectors.scope import leads

MAX_WORKING_DAYS = 365


def end_of_working_day(unit: Unit, day: dt.date) -> dt.datetime:
    """The due moment of a deadline given as a date: the end of office hours of that day on the unit's legal
    calendar (Civil Code 2015, art. 148). A deadline must fall on a working day: the message names the nearest."""
    calendar = legal_calendar_for_unit(unit)
    if not calendar.is_working_day(day):
        later = next_working_day(unit, day)
        raise DomainError(
            _("Ngày %(day)s không phải ngày làm việc của %(unit)s; chọn ngày làm việc, ví dụ %(later)s.")
            % {"day": day.strftime("%d/%m/%Y"), "unit": unit.name, "later": later.strftime("%d/%m/%Y")},
            field="deadline",
        )
    eve = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12)))
    return calendar.legal_days_due(eve, 1)


def due_after_working_days(unit: Unit, start: dt.datetime, working_days: int) -> dt.datetime:
    """`working_days` counted from `start` on the unit's legal calendar: the start day does not count, due at the
    end of office hours of the last day (Civil Code 2015, art. 147-148), as every limit of the system."""
    if not 1 <= int(working_days) <= MAX_WORKING_DAYS:
        raise DomainError(
            _("Số ngày làm việc phải từ 1 đến %(max)d.") % {"max": MAX_WORKING_DAYS}, field="working_days"
        )
    return legal_due(unit, start, int(working_days), WORKING_DAYS)


def previous_working_day(unit: Unit, day: dt.date) -> dt.date:
    """The last working day before `day` on the unit's legal calendar (the day a reminder goes out)."""
    calendar = legal_calendar_for_unit(unit)
    day -= dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_day_on_or_after(unit: Unit, day: dt.date) -> dt.date:
    """`day` itself when the unit works on it, else the next working day of its legal calendar: where a period
    ending on a day off runs to (Civil Code 2015, art. 148(5))."""
    calendar = legal_calendar_for_unit(unit)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def next_working_day(unit: Unit, day: dt.date) -> dt.date:
    """The first working day after `day` (the date a deadline refused on a day off suggests instead)."""
    return working_day_on_or_after(unit, day + dt.timedelta(days=1))


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def require_leader_over(actor, unit: Unit, message: str) -> None:
    """Only a leader of the unit or of a unit above it (or a superuser) directs its work."""
    if not leads(actor, unit):
        raise PermissionDeniedError(message)


def checked_file(uploaded: UploadedFile) -> dict:
    """The stored fields of an uploaded file (type by content, size, SHA-256, a shown name): PDF or image."""
    checked = check_upload(uploaded)
    return {
        "name": display_name(uploaded.name),
        "content_type": checked.content_type,
        "size": checked.size,
        "sha256": checked.sha256,
    }


def notify_person(user, subject: str, body: str, *, obj=None) -> None:
    """A message to a member of staff by e-mail, or by SMS when they have no address (the outbox sends it)."""
    if user is None:
        return
    if user.email:
        notify(Notification.Channel.EMAIL, user.email, body, subject=subject, obj=obj)
    elif user.phone:
        notify(Notification.Channel.SMS, user.phone, f"{subject}: {body}"[:320], obj=obj)


def shown_date(day: dt.date) -> str:
    return date_format(day, "d/m/Y")
