"""Open311 posts without a title used to get the first 80 characters of the description as their title, and the
description names the sender more often than not. Those titles become "Phản ánh: <service>", as new posts get (apps.feedback.open311.untitled)."""

from django.db import migrations

from apps.core.text import fold, normalize_text


def title_from_description(feedback) -> bool:
    return fold(normalize_text(feedback.content)).startswith(fold(feedback.title))


def retitle_open311_posts(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    posts = Feedback.objects.filter(channel="open311").select_related("category")
    for feedback in posts.only("pk", "code", "title", "content", "answer", "category__name").iterator():
        if title_from_description(feedback):
            title = f"Phản ánh: {feedback.category.name}"
            search_key = fold(f"{feedback.code} {title} {feedback.content} {feedback.answer}")
            Feedback.objects.filter(pk=feedback.pk).update(title=title, search_key=search_key)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_feedback_rating_token"),
    ]

    operations = [
        migrations.RunPython(retitle_open311_posts, migrations.RunPython.noop),
    ]
