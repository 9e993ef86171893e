"""Daily counts per unit, the dashboard's precomputed aggregates.

Derived data only: each row is recomputed from the records, under a row lock, in the same transaction as every
change that touches it (`apps.stats.services`, called by the domain services through `apps.core.projections`),
so a reader never sees a total
that disagrees with the records; `manage.py rebuild_stats` recomputes all of them and `--check` compares."""

from django.conf import settings
from django.db import models

from apps.org.models import Unit
from apps.procedures.models import Procedure


class DossierCounts(models.Model):
    received = models.PositiveIntegerField(default=0)
    received_on_time = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)  # every required paper digitised
    results_digitised = models.PositiveIntegerField(default=0)  # with an electronic result
    reused = models.PositiveIntegerField(default=0)  # reusing at least one earlier digitised paper
    with_fee = models.PositiveIntegerField(default=0)  # with a fee to pay
    returned = models.PositiveIntegerField(default=0)
    returned_on_time = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    ratings_satisfied = models.PositiveIntegerField(default=0)
    politeness_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DossierDay(DossierCounts):
    """Dossiers filed with one unit under one procedure, counted by the local day of each event: receipt (and what
    those dossiers became), return, rating. The procedure is kept so that the full-online share follows the
    procedure's current online level, as the live figures do, and so that satisfaction can be shown per procedure."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "procedure", "day"], name="stats_dossier_day_key")]
        indexes = [models.Index(fields=["day"], name="stats_dossier_day_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id} {self.day}"


class DossierMonth(DossierCounts):
    """The sums of `DossierDay` over a month (`day` is the month's first day), recounted from the daily rows with
    them: a dashboard's period is whole months, so it reads thirty times fewer rows."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "procedure", "day"], name="stats_dossier_month_key")]
        indexes = [models.Index(fields=["day"], name="stats_dossier_month_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id} {self.day:%m/%Y}"


class DossierYear(DossierCounts):
    """The sums of `DossierMonth` over a year (`day` is 1 January), recounted with them: a province's year reads one
    row per unit and procedure instead of twelve (a province of 110 communes and 220 procedures: 24,000 rows, not
    290,000)."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "procedure", "day"], name="stats_dossier_year_key")]
        indexes = [models.Index(fields=["day"], name="stats_dossier_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id} {self.day:%Y}"


class FeedbackCounts(models.Model):
    feedback_received = models.PositiveIntegerField(default=0)
    feedback_answered = models.PositiveIntegerField(default=0)
    feedback_on_time = models.PositiveIntegerField(default=0)
    feedback_published = models.PositiveIntegerField(default=0)
    feedback_ratings = models.PositiveIntegerField(default=0)
    feedback_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class FeedbackDay(FeedbackCounts):
    """Feedback handled by one unit (the assigned unit, else the receiving one), counted by the local day of
    receipt, answer and rating."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="stats_feedback_day_key")]
        indexes = [models.Index(fields=["day"], name="stats_feedback_day_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class FeedbackMonth(FeedbackCounts):
    """The sums of `FeedbackDay` over a month (`day` is the month's first day)."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="stats_feedback_month_key")]
        indexes = [models.Index(fields=["day"], name="stats_feedback_month_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%m/%Y}"


class DueDay(models.Model):
    """Open dossiers and open feedback items of one unit by the local day they are due (the dossier's appointment,
    the feedback's answer deadline). What is late now is every open item due on an earlier day, plus today's items
    whose time has passed (counted live): exact at any moment without a write when the clock passes a deadline."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    dossiers = models.PositiveIntegerField(default=0)
    feedback = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="stats_due_day_key")]
        indexes = [
            models.Index(
                fields=["day"], condition=models.Q(dossiers__gt=0) | models.Q(feedback__gt=0), name="stats_due_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class OfficerDay(models.Model):
    """Per officer and local day: BM.05 steps they finished (with the step's unit), and ratings of those they served
    — the clerk who received the dossier, the officer who answered the feedback (with the unit these count for)."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    steps = models.PositiveIntegerField(default=0)
    steps_on_time = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    ratings_satisfied = models.PositiveIntegerField(default=0)
    politeness_satisfied = models.PositiveIntegerField(default=0)
    feedback_ratings = models.PositiveIntegerField(default=0)
    feedback_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "officer", "day"], name="stats_officer_day_key")]
        indexes = [models.Index(fields=["day"], name="stats_officer_day_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.officer_id} {self.day}"


class CountsVersion(models.Model):
    """A token that changes whenever a daily count of the unit or of a unit under it changes (written after the
    change commits): the key of the dashboards' cached answers, so a cached answer is never one change behind."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, primary_key=True, related_name="+")
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.unit_id} {self.token}"


class ProcedureFeedbackDay(models.Model):
    """Ratings of answers to feedback about one procedure, by the handling unit and the local day of the rating:
    the feedback half of the dashboards' satisfaction per procedure."""

    day = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    feedback_ratings = models.PositiveIntegerField(default=0)
    feedback_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "procedure", "day"], name="stats_procedure_feedback_day_key")
        ]
        indexes = [models.Index(fields=["day"], name="stats_procedure_feedback_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id} {self.day}"
