"""Every field of every model is declared personal, statistical or structural, so a new
personal field cannot slip past disposal unnoticed."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from harken.retention.coverage import (
    DISPOSED_WITH_CASE,
    KEPT_MODELS,
    PERSONAL,
    STATISTICAL,
    STRUCTURAL,
)
from harken.retention.disposal import empty_value, personal_fields


def _fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields] + [
        f.name for f in model._meta.many_to_many
    ]


def test_every_model_is_classified():
    """A model neither disposed with its case nor kept for a stated reason fails, naming the
    line to add."""
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.label not in DISPOSED_WITH_CASE and m._meta.label not in KEPT_MODELS
    ]
    assert not missing, (
        "Classify these models in harken/retention/coverage.py: add each to "
        "DISPOSED_WITH_CASE (with its path to the case and every field) or to KEPT_MODELS "
        "(with why disposal leaves it alone): " + ", ".join(missing)
    )


def test_every_field_of_a_disposed_model_is_classified():
    """A new field on a model disposed with its case fails until it is declared."""
    missing = []
    for label, covered in DISPOSED_WITH_CASE.items():
        model = apps.get_model(label)
        for name in _fields(model):
            if name not in covered.fields:
                missing.append(f'DISPOSED_WITH_CASE["{label}"].fields["{name}"]')
    assert not missing, (
        "Declare these fields in harken/retention/coverage.py as PERSONAL (removed at "
        "disposal), STATISTICAL (kept for the reports) or STRUCTURAL (ids and links): "
        + ", ".join(missing)
    )


def test_the_table_names_only_fields_that_exist():
    stale = []
    for label, covered in DISPOSED_WITH_CASE.items():
        names = set(_fields(apps.get_model(label)))
        stale += [f"{label}.{name}" for name in covered.fields if name not in names]
        assert set(covered.fields.values()) <= {PERSONAL, STATISTICAL, STRUCTURAL}, label
    assert not stale, "Remove from harken/retention/coverage.py: " + ", ".join(stale)
    assert not set(DISPOSED_WITH_CASE) & set(KEPT_MODELS)


def test_every_personal_field_can_be_emptied():
    """Disposal has a value for each personal field (a required date, say, would have none)."""
    for label in DISPOSED_WITH_CASE:
        model = apps.get_model(label)
        for name in personal_fields(label):
            field = model._meta.get_field(name)
            if not field.many_to_many:
                empty_value(label, field)  # raises TypeError naming the field
