"""The online forms as data: each journey's pages, in order, and when each page applies.

A page (`Step`) asks the questions of one small form. Whether it applies depends only on the
answers given so far, so the back link, the next page and the check-your-answers page are
all worked out from the same rules.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from dateutil.relativedelta import relativedelta

from harken.accounts.models import Team
from harken.core.dates import quantity, today
from harken.core.web import whole_number

from . import forms as f
from .models import FormKind

Answers = dict[str, Any]


def always(answers: Answers) -> bool:
    return True


# The procedure a complaint from the public forms is handled under when its team has none of
# its own (or none is chosen yet).
DEFAULT_PROCEDURE = "children-statutory"


def procedure_code(team: Team | None) -> str:
    """The procedure a complaint about `team` is handled under: the team's own, or the
    default."""
    if team is not None and team.default_procedure_code:
        return team.default_procedure_code
    return DEFAULT_PROCEDURE


# Within one request, the time limit of each team's procedure, read once: whether the late
# page applies is asked of every page's answers each time the request works out the pages
# (the next page, the back link, the answers that apply), which was two to three queries
# and a procedure definition parsed on every question page (bench/intake_cpu.py).
_limits: ContextVar[dict[int | None, int | None] | None] = ContextVar(
    "intake_time_limits", default=None
)
P = ParamSpec("P")
R = TypeVar("R")


def one_reading(view: Callable[P, R]) -> Callable[P, R]:
    """Read each procedure's time limit at most once while `view` runs (never longer: a
    procedure changed since is read by the next request)."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _limits.set({})
        try:
            return view(*args, **kwargs)
        finally:
            _limits.reset(token)

    return wrapped


def time_limit_months(answers: Answers) -> int | None:
    """The time limit to complain, in months, of the procedure this complaint would be
    handled under (the team's, once one is chosen): the procedure's own `time_limit_months`,
    the rule the services check when the case is made. None: the procedure has no limit."""
    from harken.procedures.services import current_version

    pk = whole_number(answers.get("team"))
    memo = _limits.get()
    if memo is not None and pk in memo:
        return memo[pk]
    team = Team.objects.filter(pk=pk, active=True).first() if pk is not None else None
    months = current_version(procedure_code(team)).spec.time_limit_months
    if memo is not None:
        memo[pk] = months
    return months


def limit_words(months: int) -> str:
    """12 -> "a year", 24 -> "2 years", 6 -> "6 months"."""
    if months == 12:
        return "a year"
    if months % 12 == 0:
        return quantity(months // 12, "year")
    return "a month" if months == 1 else quantity(months, "month")


def past_the_time_limit(answers: Answers) -> bool:
    """The gentle note on late complaints: what happened is older than the procedure's time
    limit (no note when it has none)."""
    value = answers.get("happened_on")
    if not value:
        return False
    months = time_limit_months(answers)
    if months is None:
        return False
    return dt.date.fromisoformat(value) < today() - relativedelta(months=months)


def late_context(answers: Answers) -> dict[str, Any]:
    """The late page's heading and note, in the procedure's time limit."""
    months = time_limit_months(answers)
    words = limit_words(months) if months is not None else ""
    return {"title": f"It happened more than {words} ago", "time_limit": words}


def not_the_child(answers: Answers) -> bool:
    return answers.get("relationship") not in (None, "child")


def for_a_child(answers: Answers) -> bool:
    return not_the_child(answers) and answers.get("for_child") == "yes"


def may_be_unsafe(answers: Answers) -> bool:
    return answers.get("safe_now") in ("no", f.NOT_SURE)


@dataclass(frozen=True)
class Step:
    slug: str
    form: type[f.StepForm]
    title: str
    applies: Callable[[Answers], bool] = always
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    template: str = "intake/step.html"
    # Shown on the check-your-answers page (a page of help only is not).
    summary: bool = True
    # More for the page's template, worked out from the answers so far (the late page's
    # heading says the procedure's time limit). A "title" given here replaces `title`.
    context: Callable[[Answers], dict[str, Any]] | None = None

    def context_for(self, answers: Answers) -> dict[str, Any]:
        return self.context(answers) if self.context else {}


@dataclass(frozen=True)
class Journey:
    slug: str
    form: FormKind
    name: str
    # What the person is sending, in their words: "complaint", "compliment", "message".
    noun: str
    steps: tuple[Step, ...]
    start_url_name: str = "intake:index"
    young: bool = False

    def step(self, slug: str) -> Step | None:
        return next((s for s in self.steps if s.slug == slug), None)

    def applicable(self, answers: Answers) -> list[Step]:
        return [s for s in self.steps if s.applies(answers)]


def flatten(journey: Journey, saved: dict[str, Answers]) -> Answers:
    """Every answer that applies, as one dict; a page that no longer applies is left out.

    Conditions depend only on earlier pages, so one pass in order is enough.
    """
    answers: Answers = {}
    for step in journey.steps:
        if step.applies(answers) and step.slug in saved:
            answers.update(saved[step.slug])
    return answers


WHEN = Step("when-did-it-happen", f.WhenForm, "When did it happen?")
LATE = Step(
    "more-than-a-year-ago",
    f.LateForm,
    "It happened more than a year ago",
    applies=past_the_time_limit,
    context=late_context,
    template="intake/late.html",
)
SERVICE = Step("which-service", f.ServiceForm, "Which service or team is it about?")
ATTACHMENTS = Step(
    "documents-and-photos",
    f.AttachmentsForm,
    "Documents and photos",
    template="intake/attachments.html",
)


def wants_contact(answers: Answers) -> bool:
    return answers.get("contact_preference") in f.CONTACT_FIELDS


CONTACT = Step(
    "how-to-contact-you", f.ContactPreferenceForm, "How would you like us to contact you?"
)
CONTACT_DETAILS = Step(
    "contact-details",
    f.ContactDetailsForm,
    "Your contact details",
    applies=wants_contact,
    template="intake/contact_details.html",
)
NEEDS = Step("help-you-need", f.NeedsForm, "Help you need")

COMPLAINT = Journey(
    slug="complaint",
    form=FormKind.COMPLAINT,
    name="Make a complaint",
    noun="complaint",
    steps=(
        Step("about-you", f.RelationshipForm, "Which of these best describes you?"),
        Step(
            "for-a-child",
            f.ForChildForm,
            "Are you complaining for a child or young person?",
            applies=not_the_child,
        ),
        Step(
            "child-details",
            f.ChildDetailsForm,
            "The child or young person's details",
            applies=for_a_child,
        ),
        Step(
            "does-the-child-know",
            f.ChildKnowsForm,
            "Does the child or young person know you are complaining?",
            applies=for_a_child,
        ),
        Step("what-happened", f.WhatHappenedForm, "What happened?"),
        WHEN,
        LATE,
        SERVICE,
        Step("put-it-right", f.PutRightForm, "What would put things right?"),
        ATTACHMENTS,
        Step("your-details", f.YourDetailsForm, "Your name"),
        CONTACT,
        CONTACT_DETAILS,
        NEEDS,
    ),
)

YOUNG_PERSON = Journey(
    slug="young-people",
    form=FormKind.YOUNG_PERSON,
    name="Tell us what's wrong",
    noun="complaint",
    start_url_name="intake:young_people",
    young=True,
    steps=(
        Step("are-you-safe", f.SafeForm, "Are you safe right now?", template="intake/safe.html"),
        Step(
            "get-help-now",
            f.GetHelpForm,
            "Help you can get right now",
            applies=may_be_unsafe,
            template="intake/get_help.html",
            summary=False,
        ),
        Step(
            "whats-wrong",
            f.WhatHappenedForm,
            "What's wrong?",
            texts={
                "what_happened": {
                    "label": "What's wrong?",
                    "help_text": "Tell us in your own words. You can say what happened, who "
                    "was there and how it made you feel.",
                    "required_message": "Tell us what's wrong",
                }
            },
        ),
        Step(
            "when-did-it-happen",
            f.WhenForm,
            "When did it happen?",
            texts={
                "happened_on": {
                    "help_text": "For example, 27 3 2025. It's fine to guess. If it's still "
                    "happening, put when it started. You can leave this blank."
                }
            },
        ),
        Step(
            "more-than-a-year-ago",
            f.LateForm,
            "It happened more than a year ago",
            applies=past_the_time_limit,
            context=late_context,
            template="intake/late.html",
            texts={
                "late_reason": {
                    "label": "Is there anything you want to tell us about why you're telling "
                    "us now? (optional)",
                    "help_text": "You can leave this blank.",
                }
            },
        ),
        Step("who-is-it-about", f.AboutForm, "Who or what is it about?"),
        Step(
            "make-it-better",
            f.PutRightForm,
            "What would make things better?",
            texts={
                "put_right": {
                    "label": "What would make things better? (optional)",
                    "help_text": "For example saying sorry, changing a decision, or doing "
                    "something differently. You can leave this blank.",
                }
            },
        ),
        Step(
            "advocate",
            f.AdvocateForm,
            "Would you like an advocate to help you?",
            template="intake/advocate.html",
        ),
        Step(
            "your-name",
            f.YoungPersonDetailsForm,
            "Your name",
            texts={"first_name": {"required_message": "Tell us your first name"}},
        ),
        CONTACT,
        CONTACT_DETAILS,
        Step(
            "help-you-need",
            f.NeedsForm,
            "Help you need",
            texts={
                "accessibility_needs": {
                    "label": "Is there anything that would help you take part? (optional)",
                    "help_text": "For example someone to be with you, Easy Read, British Sign "
                    "Language or meeting somewhere you feel comfortable.",
                }
            },
        ),
    ),
)

COMPLIMENT = Journey(
    slug="compliment",
    form=FormKind.COMPLIMENT,
    name="Pay a compliment",
    noun="compliment",
    steps=(
        Step("your-compliment", f.ComplimentForm, "What would you like to tell us?"),
        Step("who-is-it-for", f.PraisedForm, "Who is your compliment for?"),
        Step(
            "which-service",
            f.ServiceForm,
            "Which service or team is it for?",
            texts={"team": {"label": "Which service or team is it for?"}},
        ),
        Step("reply", f.ComplimentContactForm, "Would you like us to reply?"),
        CONTACT_DETAILS,
        Step("your-details", f.ComplimenterDetailsForm, "Your name"),
    ),
)

COMMENT = Journey(
    slug="question-or-comment",
    form=FormKind.COMMENT,
    name="Ask a question or make a comment",
    noun="message",
    steps=(
        Step("what-would-you-like-to-do", f.CommentTypeForm, "What would you like to do?"),
        Step("your-message", f.MessageForm, "What is your question or comment?"),
        SERVICE,
        Step("your-details", f.YourDetailsForm, "Your name"),
        CONTACT,
        CONTACT_DETAILS,
        NEEDS,
    ),
)


def summary_sections(journey: Journey, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-your-answers rows: question, answer and the page to change it."""
    sections = []
    for step in journey.applicable(answers):
        if not step.summary:
            continue
        if step.form is f.AttachmentsForm:
            names = [item["name"] for item in answers.get("files", [])]
            rows = [("Documents and photos", "\n".join(names) if names else "None")]
        else:
            form = step.form(answers=answers, texts=step.texts)
            rows = form.summary_rows(answers)
        for label, value in rows:
            sections.append({"label": label, "value": value, "step": step})
    return sections


DATA_PROTECTION = Journey(
    slug="data-protection",
    form=FormKind.DATA_PROTECTION,
    name="Complain about how we handled your personal data",
    noun="complaint",
    steps=(
        Step("what-is-it-about", f.DataTopicForm, "What is your complaint about?"),
        Step(
            "what-happened",
            f.WhatHappenedForm,
            "What happened?",
            texts={
                "what_happened": {
                    "help_text": "Tell us what happened to your information, when, and how it "
                    "affected you. Do not include bank details or passwords."
                }
            },
        ),
        Step(
            "put-it-right",
            f.PutRightForm,
            "What would put things right?",
            texts={
                "put_right": {
                    "help_text": "For example correcting or deleting information, an apology, "
                    "or a copy of your information. If you're not sure, you can leave this "
                    "blank."
                }
            },
        ),
        ATTACHMENTS,
        Step("your-details", f.YourDetailsForm, "Your name"),
        CONTACT,
        CONTACT_DETAILS,
        NEEDS,
    ),
)


JOURNEYS: dict[str, Journey] = {
    j.slug: j for j in (COMPLAINT, YOUNG_PERSON, COMPLIMENT, COMMENT, DATA_PROTECTION)
}
BY_FORM: dict[str, Journey] = {j.form: j for j in JOURNEYS.values()}
