"""Template filters of official forms: `{{ today|date_line:place }}` (Decree 30/2020 date line)."""

from django import template

from apps.core.dates import date_line as _date_line
from apps.core.dates import date_words as _date_words

register = template.Library()


@register.filter
def date_line(day, place: str = "") -> str:
    return _date_line(day, place) if day else ""


@register.filter
def date_words(day) -> str:
    return _date_words(day) if day else ""


@register.filter
def moment(value) -> str:
    """'09 giờ 05 phút, ngày 25/11/2026' in the local time zone, as the forms write a time."""
    if not value:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"
