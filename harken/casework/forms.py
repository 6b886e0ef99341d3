"""Forms of the staff case-work pages. They check what a person typed; the rules are the
services' (a refusal comes back as an ApplicationError and is shown beside its field)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError

from harken import access
from harken.accounts.models import Team, User
from harken.cases import services
from harken.cases.models import (
    PANEL_ROLES,
    AppointmentRole,
    Channel,
    ContactPreference,
    Element,
    Kind,
    Outcome,
    PartyRole,
    Person,
    Referral,
    Relationship,
    Status,
    Theme,
)
from harken.cases.services import ElementInput, PersonInput
from harken.core.forms import DateField, GovukForm
from harken.core.web import whole_number
from harken.procedures.definitions import Milestone
from harken.procedures.models import Procedure

from . import selectors
from .selectors import ALL_STATUSES, SORTS, TAGS

if TYPE_CHECKING:
    from .actions import CaseState

YES_NO_UNKNOWN = [("", "Not known"), ("yes", "Yes"), ("no", "No")]


def _text(label: str, *, max_length: int, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def _area(label: str, *, max_length: int, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea, **kwargs
    )


def _user_label(user: User) -> str:
    return f"{user} ({user.get_role_display()})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


def procedure_choices() -> list[tuple[str, str]]:
    return [("", "Suggested from the team")] + [
        (p.code, p.name) for p in Procedure.objects.filter(active=True).order_by("name")
    ]


# --- Caseload filters -----------------------------------------------------------------------


class CaseloadFilterForm(GovukForm):
    """The caseload's filters (GET). Unknown or bad values are ignored, never a 500."""

    kind = forms.ChoiceField(label="Kind", required=False)
    procedure = forms.ChoiceField(label="Procedure", required=False)
    stage = forms.TypedChoiceField(
        label="Stage",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any stage"), ("1", "Stage 1"), ("2", "Stage 2"), ("3", "Stage 3")],
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            (Status.OPEN, "Open"),
            *[c for c in Status.choices if c[0] != Status.OPEN],
            (ALL_STATUSES, "Any status"),
        ],
    )
    tag = forms.ChoiceField(
        label="Deadline",
        required=False,
        choices=[("", "Any deadline")] + [(k, label) for k, (label, _) in TAGS.items()],
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    theme = forms.TypedChoiceField(label="Theme", required=False, coerce=int, empty_value=None)
    assigned = forms.ChoiceField(label="Assigned to", required=False)
    received_from = DateField(label="Received on or after", required=False, not_future=False)
    received_to = DateField(label="Received on or before", required=False, not_future=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    due_week = forms.BooleanField(label="Due this week", required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["kind"].choices = [("", "Any kind"), *Kind.choices]  # type: ignore[attr-defined]
        fields["procedure"].choices = [("", "Any procedure"), *procedure_choices()[1:]]  # type: ignore[attr-defined]
        teams = Team.objects.order_by("name")
        if not user.sees_all_cases and access.may(user, access.Perm.CASES_OF_TEAMS):
            teams = teams.filter(members=user)
        fields["team"].choices = [("", "Any team")] + [(t.pk, t.name) for t in teams]  # type: ignore[attr-defined]
        fields["theme"].choices = [("", "Any theme")] + [  # type: ignore[attr-defined]
            (t.pk, t.name) for t in Theme.objects.order_by("name")
        ]
        people = (
            selectors.staff_users(access.Perm.BE_ASSIGNED)
            if access.role_may(user.role, access.Perm.BE_ASSIGNED)
            else []
        )
        fields["assigned"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody"),
        ] + [(str(u.pk), str(u)) for u in people if u.pk != user.pk]

    def filters(self) -> selectors.CaseloadFilters:
        """The filters chosen; a field that does not validate is left out."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data.setdefault("status", Status.OPEN)
        if data["status"] != Status.OPEN:
            # Only open cases have deadlines; other lists come newest first.
            data.setdefault("sort", "-received")
        return selectors.CaseloadFilters(**data)


# --- Search ---------------------------------------------------------------------------------


class SearchForm(GovukForm):
    q = _text(
        "Reference, name or words",
        max_length=200,
        help_text="For example HK-2026-00042, a complainant's or child's name, or words from "
        "the complaint",
    )


# --- People ---------------------------------------------------------------------------------


class PersonDetailsForm(GovukForm):
    """A person's details: the same fields when a person is recorded and when changed."""

    first_name = _text("First name", max_length=100, required=False)
    last_name = _text("Last name", max_length=100, required=False)
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2012"
    )
    email = forms.EmailField(label="E-mail address", max_length=254, required=False)
    phone = _text("Phone", max_length=40, required=False)
    address = _area("Address", max_length=500, required=False)
    postcode = _text("Postcode", max_length=12, required=False)
    contact_preference = forms.ChoiceField(
        label="How they prefer to be contacted",
        required=False,
        choices=[("", "No preference"), *ContactPreference.choices],
    )
    accessibility_needs = _area(
        "Accessibility or communication needs", max_length=2000, required=False
    )
    language = _text("Language, if not English", max_length=60, required=False)
    looked_after = forms.BooleanField(label="Looked after by the council", required=False)
    care_leaver = forms.BooleanField(label="Care leaver", required=False)

    # The fields the person services take: one list (harken/cases/services/base.py).
    DETAIL_FIELDS = services.PERSON_FIELDS


class PersonForm(PersonDetailsForm):
    """A person on a case: someone already recorded (found by name, date of birth or e-mail)
    or a new person. Saving a new person who looks like someone recorded asks first."""

    NEW = "new"

    existing = forms.CharField(required=False)
    relationship = forms.ChoiceField(
        label="Relationship to the child", required=False, choices=[("", ""), *Relationship.choices]
    )
    child_knows = forms.ChoiceField(
        label="If complaining for a child, does the child know?",
        required=False,
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
    )
    # The order of the page (and so of the error summary).
    field_order = ["existing", "relationship", *PersonDetailsForm.DETAIL_FIELDS, "child_knows"]

    def __init__(
        self, *args: Any, user: User, role: str, required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.role = role  # "complainant", "child", or "any" (asked in the form)
        self.required = required
        self.matches: list[Person] = []
        if role == "child":
            for name in ("relationship", "child_knows"):
                del self.fields[name]
        else:
            self.fields["relationship"].label = "Their relationship to the child"
            self.fields["relationship"].choices = [("", "Not known"), *Relationship.choices]  # type: ignore[attr-defined]

    @property
    def has_name(self) -> bool:
        return bool(self.data.get(self.add_prefix("first_name"), "").strip()) or bool(
            self.data.get(self.add_prefix("last_name"), "").strip()
        )

    @property
    def chosen(self) -> str:
        return str(self.data.get(self.add_prefix("existing"), "") or "")

    def find(self) -> list[Person]:
        """People already recorded who may be this person (from what was typed so far)."""
        value = self.data.get
        dob = None
        try:
            dob = self.fields["date_of_birth"].clean(
                self.fields["date_of_birth"].widget.value_from_datadict(
                    self.data, self.files, self.add_prefix("date_of_birth")
                )
            )
        except ValidationError:
            dob = None
        self.matches = selectors.person_matches(
            user=self.user,
            first_name=str(value(self.add_prefix("first_name"), "")),
            last_name=str(value(self.add_prefix("last_name"), "")),
            date_of_birth=dob,
            email=str(value(self.add_prefix("email"), "")),
        )
        return self.matches

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = data.get("existing", "")
        if chosen and chosen != self.NEW:
            pk = whole_number(chosen)
            if pk is None or not access.visible_people(self.user).filter(pk=pk).exists():
                raise ValidationError("Choose one of the people found, or a new person.")
            self.find()
            return data
        if not (data.get("first_name") or data.get("last_name")):
            if self.required or chosen == self.NEW:
                self.add_error("last_name", "Enter the person's name.")
            return data
        if chosen != self.NEW and self.find():
            self.add_error(
                "existing",
                f"{len(self.matches)} people already recorded may be the same person: choose "
                "one, or choose to add a new person.",
            )
        return data

    def person_input(self) -> PersonInput | None:
        """What the services need to link (or create) this person; None when left blank."""
        data = self.cleaned_data
        chosen = data.get("existing", "")
        child_knows = {"yes": True, "no": False}.get(data.get("child_knows", ""))
        role = data.get("party_role") or self.role
        if role not in PartyRole.values:
            role = PartyRole.COMPLAINANT
        relationship = (
            Relationship.CHILD if role == PartyRole.CHILD else data.get("relationship", "")
        )
        if chosen and chosen != self.NEW:
            return PersonInput(
                role=role,
                relationship=relationship,
                person=access.visible_people(self.user).get(pk=int(chosen)),
                child_knows=child_knows,
            )
        if not (data.get("first_name") or data.get("last_name")):
            return None
        details = {name: data.get(name) for name in self.DETAIL_FIELDS}
        details = {k: ("" if v is None and k != "date_of_birth" else v) for k, v in details.items()}
        return PersonInput(
            role=role, relationship=relationship, child_knows=child_knows, details=details
        )


class AddPersonForm(PersonForm):
    """Add someone to a case that already exists (e.g. a second child)."""

    party_role = forms.ChoiceField(
        label="Their part in the case", choices=PartyRole.choices, widget=forms.RadioSelect
    )
    field_order = ["party_role"]

    def __init__(
        self,
        *args: Any,
        state: CaseState,
        user: User,
        params: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, user=user, role="any", required=True, **kwargs)
        self.state = state


# --- A new record ---------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


class NewCaseForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of record is it?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of record it is"},
    )
    channel = forms.ChoiceField(
        label="How was it received?",
        choices=[c for c in Channel.choices if c[0] != Channel.WEB],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how it was received"},
    )
    received_on = DateField(
        label="Date received",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it was received"},
    )
    summary = _text(
        "Summary", max_length=200, help_text="One line that says what it is about, for lists"
    )
    details = _area("What they said", max_length=20000, required=False)
    teams = forms.ModelMultipleChoiceField(
        label="Teams it is about",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    procedure = forms.ChoiceField(
        label="Procedure (complaints only)",
        required=False,
        help_text="Suggested from the team: children's social care teams follow the statutory "
        "children's procedure; education, early help and corporate teams the corporate one. "
        "Choose another to change it.",
    )
    elements = _area(
        "Points of complaint (complaints only)",
        max_length=5000,
        required=False,
        help_text="One point on each line; each gets its own outcome at every stage",
    )
    grounds_arose_on = DateField(
        label="Date the grounds of the complaint arose (if known)", required=False
    )
    late_complaint_reason = _area(
        "If it is more than 12 months later, why it is still considered",
        max_length=2000,
        required=False,
    )
    praised_worker = _text("Worker praised (compliments only)", max_length=200, required=False)
    assigned_to = UserChoiceField(
        label="Assign to", queryset=User.objects.none(), required=False, empty_label="Nobody yet"
    )
    restricted = forms.BooleanField(
        label="Restrict this record to people named on it",
        required=False,
        help_text="For example, when a member of staff complains",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = procedure_choices()  # type: ignore[attr-defined]
        self.fields["assigned_to"].queryset = selectors.staff_users(access.Perm.BE_ASSIGNED)  # type: ignore[attr-defined]

    def element_inputs(self) -> list[ElementInput]:
        data = self.cleaned_data
        if data.get("kind") != Kind.COMPLAINT:
            return []
        teams, themes = list(data.get("teams") or []), list(data.get("themes") or [])
        team = teams[0] if len(teams) == 1 else None
        theme = themes[0] if len(themes) == 1 else None
        return [
            ElementInput(summary=line, team=team, theme=theme)
            for line in _lines(data.get("elements", ""))
        ]


class ComplimentForm(GovukForm):
    """The quick log: a compliment in a few seconds, passed on at the same time if wanted."""

    text = _area("What they said", max_length=20000)
    praised_worker = _text("Worker praised", max_length=200, required=False)
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Not known",
    )
    from_name = _text("Who it is from (optional)", max_length=200, required=False)
    relationship = forms.ChoiceField(
        label="Who they are", required=False, choices=[("", "Not known"), *Relationship.choices]
    )
    channel = forms.ChoiceField(
        label="How it came in",
        choices=[c for c in Channel.choices if c[0] != Channel.WEB],
    )
    received_on = DateField(label="Date received")
    worker_email = forms.EmailField(
        label="Worker's e-mail address (optional)", max_length=254, required=False
    )
    pass_on = forms.BooleanField(
        label="Pass it on now by e-mail to the worker and the team's managers", required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("pass_on") and not data.get("worker_email") and not data.get("team"):
            self.add_error(
                "worker_email", "Enter the worker's e-mail address, or choose their team."
            )
        return data

    def person_inputs(self) -> list[PersonInput]:
        name = (self.cleaned_data.get("from_name") or "").strip()
        if not name:
            return []
        first, _, last = name.rpartition(" ")
        return [
            PersonInput(
                role="complainant",
                relationship=self.cleaned_data.get("relationship", ""),
                details={"first_name": first, "last_name": last},
            )
        ]


# --- Actions on a case ----------------------------------------------------------------------


class ActionForm(GovukForm):
    """A form for one action on a case; `state` is the case as the page shows it."""

    def __init__(
        self,
        *args: Any,
        state: CaseState,
        user: User,
        params: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.state = state
        self.actor = user
        self.params = params or {}  # the page's query string, e.g. which person to change
        self.setup()

    def setup(self) -> None:
        """Set choices that depend on the case."""


def on_field(label: str, *, today: bool = True) -> DateField:
    """The date an action happened: most are recorded the day they happen, so an empty form
    shows today (ADR 0125 lists the dates that do not)."""
    return DateField(label=label, today=today)


class AcknowledgeForm(ActionForm):
    acknowledged_on = on_field("Date acknowledged")


class OnForm(ActionForm):
    on = on_field("Date")
    date_label = "Date"

    def setup(self) -> None:
        self.fields["on"].label = self.date_label


class StatementForm(OnForm):
    date_label = "Date the statement of complaint was agreed"


class ResumeForm(OnForm):
    date_label = "Date the clock starts"


class PanelMetForm(OnForm):
    date_label = "Date the review panel met"


class PanelScheduleForm(ActionForm):
    on = DateField(
        label="Date the review panel is to meet",
        not_future=False,
        help_text="A plan: record the meeting once it has been held",
    )


class PanelReportForm(OnForm):
    date_label = "Date the panel's report was sent"


class ResolveForm(OnForm):
    date_label = "Date it was resolved"


class AnswerForm(OnForm):
    date_label = "Date it was answered"


class PauseForm(ActionForm):
    reason = _text(
        "Why the clock is held back",
        max_length=300,
        help_text="For example, an advocate is being arranged for the child",
    )


class ExtendForm(ActionForm):
    new_due_on = DateField(label="New response date", not_future=False)
    reason = _area("Reason for the extension", max_length=2000)
    complainant_told_on = on_field("Date the complainant was told")

    def setup(self) -> None:
        stage = self.state.stage
        if stage is not None and stage.due_on:
            latest = self.state.latest_extension_on
            hint = f"Now due {stage.due_on.day} {stage.due_on:%B %Y}."
            if latest:
                hint += f" It can be extended to {latest.day} {latest:%B %Y} at most."
            self.fields["new_due_on"].help_text = hint


class OutcomesForm(ActionForm):
    """A date and an outcome for every element of the complaint."""

    on = on_field("Date sent")

    def setup(self) -> None:
        spec = self.state.stage_def
        label = spec.response_label if spec else "response"
        self.fields["on"].label = f"Date the {label} was sent"
        for element in self.state.elements:
            self.fields[f"outcome_{element.pk}"] = forms.ChoiceField(
                label=f"Element {element.number}: {element.summary}",
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose an outcome for element {element.number}"},
            )

    def outcomes(self) -> dict[int, str]:
        return {
            element.pk: self.cleaned_data[f"outcome_{element.pk}"]
            for element in self.state.elements
            if self.cleaned_data.get(f"outcome_{element.pk}")
        }


class RespondForm(OutcomesForm):
    responder = UserChoiceField(
        label="Who sent it",
        queryset=User.objects.none(),
        required=False,
        empty_label="Me",
        help_text="The person who signed the response, if not you",
    )

    def setup(self) -> None:
        super().setup()
        self.fields["responder"].queryset = selectors.staff_users(access.Perm.BE_ASSIGNED)  # type: ignore[attr-defined]


class EscalateForm(ActionForm):
    # The request usually came by letter or e-mail days before, and its date starts the
    # next stage's clock: the officer types it.
    requested_on = on_field("Date the complainant asked", today=False)
    late_reason = _area(
        "If the request is late, why it is accepted", max_length=2000, required=False
    )

    def setup(self) -> None:
        stage = self.state.stage
        if stage is not None and stage.escalation_due_on:
            due = stage.escalation_due_on
            self.fields["late_reason"].help_text = (
                f"The last day to ask for stage {stage.number + 1} was "
                f"{due.day} {due:%B %Y}; a later request needs a reason."
            )


class AppointForm(ActionForm):
    user = UserChoiceField(label="Person appointed", queryset=User.objects.none())
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)
    on = on_field("Date appointed")

    def setup(self) -> None:
        self.fields["user"].queryset = selectors.staff_users(access.Perm.BE_APPOINTED)  # type: ignore[attr-defined]
        spec = self.state.stage_def
        roles = []
        if spec is not None:
            if spec.requires_investigating_officer or Milestone.IO_APPOINTED in spec.milestones:
                roles.append(AppointmentRole.INVESTIGATING_OFFICER)
            if spec.requires_independent_person or Milestone.IP_APPOINTED in spec.milestones:
                roles.append(AppointmentRole.INDEPENDENT_PERSON)
            if spec.panel_size:
                roles.extend(PANEL_ROLES)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]


class EndAppointmentForm(ActionForm):
    appointment = forms.ChoiceField(label="Appointment", widget=forms.RadioSelect)
    on = on_field("Date it ended")

    def setup(self) -> None:
        self.fields["appointment"].choices = [  # type: ignore[attr-defined]
            (str(a.pk), str(a)) for a in self.state.active_appointments
        ]

    def chosen(self) -> Any:
        wanted = int(self.cleaned_data["appointment"])
        return next(a for a in self.state.active_appointments if a.pk == wanted)


class ProgressForm(ActionForm):
    on = on_field("Date progressed")
    procedure = forms.ChoiceField(label="Procedure", required=False)
    elements = _area(
        "Points of complaint",
        max_length=5000,
        help_text="One point on each line; each gets its own outcome",
    )

    def setup(self) -> None:
        self.fields["procedure"].choices = procedure_choices()  # type: ignore[attr-defined]

    def element_inputs(self) -> list[ElementInput]:
        return [ElementInput(summary=line) for line in _lines(self.cleaned_data["elements"])]


class EndForm(ActionForm):
    on = on_field("Date")
    reason = _area("Reason", max_length=2000)
    date_label = "Date"

    def setup(self) -> None:
        self.fields["on"].label = self.date_label


class WithdrawForm(EndForm):
    date_label = "Date withdrawn"


class DiscontinueForm(EndForm):
    date_label = "Date discontinued"


class ReopenForm(ActionForm):
    reason = _area("Why it is reopened", max_length=2000)


class AssignForm(ActionForm):
    user = UserChoiceField(
        label="Assign to", queryset=User.objects.none(), required=False, empty_label="Nobody"
    )

    def setup(self) -> None:
        self.fields["user"].queryset = selectors.staff_users(access.Perm.BE_ASSIGNED)  # type: ignore[attr-defined]
        self.initial.setdefault("user", self.state.case.assigned_to_id)


class NoteForm(ActionForm):
    text = _area("Note", max_length=10000)


class VisitedInPersonForm(ActionForm):
    on = on_field("Date of the visit")
    notes = _area("What was agreed (optional)", max_length=2000, required=False)


class SafeguardingForm(ActionForm):
    raised_on = on_field("Date the concern was raised")
    description = _area("The concern", max_length=5000)
    referred_to = forms.ChoiceField(
        label="Where it was referred", choices=Referral.choices, widget=forms.RadioSelect
    )
    referred_on = DateField(label="Date of the referral", required=False)
    referral_reference = _text("Referral reference (if any)", max_length=60, required=False)


class ElementForm(ActionForm):
    summary = _area("Point of complaint", max_length=500)
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="None",
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="None",
    )

    def element_input(self) -> ElementInput:
        data = self.cleaned_data
        return ElementInput(summary=data["summary"], theme=data.get("theme"), team=data.get("team"))


def _theme_field(*, empty_label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=empty_label,
    )


def _team_field(*, empty_label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=empty_label,
    )


class _PointForm(ActionForm):
    """A form about one point of complaint (?element=<id>), among those that may change."""

    element = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def setup(self) -> None:
        points = {e.pk: e for e in self.state.changeable_elements}
        self.fields["element"].choices = [(pk, str(pk)) for pk in points]  # type: ignore[attr-defined]
        self.points = points
        wanted = str(self.data.get("element") or self.params.get("element", ""))
        self.point = points.get(whole_number(wanted) or 0)
        if self.point is not None and not self.is_bound:
            self.initial["element"] = self.point.pk
            self.start(self.point)

    def start(self, point: Element) -> None:
        """Set the form's first values from the point."""

    def chosen(self) -> Element:
        return self.points[self.cleaned_data["element"]]


class ChangePointForm(_PointForm):
    summary = _area("Point of complaint", max_length=500)
    theme = _theme_field(empty_label="None")
    team = _team_field(empty_label="None")
    field_order = ["element", "summary", "theme", "team"]

    def start(self, point: Element) -> None:
        self.initial.update(summary=point.summary, theme=point.theme_id, team=point.team_id)


class SplitPointForm(_PointForm):
    parts = _area(
        "The separate points",
        max_length=5000,
        help_text="One point on each line; the first keeps this point's number",
    )
    theme = _theme_field(empty_label="The same as this point")
    team = _team_field(empty_label="The same as this point")
    field_order = ["element", "parts", "theme", "team"]

    def start(self, point: Element) -> None:
        self.initial["parts"] = point.summary

    def part_inputs(self) -> list[ElementInput]:
        data = self.cleaned_data
        return [
            ElementInput(summary=line, theme=data.get("theme"), team=data.get("team"))
            for line in _lines(data["parts"])
        ]


class MergePointsForm(ActionForm):
    elements = forms.TypedMultipleChoiceField(
        label="Points to merge",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="The first chosen keeps its number",
    )
    summary = _area("The merged point", max_length=500)
    theme = _theme_field(empty_label="The first point's")
    team = _team_field(empty_label="The first point's")

    def setup(self) -> None:
        points = {e.pk: e for e in self.state.changeable_elements}
        self.fields["elements"].choices = [  # type: ignore[attr-defined]
            (pk, f"Point {e.number}: {e.summary}") for pk, e in points.items()
        ]
        self.points = points

    def chosen(self) -> list[Element]:
        return [self.points[pk] for pk in self.cleaned_data["elements"]]


class RestrictForm(ActionForm):
    restricted = forms.ChoiceField(
        label="Who can see this case?",
        choices=[
            ("yes", "Only the people named below (and you)"),
            ("no", "Everyone whose role lets them see it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who can see this case"},
    )
    people = UserMultipleChoiceField(
        label="People named",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def setup(self) -> None:
        self.fields["people"].queryset = selectors.staff_users(access.Perm.STAFF_PAGES)  # type: ignore[attr-defined]
        self.initial.setdefault("restricted", "yes" if self.state.case.restricted else "no")
        self.initial.setdefault("people", [u.pk for u in self.state.case.restricted_to.all()])
        kept = services.restriction_keeps(self.state.case)
        if kept:
            self.fields["people"].help_text = (
                f"{', '.join(str(u) for u in kept)} will stay named whatever you tick: "
                "they are appointed to the case or it is assigned to them."
            )


class OmbudsmanForm(ActionForm):
    involved = forms.ChoiceField(
        label="Is the Ombudsman involved?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the Ombudsman is involved"},
    )

    def setup(self) -> None:
        self.initial.setdefault("involved", "yes" if self.state.case.ombudsman_involved else "no")


class EditCaseForm(ActionForm):
    """The facts of the record that may change after it is recorded."""

    summary = _text("Summary", max_length=200)
    details = _area("What they said", max_length=20000, required=False)
    channel = forms.ChoiceField(
        label="How it was received", choices=Channel.choices, widget=forms.RadioSelect
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams it is about",
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.filter(active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    praised_worker = _text("Worker praised (compliments)", max_length=200, required=False)

    def setup(self) -> None:
        case = self.state.case
        for name in ("summary", "details", "channel", "praised_worker"):
            self.initial.setdefault(name, getattr(case, name))
        self.initial.setdefault("teams", [t.pk for t in case.teams.all()])
        self.initial.setdefault("themes", [t.pk for t in case.themes.all()])
        if case.kind != Kind.COMPLIMENT:
            del self.fields["praised_worker"]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class EditPersonForm(ActionForm, PersonDetailsForm):
    """Change the details of one of the people on the case (?person=<id>)."""

    person = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    field_order = ["person", *PersonDetailsForm.DETAIL_FIELDS]

    def setup(self) -> None:
        people = {party.person.pk: party.person for party in self.state.case.parties.all()}
        self.fields["person"].choices = [(pk, str(pk)) for pk in people]  # type: ignore[attr-defined]
        wanted = str(self.data.get("person") or self.params.get("person", ""))
        person = people.get(whole_number(wanted) or 0)
        if person is not None and not self.is_bound:
            self.initial["person"] = person.pk
            for name in PersonForm.DETAIL_FIELDS:
                self.initial[name] = getattr(person, name)
        self.people = people
        # Without a person chosen the page lists the people to choose from.
        self.person_shown = person

    def chosen(self) -> Person:
        return self.people[self.cleaned_data["person"]]

    def details(self) -> dict[str, Any]:
        return {
            name: (
                ""
                if self.cleaned_data[name] is None and name != "date_of_birth"
                else self.cleaned_data[name]
            )
            for name in PersonForm.DETAIL_FIELDS
        }


class PassOnForm(ActionForm):
    worker_email = forms.EmailField(label="Worker's e-mail address", max_length=254, required=False)
    managers = UserMultipleChoiceField(
        label="Managers of the team",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    on = on_field("Date passed on")

    def setup(self) -> None:
        managers = selectors.team_managers(self.state.case)
        self.fields["managers"].queryset = managers  # type: ignore[attr-defined]
        self.fields["managers"].label_from_instance = lambda u: f"{u} ({u.email})"  # type: ignore[attr-defined]
        self.initial.setdefault("managers", [u.pk for u in managers])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("worker_email") and not data.get("managers"):
            self.add_error(
                "worker_email", "Enter the worker's e-mail address, or choose a manager."
            )
        return data

    def recipients(self) -> list[str]:
        data = self.cleaned_data
        emails = [data["worker_email"]] if data.get("worker_email") else []
        emails += [u.email for u in data.get("managers") or []]
        return list(dict.fromkeys(e.lower() for e in emails))
