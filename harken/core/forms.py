"""Form pieces that follow the GOV.UK Design System: date input, error messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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

    def __init__(self, *, not_future: bool = True, **kwargs: Any) -> None:
        self.not_future = not_future
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
            raise ValidationError(f"Enter {self._name()[0].lower()}{self._name()[1:]}")
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
