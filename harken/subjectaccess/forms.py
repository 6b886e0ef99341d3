"""The subject access forms: GOV.UK fields, messages naming the field."""

from __future__ import annotations

from typing import Any

from django import forms

from harken.registers.forms import DateField, Form, _radios, _text

from .models import Redaction, RedactionDecision, RedactionReason

REASONS = [("", "Choose a reason"), *RedactionReason.choices]


class RedactionReviewForm(Form):
    """One decision (redact or disclose) and, to redact, a reason code, per proposal."""

    def __init__(self, data: Any = None, *, redactions: list[Redaction]) -> None:
        super().__init__(data)
        self.redactions = redactions
        for row in redactions:
            label = f"{row.get_kind_display()}: “{row.text}” ({row.occurrences} place"
            label += "s)" if row.occurrences != 1 else ")"
            self.fields[f"decision_{row.pk}"] = _radios(
                label,
                [
                    (RedactionDecision.ACCEPTED, "Redact"),
                    (RedactionDecision.REJECTED, "Disclose"),
                ],
                required=False,
                initial=row.decision if row.decision != RedactionDecision.PROPOSED else None,
            )
            self.fields[f"reason_{row.pk}"] = forms.ChoiceField(
                label=f"Reason for redacting “{row.text}”",
                choices=REASONS,
                required=False,
                initial=row.reason or "",
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "redaction": row,
                "decision": self[f"decision_{row.pk}"],
                "reason": self[f"reason_{row.pk}"],
            }
            for row in self.redactions
        ]


class RedactionAddForm(Form):
    text = _text("Text to redact", max_length=300, message="Enter the text to redact")
    reason = forms.ChoiceField(
        label="Reason",
        choices=REASONS,
        error_messages={"required": "Select the reason for the redaction"},
    )


class ReleaseForm(Form):
    released_on = DateField(
        label="Date the bundle was sent", message="Enter the date the bundle was sent"
    )
    method = _text(
        "How it was sent",
        max_length=200,
        message="Enter how the bundle was sent",
        help_text="For example, secure e-mail or recorded delivery",
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AliasForm(Form):
    name = _text("Other name", max_length=200, message="Enter the other name")
