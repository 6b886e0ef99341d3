"""The retention pages' forms: shapes only; the services hold the rules."""

from __future__ import annotations

from django import forms

from harken.core.forms import DateField, GovukForm

from .models import Basis, HoldReason


class RuleForm(GovukForm):
    basis = forms.ChoiceField(
        label="Counted from", choices=Basis.choices, widget=forms.RadioSelect, required=False
    )
    years = forms.CharField(
        label="Years",
        max_length=4,
        required=False,
        help_text="For a birthday, the age (75 for the 75th birthday).",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="Why is the rule changing?",
        max_length=500,
        required=False,
        widget=forms.Textarea,
        help_text="For example, the council's retention schedule approved on 4 January 2024.",
    )
    source = forms.CharField(
        label="Source (optional)",
        max_length=300,
        required=False,
        help_text="The guidance or decision the period comes from.",
    )


class HoldForm(GovukForm):
    case = forms.CharField(
        label="Case reference",
        max_length=60,
        required=False,
        help_text="For example, HK-2026-00042",
    )
    reason = forms.ChoiceField(
        label="Why is the case held?",
        choices=HoldReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    explanation = forms.CharField(
        label="Explain the hold",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="What it is for and when it may end. Do not name the child.",
    )


class ReleaseForm(GovukForm):
    release_reason = forms.CharField(
        label="Why is the hold released?", max_length=2000, required=False, widget=forms.Textarea
    )


class PreviewForm(GovukForm):
    due_on = DateField(
        label="What is due on",
        required=False,
        help_text="Leave empty for today. For example, 27 3 2026",
    )
