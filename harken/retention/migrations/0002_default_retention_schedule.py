"""The shipped retention schedule (harken/retention/defaults.py), each rule at version 1."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from harken.retention.defaults import DEFAULT_RULES

    Rule = apps.get_model("retention", "RetentionRule")
    Version = apps.get_model("retention", "RetentionRuleVersion")
    for default in DEFAULT_RULES:
        rule, created = Rule.objects.get_or_create(
            kind=default["kind"],
            defaults={
                "basis": default["basis"],
                "years": default["years"],
                "source": default["source"],
            },
        )
        if created:
            Version.objects.create(
                rule=rule,
                version=1,
                basis=rule.basis,
                years=rule.years,
                source=rule.source,
                reason="Shipped default",
            )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_retention_schedule_holds_disposals")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
