"""Forms of the pool's pages. They check what a person typed; the rules are the services'."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from harken import access
from harken.accounts.models import User
from harken.cases.models import AppointmentRole
from harken.registers.forms import (
    DateField,
    FilterForm,
    Form,
    MoneyField,
    _any,
    _area,
    _radios,
    _text,
)

from .models import FeeBasis, Organisation, PartnerOutcome, PoolEntry, PoolRole, Sharing

YES_NO = [("yes", "Yes"), ("no", "No")]


class PoolFilterForm(FilterForm):
    name = forms.CharField(label="Name", required=False, max_length=120)
    role = forms.ChoiceField(
        label="Role", required=False, choices=_any("Any role", PoolRole.choices)
    )
    sharing = forms.ChoiceField(
        label="Whose pool", required=False, choices=_any("Any pool", Sharing.choices)
    )
    organisation_kind = forms.ChoiceField(
        label="Works for", required=False, choices=_any("Anyone", Organisation.choices)
    )
    available = forms.BooleanField(label="Only those available now", required=False)
    dbs_lapsed = forms.BooleanField(
        label="Only those whose DBS check is over three years old or missing", required=False
    )
    include_left = forms.BooleanField(label="Include those who have left the pool", required=False)


class AccountChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


class PoolEntryForm(Form):
    name = _text("Name", max_length=120, message="Enter the name")
    organisation_kind = _radios(
        "Who they work for", Organisation.choices, message="Select who they work for"
    )
    organisation = _text(
        "Organisation",
        max_length=200,
        required=False,
        help_text="The council or charity, or their business name",
    )
    employed_by_council = _radios(
        "Employed by this council",
        YES_NO,
        message="Select whether they are employed by this council",
        help_text="An Independent Person or review panel member must not be (reg 2 of the "
        "2006 Regulations)",
    )
    roles = forms.MultipleChoiceField(
        label="Roles they can take",
        choices=PoolRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role they can take"},
    )
    email = _text("E-mail address", max_length=254, required=False)
    phone = _text("Phone number", max_length=40, required=False)
    address = _area("Address", max_length=500, required=False)
    available = _radios(
        "Available for appointments now", YES_NO, message="Select whether they are available"
    )
    availability = _text(
        "Availability",
        max_length=500,
        required=False,
        help_text="For example: not on Fridays; away in August",
    )
    day_rate = MoneyField(label="Day rate", required=False)
    fixed_fee = MoneyField(label="Fixed fee", required=False)
    dbs_checked_on = DateField(
        label="Date of the DBS check",
        required=False,
        help_text="Flagged when it is over three years old, for example 27 3 2024",
    )
    sharing = _radios("Whose pool they are in", Sharing.choices, message="Select whose pool")
    partner_council = _text(
        "Partner council",
        max_length=120,
        required=False,
        help_text="The council that provides them, or that they are lent to",
    )
    user = AccountChoiceField(
        label="Their account in Harken",
        queryset=User.objects.none(),
        required=False,
        empty_label="No account",
        help_text="With an account they sign in and see the stages they are appointed to",
    )

    fieldsets = (
        ("Who they are", ("name", "organisation_kind", "organisation", "employed_by_council")),
        ("Contact details", ("email", "phone", "address")),
        ("Fees", ("day_rate", "fixed_fee")),
        ("Shared pools", ("sharing", "partner_council")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True, role__in=access.roles_with(access.Perm.POOL_OWN)
            ).order_by("last_name", "first_name", "username")
        )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["employed_by_council"] = data["employed_by_council"] == "yes"
        data["available"] = data["available"] == "yes"
        return data

    @staticmethod
    def initial_for(entry: PoolEntry) -> dict[str, Any]:
        return {
            "name": entry.name,
            "organisation_kind": entry.organisation_kind,
            "organisation": entry.organisation,
            "employed_by_council": "yes" if entry.employed_by_council else "no",
            "roles": entry.roles,
            "email": entry.email,
            "phone": entry.phone,
            "address": entry.address,
            "available": "yes" if entry.available else "no",
            "availability": entry.availability,
            "day_rate": f"{entry.day_rate:.2f}" if entry.day_rate else "",
            "fixed_fee": f"{entry.fixed_fee:.2f}" if entry.fixed_fee else "",
            "dbs_checked_on": entry.dbs_checked_on,
            "sharing": entry.sharing,
            "partner_council": entry.partner_council,
            "user": entry.user_id,
        }


class PoolEntryChangeForm(PoolEntryForm):
    active = _radios(
        "Still in the pool", YES_NO, message="Select whether they are still in the pool"
    )

    def values(self) -> dict[str, Any]:
        data = super().values()
        data["active"] = data["active"] == "yes"
        return data

    @staticmethod
    def initial_for(entry: PoolEntry) -> dict[str, Any]:
        return {**PoolEntryForm.initial_for(entry), "active": "yes" if entry.active else "no"}


class TrainingForm(Form):
    course = _text("Course", max_length=200, message="Enter the name of the course")
    completed_on = DateField(
        label="Date completed",
        help_text="For example 27 3 2024",
        message="Enter the date the course was completed",
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PartnerAppointmentForm(Form):
    role = _radios("Role", [], message="Select the role")
    appointed_on = DateField(
        label="Date appointed",
        help_text="For example 27 3 2024",
        message="Enter the date appointed",
    )

    def __init__(self, *args: Any, entry: PoolEntry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, PoolRole(r).label) for r in entry.roles]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PartnerAppointmentEndForm(Form):
    ended_on = DateField(
        label="Date the appointment ended",
        help_text="For example 27 3 2024",
        message="Enter the date the appointment ended",
    )
    outcome = _radios(
        "How it ended", list(PartnerOutcome.choices), message="Select how the appointment ended"
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ChooseRoleForm(Form):
    """The appointment page's first question (GET): the role, so that it offers those free and
    eligible for it."""

    role = _radios("Role", [], message="Select the role")

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, AppointmentRole(r).label) for r in roles]  # type: ignore[attr-defined]


class DaysField(forms.CharField):
    """A number of days typed as text (GOV.UK: not a number input); the service judges it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = []  # the length is the text's, checked by the widget's maxlength

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError("The number of days must be a number, like 2.5") from exc


class PoolAppointForm(Form):
    pool_entry = forms.ChoiceField(
        label="Person appointed",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the person appointed",
            "invalid_choice": "Select the person appointed",
        },
    )
    on = DateField(label="Date appointed", message="Enter the date appointed", today=True)
    fee_basis = _radios("Fee", FeeBasis.choices, message="Select how the fee is worked out")
    days = DaysField(
        label="Number of days",
        required=False,
        max_length=6,
        help_text="For a fee at the day rate, in half days, for example 3.5",
    )

    def __init__(self, *args: Any, entries: list[PoolEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = {str(e.pk): e for e in entries}
        self.fields["pool_entry"].choices = [(k, str(e)) for k, e in self.entries.items()]  # type: ignore[attr-defined]
        self.fields["days"].widget.attrs["inputmode"] = "decimal"

    def chosen(self) -> PoolEntry:
        return self.entries[self.cleaned_data["pool_entry"]]
