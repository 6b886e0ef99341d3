"""Forms of the reminder pages."""

from __future__ import annotations

from typing import Any

from django import forms

from harken import access
from harken.accounts.models import User
from harken.core.forms import GovukForm

from .models import ReminderPreference
from .services import senior_manager_candidates


class PreferencesForm(GovukForm):
    daily_digest = forms.BooleanField(
        label=ReminderPreference._meta.get_field("daily_digest").verbose_name,
        help_text="Each working day: what is overdue and what is due in the next 2 working days.",
        required=False,
    )
    monthly_actions = forms.BooleanField(
        label=ReminderPreference._meta.get_field("monthly_actions").verbose_name,
        help_text="On the first working day of the month: the actions you own that are still open.",
        required=False,
    )
    overdue_summary = forms.BooleanField(
        label=ReminderPreference._meta.get_field("overdue_summary").verbose_name,
        help_text="On the first working day of the month: overdue actions by service area.",
        required=False,
    )

    def __init__(self, *args: Any, senior_manager: bool, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer only the reminders this person could get.
        if not access.role_may(role, access.Perm.DAILY_DIGEST):
            del self.fields["daily_digest"]
        if not access.role_may(role, access.Perm.OWN_ACTIONS):
            del self.fields["monthly_actions"]
        if not senior_manager:
            # Only senior managers get it: offering the choice to others would mislead.
            del self.fields["overdue_summary"]


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


class SeniorManagersForm(GovukForm):
    users = StaffChoiceField(
        label="Who gets the monthly overdue-actions summary?",
        help_text="Senior managers: each can still turn it off on their own reminders page.",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = senior_manager_candidates()  # type: ignore[attr-defined]


class SendForm(GovukForm):
    """Send an e-mail, a letter or a text from the case: to whom, how, what, with what."""

    party = forms.TypedChoiceField(label="Who to send it to", coerce=int, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label="How to send it", widget=forms.RadioSelect)
    template: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Letter template",
        queryset=None,
        required=False,
        help_text="“Draft from the template” fills in the subject and message above from it, "
        "with the case's details.",
    )
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        required=False,
        help_text="For an e-mail. The case reference is added if it is not in it, so that "
        "replies find the case.",
    )
    body = forms.CharField(
        label="Message",
        max_length=20000,
        required=False,
        widget=forms.Textarea,
        help_text="For an e-mail or a text message. A posted letter is the PDF chosen below.",
    )
    documents = forms.MultipleChoiceField(
        label="Documents to send",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Attached to an e-mail; a letter to post is one PDF letter from the case.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, case: Any, templates: Any = None, **kwargs: Any) -> None:
        from harken.documents.models import LetterTemplate

        from . import sending

        super().__init__(*args, **kwargs)
        recipients = sending.recipients(case)
        channels = sending.channels_available()
        documents = sending.sendable_documents(case)
        if templates is None:
            templates = LetterTemplate.objects.filter(active=True)
        self.fields["party"].choices = [  # type: ignore[attr-defined]
            (r.party_id, f"{r.name or 'Name not recorded'} ({r.role})") for r in recipients
        ]
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (c, {"email": "E-mail", "letter": "Post (a letter)", "sms": "Text message"}[c])
            for c in channels
        ]
        self.fields["documents"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), f"{d.filename} ({d.get_kind_display().lower()})") for d in documents
        ]
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
