"""Numbered written notices of one unit and year: BM.02 supplement requests and BM.03 refusals."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.actors import staff_user
from apps.core.errors import DomainError
from apps.core.numbering import next_number
from apps.core.text import normalize_multiline
from apps.dossiers.models import Dossier, Slip


def issue_slip(dossier: Dossier, kind: str, actor, now: dt.datetime, reason: str, items: str = "") -> Slip:
    reason = normalize_multiline(reason)
    if not reason:
        raise DomainError(_("Hãy ghi rõ lý do."), field="reason")
    year = timezone.localtime(now).year
    unit = dossier.current_step.unit if dossier.current_step else dossier.desk
    number = next_number(f"slip:{kind}:{unit.pk}:{year}")
    return Slip.objects.create(
        dossier=dossier, kind=kind, unit=unit, issued_by=staff_user(actor), issued_at=now, reason=reason, year=year,
        items=normalize_multiline(items), number=f"{number:02d}/{Slip.SUFFIX[kind]}-{unit.symbol or 'UBND'}",
    )  # fmt: skip


def answer_open_supplement_slips(dossier: Dossier, now: dt.datetime) -> None:
    dossier.slips.filter(kind=Slip.Kind.SUPPLEMENT, answered_at__isnull=True).update(answered_at=now)
