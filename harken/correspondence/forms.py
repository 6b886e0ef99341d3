"""The inbox's forms: GOV.UK fields, messages naming the field. They hold no rule: the
services decide (harken/correspondence/services.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from harken.accounts.models import Team
from harken.casework.forms import procedure_choices
from harken.registers.forms import DateField, Form, _radios, _text

from .models import NotFeedbackReason
from .services import CONVERT_KINDS


class ConvertForm(Form):
    """Turn an e-mail into a new record in one step, prefilled from the message."""

    kind = _radios("What the e-mail is", list(CONVERT_KINDS.items()))
    summary = _text("Summary", max_length=200, message="Enter a summary")
    first_name = _text("First name", max_length=100, required=False)
    last_name = _text("Last name", max_length=100, required=False)
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        required=False,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.com"
        },
    )
    phone = _text("Phone number", max_length=40, required=False)
    received_on = DateField(
        label="Date received",
        message="Enter the date received",
        help_text="The day the e-mail arrived, London time.",
    )
    team = forms.ModelChoiceField(
        label="Team it is about (if known)",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
    )
    procedure = forms.ChoiceField(
        label="Procedure (complaints only)",
        required=False,
        help_text="Suggested from the team. Choose one if no team is chosen.",
    )

    def __init__(self, *args: Any, what: str = "e-mail", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = procedure_choices()  # type: ignore[attr-defined]
        if what != "e-mail":
            self.fields["kind"].label = f"What the {what} is"
            self.fields["received_on"].help_text = f"The day the {what} arrived, London time."


class AttachForm(Form):
    reference = _text(
        "Case reference",
        max_length=30,
        message="Enter the reference of the case to add the e-mail to",
        help_text="For example, HK-2026-00012.",
    )


class NotFeedbackForm(Form):
    reason = _radios("Why is this not feedback?", NotFeedbackReason.choices)
    note = _text("Details", max_length=500, required=False, widget=forms.Textarea({"rows": 3}))


class ReopenForm(Form):
    """A reply to a closed case: reopen it (the case workflow's own step decides whether)."""

    prefix = "reopen"  # the page's other forms have a "reason" too

    reason = _text(
        "Why the case is reopened",
        max_length=500,
        message="Enter why the case is reopened",
        widget=forms.Textarea({"rows": 3}),
    )


class NoActionForm(Form):
    """A reply to a closed case that needs nothing more: it stays on the case."""

    prefix = "no_action"  # the page's "Not feedback" form has a "note" too

    note = _text(
        "Why no action is needed (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
