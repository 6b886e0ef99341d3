"""Forms of the register pages. They check what a person typed; the rules are the services'
(a refusal comes back as an ApplicationError and is shown beside its field)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from harken.cases.models import Case, CaseParty, Person
from harken.core.errors import ApplicationError
from harken.core.forms import DateField as CoreDateField
from harken.core.forms import GovukForm, add_service_error

from .models import (
    AdvocacyOutcome,
    AdvocacyProvider,
    ContactRestriction,
    CostRole,
    OmbudsmanCase,
    OmbudsmanDecision,
    OmbudsmanRemedy,
    PaymentKind,
    RemedyKind,
    SarPauseReason,
)


class Form(GovukForm):
    """A form whose widgets render with the project's templates (the GOV.UK date input).

    `fieldsets` groups fields under a legend: (legend, (field names...)).
    """

    default_renderer = TemplatesSetting
    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def groups(self) -> list[dict[str, Any]]:
        """The fields in order, those of a fieldset together under its legend."""
        placed: set[str] = set()
        out: list[dict[str, Any]] = []
        for name in self.fields:
            if name in placed:
                continue
            fieldset = next((fs for fs in self.fieldsets if name in fs[1]), None)
            if fieldset is None:
                out.append({"field": self[name]})
                continue
            legend, names = fieldset
            placed.update(names)
            out.append({"legend": legend, "fields": [self[n] for n in names if n in self.fields]})
        return out


def _messages(label: str, message: str | None, max_length: int | None = None) -> dict[str, str]:
    """GOV.UK error messages: what to do, naming the field."""
    messages = {"required": message or f"Enter {label[0].lower()}{label[1:]}"}
    if max_length:
        messages["max_length"] = f"{label} must be {max_length} characters or fewer"
    return messages


def _text(
    label: str, *, max_length: int, required: bool = True, message: str | None = None, **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages=_messages(label, message, max_length),
        **kwargs,
    )


def _area(
    label: str, *, max_length: int, required: bool = True, message: str | None = None, **kwargs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea,
        error_messages=_messages(label, message, max_length),
        **kwargs,
    )


def _radios(
    label: str, choices: Any, *, required: bool = True, message: str | None = None, **kwargs: Any
) -> forms.ChoiceField:
    select = message or f"Select {label[0].lower()}{label[1:]}"
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": select, "invalid_choice": select},
        **kwargs,
    )


class DateField(CoreDateField):
    """The GOV.UK date input, with the message for a missing date given (`message`)."""

    def __init__(self, *, message: str | None = None, **kwargs: Any) -> None:
        if message:
            kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "required": message}
        super().__init__(**kwargs)


class MoneyField(forms.CharField):
    """An amount in pounds typed as text (GOV.UK: not a number input): "1,300" or "£1300.00"."""

    def __init__(self, *, message: str | None = None, **kwargs: Any) -> None:
        self.missing_message = message
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "In pounds and pence, for example 1300.00")
        super().__init__(**kwargs)
        self.validators = []  # the length is checked on the text, in to_python
        self.widget.attrs["inputmode"] = "decimal"
        self.widget.attrs["spellcheck"] = "false"

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().to_python(value) or "").replace("£", "").replace(",", "").strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(f"{self.label} must be an amount of money, like 150.00") from exc
        if not amount.is_finite():
            raise ValidationError(f"{self.label} must be an amount of money, like 150.00")
        return amount

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            label = str(self.label)
            raise ValidationError(self.missing_message or f"Enter {label[0].lower()}{label[1:]}")


class CountField(forms.IntegerField):
    """A whole number typed as text with the numeric keyboard (GOV.UK: not a number input)."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_value=10_000_000, **kwargs)
        self.widget.attrs["inputmode"] = "numeric"
        self.error_messages["invalid"] = f"{self.label} must be a whole number, like 12"
        self.error_messages["min_value"] = f"{self.label} must be 0 or more"
        self.error_messages["max_value"] = f"{self.label} is too large"


def show_error(
    form: forms.Form, exc: ApplicationError, aliases: dict[str, str] | None = None
) -> None:
    """A service's refusal beside the form's field (renamed where the form's differs)."""
    if aliases:
        errors: dict[str, list[str]] = {}
        for name, messages in exc.field_errors.items():
            target = name if name in form.fields else aliases.get(name, name)
            errors.setdefault(target, []).extend(messages)
        exc = ApplicationError(exc.message, field_errors=errors)
    add_service_error(form, exc)


# --- Choosing a person ----------------------------------------------------------------------

NEW = "new"
PERSON_ALIASES = {
    "person": "last_name",
    "child": "last_name",
    "requester": "last_name",
    "first_name": "last_name",
}


class PersonPickerMixin(GovukForm):
    """Who the record is about: someone on the case (`person`), or a new person by name.

    Without a case only the name boxes show. `person_role` limits the case's people, e.g. to
    children for an advocacy referral.
    """

    person_label = "Who is it about?"
    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    person_required = True
    person_children_only = False

    def add_person_fields(self, case: Case | None) -> None:
        self.parties: list[CaseParty] = []
        if case is not None:
            parties = case.parties.select_related("person").order_by("pk")
            if self.person_children_only:
                parties = parties.filter(role="child") | parties.filter(relationship="child")
            self.parties = list(parties.distinct())
        choices = [
            (str(p.person_id), f"{p.person.full_name} ({p.get_role_display().lower()})")
            for p in self.parties
        ]
        if choices:
            self.fields["person"] = _radios(
                "Someone on the case",
                [*choices, (NEW, "Someone else (enter their name below)")],
                required=False,
            )
        hint = "If it is someone else" if choices else ""
        self.fields["first_name"] = _text(
            "First name", max_length=100, required=False, help_text=hint
        )
        self.fields["last_name"] = _text("Last name", max_length=100, required=False)
        self.fieldsets = ((self.person_label, ("person", "first_name", "last_name")),)

    def clean_person_choice(self) -> None:
        data = self.cleaned_data
        chosen = data.get("person") or ""
        named = bool(
            (data.get("first_name") or "").strip() or (data.get("last_name") or "").strip()
        )
        if "person" in self.fields and not chosen:
            if not named and self.person_required:
                self.add_error("person", f"Select {self.person_noun()} or enter a name")
            return
        if (chosen in ("", NEW)) and not named and self.person_required:
            self.add_error("last_name", f"Enter {self.person_noun()}'s name")

    def person_noun(self) -> str:
        return "the person"

    def person_and_details(self) -> tuple[Person | None, dict[str, str] | None]:
        chosen = self.cleaned_data.get("person") or ""
        if chosen and chosen != NEW:
            for party in self.parties:
                if str(party.person_id) == chosen:
                    return party.person, None
        first = (self.cleaned_data.get("first_name") or "").strip()
        last = (self.cleaned_data.get("last_name") or "").strip()
        if first or last:
            return None, {"first_name": first, "last_name": last}
        return None, None


# --- Filters --------------------------------------------------------------------------------


def _any(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *[(str(k), str(v)) for k, v in choices]]


class FilterForm(Form):
    """A list page's filters (GET). Bad values show an error and are ignored, never a 500."""

    date_pairs: tuple[tuple[str, str], ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for start, end in self.date_pairs:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, "The end date must be the same as or after the start date")
                data.pop(end, None)
        return data

    def values(self) -> dict[str, Any]:
        """The valid values (an invalid field counts as not set)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k in self.fields}


def _from(label: str) -> DateField:
    return DateField(label=label, required=False, not_future=False)


class OmbudsmanFilterForm(FilterForm):
    decision = forms.ChoiceField(
        label="Decision", required=False, choices=_any("Any decision", OmbudsmanDecision.choices)
    )
    linked = forms.ChoiceField(
        label="Linked to a case",
        required=False,
        choices=[("", "Either"), ("case", "Linked to a case"), ("standalone", "Standalone")],
    )
    remedies_outstanding = forms.BooleanField(
        label="Only those with remedies not yet complied with", required=False
    )
    received_from = _from("Enquiry received from")
    received_to = _from("Enquiry received to")
    date_pairs = (("received_from", "received_to"),)


class PaymentFilterForm(FilterForm):
    kind = forms.ChoiceField(label="Kind", required=False, choices=_any("Any", PaymentKind.choices))
    recommended_by_ombudsman = forms.BooleanField(
        label="Only those the Ombudsman recommended", required=False
    )
    paid_from = _from("Paid from")
    paid_to = _from("Paid to")
    date_pairs = (("paid_from", "paid_to"),)


class CostFilterForm(FilterForm):
    role = forms.ChoiceField(label="For", required=False, choices=_any("Any", CostRole.choices))
    stage_number = forms.TypedChoiceField(
        label="Stage",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any stage"), ("1", "Stage 1"), ("2", "Stage 2"), ("3", "Stage 3")],
    )
    incurred_from = _from("Incurred from")
    incurred_to = _from("Incurred to")
    date_pairs = (("incurred_from", "incurred_to"),)


class RestrictionFilterForm(FilterForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any"),
            ("in_force", "In force"),
            ("review_due", "In force, review due"),
            ("ended", "Ended"),
        ],
    )
    decided_from = _from("Decided from")
    decided_to = _from("Decided to")
    date_pairs = (("decided_from", "decided_to"),)


class AdvocacyFilterForm(FilterForm):
    provider = forms.ChoiceField(
        label="Provider", required=False, choices=_any("Any", AdvocacyProvider.choices)
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=_any("Any", AdvocacyOutcome.choices)
    )
    referred_from = _from("Referred from")
    referred_to = _from("Referred to")
    date_pairs = (("referred_from", "referred_to"),)


class SarFilterForm(FilterForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any"),
            ("open", "Not yet answered"),
            ("overdue", "Overdue"),
            ("sent", "Answered"),
        ],
    )
    received_from = _from("Received from")
    received_to = _from("Received to")
    date_pairs = (("received_from", "received_to"),)


class FindCaseForm(Form):
    """Start a record from a case: its reference (GET)."""

    case = _text(
        "Case reference", max_length=20, required=False, help_text="For example HK-2024-00042"
    )


# --- Ombudsman ------------------------------------------------------------------------------

# The decision as one question: "upheld" splits on injustice.
DECISION_CHOICES = [
    (OmbudsmanDecision.IN_PROGRESS.value, "In progress (no decision yet)"),
    ("upheld_injustice", "Upheld with injustice"),
    ("upheld_no_injustice", "Upheld without injustice"),
    *[
        (value, label)
        for value, label in OmbudsmanDecision.choices
        if value not in (OmbudsmanDecision.IN_PROGRESS, OmbudsmanDecision.UPHELD)
    ],
]


def decision_initial(obj: OmbudsmanCase) -> str:
    if obj.decision == OmbudsmanDecision.UPHELD:
        return "upheld_no_injustice" if obj.injustice is False else "upheld_injustice"
    return obj.decision


class OmbudsmanForm(PersonPickerMixin, Form):
    person_label = "Who went to the Ombudsman?"

    ombudsman_reference = _text(
        "Ombudsman's reference",
        max_length=40,
        help_text="As on the Ombudsman's letter, for example 23 001 234",
        message="Enter the Ombudsman's reference",
    )
    summary = _text(
        "Summary",
        max_length=200,
        required=False,
        help_text="What the complaint is about, without names",
    )
    enquiry_received_on = DateField(
        label="Date the Ombudsman's enquiry was received",
        message="Enter the date the Ombudsman's enquiry was received",
    )
    response_due_on = DateField(label="Date our response is due", required=False, not_future=False)
    response_sent_on = DateField(label="Date our response was sent", required=False)
    decision = _radios(
        "Decision",
        DECISION_CHOICES,
        initial=OmbudsmanDecision.IN_PROGRESS,
        message="Select the Ombudsman's decision",
    )
    decision_on = DateField(label="Date of the decision", required=False)
    notes = _area("Notes", max_length=5000, required=False)

    def __init__(self, *args: Any, case: Case | None, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.creating = creating
        if creating:
            self.person_required = case is None
            self.add_person_fields(case)
        if case is not None:
            del self.fields["summary"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.creating:
            self.clean_person_choice()
        if self.case is None and "summary" in self.fields and not data.get("summary"):
            self.add_error("summary", "Enter a summary")
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        decision = data["decision"]
        injustice = None
        if decision.startswith("upheld"):
            injustice = decision == "upheld_injustice"
            decision = OmbudsmanDecision.UPHELD
        values = {
            "ombudsman_reference": data["ombudsman_reference"],
            "enquiry_received_on": data["enquiry_received_on"],
            "response_due_on": data["response_due_on"],
            "response_sent_on": data["response_sent_on"],
            "decision": decision,
            "decision_on": data["decision_on"],
            "injustice": injustice,
            "notes": data["notes"],
        }
        if "summary" in self.fields:
            values["summary"] = data["summary"]
        if self.creating:
            person, details = self.person_and_details()
            values["person"] = person
            values["person_details"] = details
        return values

    @staticmethod
    def initial_for(obj: OmbudsmanCase) -> dict[str, Any]:
        return {
            "ombudsman_reference": obj.ombudsman_reference,
            "summary": obj.summary,
            "enquiry_received_on": obj.enquiry_received_on,
            "response_due_on": obj.response_due_on,
            "response_sent_on": obj.response_sent_on,
            "decision": decision_initial(obj),
            "decision_on": obj.decision_on,
            "notes": obj.notes,
        }


class RemedyForm(Form):
    kind = _radios("Remedy", RemedyKind.choices, message="Select the kind of remedy")
    description = _area(
        "What was agreed",
        max_length=2000,
        required=False,
        help_text="Needed for a service improvement",
    )
    amount = MoneyField(
        label="Amount to pay",
        required=False,
        help_text="Payments only. In pounds and pence, for example 1300.00",
    )
    due_on = DateField(label="Date due", required=False, not_future=False)
    complied_on = DateField(label="Date we complied", required=False)
    evidence = _area(
        "Evidence of compliance",
        max_length=5000,
        required=False,
        help_text="What shows we did it, for example the letter or payment reference",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == RemedyKind.PAYMENT
            and data.get("amount") is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", "Enter the amount to pay")
        return data

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_for(obj: OmbudsmanRemedy) -> dict[str, Any]:
        return {
            "kind": obj.kind,
            "description": obj.description,
            "amount": f"{obj.amount:.2f}" if obj.amount is not None else "",
            "due_on": obj.due_on,
            "complied_on": obj.complied_on,
            "evidence": obj.evidence,
        }


# --- Payments and costs ---------------------------------------------------------------------


class OmbudsmanCaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.ombudsman_reference} ({obj.decision_label.lower()})"


class RemedyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} for Ombudsman case {obj.ombudsman_case.ombudsman_reference}"


class PaymentForm(Form):
    kind = _radios(
        "Kind of payment",
        PaymentKind.choices,
        initial=PaymentKind.COMPENSATION,
        message="Select the kind of payment",
    )
    amount = MoneyField(label="Amount paid", message="Enter the amount paid")
    paid_on = DateField(label="Date paid", message="Enter the date it was paid", today=True)
    reason = _area(
        "Reason",
        max_length=2000,
        help_text="Why it was paid. Do not include names",
        message="Enter the reason for the payment",
    )
    recommended_by_ombudsman = forms.BooleanField(
        label="The Ombudsman recommended this payment", required=False
    )
    ombudsman_case = OmbudsmanCaseChoice(
        label="Ombudsman case",
        required=False,
        queryset=OmbudsmanCase.objects.none(),
        empty_label="None",
    )
    remedy = RemedyChoice(
        label="Which remedy it pays",
        required=False,
        queryset=OmbudsmanRemedy.objects.none(),
        empty_label="None",
        help_text="Once the payments of a remedy reach its amount, it is marked complied with",
    )

    def __init__(
        self, *args: Any, case: Case | None, ombudsman_case: OmbudsmanCase | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            field = self.fields["ombudsman_case"]
            field.queryset = OmbudsmanCase.objects.filter(case=case).order_by("pk")  # type: ignore[attr-defined]
            if not field.queryset.exists():  # type: ignore[attr-defined]
                del self.fields["ombudsman_case"]
        else:
            del self.fields["ombudsman_case"]
        self.fixed_ombudsman_case = ombudsman_case
        remedies = OmbudsmanRemedy.objects.filter(kind=RemedyKind.PAYMENT).select_related(
            "ombudsman_case"
        )
        if ombudsman_case is not None:
            remedies = remedies.filter(ombudsman_case=ombudsman_case)
        elif case is not None:
            remedies = remedies.filter(ombudsman_case__case=case)
        else:
            remedies = remedies.none()
        self.fields["remedy"].queryset = remedies.order_by("pk")  # type: ignore[attr-defined]
        if not remedies.exists():
            del self.fields["remedy"]

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        if self.fixed_ombudsman_case is not None and "ombudsman_case" not in self.fields:
            values["ombudsman_case"] = self.fixed_ombudsman_case
        return values

    @staticmethod
    def initial_for(obj: Any) -> dict[str, Any]:
        return {
            "kind": obj.kind,
            "amount": f"{obj.amount:.2f}",
            "paid_on": obj.paid_on,
            "reason": obj.reason,
            "recommended_by_ombudsman": obj.recommended_by_ombudsman,
            "ombudsman_case": obj.ombudsman_case_id,
            "remedy": obj.remedy_id,
        }


class CostForm(Form):
    role = _radios(
        "What the cost was for", CostRole.choices, message="Select what the cost was for"
    )
    stage_number = forms.TypedChoiceField(
        label="Stage", coerce=int, required=False, empty_value=None
    )
    amount = MoneyField(label="Amount", message="Enter the amount")
    incurred_on = DateField(
        label="Date of the cost",
        help_text="The invoice date, for example 27 3 2024",
        message="Enter the date of the cost",
    )
    supplier = _text("Paid to", max_length=200, required=False, help_text="The contractor or firm")
    invoice_reference = _text("Invoice reference", max_length=60, required=False)
    notes = _area("Notes", max_length=2000, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        numbers = list(case.stages.order_by("number").values_list("number", flat=True))
        self.fields["stage_number"].choices = [("", "Not a particular stage")] + [  # type: ignore[attr-defined]
            (str(n), f"Stage {n}") for n in numbers
        ]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_for(obj: Any) -> dict[str, Any]:
        return {
            "role": obj.role,
            "stage_number": obj.stage_number,
            "amount": f"{obj.amount:.2f}",
            "incurred_on": obj.incurred_on,
            "supplier": obj.supplier,
            "invoice_reference": obj.invoice_reference,
            "notes": obj.notes,
        }


# --- Restrictions ---------------------------------------------------------------------------


class RestrictionForm(PersonPickerMixin, Form):
    person_label = "Whose contact is restricted?"

    decision_on = DateField(
        label="Date of the decision", message="Enter the date of the decision", today=True
    )
    reason = _area(
        "Reason for the decision", max_length=5000, message="Enter the reason for the decision"
    )
    restrictions = _area(
        "Restrictions",
        max_length=5000,
        help_text="For example: contact only by e-mail to one named officer; calls not taken",
        message="Describe the restrictions on contact",
    )
    single_point_of_contact = _text(
        "Single point of contact",
        max_length=200,
        required=False,
        help_text="The officer they should contact",
    )
    letter_issued_on = DateField(label="Date the letter was issued", required=False)
    review_on = DateField(label="Review date", required=False, not_future=False)
    reviewed_on = DateField(label="Date last reviewed", required=False)

    def __init__(self, *args: Any, case: Case | None, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            self.add_person_fields(case)
            del self.fields["reviewed_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.creating:
            self.clean_person_choice()
        return data

    def values(self) -> dict[str, Any]:
        values = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("person", "first_name", "last_name")
        }
        if self.creating:
            values["person"], values["person_details"] = self.person_and_details()
        return values

    @staticmethod
    def initial_for(obj: ContactRestriction) -> dict[str, Any]:
        return {
            name: getattr(obj, name)
            for name in (
                "decision_on",
                "reason",
                "restrictions",
                "single_point_of_contact",
                "letter_issued_on",
                "review_on",
                "reviewed_on",
            )
        }


class RestrictionEndForm(Form):
    ended_on = DateField(
        label="Date the restrictions end",
        message="Enter the date the restrictions end",
        not_future=False,
        today=True,
        help_text="They no longer apply from this day",
    )
    end_reason = _area("Why they end", max_length=2000, message="Enter why the restrictions end")

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# --- Advocacy -------------------------------------------------------------------------------


class AdvocacyForm(PersonPickerMixin, Form):
    person_label = "Which child?"
    person_children_only = True

    referred_on = DateField(
        label="Date referred", message="Enter the date of the referral", today=True
    )
    provider = _radios(
        "Advocacy provider",
        AdvocacyProvider.choices,
        message="Select in-house or independent advocacy",
    )
    provider_name = _text(
        "Provider's name",
        max_length=200,
        required=False,
        help_text="For example the independent advocacy service",
    )
    outcome = _radios(
        "Outcome",
        AdvocacyOutcome.choices,
        initial=AdvocacyOutcome.PENDING,
        message="Select the outcome",
    )
    outcome_on = DateField(label="Date of the outcome", required=False)
    outcome_notes = _area("About the outcome", max_length=2000, required=False)

    def __init__(self, *args: Any, case: Case | None, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            self.add_person_fields(case)

    def person_noun(self) -> str:
        return "the child"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.creating:
            self.clean_person_choice()
        return data

    def values(self) -> dict[str, Any]:
        values = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("person", "first_name", "last_name")
        }
        if self.creating:
            values["child"], values["child_details"] = self.person_and_details()
        return values

    @staticmethod
    def initial_for(obj: Any) -> dict[str, Any]:
        return {
            name: getattr(obj, name)
            for name in (
                "referred_on",
                "provider",
                "provider_name",
                "outcome",
                "outcome_on",
                "outcome_notes",
            )
        }


# --- Subject access requests ----------------------------------------------------------------


class SarForm(Form):
    """A new request: who asked, whose data, when, and identity."""

    fieldsets = (
        ("Who made the request?", ("first_name", "last_name", "email")),
        (
            "Whose data, if not the requester's own",
            ("subject_first_name", "subject_last_name"),
        ),
    )

    first_name = _text("First name", max_length=100, required=False)
    last_name = _text("Last name", max_length=100, required=False)
    email = forms.EmailField(label="E-mail address", max_length=254, required=False)
    subject_first_name = _text("First name", max_length=100, required=False)
    subject_last_name = _text("Last name", max_length=100, required=False)
    received_on = DateField(
        label="Date the request was received", message="Enter the date the request was received"
    )
    identity_verified_on = DateField(
        label="Date identity was verified",
        required=False,
        help_text="Leave empty if it is still to be checked: the month then runs from verification",
    )
    description = _area("What they asked for", max_length=5000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not ((data.get("first_name") or "").strip() or (data.get("last_name") or "").strip()):
            self.add_error("last_name", "Enter the requester's name")
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        requester = {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
        }
        if data.get("email"):
            requester["email"] = data["email"]
        subject = None
        if (data.get("subject_first_name") or "").strip() or (
            data.get("subject_last_name") or ""
        ).strip():
            subject = {
                "first_name": data["subject_first_name"].strip(),
                "last_name": data["subject_last_name"].strip(),
            }
        return {
            "requester_details": requester,
            "subject_details": subject,
            "received_on": data["received_on"],
            "identity_verified_on": data["identity_verified_on"],
            "description": data["description"],
        }


class SarUpdateForm(Form):
    received_on = DateField(
        label="Date the request was received", message="Enter the date the request was received"
    )
    identity_verified_on = DateField(label="Date identity was verified", required=False)
    description = _area("What they asked for", max_length=5000, required=False)
    pages_disclosed = CountField(label="Pages disclosed", required=False)
    redactions_count = CountField(label="Number of redactions", required=False)
    redactions = _area(
        "Redactions", max_length=5000, required=False, help_text="What was redacted and why"
    )
    sent_on = DateField(label="Date the response was sent", required=False)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_for(obj: Any) -> dict[str, Any]:
        return {
            name: getattr(obj, name)
            for name in (
                "received_on",
                "identity_verified_on",
                "description",
                "pages_disclosed",
                "redactions_count",
                "redactions",
                "sent_on",
            )
        }


class SarExtendForm(Form):
    reason = _area(
        "Why the request is complex",
        max_length=2000,
        message="Enter why the request is complex enough to extend",
    )
    requester_told_on = DateField(
        label="Date the requester was told of the extension",
        message="Enter the date the requester was told of the extension",
        today=True,
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SarPauseForm(Form):
    reason = _radios(
        "Why the clock is paused",
        SarPauseReason.choices,
        message="Select why the clock is paused: identity or clarification",
    )
    started_on = DateField(
        label="Date the requester was asked",
        message="Enter the date the requester was asked",
        today=True,
        help_text="The clock stops on this day and restarts when their reply arrives.",
    )
    note = _area("What was asked (optional)", max_length=2000, required=False)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SarResumeForm(Form):
    ended_on = DateField(
        label="Date the requester's reply arrived",
        message="Enter the date the requester's reply arrived",
        today=True,
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
