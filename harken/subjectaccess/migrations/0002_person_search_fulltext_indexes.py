"""GIN full-text indexes for the person search, on PostgreSQL only (SQLite has no GIN: the
search there uses a plain case-insensitive contains). Each index's expression is exactly the
one the search filters on (`SearchVector(column, config="simple")`), so PostgreSQL uses it."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# (app, model, column, index name)
INDEXES = [
    ("cases", "Case", "summary", "sa_fts_case_summary"),
    ("cases", "Case", "details", "sa_fts_case_details"),
    ("cases", "Note", "text", "sa_fts_note_text"),
    ("cases", "Element", "summary", "sa_fts_element_summary"),
    ("cases", "SafeguardingConcern", "description", "sa_fts_safeguarding_desc"),
    ("subjectaccess", "DocumentText", "text", "sa_fts_document_text"),
]


def _index(column: str, name: str) -> GinIndex:
    return GinIndex(SearchVector(column, config="simple"), name=name)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, column, name in INDEXES:
        schema_editor.add_index(apps.get_model(app, model), _index(column, name))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, column, name in INDEXES:
        schema_editor.remove_index(apps.get_model(app, model), _index(column, name))


class Migration(migrations.Migration):
    dependencies = [("subjectaccess", "0001_person_aliases_document_text_bundles")]

    operations = [migrations.RunPython(add, remove)]
