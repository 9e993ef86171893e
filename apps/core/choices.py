"""Choices shared by several apps, so that none imports another's models for them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SatisfactionLevel(models.TextChoices):
    """The three levels of every rating (dossiers, feedback answers): the satisfaction figures add them up."""

    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")
