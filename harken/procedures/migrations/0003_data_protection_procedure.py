"""Ships the data-protection complaints procedure (Data Protection Act 2018 s164A, in force
from 19 June 2026) to databases that already have the first four."""

from django.db import migrations, models


def install(apps, schema_editor):
    from harken.procedures.definitions import DATA_PROTECTION

    procedure_model = apps.get_model("procedures", "Procedure")
    version_model = apps.get_model("procedures", "ProcedureVersion")
    procedure, created = procedure_model.objects.get_or_create(
        code=DATA_PROTECTION.code,
        defaults={"name": DATA_PROTECTION.name, "kind": DATA_PROTECTION.kind.value},
    )
    if created:
        version_model.objects.create(
            procedure=procedure,
            number=1,
            definition=DATA_PROTECTION.to_dict(),
            note="Shipped with Harken",
        )


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_shipped_procedures")]

    operations = [
        migrations.AlterField(
            model_name="procedure",
            name="kind",
            field=models.CharField(
                choices=[
                    ("statutory_children", "statutory children"),
                    ("statutory_adults", "statutory adults"),
                    ("corporate", "corporate"),
                    ("data_protection", "data protection"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
