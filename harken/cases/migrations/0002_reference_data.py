from django.db import migrations


def install(apps, schema_editor):
    from harken.cases import reference_data

    reference_data.install(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
