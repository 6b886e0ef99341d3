"""The letter that goes with a step of the work: recording an acknowledgement, an extension,
a stage's response (an adjudication at stage 2) or the council's response to a review panel
is followed by that letter, drafted, on the next page (docs/adr/0121-letter-after-the-step.md).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from harken import access
from harken.accounts.models import User
from harken.cases.models import Case, Kind

from . import letters, selectors
from .models import LetterKind, LetterTemplate

# The case action (its URL name in the staff app) → what the step recorded, as the banner says.
STEPS: dict[str, str] = {
    "acknowledge": "Acknowledgement recorded",
    "extend": "Extension recorded",
    "respond": "Response recorded",
    "council-response": "The council's response recorded",
}


def may_write_step_letter(user: User, case: Case) -> bool:
    """Who is offered the letter after a step: whoever may write letters on the case (the
    permission table's `Perm.CASE_RESPOND` on this case)."""
    return access.can_act(user, case, access.Perm.CASE_RESPOND)


def step_kind(step: str, case: Case) -> str | None:
    """The kind of letter the step calls for, on the case as it is after the step."""
    if step not in STEPS or case.kind != Kind.COMPLAINT or case.procedure_version is None:
        return None
    if step == "acknowledge":
        return LetterKind.ACKNOWLEDGEMENT
    if step == "extend":
        return LetterKind.EXTENSION
    if step == "council-response":
        return LetterKind.PANEL_RESPONSE
    stage = case.stages.order_by("-number").first()
    if stage is None:
        return None
    return letters.response_kind(case.procedure_version.spec.stage(stage.number))


def step_template(step: str, case: Case) -> LetterTemplate | None:
    kind = step_kind(step, case)
    if kind is None:
        return None
    # The same choice as the letters page: a data-protection complaint's own letter first.
    return letters.suggest_template(case, selectors.letter_templates(active_only=True), kind)


def letter_url_after(step: str, case: Case, user: User) -> str | None:
    """Where to go after recording `step`: the letter for it, drafted; None where the step has
    no letter, no template of its kind is in use, or the user does not write letters."""
    if step not in STEPS or not may_write_step_letter(user, case):
        return None
    if step_template(step, case) is None:
        return None
    try:
        url = reverse("documents:letter_new", kwargs={"reference": case.reference})
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'step': step})}"


def may_send_letter(user: User, case: Case) -> bool:
    """Who is offered "Create and send it": whoever may send from the case (issue 13's
    `Perm.CASE_SEND`), where the sending pages are installed."""
    try:
        reverse("outbox:send", kwargs={"reference": case.reference})
    except NoReverseMatch:
        return False
    return access.can_act(user, case, access.Perm.CASE_SEND)


def send_url(case: Case, documents: list[Any], *, step: str = "") -> str:
    """The sending page with the letter's PDF chosen, to the person by the way they prefer."""
    pdf = next((d for d in documents if d.content_type == "application/pdf"), None)
    query: dict[str, str] = {"letter": "1"}
    if pdf is not None:
        query["document"] = str(pdf.pk)
    if step in STEPS:
        query["step"] = step
    return f"{reverse('outbox:send', kwargs={'reference': case.reference})}?{urlencode(query)}"
