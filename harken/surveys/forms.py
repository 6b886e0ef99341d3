"""The survey's public form, built from its questions, and the staff forms."""

from __future__ import annotations

from typing import Any

from django import forms

from harken.accounts.models import Team
from harken.cases.models import Referral, Theme
from harken.core.forms import DateField, GovukForm

from .models import Audience, Decision, InvitationChannel, Question, QuestionKind, Survey

YES_NO = (("yes", "Yes"), ("no", "No"))


def _scale_choices(question: Question, child: bool) -> list[tuple[str, str]]:
    low = question.low_label or ("Very unhappy" if child else "Very dissatisfied")
    high = question.high_label or ("Very happy" if child else "Very satisfied")
    return [
        ("1", f"1: {low}"),
        ("2", "2"),
        ("3", "3"),
        ("4", "4"),
        ("5", f"5: {high}"),
    ]


class AnswerForm(GovukForm):
    """One field per question (`q<id>`); the service checks the answers again."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        child = survey.audience == Audience.CHILD
        from .services import live_questions

        self.questions = live_questions(survey)
        for q in self.questions:
            name = f"q{q.pk}"
            message = {"required": f"Answer '{q.text}'"}
            if q.kind == QuestionKind.SCALE:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    help_text=q.hint,
                    required=q.required,
                    choices=_scale_choices(q, child),
                    widget=forms.RadioSelect,
                    error_messages=message | {"invalid_choice": "Choose a number from 1 to 5."},
                )
            elif q.kind == QuestionKind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    help_text=q.hint,
                    required=q.required,
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    error_messages=message | {"invalid_choice": "Choose yes or no."},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text,
                    help_text=q.hint,
                    required=q.required,
                    max_length=5000,
                    widget=forms.Textarea,
                    error_messages=message | {"max_length": "Use 5,000 characters or fewer."},
                )

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class SendForm(GovukForm):
    audience = forms.ChoiceField(
        label="Which version",
        choices=[("", "Choose a version"), *Audience.choices],
        error_messages={"required": "Choose which version of the survey to send"},
    )
    channel = forms.ChoiceField(
        label="How to send it",
        choices=InvitationChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to send the survey"},
    )
    email = forms.ChoiceField(
        label="E-mail it to",
        required=False,
        help_text="Only for an e-mail: the people on the case with an e-mail address.",
    )

    def __init__(self, *args: Any, emails: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = [("", "Choose who to e-mail"), *emails]  # type: ignore[attr-defined]


class ImportForm(GovukForm):
    name = forms.CharField(
        label="Survey name",
        max_length=200,
        help_text="For example, Parents' survey after an assessment, July to September 2026",
        error_messages={"required": "Enter the survey name"},
    )
    file = forms.FileField(
        label="Survey returns file",
        help_text="A .csv or .xlsx file in the format described in the guidance",
        error_messages={"required": "Choose the survey returns file"},
    )


class TriageForm(GovukForm):
    decision = forms.ChoiceField(
        label="What becomes of this comment",
        choices=[c for c in Decision.choices if c[0] != Decision.UNTRIAGED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what becomes of this comment"},
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        required=False,
        queryset=Theme.objects.order_by("name"),
        empty_label="Choose a theme",
    )
    team = forms.ModelChoiceField(
        label="Team it was passed to",
        required=False,
        queryset=Team.objects.order_by("name"),
        empty_label="Choose a team",
    )
    person = forms.CharField(label="Who it was passed to", required=False, max_length=200)
    passed_on = DateField(label="Date it was passed on", required=False)
    referred_to = forms.ChoiceField(
        label="Where the concern was referred",
        required=False,
        choices=[("", "Choose where it was referred"), *Referral.choices],
        help_text="Only for a safeguarding concern on a case",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="For a safeguarding concern, describe it; for a new initial contact, a "
        "short summary (otherwise the comment's first words)",
    )


class InvitationFilterForm(GovukForm):
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[
            ("", "Any state"),
            ("open", "Waiting"),
            ("answered", "Answered"),
            ("expired", "Expired"),
        ],
    )


class CommentFilterForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        required=False,
        choices=[("", "Any decision"), *Decision.choices],
    )


# --- The administrator's pages: the surveys and their questions ------------------------------


class SurveyForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the survey's name"}
    )
    introduction = forms.CharField(
        label="Opening words",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="Shown at the top of the public page",
    )
    active = forms.BooleanField(
        label="Send this survey",
        required=False,
        help_text="Officers send the first survey of each version that is switched on",
    )


class QuestionForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of question"},
    )
    text = forms.CharField(
        label="Question",
        max_length=300,
        error_messages={"required": "Enter the question"},
    )
    hint = forms.CharField(
        label="Hint (optional)",
        required=False,
        max_length=300,
        help_text="Shown under the question, for example: Do not include your name",
    )
    low_label = forms.CharField(
        label="Words for 1 (optional)",
        required=False,
        max_length=60,
        help_text="Only for a satisfaction question, for example: Very dissatisfied",
    )
    high_label = forms.CharField(
        label="Words for 5 (optional)",
        required=False,
        max_length=60,
        help_text="Only for a satisfaction question, for example: Very satisfied",
    )
    required = forms.BooleanField(label="People must answer this question", required=False)

    def __init__(self, *args: Any, changing: Question | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if changing is not None:
            # A question's kind is fixed once made: its answers are stored by kind.
            del self.fields["kind"]
            if changing.kind != QuestionKind.SCALE:
                del self.fields["low_label"]
                del self.fields["high_label"]
