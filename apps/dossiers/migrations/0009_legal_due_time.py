from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery

LATE, EARLY, ON_TIME = "late", "early", "on_time"


def one_way_of_writing_phones(apps, schema_editor):
    """+84 912… and 0912… are the same number: stored as 0912… (apps.core.phones) so that lookups match."""
    from apps.core.phones import normalize_phone

    Dossier = apps.get_model("dossiers", "Dossier")
    for pk, phone in Dossier.objects.filter(applicant_phone__startswith="+").values_list("pk", "applicant_phone"):
        Dossier.objects.filter(pk=pk).update(applicant_phone=normalize_phone(phone))


def slip_years(apps, schema_editor):
    """The year of issue in the province's time zone (Extract uses the current time zone, TIME_ZONE)."""
    from django.db.models.functions import ExtractYear

    apps.get_model("dossiers", "Slip").objects.update(year=ExtractYear("issued_at"))


def keep_legal_due_time(apps, schema_editor):
    """The legal due time is the appointment before any apology moved it (pauses included); a dossier finished
    after it is late, whatever the new appointment. Outcomes recorded against a moved appointment are judged again.
    The daily counts are rebuilt afterwards with `manage.py rebuild_stats` (see docs/deploy.md)."""
    Dossier = apps.get_model("dossiers", "Dossier")
    Apology = apps.get_model("dossiers", "Apology")
    Dossier.objects.filter(received_at__isnull=False, rescheduled=False).update(due_at=F("appointment_at"))
    before_apology = Apology.objects.filter(dossier=OuterRef("pk")).values("original_appointment_at")[:1]
    Dossier.objects.filter(received_at__isnull=False, rescheduled=True).update(due_at=Subquery(before_apology))
    Dossier.objects.filter(rescheduled=True, due_at__isnull=True).update(due_at=F("original_appointment_at"))
    Dossier.objects.filter(rescheduled=True, ready_at__gt=F("due_at")).exclude(outcome=LATE).update(outcome=LATE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_sequence_in_core"),
        ("dossiers", "0008_attachment_generated_file_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="hạn giải quyết theo quy định"),
        ),
        migrations.AddField(
            model_name="dossier",
            name="return_desk",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=models.deletion.PROTECT, related_name="+", to="org.unit",
                verbose_name="nơi trả kết quả",
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="result_is_refusal",
            field=models.BooleanField(default=False, verbose_name="kết quả là văn bản từ chối"),
        ),
        migrations.RunPython(keep_legal_due_time, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["desk", "status", "submitted_at"], name="dossier_desk_waiting_idx"),
        ),
        migrations.AddIndex(
            model_name="dossier", index=models.Index(fields=["filing_unit", "due_at"], name="dossier_unit_due_idx")
        ),
        migrations.DeleteModel(name="Sequence"),
        migrations.AddField(
            model_name="slip", name="year", field=models.PositiveSmallIntegerField(default=0, verbose_name="năm"),
            preserve_default=False,
        ),
        migrations.RunPython(slip_years, migrations.RunPython.noop),
        migrations.RunPython(one_way_of_writing_phones, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="slip", name="slip_number_unique"),
        migrations.AddConstraint(
            model_name="slip",
            constraint=models.UniqueConstraint(fields=("unit", "kind", "year", "number"), name="slip_number_year_unique"),
        ),
    ]
