"""The questions of the online forms: one small form per page, GOV.UK error messages.

Every form shares a honeypot field (`website`) that people never see or reach. Every text
field has a length limit. Answers go into the session as plain JSON (`to_answers`) and come
back as initial values (`initial_from`) or as posted data to re-check (`data_from`).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from django import forms
from django.core.validators import EmailValidator

from harken.accounts.models import Team
from harken.core import text
from harken.core.dates import format_date
from harken.core.forms import DateField, GovukForm, govuk_field
from harken.core.text import Problem

HONEYPOT = "website"
NOT_SURE = "not_sure"
YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_NOT_SURE = [*YES_NO, (NOT_SURE, "I'm not sure")]
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()\-]+$")


def _text(
    label: str,
    *,
    max_length: int,
    required: bool = True,
    required_message: str = "",
    help_text: str = "",
    what: str = "",
    widget: forms.Widget | None = None,
) -> forms.CharField:
    """A text answer with the GOV.UK messages for missing and too long."""
    noun = what or label.rstrip("?").rstrip()
    return TextField(
        label=label,
        widget=widget,
        max_length=max_length,
        required=required,
        help_text=help_text,
        one_line=not isinstance(widget, forms.Textarea),
        error_messages={
            "required": required_message or f"Enter {noun[0].lower()}{noun[1:]}",
            "max_length": f"{noun[0].upper()}{noun[1:]} must be {max_length:,} characters or fewer",
            "null_characters_not_allowed": f"{noun[0].upper()}{noun[1:]} must not contain "
            "null characters",
            Problem.CONTROL: text.message(noun, Problem.CONTROL),
            Problem.DIRECTION: text.message(noun, Problem.DIRECTION),
        },
    )


def _choice(
    label: str,
    choices: list[tuple[str, str]],
    *,
    message: str,
    help_text: str = "",
    required: bool = True,
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


class TextField(forms.CharField):
    """Text with line endings made plain, so the browser's count and ours agree. Text with
    nothing visible counts as not given; control characters (and, on one line, direction
    controls) are refused by the rules of `harken.core.text`."""

    def __init__(self, *, one_line: bool = True, **kwargs: Any) -> None:
        self.one_line = one_line
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = str(super().to_python(value))
        return value if text.has_visible(value) else ""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if "\x00" in value:  # Django's own validator names it (null characters)
            return
        found = text.problem(value, one_line=self.one_line)
        if found:
            raise forms.ValidationError(self.error_messages[found], code=found)


class NamedDateField(DateField):
    """A GOV.UK date input whose messages name the date ("The date it happened ...")."""

    def __init__(self, *, message_name: str, **kwargs: Any) -> None:
        self.message_name = message_name
        super().__init__(**kwargs)

    def _name(self) -> str:
        return self.message_name


class StepForm(GovukForm):
    """One page of questions. `texts` changes labels and hints for a journey's own words."""

    website = forms.CharField(required=False, max_length=500, label="Leave this field empty")
    # The one question this page asks, shown as the page heading; None for several.
    heading_field: str | None = None
    # Labels on the check-your-answers page where the page's own label needs its context.
    summary_labels: dict[str, str] = {}
    # Fields shown only when another answer needs them: {field: (other field, values)}.
    shown_when: dict[str, tuple[str, tuple[str, ...]]] = {}

    def __init__(
        self,
        *args: Any,
        answers: dict[str, Any] | None = None,
        texts: dict[str, dict[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        # Django copies `base_fields` into every form made; the page's fields with its own
        # words (and, where the form changes nothing itself, its GOV.UK messages) are worked
        # out once per page instead, and each form copies those.
        self.base_fields = _prepared_fields(type(self), texts)  # type: ignore[misc]
        super().__init__(*args, **kwargs)
        self.answers = answers or {}

    @property
    def question_fields(self) -> list[forms.BoundField]:
        return [f for f in self if f.name != HONEYPOT]

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip()) if self.is_bound else False

    def to_answers(self) -> dict[str, Any]:
        """The cleaned answers as JSON: dates as ISO text, nothing for hidden questions."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == HONEYPOT or not self.is_shown(name, self.cleaned_data):
                continue
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    def is_shown(self, name: str, values: dict[str, Any]) -> bool:
        if name not in self.shown_when:
            return True
        other, wanted = self.shown_when[name]
        return values.get(other) in wanted

    @classmethod
    def initial_from(cls, saved: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            if name not in saved:
                continue
            value = saved[name]
            if isinstance(field, DateField) and value:
                value = dt.date.fromisoformat(value)
            initial[name] = value
        return initial

    @classmethod
    def data_from(cls, saved: dict[str, Any]) -> dict[str, Any]:
        """Saved answers as posted data, to check them again before sending."""
        data: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            value = saved.get(name)
            if isinstance(field, DateField):
                day = dt.date.fromisoformat(value) if value else None
                for i, part in enumerate((day.day, day.month, day.year) if day else ("", "", "")):
                    data[f"{name}_{i}"] = str(part)
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[name] = "on"
            elif value is not None:
                data[name] = value
        return data

    def summary_rows(self, saved: dict[str, Any]) -> list[tuple[str, str]]:
        """(question, answer as text) for the check-your-answers page."""
        rows = []
        for name, field in self.fields.items():
            if name == HONEYPOT or not self.is_shown(name, saved):
                continue
            label = self.summary_labels.get(name, str(field.label).replace(" (optional)", ""))
            rows.append((label, self.display(name, saved.get(name))))
        return rows

    def display(self, name: str, value: Any) -> str:
        field = self.fields[name]
        if value in (None, "", [], False) and not isinstance(field, forms.BooleanField):
            return "Not given"
        if isinstance(field, forms.BooleanField):
            return "Yes" if value else "No"
        if isinstance(field, DateField):
            return format_date(dt.date.fromisoformat(value))
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
        return str(value)


# --- Who is complaining ----------------------------------------------------------------------

RELATIONSHIPS = [
    ("child", "I'm a child or young person"),
    ("parent", "Parent"),
    ("carer", "Carer or family member"),
    ("foster_carer", "Foster carer"),
    ("special_guardian", "Special guardian"),
    ("advocate", "Advocate"),
    ("professional", "Professional, for example a teacher or health worker"),
    ("other", "Someone else"),
]


# (form class, the page's `texts`) -> the fields every such form starts from. Never changed
# once made (each form changes only its own deep copy), so threads may share them.
_PREPARED: dict[tuple[type[StepForm], Any], dict[str, forms.Field]] = {}


def _prepared_fields(
    cls: type[StepForm], texts: dict[str, dict[str, str]] | None
) -> dict[str, forms.Field]:
    """The fields of `cls` with a page's own words applied, made once per page.

    The GOV.UK messages are derived here too unless the form's own `__init__` changes its
    fields (a label, the choices): those are derived, as before, once the form has made them.
    """
    key = (cls, tuple((name, tuple(o.items())) for name, o in texts.items()) if texts else ())
    prepared = _PREPARED.get(key)
    if prepared is not None:
        return prepared
    prepared = copy.deepcopy(cls.base_fields)
    for name, overrides in (texts or {}).items():
        if name in prepared:
            for attr, value in overrides.items():
                if attr == "required_message":
                    prepared[name].error_messages["required"] = value
                else:
                    setattr(prepared[name], attr, value)
    if cls.__init__ is StepForm.__init__:
        for name, field in prepared.items():
            govuk_field(field, name)
    _PREPARED[key] = prepared
    return prepared


class RelationshipForm(StepForm):
    heading_field = "relationship"
    relationship = _choice(
        "Which of these best describes you?",
        RELATIONSHIPS,
        message="Select which of these best describes you",
    )


class ForChildForm(StepForm):
    heading_field = "for_child"
    for_child = _choice(
        "Are you complaining for a child or young person?",
        [("yes", "Yes"), ("no", "No, it's about me")],
        message="Select yes if you are complaining for a child or young person",
        help_text="For example your son or daughter, or a child you care for or work with.",
    )


class ChildDetailsForm(StepForm):
    summary_labels = {
        "child_first_name": "Child's first name",
        "child_last_name": "Child's last name",
        "child_date_of_birth": "Child's date of birth",
    }
    child_first_name = _text("First name", max_length=100, what="the child's first name")
    child_last_name = _text(
        "Last name", max_length=100, what="the child's last name", required=False
    )
    child_date_of_birth = NamedDateField(
        label="Date of birth (optional)",
        message_name="The child's date of birth",
        required=False,
        help_text="For example, 27 3 2012",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        born = data.get("child_date_of_birth")
        if born and born < dt.date(1900, 1, 1):
            self.add_error("child_date_of_birth", "The child's date of birth must be a real date")
        return data


class ChildKnowsForm(StepForm):
    heading_field = "child_knows"
    child_knows = _choice(
        "Does the child or young person know you are complaining?",
        YES_NO_NOT_SURE,
        message="Select if the child or young person knows you are complaining",
    )


# --- What happened -----------------------------------------------------------------------------


class WhatHappenedForm(StepForm):
    heading_field = "what_happened"
    what_happened = _text(
        "What happened?",
        max_length=5000,
        widget=forms.Textarea(),
        what="what happened",
        help_text="Tell us what went wrong, who was involved and how it affected you or the "
        "child. Do not include bank details or passwords.",
    )


class WhenForm(StepForm):
    heading_field = "happened_on"
    happened_on = NamedDateField(
        label="When did it happen?",
        message_name="The date it happened",
        required=False,
        help_text="For example, 27 3 2025. If you're not sure of the exact date, give your "
        "best guess. If it is still happening, give the date it started. You can leave this "
        "blank if you do not know.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day = data.get("happened_on")
        if day and day < dt.date(1900, 1, 1):
            self.add_error("happened_on", "The date it happened must be a real date")
        return data


class LateForm(StepForm):
    heading_field = "late_reason"
    late_reason = _text(
        "Why are you telling us now? (optional)",
        max_length=2000,
        widget=forms.Textarea(),
        required=False,
        what="why you are telling us now",
        help_text="It helps us to know why you did not tell us sooner. You can leave this blank.",
    )


class ServiceForm(StepForm):
    heading_field = "team"
    team = _choice(
        "Which service or team is it about?",
        [],
        message="Select which service or team it is about, or 'I'm not sure'",
        help_text="If you're not sure, choose 'I'm not sure' and we'll find out.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(active=True).order_by("name").values_list("pk", "name")
        choices = [(str(pk), name) for pk, name in teams]
        self.fields["team"].choices = [*choices, (NOT_SURE, "I'm not sure")]  # type: ignore[attr-defined]


class AboutForm(StepForm):
    heading_field = "about"
    about = _text(
        "Who or what is it about? (optional)",
        max_length=300,
        required=False,
        what="who or what it is about",
        help_text="For example your social worker, your foster carer, your children's home or "
        "a meeting. You can leave this blank.",
    )


class PutRightForm(StepForm):
    heading_field = "put_right"
    put_right = _text(
        "What would put things right? (optional)",
        max_length=2000,
        widget=forms.Textarea(),
        required=False,
        what="what would put things right",
        help_text="For example an apology, a decision looked at again, or something done "
        "differently. If you're not sure, you can leave this blank.",
    )


# --- Data-protection complaints -----------------------------------------------------------------

DATA_TOPICS = [
    ("access", "A request for a copy of my information (subject access request)"),
    ("accuracy", "Information about me that is wrong or incomplete"),
    ("disclosure", "My information was shared with, or seen by, someone who should not have it"),
    ("security", "My information was lost or not kept safe"),
    ("erasure", "Keeping, deleting or stopping the use of my information"),
    ("other", "Something else about how my information was used"),
]
DATA_TOPIC_WORDS = dict(DATA_TOPICS)


class DataTopicForm(StepForm):
    heading_field = "data_topic"
    data_topic = _choice(
        "What is your complaint about?",
        DATA_TOPICS,
        message="Select what your complaint is about",
        help_text="This form is for complaints about how the council has handled personal "
        "information about you, or about a child you are responsible for.",
    )


# --- Young people -----------------------------------------------------------------------------


class SafeForm(StepForm):
    heading_field = "safe_now"
    safe_now = _choice(
        "Are you safe right now?",
        YES_NO_NOT_SURE,
        message="Select if you are safe right now",
    )


class GetHelpForm(StepForm):
    """A page of help, with no question: the button goes on."""


class AdvocateForm(StepForm):
    heading_field = "advocate"
    advocate = _choice(
        "Would you like an advocate to help you?",
        [
            ("yes", "Yes, I'd like an advocate"),
            ("no", "No, thank you"),
            (NOT_SURE, "I'm not sure yet, tell me more"),
        ],
        message="Select if you would like an advocate to help you",
    )


# --- Compliments, questions and comments ------------------------------------------------------


class ComplimentForm(StepForm):
    heading_field = "compliment"
    compliment = _text(
        "What would you like to tell us?",
        max_length=5000,
        widget=forms.Textarea(),
        what="your compliment",
        help_text="Tell us what went well and what difference it made.",
    )


class PraisedForm(StepForm):
    heading_field = "praised_worker"
    praised_worker = _text(
        "Who is your compliment for? (optional)",
        max_length=200,
        required=False,
        what="who your compliment is for",
        help_text="The name of the person or team, if you know it. We'll pass your "
        "compliment on to them and their manager.",
    )


class CommentTypeForm(StepForm):
    heading_field = "comment_type"
    comment_type = _choice(
        "What would you like to do?",
        [
            ("enquiry", "Ask a question"),
            ("comment", "Make a comment"),
            ("suggestion", "Make a suggestion"),
        ],
        message="Select if you want to ask a question, make a comment or make a suggestion",
    )


class MessageForm(StepForm):
    heading_field = "message"
    message = _text(
        "What is your question or comment?",
        max_length=5000,
        widget=forms.Textarea(),
        what="your question or comment",
    )


# --- About the person -------------------------------------------------------------------------


class AttachmentsForm(StepForm):
    """Files are added one upload at a time by the view; this form only carries the honeypot."""


class YourDetailsForm(StepForm):
    first_name = _text("First name", max_length=100, what="your first name")
    last_name = _text("Last name", max_length=100, what="your last name", required=False)
    date_of_birth = NamedDateField(
        label="Date of birth (optional)",
        message_name="Your date of birth",
        required=False,
        help_text="For example, 27 3 2010",
    )
    # Journeys that do not ask for a date of birth leave it out.
    asks_date_of_birth = False
    # Compliments can be anonymous: the name is needed only to be contacted.
    name_optional_without_contact = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.asks_date_of_birth:
            del self.fields["date_of_birth"]
        if self.name_optional_without_contact:
            wants_contact = self.answers.get("contact_preference") not in (None, "", "none")
            self.fields["first_name"].required = wants_contact
            if not wants_contact:
                self.fields["first_name"].label = "First name (optional)"
                self.fields["last_name"].label = "Last name (optional)"
            else:
                self.fields["first_name"].help_text = "We need your name to reply to you."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        born = data.get("date_of_birth")
        if born and born < dt.date(1900, 1, 1):
            self.add_error("date_of_birth", "Your date of birth must be a real date")
        return data


class YoungPersonDetailsForm(YourDetailsForm):
    asks_date_of_birth = True


class ComplimenterDetailsForm(YourDetailsForm):
    name_optional_without_contact = True


CONTACT_CHOICES = [
    ("email", "E-mail"),
    ("phone", "Phone call"),
    ("text", "Text message"),
    ("post", "Letter by post"),
]


class TelInput(forms.TextInput):
    input_type = "tel"


def _phone(label: str, what: str) -> forms.CharField:
    return _text(
        label,
        max_length=40,
        required=False,
        what=what,
        required_message=f"Enter {what}",
        widget=TelInput(),
    )


class ContactPreferenceForm(StepForm):
    heading_field = "contact_preference"
    contact_preference = _choice(
        "How would you like us to contact you?",
        CONTACT_CHOICES,
        message="Select how you would like us to contact you",
    )
    # Compliments (and nothing else) may be sent without any way to reply.
    allows_none = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.allows_none:
            self.fields["contact_preference"].choices = [  # type: ignore[attr-defined]
                *CONTACT_CHOICES,
                ("none", "No, you do not need to reply"),
            ]


class ComplimentContactForm(ContactPreferenceForm):
    allows_none = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact_preference"]
        field.label = "Would you like us to reply?"
        field.help_text = "You do not have to give your details to pay a compliment."
        choices = [
            (value, f"Yes, by {label[0].lower()}{label[1:]}") for value, label in CONTACT_CHOICES
        ]
        field.choices = [*choices, ("none", "No, you do not need to reply")]  # type: ignore[attr-defined]


CONTACT_TITLES = {
    "email": "What is your e-mail address?",
    "phone": "What is your phone number?",
    "text": "What is your mobile phone number?",
    "post": "What is your address?",
}
CONTACT_FIELDS = {
    "email": ("email",),
    "phone": ("phone",),
    "text": ("mobile",),
    "post": ("address", "postcode"),
}


class ContactDetailsForm(StepForm):
    """The details the chosen way of contact needs, and consent to be contacted that way."""

    email = forms.CharField(
        label="E-mail address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        help_text="We'll also send you an e-mail with your reference number.",
        error_messages={"max_length": "E-mail address must be 254 characters or fewer"},
    )
    phone = _phone("Phone number", "a phone number")
    mobile = _phone("Mobile phone number", "a mobile phone number")
    address = _text(
        "Address", max_length=500, widget=forms.Textarea(), required=False, what="your address"
    )
    postcode = _text("Postcode", max_length=12, required=False, what="your postcode")
    consent = forms.BooleanField(
        label="I agree that the council can contact me about this using these details",
        required=False,
    )
    summary_labels = {"consent": "Agreed to be contacted"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.how = str(self.answers.get("contact_preference") or "")
        wanted = {HONEYPOT, "consent", *CONTACT_FIELDS.get(self.how, ())}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]

    @property
    def title(self) -> str:
        return CONTACT_TITLES.get(self.how, "Your contact details")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.how == "email":
            self._check_email(data)
        elif self.how in ("phone", "text"):
            self._check_phone(data, "phone" if self.how == "phone" else "mobile")
        elif self.how == "post":
            self._check_address(data)
        if not data.get("consent"):
            self.add_error(
                "consent", "Select that you agree the council can contact you about this"
            )
        return data

    def _check_email(self, data: dict[str, Any]) -> None:
        email = (data.get("email") or "").strip()
        if not email:
            self.add_error("email", "Enter your e-mail address")
            return
        try:
            EmailValidator()(email)
        except forms.ValidationError:
            self.add_error(
                "email", "Enter an e-mail address in the correct format, like name@example.com"
            )
            return
        data["email"] = email

    def _check_phone(self, data: dict[str, Any], name: str) -> None:
        number = (data.get(name) or "").strip()
        what = "a phone number" if name == "phone" else "a mobile phone number"
        if not number:
            self.add_error(name, f"Enter {what}")
            return
        digits = re.sub(r"\D", "", number)
        if not PHONE_ALLOWED.match(number) or not 10 <= len(digits) <= 15:
            self.add_error(
                name,
                f"Enter {what} like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            )

    def _check_address(self, data: dict[str, Any]) -> None:
        if not (data.get("address") or "").strip():
            self.add_error("address", "Enter your address")
        postcode = " ".join((data.get("postcode") or "").upper().split())
        if not postcode:
            self.add_error("postcode", "Enter your postcode")
        elif not POSTCODE.match(postcode):
            self.add_error("postcode", "Enter a real postcode, like AA1 1AA")
        else:
            data["postcode"] = postcode


class NeedsForm(StepForm):
    accessibility_needs = _text(
        "Do you need any help or changes so you can take part? (optional)",
        max_length=2000,
        widget=forms.Textarea(),
        required=False,
        what="the help or changes you need",
        help_text="For example large print, Easy Read, British Sign Language, a meeting at "
        "home, or someone to support you.",
    )
    language = _text(
        "Which language would you like us to use? (optional)",
        max_length=60,
        required=False,
        what="the language you would like us to use",
        help_text="For example Welsh, Polish or Arabic. We can arrange an interpreter.",
    )
