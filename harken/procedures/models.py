"""Procedures and their versions. A case keeps the version it was received under."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models

from .definitions import ProcedureDef, ProcedureKind


class Procedure(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=32, choices=[(k.value, k.value.replace("_", " ")) for k in ProcedureKind]
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> ProcedureVersion:
        version = self.versions.order_by("-number").first()
        if version is None:
            raise ProcedureVersion.DoesNotExist(f"{self.code} has no version")
        return version


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.name}, version {self.number}"

    @cached_property
    def spec(self) -> ProcedureDef:
        return ProcedureDef.from_dict(self.definition)
