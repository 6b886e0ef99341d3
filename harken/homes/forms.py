"""Forms of the homes, visits and drop-ins pages. They check what a person typed; the rules are
the services' (a refusal comes back as an ApplicationError and is shown beside its field)."""

from __future__ import annotations

from typing import Any

from django import forms

from harken import access
from harken.access import Perm
from harken.accounts.models import ServiceArea, Team, User
from harken.cases.models import Referral
from harken.core.forms import DateField, GovukForm
from harken.registers.models import AdvocacyProvider

from .models import Home, Opinion, Ownership, Triage

YES_NO = [("yes", "Yes"), ("no", "No")]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class HomeFilterForm(GovukForm):
    name = forms.CharField(label="Name or Ofsted URN", max_length=200, required=False)
    ownership = forms.ChoiceField(
        label="Run by",
        choices=[("", "Any"), *list(Ownership.choices)],
        required=False,
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(
        label="Open or closed",
        choices=[("", "Any"), ("open", "Open"), ("closed", "Closed")],
        required=False,
        widget=forms.RadioSelect,
    )


class HomeForm(GovukForm):
    name = forms.CharField(label="Name of the home", max_length=200)
    provider = forms.CharField(
        label="Provider", max_length=200, help_text="The organisation that runs the home."
    )
    ownership = forms.ChoiceField(
        label="Who runs the home?", choices=Ownership.choices, widget=forms.RadioSelect
    )
    ofsted_urn = forms.CharField(
        label="Ofsted URN",
        max_length=12,
        help_text="SC and six digits, like SC123456, or six or seven digits.",
    )
    registered_manager = forms.CharField(
        label="Registered manager (optional)", max_length=200, required=False
    )
    places = forms.CharField(label="Number of places", max_length=4)
    opened_on = DateField(label="Date the home opened", help_text="For example, 4 1 2020")
    closed_on = DateField(label="Date the home closed (optional)", required=False)
    teams = forms.ModelMultipleChoiceField(
        label="Teams responsible for the home (optional)",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="If the council lets managers see their teams' homes, these teams' managers "
        "see this home, its visits and drop-ins (read only).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["places"].widget.attrs["inputmode"] = "numeric"

    @staticmethod
    def initial_for(home: Home) -> dict[str, Any]:
        return {
            "name": home.name,
            "provider": home.provider,
            "ownership": home.ownership,
            "ofsted_urn": home.ofsted_urn,
            "registered_manager": home.registered_manager,
            "places": home.places,
            "opened_on": home.opened_on,
            "closed_on": home.closed_on,
            "teams": list(home.teams.all()),
        }


def pool_visitors() -> Any:
    from harken.pool.models import PoolEntry, PoolRole

    return PoolEntry.objects.filter(role_rows__role=PoolRole.INDEPENDENT_VISITOR).order_by(
        "name", "id"
    )


class VisitForm(GovukForm):
    visited_on = DateField(label="Date of the visit", help_text="For example, 4 1 2026")
    visitor = forms.ModelChoiceField(
        label="Independent visitor from the pool (optional)",
        queryset=Home.objects.none(),
        required=False,
        empty_label="Not in the pool",
        help_text="A visitor in the pool with an account sees this visit when they sign in, "
        "and can upload its report.",
    )
    visitor_name = forms.CharField(
        label="Independent visitor's name",
        max_length=200,
        required=False,
        help_text="Leave empty to use the name of the visitor chosen from the pool.",
    )
    announced = forms.ChoiceField(
        label="Was the visit announced?", choices=YES_NO, widget=forms.RadioSelect
    )
    children_spoken_to = forms.CharField(
        label="Number of children spoken to", max_length=4, initial="0"
    )
    parents_spoken_to = forms.CharField(
        label="Number of parents spoken to", max_length=4, initial="0"
    )
    staff_spoken_to = forms.CharField(label="Number of staff spoken to", max_length=4, initial="0")
    safeguarded = forms.ChoiceField(
        label="In the visitor's opinion, are children effectively safeguarded?",
        choices=Opinion.choices,
        widget=forms.RadioSelect,
    )
    wellbeing_promoted = forms.ChoiceField(
        label="In the visitor's opinion, does the conduct of the home promote children's "
        "well-being?",
        choices=Opinion.choices,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="Summary (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea,
        help_text="Never name a child: the report itself holds the detail.",
    )
    report = forms.FileField(label="The visitor's report (optional)", required=False)
    sent_to_home_on = DateField(label="Date the report was sent to the home", required=False)
    sent_to_provider_on = DateField(
        label="Date the report was sent to the provider", required=False
    )
    sent_to_ofsted_on = DateField(
        label="Date the report was sent to Ofsted",
        required=False,
        help_text="Due by the end of the month after the visit.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = pool_visitors()  # type: ignore[attr-defined]
        for name in ("children_spoken_to", "parents_spoken_to", "staff_spoken_to"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["announced"] = data["announced"] == "yes"
        return data

    @staticmethod
    def initial_for(visit: Any) -> dict[str, Any]:
        return {
            "visited_on": visit.visited_on,
            "visitor": visit.visitor,
            "visitor_name": visit.visitor_name,
            "announced": "yes" if visit.announced else "no",
            "children_spoken_to": visit.children_spoken_to,
            "parents_spoken_to": visit.parents_spoken_to,
            "staff_spoken_to": visit.staff_spoken_to,
            "safeguarded": visit.safeguarded,
            "wellbeing_promoted": visit.wellbeing_promoted,
            "summary": visit.summary,
            "sent_to_home_on": visit.sent_to_home_on,
            "sent_to_provider_on": visit.sent_to_provider_on,
            "sent_to_ofsted_on": visit.sent_to_ofsted_on,
        }


class ReportForm(GovukForm):
    report = forms.FileField(
        label="The visit's report",
        help_text="A PDF or Word document. A new report replaces the one kept.",
        error_messages={"required": "Choose the report to upload"},
    )


def action_owners() -> Any:
    return User.objects.filter(
        is_active=True, role__in=access.roles_with(Perm.OWN_ACTIONS)
    ).order_by("last_name", "first_name", "username")


class RecommendationForm(GovukForm):
    text = forms.CharField(label="Recommendation", max_length=5000, widget=forms.Textarea)
    owner = UserChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Choose who owns it",
        help_text="The manager or officer who makes sure it is done.",
    )
    due_on = DateField(
        label="Date it is due",
        not_future=False,
        help_text="The timescale the visitor gave, for example 27 3 2027.",
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = action_owners()  # type: ignore[attr-defined]


def drop_in_officers() -> Any:
    return User.objects.filter(
        is_active=True, role__in=access.roles_with(Perm.HOMES_EDIT)
    ).order_by("last_name", "first_name", "username")


class DropInForm(GovukForm):
    home = forms.ModelChoiceField(
        label="Home (if it was at one of the homes)",
        queryset=Home.objects.filter(closed_on__isnull=True).order_by("name"),
        required=False,
        empty_label="Choose a home",
    )
    placement = forms.CharField(
        label="Or the placement or venue",
        max_length=200,
        required=False,
        help_text="For example, a foster placement or the youth centre: never a child's address.",
    )
    held_on = DateField(label="Date of the drop-in", today=True)
    officer = UserChoiceField(
        label="Officer", queryset=User.objects.none(), empty_label="Choose the officer"
    )
    young_people = forms.CharField(label="Number of young people who came", max_length=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = drop_in_officers()  # type: ignore[attr-defined]
        self.fields["young_people"].widget.attrs["inputmode"] = "numeric"


class IssueForm(GovukForm):
    summary = forms.CharField(
        label="The issue raised",
        max_length=2000,
        widget=forms.Textarea,
        help_text="Never name a child here.",
    )
    triage = forms.ChoiceField(
        label="What happens to it?", choices=Triage.choices, widget=forms.RadioSelect
    )
    passed_to = forms.ModelChoiceField(
        label="Team it was passed to",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Choose a team",
        help_text="If passed to the team.",
    )
    passed_to_person = forms.CharField(
        label="Who in the team (optional)", max_length=200, required=False
    )
    passed_on = DateField(label="Date it was passed on", required=False)
    child_first_name = forms.CharField(
        label="Young person's first name",
        max_length=100,
        required=False,
        help_text="For advocacy, a complaint or an initial contact: kept on that record only.",
    )
    child_last_name = forms.CharField(
        label="Young person's last name", max_length=100, required=False
    )
    advocacy_provider = forms.ChoiceField(
        label="Advocacy provider",
        choices=[("", "Choose the provider"), *AdvocacyProvider.choices],
        required=False,
        help_text="If advocacy was offered or referred.",
    )
    referred_to = forms.ChoiceField(
        label="Where the safeguarding concern was referred",
        choices=[("", "Choose where it was referred"), *Referral.choices],
        required=False,
        help_text="If it is a safeguarding concern.",
    )
    referred_on = DateField(label="Date of the referral", required=False)
    referral_reference = forms.CharField(
        label="Referral reference (optional)", max_length=60, required=False
    )

    def service_values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
