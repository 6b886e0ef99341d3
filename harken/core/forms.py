"""Form pieces that follow the GOV.UK Design System: date input, error messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

from .errors import ApplicationError


class DateWidget(forms.MultiWidget):
    """The GOV.UK date input: separate day, month and year boxes."""

    input_type = "date_parts"
    template_name = "includes/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        super().__init__(
            [
                forms.TextInput({**numeric, "class": numeric["class"] + " govuk-input--width-2"}),
                forms.TextInput({**numeric, "class": numeric["class"] + " govuk-input--width-2"}),
                forms.TextInput({**numeric, "class": numeric["class"] + " govuk-input--width-4"}),
            ],
            attrs,
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        # Django marks a field with errors aria-invalid; each box then gets the error style.
        widget["invalid"] = str(widget["attrs"].get("aria-invalid", "")) == "true"
        # An autocomplete token ("bday") becomes bday-day, bday-month and bday-year.
        token = widget["attrs"].get("autocomplete", "")
        for sub, part in zip(widget["subwidgets"], ("day", "month", "year"), strict=True):
            sub["autocomplete"] = f"{token}-{part}" if token else ""
        return context

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages."""

    widget = DateWidget

    def __init__(self, *, not_future: bool = True, today: bool = False, **kwargs: Any) -> None:
        """`today`: an empty form shows today's date (London), for a date that is usually
        today, like the day a response is sent; the person changes it when it is not."""
        self.not_future = not_future
        if today:
            from .dates import today as london_today

            kwargs.setdefault("initial", london_today)  # called each time the form is shown
        super().__init__(**kwargs)

    def _name(self) -> str:
        return str(self.label or "The date")

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        if not any(parts):
            return None
        missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
        if missing:
            raise ValidationError(f"{self._name()} must include a {' and a '.join(missing)}")
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self._name()} must be a real date")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"{self._name()} must be a real date") from exc
        return value

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            # A form's own wording (error_messages={"required": ...}) wins over the derived one.
            given = self.error_messages.get("required")
            default = forms.Field.default_error_messages["required"]
            if given is not None and str(given) != str(default):
                raise ValidationError(given, code="required")
            raise ValidationError(f"Enter {the_field(self._name())}", code="required")
        if value is not None and self.not_future:
            from .dates import today

            if value > today():
                raise ValidationError(f"{self._name()} must be today or in the past")


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: beside its field if the form has it."""
    placed = False
    for field, messages in error.field_errors.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


# --- Error messages that name the field, and select lists with a real prompt ---------------

# Django's own placeholder for "nothing chosen yet" in a select list.
DJANGO_EMPTY_LABEL = "---------"
# Codes whose message Django formats with %-parameters (so a "%" in a label must be doubled).
_PARAM_CODES = frozenset(
    {
        "invalid_choice",
        "invalid_pk_value",
        "max_length",
        "min_length",
        "max_value",
        "min_value",
        "step_size",
        "max_digits",
        "max_decimal_places",
        "max_whole_digits",
    }
)
_DETERMINERS = frozenset(
    {"a", "an", "the", "their", "your", "his", "her", "its", "any", "one", "all", "this", "these"}
)
# A label that starts with one of these is a clause ("What they said"), not a noun: no "the".
_CLAUSE_WORDS = frozenset({"what", "who", "why", "how", "when", "where", "which", "whether", "if"})
_TRAILING_PREPOSITIONS = frozenset({"to", "for", "by", "of", "from", "with", "on", "in", "at"})


def field_name(label: Any) -> str:
    """The field's label as it reads inside a sentence: "Date received" -> "date received"
    (an acronym such as "SAR" keeps its capitals; "(optional)" and a final colon go)."""
    text = str(label or "").replace("(optional)", "").strip().rstrip(":").strip()
    first = text.split()[0] if text.split() else ""
    if len(first) > 1 and first.isalpha() and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def the_field(label: Any) -> str:
    """The field named as the object of "Enter" or "Select": "the date received"."""
    name = field_name(label)
    first = name.split()[0].lower() if name.split() else ""
    if not first or first in _DETERMINERS or first in _CLAUSE_WORDS or first.endswith("'s"):
        return name
    return f"the {name}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_question(label: str) -> bool:
    return label.endswith("?")


def _choice_prompt(label: Any) -> str:
    """The first option of a select list: "Choose a team", "Choose an officer"."""
    name = field_name(label)
    words = name.split()
    if not words or _is_question(name) or words[-1].lower() in _TRAILING_PREPOSITIONS:
        return "Choose one"
    if words[0].lower() in _DETERMINERS:
        return f"Choose {name}"
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"Choose {article} {name}"


def _is_choice(field: forms.Field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField)


def govuk_error_messages(field: forms.Field, label: Any) -> dict[str, str]:
    """GOV.UK error messages for `field`, derived from its label: what to do, naming the field.

    "Enter date received", "Select how it was received", "Summary must be 200 characters or
    fewer". A question as a label ("How was it received?") is quoted rather than bent into a
    sentence. Only the codes the field can raise are returned.
    """
    raw = str(label or "").strip()
    name = field_name(raw)
    subject = f"The answer to “{raw}”" if _is_question(raw) else _sentence(name)
    object_ = f"an answer to “{raw}”" if _is_question(raw) else the_field(raw)
    select = f"Select {object_}"
    enter = f"Enter {object_}"
    messages: dict[str, str] = {}
    if isinstance(field, forms.FileField):
        messages |= {
            "required": select,
            "missing": select,
            "invalid": f"{subject} must be a file",
            "empty": f"{subject} is empty",
            "contradiction": f"Either select a new file for {object_} or remove it, not both",
        }
    elif isinstance(field, forms.BooleanField):
        messages["required"] = f"Select “{raw}” to continue" if raw else "Select the box"
    elif _is_choice(field) or isinstance(field, forms.MultipleChoiceField):
        messages |= {
            "required": select,
            "invalid_choice": f"{subject} must be one of the choices given",
            "invalid_pk_value": f"{subject} must be one of the choices given",
            "invalid_list": f"{subject} must be one of the choices given",
        }
    else:
        messages["required"] = enter
    messages |= _format_messages(field, subject, object_)
    messages |= _limit_messages(field, subject)
    return {
        code: message.replace("%", "%%") if code in _PARAM_CODES else message
        for code, message in messages.items()
    }


def _format_messages(field: forms.Field, subject: str, object_: str) -> dict[str, str]:
    """What to say when what was typed is not in the form the field takes."""
    messages: dict[str, str] = {}
    if isinstance(field, forms.EmailField):
        messages["invalid"] = f"Enter {object_} in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = f"Enter {object_} as a web address, like https://www.example.com"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{subject} must be a whole number, like 12"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{subject} must be a number, like 12.5"
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        messages["invalid"] = f"{subject} must be a real date"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{subject} must be a real time, like 14:30"
    elif isinstance(field, forms.MultiValueField):
        messages["incomplete"] = f"Enter all of {object_}"
        messages["invalid"] = f"{subject} is not in the correct format"
    return messages


def _limit_messages(field: forms.Field, subject: str) -> dict[str, str]:
    """What to say when what was typed is too long, too short, too large or too small."""
    messages: dict[str, str] = {}
    max_length = getattr(field, "max_length", None)
    if max_length and not isinstance(field, forms.FileField):
        messages["max_length"] = f"{subject} must be {max_length} characters or fewer"
    elif max_length:
        messages["max_length"] = f"The file's name must be {max_length} characters or fewer"
    min_length = getattr(field, "min_length", None)
    if min_length:
        messages["min_length"] = f"{subject} must be {min_length} characters or more"
    if getattr(field, "max_value", None) is not None:
        messages["max_value"] = f"{subject} must be {field.max_value} or less"  # type: ignore[attr-defined]
    if getattr(field, "min_value", None) is not None:
        messages["min_value"] = f"{subject} must be {field.min_value} or more"  # type: ignore[attr-defined]
    if isinstance(field, forms.DecimalField):
        messages["max_digits"] = f"{subject} must have {field.max_digits} digits or fewer"
        messages["max_decimal_places"] = (
            f"{subject} must have {field.decimal_places} decimal places or fewer"
        )
        messages["max_whole_digits"] = f"{subject} has too many digits before the decimal point"
    return messages


def _django_defaults(field: forms.Field) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return defaults


def govuk_field(field: forms.Field, name: str) -> None:
    """Give one field its GOV.UK messages and prompt, keeping any the field was given itself.

    A message is replaced only where it is still Django's own ("This field is required.");
    one a form wrote for the field (error_messages=..., or set in its __init__) stays, which
    is how a form overrides a derived wording that reads badly.
    """
    if getattr(field, "_govuk_done", False):
        return
    label = field.label if field.label is not None else pretty_name(name)
    defaults = _django_defaults(field)
    for code, message in govuk_error_messages(field, label).items():
        current = field.error_messages.get(code)
        if current is None or str(current) == str(defaults.get(code)):
            field.error_messages[code] = message
    if isinstance(field.widget, forms.Select) and not isinstance(
        field.widget, forms.SelectMultiple | forms.RadioSelect
    ):
        prompt = _choice_prompt(label)
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_EMPTY_LABEL:
                field.empty_label = prompt
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)  # type: ignore[arg-type]
            if (
                choices
                and choices[0][0] in ("", None)
                and choices[0][1] in ("", DJANGO_EMPTY_LABEL)
            ):
                field.choices = [(choices[0][0], prompt), *choices[1:]]
    field._govuk_done = True  # type: ignore[attr-defined]


class GovukFormMixin:
    """Every staff form's errors name the field and its select lists start with a prompt.

    Applied when the form is first validated or a field first rendered, so fields and choices
    a form's own __init__ adds or changes (after this mixin's) are covered too.
    """

    fields: dict[str, forms.Field]

    def _govuk_fields(self) -> None:
        for name, field in self.fields.items():
            govuk_field(field, name)

    def full_clean(self) -> None:
        self._govuk_fields()
        super().full_clean()  # type: ignore[misc]

    def __getitem__(self, name: str) -> Any:
        if name in self.fields:
            govuk_field(self.fields[name], name)
        return super().__getitem__(name)  # type: ignore[misc]


class GovukForm(GovukFormMixin, forms.Form):
    """The base of a staff (or public) form: see GovukFormMixin."""
