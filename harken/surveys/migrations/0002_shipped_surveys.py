from django.db import migrations


def forwards(apps, schema_editor):
    from harken.surveys.defaults import install

    install(apps.get_model("surveys", "Survey"), apps.get_model("surveys", "Question"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
