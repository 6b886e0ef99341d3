"""Forms of the action-plan pages. They check what a person typed; the rules are the
services' (a refusal comes back as an ApplicationError and is shown beside its field)."""

from __future__ import annotations

from typing import Any

from django import forms

from harken import access
from harken.access import Perm
from harken.accounts.models import ServiceArea, Team, User
from harken.cases.models import Case
from harken.core.forms import DateField, GovukForm
from harken.registers.models import OmbudsmanCase

from .models import ActionStatus, Decision, Recommendation, Source
from .selectors import OUTSTANDING


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


def owners() -> Any:
    return User.objects.filter(
        is_active=True, role__in=access.roles_with(Perm.OWN_ACTIONS)
    ).order_by("last_name", "first_name", "username")


class RecommendationForm(GovukForm):
    source = forms.ChoiceField(
        label="Where did the recommendation come from?",
        choices=Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the recommendation came from"},
    )
    ombudsman_case = forms.ModelChoiceField(
        label="Ombudsman case",
        queryset=ServiceArea.objects.none(),
        required=False,
        empty_label="None recorded",
        help_text="Only for a recommendation from the Ombudsman.",
    )
    made_on = DateField(label="Date the recommendation was made")
    text = forms.CharField(
        label="Recommendation",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": "Enter the recommendation"},
    )
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.order_by("name"),
        required=False,
        empty_label="Choose a service area",
        help_text="Not needed if you choose a team: the team's service area is used.",
    )
    team = forms.ModelChoiceField(
        label="Team (optional)",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="No team",
    )
    decision = forms.ChoiceField(
        label="Has the council accepted it?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        initial=Decision.PENDING,
        error_messages={"required": "Choose whether the recommendation was accepted"},
    )
    decided_on = DateField(label="Date of the decision", required=False)
    decision_reason = forms.CharField(
        label="Reason it was not accepted",
        max_length=2000,
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A visit's recommendations are added on the visit's page (harken/homes), not a case's.
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            c for c in Source.choices if c[0] != Source.VISIT
        ]
        field = self.fields["ombudsman_case"]
        cases = OmbudsmanCase.objects.filter(case=case).order_by("pk")
        if not cases.exists():
            del self.fields["ombudsman_case"]
            return
        field.queryset = cases  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(recommendation: Recommendation) -> dict[str, Any]:
        return {
            "source": recommendation.source,
            "ombudsman_case": recommendation.ombudsman_case_id,
            "made_on": recommendation.made_on,
            "text": recommendation.text,
            "service_area": recommendation.service_area_id,
            "team": recommendation.team_id,
            "decision": recommendation.decision,
            "decided_on": recommendation.decided_on,
            "decision_reason": recommendation.decision_reason,
        }

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.setdefault("ombudsman_case", None)
        return data


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What will be done",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Describe the action"},
    )
    owner = OwnerChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Choose who owns the action",
        help_text="The manager or officer who makes sure it is done.",
        error_messages={"required": "Choose who owns the action"},
    )
    due_on = DateField(label="Due date", not_future=False, help_text="For example, 27 3 2027")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()  # type: ignore[attr-defined]


class ProgressForm(GovukForm):
    status = forms.ChoiceField(
        label="How is the action going?",
        choices=[
            (s.value, s.label)
            for s in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED)
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the action is going"},
    )
    progress = forms.CharField(
        label="Progress update (optional)", max_length=2000, widget=forms.Textarea, required=False
    )
    completed_on = DateField(
        label="Date the action was completed",
        required=False,
        help_text="Only if it is completed.",
    )
    evidence = forms.CharField(
        label="Evidence that it is complete",
        max_length=5000,
        widget=forms.Textarea,
        required=False,
        help_text="What shows it was done, for example the new procedure and where it is kept. "
        "Needed when the action is completed.",
    )


class CancelForm(GovukForm):
    cancel_reason = forms.CharField(
        label="Why is the action no longer needed?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Give the reason the action is cancelled"},
    )


STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    (OUTSTANDING, "Not started or in progress"),
    *ActionStatus.choices,
]


class ActionFilterForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTER_CHOICES, required=False)
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.order_by("name"),
        required=False,
        empty_label="Any service area",
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="Any team",
    )
    owner = OwnerChoiceField(
        label="Owner", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()  # type: ignore[attr-defined]
