"""Forms for uploading, writing letters and editing letter templates (GOV.UK messages)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from harken.core.forms import GovukForm

from . import conf
from .filetypes import ACCEPTED_TEXT
from .models import LetterKind, LetterTemplate


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "missing": "Select a file",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text='For example, "Letter from the complainant" or "Notes of the home visit".',
        required=False,
        max_length=500,
        widget=forms.Textarea,
        error_messages={"max_length": "The description must be 500 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"It must be {ACCEPTED_TEXT}, smaller than {conf.max_upload_mb()}."


class LetterForm(GovukForm):
    template = forms.ModelChoiceField(
        label="Which letter do you want to write?",
        queryset=LetterTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select a letter template",
            "invalid_choice": "Select a letter template",
        },
    )
    text = forms.CharField(
        label="Text for this letter (optional)",
        help_text="Shown where the template has {{ letter.text }}: for example your findings on "
        "each point, or the reason a request cannot be accepted. Leave a blank line between "
        "paragraphs.",
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        error_messages={"max_length": "The text must be 10,000 characters or fewer"},
    )

    def __init__(self, *args: Any, templates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["template"])
        field.queryset = templates if templates is not None else LetterTemplate.objects.none()


class _TemplateFields(GovukForm):
    """What every letter template has: a name, what it is for, whether it is in use."""

    name = forms.CharField(
        label="Name",
        max_length=120,
        error_messages={
            "required": "Enter a name for the template",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What is the letter for?",
        choices=LetterKind.choices,
        error_messages={
            "required": "Choose what the letter is for",
            "invalid_choice": "Choose what the letter is for",
        },
    )
    active = forms.BooleanField(
        label="In use (offered when writing a letter)", required=False, initial=True
    )


class LetterTemplateForm(_TemplateFields):
    """A template written in Harken: its wording, with placeholders."""

    field_order = ["name", "kind", "body", "active"]

    body = forms.CharField(
        label="Wording",
        help_text="Placeholders such as {{ stage.due_on }} are filled in from the case; see the "
        "list below. Leave a blank line between paragraphs. Start a line with ## for a heading "
        "and with - for a bullet point. Put {% if %} and {% for %} tags on lines of their own.",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={
            "required": "Enter the letter's wording",
            "max_length": "The wording must be 20,000 characters or fewer",
        },
    )


class WordTemplateForm(_TemplateFields):
    """A Word letter template: a name, what it is for, and the .docx (a new version's file)."""

    field_order = ["name", "kind", "file", "active"]

    file = forms.FileField(
        label="Word template",
        help_text="A Word document (.docx) with merge fields such as {{ stage.due_on }}; see "
        "the list below. Documents with macros (.docm) are not accepted.",
        error_messages={
            "required": "Select a Word template (.docx)",
            "empty": "The selected file is empty",
            "invalid": "Select a Word template (.docx)",
            "missing": "Select a Word template (.docx)",
        },
    )

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new:
            field = self.fields["file"]
            field.required = False
            field.label = "Upload a new version (optional)"
            field.help_text = (
                "A Word document (.docx) with merge fields. Leave it empty to keep the current "
                "file and change only the name, what it is for or whether it is in use."
            )
