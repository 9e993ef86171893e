"""The public tracking answer now carries the fee, the payment and whether an electronic result can be downloaded
(issue 13: the tracking page is rendered from it). Rows published before lack them: they are withdrawn, readers
build those answers from the tables meanwhile, and `manage.py publish_tracking` (run by `make run`) publishes them
again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0011_digitised_papers")]

    operations = [
        migrations.RunSQL(
            "DELETE FROM dossiers_publictracking WHERE body NOT LIKE '%\"electronic_result\"%'",
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
