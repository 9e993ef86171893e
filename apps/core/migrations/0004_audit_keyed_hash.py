"""Events get the version of their hash: rows already written keep plain SHA-256 (version 1) and verify as before;
record_event writes HMAC-SHA256 rows (version 2). No re-chaining: the key is not the database's to read."""

from django.db import migrations, models


def reinstall_guard(apps, schema_editor):
    # SQLite adds a column with a default by rebuilding the table, which drops its triggers.
    from apps.core.db import install_append_only_guard

    install_append_only_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_notification"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.RunPython(reinstall_guard, migrations.RunPython.noop),
    ]
