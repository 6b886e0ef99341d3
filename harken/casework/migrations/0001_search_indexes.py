"""Indexes for the staff search and caseload on PostgreSQL (SQLite searches with a simple
match, and its tables are small).

- Full-text search of a case's reference, summary and text: a GIN index on the same
  expression as `cases.selectors.SEARCH_DOCUMENT`.
- People's names and e-mail, case-insensitive, exact or by prefix (Django's `istartswith` and
  `iexact` compare UPPER(...)): btree indexes on UPPER(...) with text_pattern_ops so a
  LIKE 'SMI%' prefix can use them whatever the database's collation.
- The caseload: open paused cases (a partial index, so counting them reads a few rows, not
  every open case), and cases by date received (lists other than the open caseload).
"""

from django.db import migrations

INDEXES = (
    (
        "casework_case_search_idx",
        "CREATE INDEX IF NOT EXISTS casework_case_search_idx ON cases_case USING gin "
        "(to_tsvector('english'::regconfig, reference || ' ' || summary || ' ' || details))",
    ),
    (
        "casework_person_last_name_idx",
        "CREATE INDEX IF NOT EXISTS casework_person_last_name_idx ON cases_person "
        "(UPPER(last_name::text) text_pattern_ops)",
    ),
    (
        "casework_person_first_name_idx",
        "CREATE INDEX IF NOT EXISTS casework_person_first_name_idx ON cases_person "
        "(UPPER(first_name::text) text_pattern_ops)",
    ),
    (
        "casework_person_email_idx",
        "CREATE INDEX IF NOT EXISTS casework_person_email_idx ON cases_person (UPPER(email::text))",
    ),
    (
        "casework_case_open_paused_idx",
        "CREATE INDEX IF NOT EXISTS casework_case_open_paused_idx ON cases_case (next_due_on) "
        "WHERE status = 'open' AND paused",
    ),
    (
        "casework_case_received_idx",
        "CREATE INDEX IF NOT EXISTS casework_case_received_idx ON cases_case (received_on, id)",
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
    dependencies = [("cases", "0002_reference_data")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
