"""What the commitments' tests share: dossiers returned on a day (real records recounted into the stats daily
tables, as the services do), the commune chairman's charter to the province chairman, its signature."""

import datetime as dt
import itertools

from django.utils import timezone

from apps.core.projections import recount
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, certificate_procedure
from apps.org.models import Unit
from apps.work.models import Commitment, CommitmentTarget
from apps.work.services import commitments as services

SEQUENCE = itertools.count(1)
GTE, LTE = CommitmentTarget.Comparison.AT_LEAST, CommitmentTarget.Comparison.AT_MOST


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def returned_dossiers(unit: Unit, day: dt.date, *, on_time: int = 0, late: int = 0, early: int = 0) -> list[Dossier]:
    """Dossiers filed with `unit` and returned on `day`, recounted into the daily tables (a raw write must be)."""
    procedure = certificate_procedure()
    returned_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    created = []
    for outcome, count in (("on_time", on_time), ("late", late), ("early", early)):
        for _ in range(count):
            received = returned_at - dt.timedelta(days=5)
            created.append(Dossier.objects.create(
                code=f"H98.21-{day:%y%m%d}-{next(SEQUENCE):04d}", procedure=procedure, filing_unit=unit, desk=unit,
                channel=Dossier.Channel.DESK, status=Dossier.Status.RETURNED, submitted_at=received,
                received_at=received, due_at=returned_at, returned_at=returned_at, closed_at=returned_at,
                outcome=outcome, **APPLICANT,
            ))  # fmt: skip
    recount("dossier", *(d.pk for d in created))
    return created


def charter(w, *, period_kind="quarter", year=2026, number=1, now=None) -> Commitment:
    """The commune chairman's service charter to the province chairman."""
    return services.draft_commitment(
        actor=w.commune_chairman, unit=w.commune, superior=w.chairman, kind=Commitment.Kind.CHARTER,
        title="Cam kết phục vụ quý I/2026", period_kind=period_kind, year=year, number=number,
        now=now or local(2026, 1, 5, 9),
    )  # fmt: skip


def signed(commitment: Commitment, now=None) -> Commitment:
    return services.sign_commitment(actor=commitment.signer, commitment=commitment, now=now or local(2026, 1, 6, 9))
