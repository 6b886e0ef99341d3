from django.db import migrations


def install(apps, schema_editor):
    from harken.procedures.definitions import SHIPPED

    procedure_model = apps.get_model("procedures", "Procedure")
    version_model = apps.get_model("procedures", "ProcedureVersion")
    for spec in SHIPPED:
        procedure, created = procedure_model.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "kind": spec.kind.value}
        )
        if created:
            version_model.objects.create(
                procedure=procedure,
                number=1,
                definition=spec.to_dict(),
                note="Shipped with Harken",
            )


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
