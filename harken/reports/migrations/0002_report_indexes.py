"""Indexes for the complaints report on PostgreSQL (SQLite reads its small tables whole).

The report reads a year or two of records out of many: each index below lets one of its
passes (`metrics.py`, "Shared passes") read only index pages, never the tables, for those
records and for the lookups it makes for each of them:

- cases other than complaints by date received, with kind and contact outcome;
- each case's first team, and its elements in order with their team and theme;
- each case's first complainant (relationship and person), the children a case is about,
  and the people who are looked after (a small partial index);
- stages by number and date received or concluded, with what the figures count;
- a stage's complaint's procedure.

Covering (INCLUDE) and partial indexes are PostgreSQL's; the figures do not depend on them.
"""

from django.db import migrations

INDEXES = (
    (
        "reports_case_received_idx",
        "CREATE INDEX IF NOT EXISTS reports_case_received_idx ON cases_case (received_on) "
        "INCLUDE (kind, contact_outcome, id) WHERE kind <> 'complaint'",
    ),
    (
        "reports_case_procedure_idx",
        "CREATE INDEX IF NOT EXISTS reports_case_procedure_idx ON cases_case (id) "
        "INCLUDE (procedure_version_id)",
    ),
    (
        "reports_case_teams_idx",
        "CREATE INDEX IF NOT EXISTS reports_case_teams_idx ON cases_case_teams (case_id, id) "
        "INCLUDE (team_id)",
    ),
    (
        "reports_element_idx",
        "CREATE INDEX IF NOT EXISTS reports_element_idx ON cases_element (case_id, number) "
        "INCLUDE (team_id, theme_id, id)",
    ),
    (
        "reports_complainant_idx",
        "CREATE INDEX IF NOT EXISTS reports_complainant_idx ON cases_caseparty (case_id, id) "
        "INCLUDE (person_id, relationship) WHERE role = 'complainant'",
    ),
    (
        "reports_child_idx",
        "CREATE INDEX IF NOT EXISTS reports_child_idx ON cases_caseparty (case_id) "
        "INCLUDE (person_id) WHERE role = 'child'",
    ),
    (
        "reports_looked_after_idx",
        "CREATE INDEX IF NOT EXISTS reports_looked_after_idx ON cases_person (id) "
        "WHERE looked_after",
    ),
    (
        "reports_stage_received_idx",
        "CREATE INDEX IF NOT EXISTS reports_stage_received_idx ON cases_stage "
        "(number, received_on) INCLUDE (case_id, id)",
    ),
    (
        "reports_stage_concluded_idx",
        "CREATE INDEX IF NOT EXISTS reports_stage_concluded_idx ON cases_stage "
        "(number, concluded_on) INCLUDE (within_timescale, working_days_taken, id)",
    ),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("cases", "0002_reference_data")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
