"""Administrators add procedures and change them; every change is a new version."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from harken import access
from harken.accounts.models import User
from harken.core.audit import record_audit
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.models import EventType

from .definitions import SHIPPED, DefinitionError, ProcedureDef
from .models import Procedure, ProcedureVersion


def _ensure_admin(actor: User | None) -> None:
    """An administrator, or None: the server's command line."""
    if actor is not None and not access.is_administrator(actor):
        raise AccessDenied("Only an administrator can change procedures.")


@transaction.atomic
def procedure_version_create(
    *, definition: dict[str, Any], actor: User | None, note: str = ""
) -> ProcedureVersion:
    """Add a procedure, or a new version of one; existing cases keep their version."""
    _ensure_admin(actor)
    try:
        spec = ProcedureDef.from_dict(definition)
    except DefinitionError as exc:
        raise ApplicationError.for_field("definition", str(exc)) from exc
    procedure, created = Procedure.objects.select_for_update().get_or_create(
        code=spec.code, defaults={"name": spec.name, "kind": spec.kind.value}
    )
    if not created:
        procedure.name = spec.name
        procedure.kind = spec.kind.value
        procedure.save(update_fields=["name", "kind"])
        latest = procedure.versions.order_by("-number").first()
        if latest is not None and latest.spec == spec:
            raise ApplicationError("This definition is the same as the current version.")
        number = (latest.number if latest else 0) + 1
    else:
        number = 1
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        definition=spec.to_dict(),
        note=note,
        created_by=actor,
    )
    record_audit(
        event_type=EventType.PROCEDURE_VERSION_ADDED,
        actor=actor,
        description=f"{spec.name}: version {number} added" + (f" ({note})" if note else ""),
        changes={"procedure": [None, f"{spec.code} version {number}"]},
    )
    return version


def install_shipped_procedures() -> int:
    """Install the shipped procedures where they are missing. Returns how many."""
    added = 0
    for spec in SHIPPED:
        if not Procedure.objects.filter(code=spec.code).exists():
            procedure_version_create(
                definition=spec.to_dict(), actor=None, note="Shipped with Harken"
            )
            added += 1
    return added


def _current_version_sql() -> str:
    version, procedure = ProcedureVersion._meta.db_table, Procedure._meta.db_table
    return (
        f"SELECT v.* FROM {version} v JOIN {procedure} p ON p.id = v.procedure_id "  # noqa: S608
        "WHERE p.code = %s AND p.active ORDER BY v.number DESC LIMIT 1"
    )


def current_version(code: str) -> ProcedureVersion:
    """The newest version of the active procedure `code` (one query; its procedure is read
    when asked for).

    Every online form and new case asks this, so it is one plain statement: the ORM's
    building of the same query with its join costs three times the CPU of running it."""
    version = next(iter(ProcedureVersion.objects.raw(_current_version_sql(), [code])), None)
    if version is None:
        raise ApplicationError.for_field("procedure", f"There is no procedure '{code}'.")
    return version
