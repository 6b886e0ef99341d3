"""The subject access forms: GOV.UK fields, messages naming the field."""

from __future__ import annotations

from typing import Any

from django import forms

from harken.registers.forms import DateField, Form, _radios, _text

from .models import Redaction, RedactionDecision, RedactionReason, RefusalReason, RightsKind

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
        label="Date the bundle was sent", message="Enter the date the bundle was sent", today=True
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


class RightsRequestForm(Form):
    kind = _radios("What the person asked for", RightsKind.choices)
    received_on = DateField(
        label="Date the request was received", message="Enter the date the request was received"
    )
    description = forms.CharField(
        label="What they asked for",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": "Enter what the person asked for"},
    )


class RightsCarryOutForm(Form):
    done_on = DateField(
        label="Date it was carried out", message="Enter the date it was carried out", today=True
    )
    outcome = forms.CharField(
        label="What was done",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": "Enter what was done"},
    )
    first_name = _text("Corrected first name (rectification only)", max_length=100, required=False)
    last_name = _text("Corrected last name (rectification only)", max_length=100, required=False)
    email = _text("Corrected e-mail address (rectification only)", max_length=254, required=False)
    phone = _text("Corrected phone number (rectification only)", max_length=40, required=False)
    postcode = _text("Corrected postcode (rectification only)", max_length=12, required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        corrections = {
            k: data.pop(k) for k in ("first_name", "last_name", "email", "phone", "postcode")
        }
        return {**data, "corrections": corrections}


class RightsRefuseForm(Form):
    decided_on = DateField(
        label="Date it was refused", message="Enter the date it was refused", today=True
    )
    reason = _radios(
        "Reason the law allows refusal",
        RefusalReason.choices,
        message="Select the reason the law allows refusal",
    )
    outcome = forms.CharField(
        label="What the person was told",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": "Enter what the person was told"},
    )


class RightsLiftForm(Form):
    lifted_on = DateField(
        label="Date the restriction was lifted",
        message="Enter the date the restriction was lifted",
        today=True,
    )
    reason = forms.CharField(
        label="Why it is lifted, and when the person was told",
        help_text="The person must be told before a restriction is lifted (UK GDPR art. 18(3)).",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": "Enter why the restriction is lifted"},
    )
