"""Forms for the reports pages, in the GOV.UK pattern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from harken.core.forms import DateField
from harken.core.forms import GovukForm as CoreGovukForm

from .definitions import SECTIONS
from .periods import Period, PeriodError, preset, recent_presets

CUSTOM = "custom"


class GovukForm(CoreGovukForm):
    """Widgets render from the project's templates (the GOV.UK date input)."""

    default_renderer = TemplatesSetting


class PeriodForm(GovukForm):
    period = forms.ChoiceField(
        label="Period",
        required=False,
        help_text="Financial years run from April to March.",
    )
    start = DateField(
        label="From", required=False, not_future=False, help_text="For example, 1 4 2023"
    )
    end = DateField(
        label="To", required=False, not_future=False, help_text="For example, 30 9 2023"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)  # noqa: S101
        period.choices = [
            ("", "Choose a period"),
            *((p.key, p.label) for p in recent_presets()),
            (CUSTOM, "Other dates (enter them below)"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("period")
        if not choice:
            if data.get("start") or data.get("end"):
                choice = CUSTOM
            else:
                self.add_error("period", "Choose a period, or enter other dates")
                return data
        if choice != CUSTOM:
            try:
                data["report_period"] = preset(choice).period
            except PeriodError as exc:
                self.add_error("period", str(exc))
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", "Enter the first day of the period")
        if end is None and "end" not in self.errors:
            self.add_error("end", "Enter the last day of the period")
        if start and end:
            try:
                data["report_period"] = Period(start, end)
            except PeriodError as exc:
                self.add_error("end", str(exc))
        return data


class EditionForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the report"},
    )
    highlights = forms.CharField(
        label="Highlights",
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        help_text="Key achievements and areas of focus, shown at the start of the report.",
    )
    learning = forms.CharField(
        label="Learning and improvement",
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        help_text="What changed because of complaints and compliments.",
    )
    considerations = forms.CharField(
        label="Considerations for next year",
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        help_text="What the team will work on next, shown at the end of the report.",
    )


class ExampleForm(GovukForm):
    section = forms.ChoiceField(
        label="Section",
        choices=[("", "Choose a section"), *SECTIONS],
        error_messages={
            "required": "Choose the section the example goes in",
            "invalid_choice": "Choose the section the example goes in",
        },
    )
    heading = forms.CharField(
        label="Heading (optional)",
        required=False,
        max_length=120,
        help_text="For example, the team a compliment was about.",
    )
    text = forms.CharField(
        label="Example",
        max_length=5000,
        error_messages={"required": "Enter the example as it should appear"},
        widget=forms.Textarea,
        help_text=(
            "Write it in your own words, leaving out anything that could identify anyone. "
            "It appears in the report exactly as written."
        ),
    )
    case_reference = forms.CharField(
        label="Case it is drawn from (optional)",
        required=False,
        max_length=20,
        help_text="For the team's reference, for example HK-2023-00042. Never shown in the "
        "published edition.",
    )

    def clean_section(self) -> str:
        value = self.cleaned_data.get("section") or ""
        if not value:
            raise forms.ValidationError("Choose the section the example goes in")
        return value

    def clean_text(self) -> str:
        value = (self.cleaned_data.get("text") or "").strip()
        if not value:
            raise forms.ValidationError("Enter the example as it should appear")
        return value


class NewEditionForm(CoreGovukForm):
    start = forms.DateField(widget=forms.HiddenInput)
    end = forms.DateField(widget=forms.HiddenInput)
    title = forms.CharField(label="Title", max_length=200, required=False)
