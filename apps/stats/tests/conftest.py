"""A year and more of generated history, plus ratings and answered feedback written with the models' own saves
(not through the services), each inside `recounting` as any raw change must be."""

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.projections import recounting
from apps.dossiers.models import Dossier, Rating
from apps.feedback.models import Category, FeedbackRating
from apps.org.models import Unit


@pytest.fixture
def history(demo):
    from io import StringIO

    from apps.feedback import services

    call_command("generate_load_data", dossiers=600, feedback=150, days=400, seed=7, stdout=StringIO())
    rng = random.Random(3)
    levels = ["very_satisfied", "satisfied", "not_satisfied"]
    for dossier in Dossier.objects.filter(status=Dossier.Status.RETURNED, rating__isnull=True)[:200]:
        with recounting("dossier", dossier.pk):
            Rating.objects.create(dossier=dossier, overall=rng.choice(levels), politeness=rng.choice(levels),
                                  timeliness=rng.choice(levels))  # fmt: skip
    units = list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)[:6])
    categories = list(Category.objects.all())
    for index in range(60):
        feedback = services.feedback_submit(
            channel="web", category=rng.choice(categories), title=f"Phản ánh số {index}",
            content="Nội dung phản ánh để kiểm tra số liệu.",
            now=timezone.make_aware(dt.datetime(2026, rng.randint(1, 11), rng.randint(1, 28), 9)),
        )  # fmt: skip
        if index % 4:
            with recounting("feedback", feedback.pk):
                feedback.status, feedback.assigned_unit, feedback.answer = "answered", rng.choice(units), "Đã trả lời."
                feedback.answered_at = feedback.received_at + dt.timedelta(days=rng.randint(1, 12))
                feedback.answered_on_time, feedback.is_public = rng.random() < 0.8, rng.random() < 0.5
                feedback.save()
                if index % 3:
                    FeedbackRating.objects.create(feedback=feedback, level=rng.choice(levels))
    return demo
