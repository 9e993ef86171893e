from django.db import migrations


def install(apps, schema_editor):
    from apps.core.db import install_append_only_guard

    install_append_only_guard(schema_editor.connection)
    apps.get_model("core", "AuditChainHead").objects.get_or_create(pk=1)


def remove(apps, schema_editor):
    from apps.core.db import remove_append_only_guard

    remove_append_only_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
