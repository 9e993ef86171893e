"""The date line of official documents (Decree 30/2020/NĐ-CP on clerical work, Appendix I, part II, item 4b).

"Xã An Phú, ngày 05 tháng 01 năm 2026": the day and month are written in full in Arabic numerals; a day below 10
and the months 1 and 2 carry a leading 0 (so that nobody can prepend a digit to them), the other months do not
("ngày 15 tháng 3 năm 2026", "ngày 20 tháng 12 năm 2026"). Every form and register takes its date line from here.
"""

import datetime as dt

from django.utils import timezone


def date_words(day: dt.date | dt.datetime) -> str:
    """'ngày 05 tháng 02 năm 2026' for 5 February 2026; an aware moment is read in the local time zone."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(day: dt.date | dt.datetime, place: str = "") -> str:
    """'Xã An Phú, ngày 05 tháng 3 năm 2026' (without a place: 'Ngày 05 tháng 3 năm 2026')."""
    words = date_words(day)
    return f"{place}, {words}" if place else words[0].upper() + words[1:]
