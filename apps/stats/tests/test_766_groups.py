"""The Decision 766 digitisation, online, payment and satisfaction groups by the method DOMAIN.md gives (expected
values worked out by hand from the rule), the labels of the groups without an official method, and the counts of
digitised papers, electronic results and reuse kept from the records."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.projections import recounting
from apps.dossiers import services
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, world
from apps.procedures.models import RequiredPaper
from apps.stats import selectors
from apps.stats.selectors import Offer, Period, index_groups

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def counts(**given) -> dict[str, int]:
    return dict.fromkeys(selectors.COUNT_NAMES, 0) | given


def points(c, offer=None) -> dict:
    return {g["code"]: g["points"] for g in index_groups(c, offer)}


def test_a_unit_without_feedback_scores_the_feedback_parts_in_full():
    # 9 of 10 rated dossiers satisfied (90%: the service part is full), no feedback at all: 6 + 6 + 6.
    assert points(counts(ratings=10, ratings_satisfied=9))["satisfaction"] == Decimal("18.00")
    # 45 of 60 satisfied: 6 × 0.75 / 0.9 = 5.00; no feedback answered or rated: 5 + 6 + 6.
    assert points(counts(ratings=60, ratings_satisfied=45))["satisfaction"] == Decimal("17.00")
    # Feedback answered (3 of 4 on time: 4.50) but none rated: the rating part is full.
    c = counts(ratings=60, ratings_satisfied=45, feedback_answered=4, feedback_on_time=3)
    assert points(c)["satisfaction"] == Decimal("15.50")
    assert points(counts())["satisfaction"] is None  # nothing at all to measure


def test_digitisation_online_and_payment_groups():
    c = counts(received=40, digitised=30, results_digitised=10, reused=4, paid_online=3, with_fee=12,
               full_online=9, full_online_received=20)  # fmt: skip
    offer = Offer(procedures=50, online=30, full_online=20)
    got = points(c, offer)
    # 6 × 10/40 + 4 × 30/40 + 2 × 4/40 = 1.5 + 3 + 0.2
    assert got["digitisation"] == Decimal("4.70")
    # min(2, 2 × 0.6 / 0.8) + 4 × 20/50 + min(6, 6 × 0.45 / 0.5) = 1.5 + 1.6 + 5.4
    assert got["online"] == Decimal("8.50")
    # 6 × 3/12 + 2 + 2
    assert got["payment"] == Decimal("5.50")
    # full points are capped: 90% of procedures online, 60% of dossiers online
    capped = points(counts(full_online=12, full_online_received=20), Offer(10, 9, 10))
    assert capped["online"] == Decimal("12.00")
    assert points(counts())["payment"] is None and points(counts())["digitisation"] is None


def test_groups_without_an_official_method_are_labelled():
    groups = {g["code"]: g for g in index_groups(counts(received=1))}
    assert groups["progress"]["official"] and groups["progress"]["method_note"] is None
    for code in ("transparency", "online", "payment", "satisfaction", "digitisation"):
        assert not groups[code]["official"] and groups[code]["method_note"] == "chưa có phương pháp chính thức"


@pytest.mark.django_db
def test_digitised_papers_results_reuse_and_fees_are_counted_from_the_records(client):
    w = world()
    paper = RequiredPaper.objects.get(procedure=w.procedure, optional=False)
    now = timezone.now()

    def walk_in(files=None, reuse=None):
        return services.dossier_receive_walk_in_digitised(
            actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=[paper.pk],
            files=files, reuse=reuse, now=now,
        )  # fmt: skip

    first = walk_in(files={paper.pk: SimpleUploadedFile("a.pdf", PDF)})
    second = walk_in()  # paper only, not digitised
    services.paper_reuse(actor=w.clerk, dossier=second, paper_id=paper.pk,
                         source_id=first.papers.get(required_paper=paper).pk, now=now)  # fmt: skip
    walk_in()  # a third on paper
    first = services.dossier_forward(actor=w.clerk, dossier=first, now=now)
    services.result_attach(actor=w.officer, dossier=first, file=SimpleUploadedFile("kq.pdf", PDF))
    with recounting("dossier", first.pk):  # a fee set afterwards by a data fix is recounted with the dossier
        Dossier.objects.filter(pk=first.pk).update(fee_vnd=50_000)
    period = Period("year", timezone.localdate(now).year)
    c = selectors.indicators(w.commune, period)["counts"]
    assert (c["received"], c["digitised"], c["results_digitised"], c["reused"], c["with_fee"]) == (3, 2, 1, 1, 1)
    page = client.get(f"/chat-luong-phuc-vu/?don-vi={w.commune.pk}&ky=year&nam={period.year}").content.decode()
    assert "chưa có phương pháp chính thức" in page
