"""Reads on the scans waiting to be registered: only the unit's register keepers see them (a scan may be secret
before anyone has read it), each with its registration deadline (Decree 30/2020, art. 22: registered the day it
arrives, at the latest the next working day; urgent ones at once)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from apps.calendar.selectors import calendar_for_unit
from apps.documents.models import Scan, Urgency
from apps.documents.selectors.registers import can_keep_register
from apps.org.models import Unit


def waiting_scans(user, unit: Unit) -> QuerySet[Scan]:
    """The unit's scans not yet registered nor set aside, the oldest first."""
    if not can_keep_register(user, unit):
        return Scan.objects.none()
    waiting = Scan.objects.filter(unit=unit, incoming__isnull=True, discarded_at__isnull=True)
    return waiting.select_related("unit").order_by("uploaded_at", "pk")


def scan_for(user, pk: int) -> Scan | None:
    """One scan if the user keeps its unit's registers (else None, as if it did not exist)."""
    scan = Scan.objects.select_related("unit", "incoming").filter(pk=pk).first()
    if scan is None or not can_keep_register(user, scan.unit):
        return None
    return scan


def registration_deadline(scan: Scan) -> dt.datetime:
    return registration_deadline_of(scan.unit, scan.urgency, scan.uploaded_at)


def registration_deadline_of(unit: Unit, urgency: str, arrived_at: dt.datetime) -> dt.datetime:
    """Urgent (khẩn, thượng khẩn, hỏa tốc): at once, when it arrived. Others: the end of office hours of the next
    working day of the receiving unit (the day it arrives does not count)."""
    if urgency != Urgency.NORMAL:
        return arrived_at
    return calendar_for_unit(unit).legal_days_due(arrived_at, 1)


def with_deadlines(scans, now: dt.datetime | None = None) -> list[Scan]:
    """The scans with `deadline` and `late` (past the deadline; an urgent one is late as soon as it waits)."""
    now = now or timezone.now()
    listed = list(scans)
    for scan in listed:
        scan.deadline = registration_deadline(scan)
        scan.late = now > scan.deadline
    return listed
