"""The daily counts stay equal to the records after late changes made through the services and the models, and the
dashboard reads them in a fixed number of queries."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.projections import recounting
from apps.dossiers import services as dossiers
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import APPLICANT, world
from apps.feedback import services as feedback_services
from apps.feedback.models import Feedback, FeedbackRating
from apps.org.models import Unit, User
from apps.procedures.models import Procedure
from apps.stats import selectors, services
from apps.stats.models import DossierDay, FeedbackDay
from apps.stats.selectors import Period
from apps.stats.tests.test_indicators import sql_dossier_counts, sql_feedback_counts

pytestmark = pytest.mark.django_db
YEAR = Period("year", 2026)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assert_equal_to_plain_sql(*units: Unit) -> None:
    for unit in units:
        for period in (YEAR, Period("month", 2026, 3)):
            computed = selectors.indicators(unit, period)["counts"]
            assert computed == sql_dossier_counts(unit, period.start, period.end) | sql_feedback_counts(
                unit, period.start, period.end
            ), (unit, period)


def old_dossier(**filters) -> Dossier:
    found = Dossier.objects.filter(received_at__year=2026, received_at__month__lt=10, **filters).order_by("pk").first()
    assert found is not None, filters
    return found


def test_generated_history_is_counted_exactly(history):
    assert services.differences() == []
    assert DossierDay.objects.exists() and FeedbackDay.objects.exists()


def test_late_changes_are_counted_in_their_own_transaction(history):
    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    commune = Unit.objects.get(name="Ủy ban nhân dân xã An Phú")
    before = selectors.indicators(province, YEAR)["counts"]

    # A spring dossier paid online in the autumn, another given its electronic result late, a third rated months
    # after its return.
    unpaid = old_dossier(payment=Dossier.Payment.NOT_REQUIRED)
    with recounting("dossier", unpaid.pk):  # a data fix: its fee still owed at the desk
        unpaid.payment, unpaid.status = Dossier.Payment.UNPAID, Dossier.Status.READY
        unpaid.save(update_fields=["payment", "status"])
    dossiers.dossier_record_payment(actor=None, dossier=unpaid, online=True)
    paper_less = old_dossier(attachments__isnull=True)
    dossiers.dossier_attach(dossier=paper_less, files=[SimpleUploadedFile("ket-qua.pdf", PDF)], purpose="result")
    after = selectors.indicators(province, YEAR)["counts"]
    assert after["paid_online"] == before["paid_online"] + 1
    assert after["results_digitised"] == before["results_digitised"] + 1
    returned = old_dossier(status=Dossier.Status.RETURNED, rating__isnull=True)
    dossiers.rating_submit(dossier=returned, overall="satisfied", politeness="satisfied", timeliness="satisfied")
    # Raw changes, each inside `recounting`: a correction of the outcome, a dossier deleted with its rating and
    # files, a procedure going fully online.
    corrected = old_dossier(status=Dossier.Status.RETURNED, outcome="on_time")
    with recounting("dossier", corrected.pk):
        corrected.outcome = "late"
        corrected.save(update_fields=["outcome"])
    deleted = old_dossier(rating__isnull=False)
    with recounting("dossier", deleted.pk):
        deleted.delete()
    procedure = Procedure.objects.filter(online_level=Procedure.OnlineLevel.PARTIAL).first()
    procedure.online_level = Procedure.OnlineLevel.FULL
    procedure.save()
    # An answer published late, and a rated feedback item moved to another unit (its rating moves with it).
    answered = Feedback.objects.filter(status="answered", is_public=False).order_by("pk").first()
    with recounting("feedback", answered.pk):
        answered.is_public = True
        answered.save()
    rated = FeedbackRating.objects.select_related("feedback").order_by("pk").first().feedback
    with recounting("feedback", rated.pk):
        rated.assigned_unit = commune
        rated.save()

    assert services.differences() == []
    assert_equal_to_plain_sql(province, commune)


def test_assigning_feedback_through_the_service_moves_its_counts(history):
    hotline = Feedback.objects.filter(status="received", assigned_unit__isnull=True).order_by("pk").first()
    department = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("pk").first()
    operator = User.objects.get(username="tongdai.1022")
    feedback_services.feedback_assign(actor=operator, feedback=hotline, unit=department)
    received_day = timezone.localdate(hotline.received_at)
    assert FeedbackDay.objects.get(unit=department, day=received_day).feedback_received >= 1
    assert services.differences() == []


def test_rebuild_command_checks_and_repairs(history):
    call_command("rebuild_stats", "--check", stdout=StringIO())
    row = DossierDay.objects.filter(received__gt=0).first()
    DossierDay.objects.filter(pk=row.pk).update(received=row.received + 1)
    with pytest.raises(CommandError):
        call_command("rebuild_stats", "--check", stdout=StringIO())
    call_command("rebuild_stats", stdout=StringIO())
    assert services.differences() == []
    call_command("rebuild_stats", "--if-empty", stdout=StringIO())  # nothing to do: counts are stored


def test_a_receipt_counts_on_its_local_day():
    """06:30 on 1 April in Hà Nội is 23:30 on 31 March in UTC: it counts on 1 April, in April."""
    w = world()
    dossier = dossiers.dossier_receive_walk_in(
        actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=w.paper_ids(),
        now=timezone.make_aware(dt.datetime(2026, 4, 1, 9)),
    )  # fmt: skip
    with recounting("dossier", dossier.pk):
        dossier.received_at = timezone.make_aware(dt.datetime(2026, 4, 1, 6, 30))
        dossier.save(update_fields=["received_at"])
    assert list(DossierDay.objects.filter(received__gt=0).values_list("day", flat=True)) == [dt.date(2026, 4, 1)]
    assert selectors.indicators(w.province, Period("month", 2026, 4))["counts"]["received"] == 1
    assert selectors.indicators(w.province, Period("month", 2026, 3))["counts"]["received"] == 0
    assert services.differences() == []


def test_dashboard_reads_in_fixed_queries(history):
    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    with CaptureQueriesContext(connection) as queries:
        selectors.indicators(province, YEAR)
        selectors.monthly_series(province, YEAR)
    # two tables, open items due before today, today's late dossiers and feedback, chart; and the procedures
    # offered (the levels of the units, the procedures by level) for the online group, whatever the number of units
    assert len(queries) == 8
    with CaptureQueriesContext(connection) as queries:
        selectors.child_rows(province, YEAR)
    assert len(queries) == 5 + 1 + 2  # the counts, the child units, the procedures offered


def test_late_now_follows_the_clock_without_a_write(history):
    province = Unit.objects.get(parent__isnull=True, level="province", kind="peoples_committee")
    now = selectors.indicators(province, YEAR)["counts"]
    assert now["late_now"] == sql_dossier_counts(province, YEAR.start, YEAR.end)["late_now"]
    # A dossier still open. Which dossiers the generated history leaves open depends on the hour it runs (at night
    # sometimes none): then the newest returned one is taken back into processing, recounted like any change.
    first_due = Dossier.objects.filter(status__in=Dossier.OPEN_STATUSES, due_at__isnull=False).order_by("pk").first()
    if first_due is None:
        first_due = Dossier.objects.filter(status=Dossier.Status.RETURNED).order_by("-pk").first()
        with recounting("dossier", first_due.pk):
            first_due.status, first_due.returned_at = Dossier.Status.IN_PROGRESS, None
            first_due.save(update_fields=["status", "returned_at"])
        now = selectors.indicators(province, YEAR)["counts"]

    def move_due_time(moment):
        with recounting("dossier", first_due.pk):
            first_due.due_at = moment
            first_due.save(update_fields=["due_at"])

    move_due_time(timezone.now() + dt.timedelta(days=3))  # a supplement pause moved its legal due time
    on_time = selectors.indicators(province, YEAR)["counts"]["late_now"]
    move_due_time(timezone.now() - dt.timedelta(hours=1))  # due an hour ago (a rescheduled appointment or not)
    assert selectors.indicators(province, YEAR)["counts"]["late_now"] == on_time + 1
    move_due_time(timezone.now() + dt.timedelta(days=3))
    # an hour after the due time (the live part of "today"), then forty days on (from the daily rows)
    with time_machine.travel(first_due.due_at + dt.timedelta(hours=1)):
        later = selectors.indicators(province, YEAR)["counts"]
        expected = sql_dossier_counts(province, YEAR.start, YEAR.end) | sql_feedback_counts(
            province, YEAR.start, YEAR.end
        )
        assert later["late_now"] == expected["late_now"] >= now["late_now"]  # late again (and maybe others)
        assert later["feedback_late_now"] == expected["feedback_late_now"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=40)):
        assert (
            selectors.indicators(province, YEAR)["counts"]["late_now"]
            == sql_dossier_counts(province, YEAR.start, YEAR.end)["late_now"]
        )


def test_the_counts_follow_the_services_explicitly_not_the_models_saves():
    """No signal stands behind `save()`: a raw write leaves the counts as they were (and `differences` says so)
    until it is recounted; the same change through a service is counted in its own transaction."""

    w = world()
    dossier = dossiers.dossier_receive_walk_in(
        actor=w.clerk, desk=w.desk, procedure=w.procedure, applicant=APPLICANT, provided_paper_ids=w.paper_ids(),
        now=timezone.make_aware(dt.datetime(2026, 4, 1, 9)),
    )  # fmt: skip
    assert services.differences() == []
    first_day, second_day = (timezone.make_aware(dt.datetime(2026, 4, day, 9)) for day in (1, 2))
    Dossier.objects.filter(pk=dossier.pk).update(received_at=second_day)  # raw: not counted
    assert services.differences() != []
    Dossier.objects.filter(pk=dossier.pk).update(received_at=first_day)  # undone: the counts agree again
    assert services.differences() == []
    with recounting("dossier", dossier.pk):  # the same raw write, declared: counted in its transaction
        Dossier.objects.filter(pk=dossier.pk).update(received_at=second_day)
    assert services.differences() == []
    assert DossierDay.objects.get(unit=w.commune, day=dt.date(2026, 4, 2)).received == 1
