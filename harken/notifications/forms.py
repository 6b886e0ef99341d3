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
