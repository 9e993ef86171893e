from django.db import migrations, models


def copy_counters(apps, schema_editor):
    """The counters lived in the dossiers app; every app numbers through core now. Same keys, same values."""
    Old = apps.get_model("dossiers", "Sequence")
    New = apps.get_model("core", "Sequence")
    New.objects.bulk_create(New(key=row.key, last=row.last) for row in Old.objects.all().iterator())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_notification_outbox_joblock"),
        ("dossiers", "0008_attachment_generated_file_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="Sequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100, unique=True)),
                ("last", models.PositiveBigIntegerField(default=0)),
            ],
            options={"db_table": "core_sequence"},
        ),
        migrations.RunPython(copy_counters, migrations.RunPython.noop),
    ]
