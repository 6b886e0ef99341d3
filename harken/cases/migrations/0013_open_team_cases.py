"""The open cases of each team (ADR 0132), filled from `status = open` and the team links in
one set-based statement (the same as `services.open_teams_rebuild`, written out here because a
migration must not depend on code that changes later)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    quote = schema_editor.connection.ops.quote_name
    table = quote(apps.get_model("cases", "OpenTeamCase")._meta.db_table)
    case_model = apps.get_model("cases", "Case")
    links = quote(case_model.teams.through._meta.db_table)
    cases = quote(case_model._meta.db_table)
    schema_editor.execute(
        f"INSERT INTO {table} (team_id, case_id) "  # noqa: S608 (table names, not input)
        f"SELECT l.team_id, l.case_id FROM {links} l "
        f"JOIN {cases} c ON c.id = l.case_id WHERE c.status = 'open'"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_lock_out_per_address_and_enrolment_by_link"),
        ("cases", "0012_audit_verbs_as_choices"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenTeamCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="open_team_links",
                        to="cases.case",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.team",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("team", "case"), name="open_team_case_unique")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
