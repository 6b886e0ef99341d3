"""Letters: a template's wording filled in from the case, laid out as Word, PDF and HTML.

A letter template is Django template syntax, rendered by its own engine that knows only a
safe subset of the builtin tags and filters (`letter_builtins`) and no template files. The
context is plain data (strings, lists, dictionaries): no model object, so a template cannot
reach anything the letter does not show. The body is rendered as text and laid out as
paragraphs, headings (`## `) and bullet lists (`- `); each piece of text is escaped where it
becomes HTML, so neither the case's data nor the template can inject markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template
from django.template.loader import render_to_string

from harken.accounts.models import User
from harken.cases.models import Case, CaseParty, Kind, PartyRole, Relationship, Stage, Status
from harken.cases.services import stage_clock
from harken.core.dates import format_date
from harken.core.errors import ApplicationError
from harken.procedures.clocks import Due
from harken.procedures.definitions import ProcedureDef, ProcedureKind, StageDef
from harken.workdays.rules import working_day_deadline

from .models import LetterKind, LetterTemplate

OMBUDSMAN = {
    "name": "Local Government and Social Care Ombudsman",
    "website": "https://www.lgo.org.uk",
    "phone": "0300 061 0614",
}
FONT_STACK = '"Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif'
WORD_FONT = "Arial"

# The placeholders a template may use, and what each holds: shown on the template edit page.
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("council_name", "The council's name"),
    ("service_name", "The service's name, e.g. Feedback and complaints"),
    ("letter.date", "The date of the letter"),
    ("letter.text", "Text typed for this letter when it is created (findings, reasons)"),
    ("case.reference", "The case reference"),
    ("case.received_on", "The date the case was received"),
    ("case.summary", "The case's one-line summary"),
    ("case.procedure", "The procedure the complaint follows"),
    ("complainant.name", "The complainant's full name"),
    ("complainant.first_name", "The complainant's first name"),
    (
        "complainant.address_lines",
        "The complainant's address, line by line: use {% for line in complainant.address_lines %}",
    ),
    ("complainant.is_child", "True when the complainant is a child or young person"),
    ("child.first_name", "The first name of the child the case is about (if any)"),
    ("child_involved", "True when a child is the complainant or the case is about one"),
    ("stage.number", "The stage number: 1, 2 or 3"),
    ("stage.name", "The stage's name, e.g. Local resolution"),
    ("stage.received_on", "The date the complaint (stage 1) or the request was received"),
    ("stage.acknowledged_on", "The date the stage was acknowledged"),
    ("stage.due_on", "The date the response is due (after any extension)"),
    ("stage.due_reason", "How the due date is worked out, e.g. 10 working days after receipt…"),
    ("stage.due_explanation", "The due date and how it is worked out, as one sentence"),
    ("stage.response_label", "What concludes the stage: response, adjudication…"),
    ("stage.response_days", "Working days the procedure allows for the response"),
    ("stage.max_response_days", "Working days the response may be extended to at most"),
    ("stage.latest_extension_on", "The latest date an extension may give"),
    ("stage.waiting_for", "What the response clock is waiting for, if it has not started"),
    ("stage.concluded_on", "The date the stage's response was sent"),
    ("stage.escalation_due_on", "The last date to ask for the next stage"),
    ("stage.escalation_window_days", "Working days allowed to ask for the next stage"),
    ("stage.is_last", "True at the last stage of the procedure (then the Ombudsman)"),
    ("stage.next_number", "The next stage's number"),
    ("stage.next_name", "The next stage's name"),
    ("extension.new_due_on", "The new response date agreed"),
    ("extension.previous_due_on", "The response date before the extension"),
    ("extension.reason", "Why more time is needed"),
    ("elements", "The points of complaint: use {% for element in elements %}"),
    ("element.number", "A point's number (inside the loop)"),
    ("element.summary", "A point's summary (inside the loop)"),
    ("element.outcome", "The point's outcome at this stage, e.g. Upheld (inside the loop)"),
    ("officer.name", "The name of the person creating the letter"),
    ("officer.job_title", "Their job title"),
    ("officer.email", "Their e-mail address"),
    ("case.data_protection", "True for a data-protection complaint (then the ICO)"),
    (
        "ombudsman.name",
        "Where the complainant goes next, from the case's procedure: the Local Government and "
        "Social Care Ombudsman, or the Information Commissioner's Office for a data-protection "
        "complaint",
    ),
    ("ombudsman.website", "Their website"),
    ("ombudsman.phone", "Their phone number"),
    (
        "survey.link",
        "The case's satisfaction survey link, printed with its QR code: made when the letter "
        "is saved, for a closed case (the preview shows an example)",
    ),
)

# What the preview shows for {{ survey.link }}: the real link is made only when the letter is
# saved, so that looking at a letter never ends the link already printed (docs/adr/0251).
PREVIEW_SURVEY_LINK = "[the survey link: made when the letter is saved]"
SAMPLE_SURVEY_LINK = "https://harken.example.gov.uk/survey/EXAMPLE/"
_SURVEY_LINK_RE = re.compile(r"\bsurvey\s*\.\s*link\b")


def uses_survey_link(body: str) -> bool:
    """Whether a template's wording (or a Word template's text) prints the survey link."""
    return bool(_SURVEY_LINK_RE.search(body or ""))


def survey_qr_svg(link: str) -> str:
    """The link's QR code as inline SVG (the page and the PDF)."""
    import segno

    return str(segno.make(link, error="m").svg_inline(scale=3, dark="#0b0c0c", light="#ffffff"))


def survey_qr_png(link: str) -> bytes:
    """The link's QR code as PNG (the Word letter)."""
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


# The shipped data-protection letters (migration documents 0003), offered first for a
# data-protection complaint while they exist and are in use; otherwise the usual template
# of the kind, whose Ombudsman placeholders then name the Information Commissioner's Office.
DATA_PROTECTION_TEMPLATES: dict[str, str] = {
    LetterKind.ACKNOWLEDGEMENT: "Data protection complaint: acknowledgement",
    LetterKind.STAGE_RESPONSE: "Data protection complaint: outcome",
}


# --- The sandboxed engine -------------------------------------------------------------------


class LetterEngine(Engine):
    """An engine with only the safe builtins and no template files to include or extend."""

    default_builtins = ["harken.documents.letter_builtins"]


_INVALID = "\x00MISSING:%s\x00"
_INVALID_RE = re.compile("\x00MISSING:(.*?)\x00")


@cache
def _engine(*, strict: bool = False) -> LetterEngine:
    return LetterEngine(
        loaders=[("django.template.loaders.locmem.Loader", {})],
        autoescape=False,
        string_if_invalid=_INVALID if strict else "",
    )


# A line holding only template tags or comments: its line break is dropped, as Jinja's
# trim_blocks does, so `{% if %}` on a line of its own does not leave an empty line behind.
_TAG_LINE = re.compile(
    r"^[ \t]*((?:(?:\{%(?:(?!%\})[^\n])*%\}|\{#(?:(?!#\})[^\n])*#\})[ \t]*)+)\r?\n", re.M
)


def _prepare(body: str) -> str:
    return _TAG_LINE.sub(r"\1", body.replace("\r\n", "\n"))


def compile_body(body: str, *, strict: bool = False) -> Template:
    """Compile a template body; raises TemplateSyntaxError with the line of the mistake."""
    # Compiled once as written so syntax errors name the line the editor sees.
    _engine(strict=strict).from_string(body)
    return _engine(strict=strict).from_string(_prepare(body))


def render_text(body: str, context: dict[str, Any]) -> str:
    return compile_body(body).render(Context(context, autoescape=False))


# --- Layout: paragraphs, headings and lists -------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "h", "ul" or (from a Word template) "table"
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    level: int = 1  # headings: the first is the letter's title (1), the rest sections (2)


_BULLET = re.compile(r"^\s*[-*•]\s+")


def to_blocks(text: str) -> list[Block]:
    """Blank lines separate paragraphs; lines within a paragraph join with a space.
    A paragraph starting `## ` is a heading; lines starting `- ` are a bulleted list."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        raw_lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not raw_lines:
            continue
        if raw_lines[0].strip().startswith("## "):
            level = 2 if any(b.kind == "h" for b in blocks) else 1
            blocks.append(Block("h", raw_lines[0].strip()[3:].strip(), level=level))
            raw_lines = raw_lines[1:]
        paragraph: list[str] = []
        items: list[str] = []
        for raw in raw_lines:
            line = raw.strip()
            if _BULLET.match(line):
                if paragraph:
                    blocks.append(Block("p", " ".join(paragraph)))
                    paragraph = []
                items.append(_BULLET.sub("", line))
            elif items and raw[:1] in (" ", "\t"):
                items[-1] += " " + line  # an indented line carries on the bullet above
            else:
                if items:
                    blocks.append(Block("ul", items=tuple(items)))
                    items = []
                paragraph.append(line)
        if items:
            blocks.append(Block("ul", items=tuple(items)))
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
    return blocks


@dataclass(frozen=True)
class Letter:
    title: str
    council_name: str
    service_name: str
    date: str
    reference: str
    address_lines: tuple[str, ...]
    blocks: tuple[Block, ...]
    officer_name: str
    officer_title: str
    template_name: str = ""
    filename_stem: str = ""
    # Said to whoever drafts it, never printed: e.g. that the findings would be empty.
    warning: str = ""
    # From a Word template: the blocks are the whole letter (its letterhead, address and
    # sign-off are the template's own), so none is added around them.
    complete: bool = False
    # The survey link the letter prints (issue 14), shown again under its QR code.
    survey_link: str = ""
    survey_qr_svg: str = ""


def compose(*, body: str, context: dict[str, Any], template_name: str, kind_label: str) -> Letter:
    """Fill in a template's body and lay the letter out, ready for any format."""
    text = render_text(body, context)
    case = context.get("case") or {}
    reference = case.get("reference", "")
    return Letter(
        title=f"{kind_label} \N{EN DASH} {reference}" if reference else kind_label,
        council_name=context["council_name"],
        service_name=context["service_name"],
        date=context["letter"]["date"],
        reference=reference,
        address_lines=tuple(context["complainant"]["address_lines"]),
        blocks=tuple(to_blocks(text)),
        officer_name=context["officer"]["name"],
        officer_title=context["officer"]["job_title"],
        template_name=template_name,
        filename_stem=f"{reference} {kind_label.lower()} {context['letter']['iso_date']}".strip(),
    )


def compose_word(
    *, blocks: list[Block], context: dict[str, Any], template_name: str, kind_label: str
) -> Letter:
    """A letter filled in from a Word template: its text is the whole letter."""
    base = compose(body="", context=context, template_name=template_name, kind_label=kind_label)
    return dataclasses.replace(base, blocks=tuple(blocks), complete=True)


# --- The context: plain data from the case --------------------------------------------------


def _date(value: dt.date | None) -> str:
    return format_date(value) if value else ""


def _person(party: CaseParty | None) -> dict[str, Any]:
    if party is None:
        return {
            "name": "",
            "first_name": "",
            "last_name": "",
            "email": "",
            "address_lines": [],
            "postcode": "",
            "is_child": False,
            "relationship": "",
        }
    person = party.person
    lines = [line.strip() for line in person.address.splitlines() if line.strip()]
    if person.postcode:
        lines.append(person.postcode)
    return {
        "name": person.full_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "address_lines": lines,
        "postcode": person.postcode,
        "is_child": party.relationship == Relationship.CHILD,
        "relationship": party.get_relationship_display() if party.relationship else "",
    }


def _due_reason(explanation: str) -> str:
    """ "Due 4 January 2024: 10 working days after receipt…" → "10 working days after receipt…"."""
    if explanation.startswith("Due ") and ": " in explanation:
        return explanation.split(": ", 1)[1].rstrip(".")
    return ""


def _response_due(stage: Stage, stage_def: StageDef) -> Due | None:
    """The entry of the stage's clock for its response (the last step at a review panel)."""
    if not stage_def.steps:
        return None
    clock = stage_clock(stage, stage_def, extensions=stage.extensions.all())
    return clock.dues[-1] if clock.dues else None


def _stage_context(
    stage: Stage, spec: ProcedureDef, on: dt.date
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    stage_def: StageDef = spec.stage(stage.number)
    has_next = spec.has_stage(stage.number + 1)
    next_def = spec.stage(stage.number + 1) if has_next else None
    escalation_due = stage.escalation_due_on
    if escalation_due is None and stage.is_open and has_next and stage_def.escalation_window_days:
        # Not concluded yet: the letter is the response, so the window runs from its date.
        escalation_due = working_day_deadline(
            on, stage_def.escalation_window_days, skip_closure_days=spec.skip_closure_days
        ).due
    waiting_for = ""
    if stage.is_open and stage.due_on is None and not stage_def.steps:
        waiting_for = stage.paused_reason or (
            "the agreed statement of complaint"
            if stage_def.clock_starts == "statement_agreed"
            else "the acknowledgement"
        )
    extensions = sorted(stage.extensions.all(), key=lambda e: (e.new_due_on, e.pk))
    extension = None
    if extensions:
        latest = extensions[-1]
        previous = extensions[-2].new_due_on if len(extensions) > 1 else stage.original_due_on
        extension = {
            "new_due_on": _date(latest.new_due_on),
            "previous_due_on": _date(previous),
            "reason": latest.reason,
            "told_on": _date(latest.complainant_told_on),
        }
    # The response's own date and explanation, from the stage clock: at a review panel the
    # stored date in hand is the meeting's, not the council's response's.
    response = _response_due(stage, stage_def)
    due_on = response.due if response else stage.due_on
    explanation = response.explanation if response else stage.due_explanation
    context = {
        "number": stage.number,
        "name": stage_def.name,
        "received_on": _date(stage.received_on),
        "acknowledged_on": _date(stage.acknowledged_on),
        "acknowledgement_due_on": _date(stage.acknowledgement_due_on),
        "statement_agreed_on": _date(stage.statement_agreed_on),
        "due_on": _date(due_on),
        "original_due_on": _date(stage.original_due_on),
        "due_explanation": explanation,
        "due_reason": _due_reason(explanation),
        "extended": extension is not None,
        "response_label": stage_def.response_label,
        "response_days": stage_def.response_days or "",
        "max_response_days": stage_def.max_response_days or "",
        "latest_extension_on": _date(stage.latest_extension_on),
        "waiting_for": waiting_for,
        "concluded_on": _date(stage.concluded_on),
        "escalation_due_on": _date(escalation_due) if has_next else "",
        "escalation_window_days": (stage_def.escalation_window_days or "") if has_next else "",
        "is_last": not has_next,
        "next_number": next_def.number if next_def else "",
        "next_name": next_def.name if next_def else "",
    }
    return context, extension


def _officer(actor: User) -> dict[str, str]:
    return {
        "name": actor.get_full_name() or actor.username,
        "job_title": actor.job_title,
        "email": actor.email,
    }


def _ombudsman(spec: ProcedureDef | None) -> dict[str, str]:
    """Where the complainant may go after the procedure, as its definition names it."""
    if spec is None:
        return dict(OMBUDSMAN)
    return {
        "name": spec.ombudsman,
        "website": spec.ombudsman_website,
        "phone": spec.ombudsman_phone,
    }


def _base_context(on: dt.date, text: str, spec: ProcedureDef | None = None) -> dict[str, Any]:
    return {
        "council_name": settings.HARKEN_COUNCIL_NAME,
        "service_name": settings.HARKEN_SERVICE_NAME,
        "letter": {"date": format_date(on), "iso_date": on.isoformat(), "text": text.strip()},
        "ombudsman": _ombudsman(spec),
    }


def is_data_protection(case: Case) -> bool:
    version = case.procedure_version if case.procedure_version_id else None
    return version is not None and version.spec.kind == ProcedureKind.DATA_PROTECTION


def suggest_template(
    case: Case, templates: Iterable[LetterTemplate], kind: str
) -> LetterTemplate | None:
    """The template offered first: a data-protection complaint's own letter of that kind
    where there is one, else the first template of the kind that is not a data-protection
    complaint's own."""
    templates = list(templates)
    if is_data_protection(case):
        name = DATA_PROTECTION_TEMPLATES.get(kind)
        own = next((t for t in templates if t.name == name and t.kind == kind), None)
        if own is not None:
            return own
    of_kind = [t for t in templates if t.kind == kind]
    # Any other complaint: the usual template of the kind, not the data-protection one.
    usual = [t for t in of_kind if t.name not in DATA_PROTECTION_TEMPLATES.values()]
    return next(iter(usual or of_kind), None)


def letter_context(*, case: Case, actor: User, on: dt.date, text: str = "") -> dict[str, Any]:
    """Everything a letter about `case` may say, as plain data."""
    parties = list(case.parties.select_related("person").order_by("id"))
    complainant = next((p for p in parties if p.role == PartyRole.COMPLAINANT), None)
    child = next((p for p in parties if p.role == PartyRole.CHILD), None)
    spec = case.procedure_version.spec if case.procedure_version_id else None  # type: ignore[union-attr]
    stage = (
        case.stages.prefetch_related("extensions").order_by("-number").first()
        if case.kind == Kind.COMPLAINT
        else None
    )
    stage_context: dict[str, Any] | None = None
    extension: dict[str, Any] | None = None
    outcomes: dict[int, str] = {}
    if stage is not None and spec is not None:
        stage_context, extension = _stage_context(stage, spec, on)
        outcomes = {o.element_id: o.get_outcome_display() for o in stage.outcomes.all()}
    complainant_context = _person(complainant)
    child_context = _person(child) if child else None
    return {
        **_base_context(on, text, spec),
        "case": {
            "reference": case.reference,
            "received_on": _date(case.received_on),
            "summary": case.summary,
            "kind": case.get_kind_display(),
            "procedure": spec.name if spec else "",
            "status": case.get_status_display(),
            "data_protection": bool(spec and spec.kind == ProcedureKind.DATA_PROTECTION),
        },
        "complainant": complainant_context,
        "child": child_context,
        "child_involved": bool(complainant_context["is_child"] or child_context),
        "stage": stage_context,
        "extension": extension,
        "elements": [
            {"number": e.number, "summary": e.summary, "outcome": outcomes.get(e.pk, "")}
            for e in case.elements.order_by("number")
        ],
        "officer": _officer(actor),
        # Made when the letter is saved (documents.services.letter_create).
        "survey": {"link": PREVIEW_SURVEY_LINK},
    }


def sample_context(*, last_stage: bool = False, child_complainant: bool = False) -> dict[str, Any]:
    """Made-up values for every placeholder: to check a template and to show examples."""
    on = dt.date(2024, 1, 4)
    complainant = {
        "name": "Sam Example",
        "first_name": "Sam",
        "last_name": "Example",
        "email": "sam@example.com",
        "address_lines": ["1 High Street", "Harken", "HK1 1AA"],
        "postcode": "HK1 1AA",
        "is_child": child_complainant,
        "relationship": "Parent",
    }
    return {
        **_base_context(on, "Text typed for this letter."),
        "case": {
            "reference": "HK-2023-00042",
            "received_on": "18 December 2023",
            "summary": "Unhappy with the service",
            "kind": "Complaint",
            "procedure": "Children's social care (statutory)",
            "status": "Open",
            "data_protection": False,
        },
        "complainant": complainant,
        "child": {**complainant, "name": "Alex Example", "first_name": "Alex", "is_child": True},
        "child_involved": True,
        "stage": {
            "number": 3 if last_stage else 1,
            "name": "Review panel" if last_stage else "Local resolution",
            "received_on": "18 December 2023",
            "acknowledged_on": "19 December 2023",
            "acknowledgement_due_on": "21 December 2023",
            "statement_agreed_on": "19 December 2023",
            "due_on": "4 January 2024",
            "original_due_on": "4 January 2024",
            "due_explanation": "Due 4 January 2024: 10 working days after receipt on 18 "
            "December 2023, not counting 25 and 26 December and 1 January.",
            "due_reason": "10 working days after receipt on 18 December 2023, not counting 25 "
            "and 26 December and 1 January",
            "extended": True,
            "response_label": "response",
            "response_days": 10,
            "max_response_days": 20,
            "latest_extension_on": "18 January 2024",
            "waiting_for": "the agreed statement of complaint",
            "concluded_on": "4 January 2024",
            "escalation_due_on": "" if last_stage else "1 February 2024",
            "escalation_window_days": "" if last_stage else 20,
            "is_last": last_stage,
            "next_number": "" if last_stage else 2,
            "next_name": "" if last_stage else "Investigation",
        },
        "extension": {
            "new_due_on": "18 January 2024",
            "previous_due_on": "4 January 2024",
            "reason": "We need to speak to a worker who is on leave.",
            "told_on": "3 January 2024",
        },
        "elements": [
            {"number": 1, "summary": "Visits were cancelled", "outcome": "Upheld"},
            {"number": 2, "summary": "Calls were not returned", "outcome": "Not upheld"},
        ],
        "officer": {
            "name": "Olive Officer",
            "job_title": "Complaints officer",
            "email": "olive@example.gov.uk",
        },
        "survey": {"link": SAMPLE_SURVEY_LINK},
    }


def placeholder_examples() -> list[tuple[str, str, str]]:
    """(placeholder, meaning, example value) for the template edit page."""
    sample = sample_context()
    rows = []
    for name, meaning in PLACEHOLDERS:
        value: Any = sample
        for part in name.split("."):
            if part == "element":
                value = sample["elements"][0]
                continue
            value = value.get(part, "") if isinstance(value, dict) else ""
        if isinstance(value, list):
            value = f"{len(value)} items"
        elif isinstance(value, dict):
            value = ""
        rows.append((name, meaning, str(value)))
    return rows


# --- Checking a template before it is saved -------------------------------------------------


def _sentence(message: str) -> str:
    """Django's message in words an editor can act on, ending with one full stop."""
    message = message.replace(
        " Did you forget to register or load this tag?",
        " Only the tags in the guide can be used: check its spelling and that it is closed.",
    ).strip()
    return message if message.endswith((".", "?", "!")) else message + "."


def check_body(body: str) -> None:
    """Refuse a template that cannot be rendered or names a placeholder that does not exist."""
    from django.template import TemplateSyntaxError

    if not body.strip():
        raise ApplicationError.for_field("body", "Enter the letter's wording")
    try:
        template = compile_body(body, strict=True)
    except TemplateSyntaxError as exc:
        message = _sentence(f"The template cannot be used: {exc}")
        raise ApplicationError.for_field("body", message) from exc
    missing: list[str] = []
    for sample in (
        sample_context(),
        sample_context(last_stage=True, child_complainant=True),
    ):
        try:
            output = template.render(Context(sample, autoescape=False))
        except Exception as exc:  # any error inside a tag: refuse rather than fail later
            message = _sentence(f"The template cannot be filled in: {exc}")
            raise ApplicationError.for_field("body", message) from exc
        missing += [m for m in _INVALID_RE.findall(output) if m not in missing]
    if missing:
        names = ", ".join("{{ " + m + " }}" for m in missing)
        raise ApplicationError.for_field(
            "body",
            f"The template uses placeholders that do not exist: {names}. Check their spelling "
            "against the list of placeholders.",
        )


# --- Which letter a case needs now -----------------------------------------------------------


def response_kind(stage_def: StageDef) -> str:
    if stage_def.steps:
        return LetterKind.PANEL_RESPONSE
    if stage_def.response_label == "adjudication":
        return LetterKind.ADJUDICATION
    return LetterKind.STAGE_RESPONSE


def suggest_kind(case: Case, *, last_letter_at: dt.datetime | None = None) -> str:
    """The letter the case's state calls for: an acknowledgement until acknowledged, an
    extension letter after an extension agreed since the last letter, else the response."""
    if case.kind != Kind.COMPLAINT or case.procedure_version is None:
        return LetterKind.OTHER
    if case.status in (Status.WITHDRAWN, Status.DISCONTINUED):
        return LetterKind.OTHER
    stage = case.stages.order_by("-number").first()
    if stage is None:
        return LetterKind.OTHER
    stage_def = case.procedure_version.spec.stage(stage.number)
    if stage.is_open:
        if stage.acknowledged_on is None:
            return LetterKind.ACKNOWLEDGEMENT
        latest = stage.extensions.order_by("-created_at").first()
        if latest is not None and (last_letter_at is None or latest.created_at > last_letter_at):
            return LetterKind.EXTENSION
    return response_kind(stage_def)


# Letters that go with a step of a stage: the stage's record links them.
STAGE_LETTERS = frozenset(
    {
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.EXTENSION,
        LetterKind.STAGE_RESPONSE,
        LetterKind.ADJUDICATION,
        LetterKind.PANEL_RESPONSE,
    }
)
RESPONSE_LETTERS = frozenset(
    {LetterKind.STAGE_RESPONSE, LetterKind.ADJUDICATION, LetterKind.PANEL_RESPONSE}
)


def stage_answered(case: Case, kind: str) -> Stage | None:
    """The stage a letter of `kind` goes with: the case's latest stage, for a stage letter."""
    if kind not in STAGE_LETTERS or case.kind != Kind.COMPLAINT:
        return None
    return case.stages.order_by("-number").first()


_OUTCOME_PLACEHOLDER = re.compile(r"\belement\.outcome\b|\belements\b")


def findings_warning(*, body: str, kind: str, context: dict[str, Any]) -> str:
    """A warning when a response letter that shows the outcomes is drafted before they are
    recorded: its findings would silently be empty."""
    if kind not in RESPONSE_LETTERS or not _OUTCOME_PLACEHOLDER.search(body):
        return ""
    missing = [e for e in context.get("elements", []) if not e.get("outcome")]
    if not missing:
        return ""
    stage = context.get("stage") or {}
    points = "point" if len(missing) == 1 else "points"
    numbers = ", ".join(str(e["number"]) for e in missing)
    return (
        f"The outcome of {points} of complaint {numbers} at stage {stage.get('number', '')} is "
        "not recorded yet, so this letter's findings will be empty. Record the response "
        "(with each point's outcome) first, and the letter will include them."
    )


# --- Formats ----------------------------------------------------------------------------------


def to_plain_text(letter: Letter) -> str:
    """The letter's words as plain text (an e-mail's body): its body, then the sign-off;
    no letterhead or address block, which an e-mail does not have."""
    parts: list[str] = []
    for block in letter.blocks:
        if block.kind == "ul":
            parts.append("\n".join(f"- {item}" for item in block.items))
        elif block.kind == "h" and block.level == 1:
            continue  # the title is the e-mail's subject
        else:
            parts.append(block.text)
    parts.append("\n".join(x for x in (letter.officer_name, letter.officer_title) if x))
    return "\n\n".join(p for p in parts if p.strip())


def to_html_fragment(letter: Letter, *, heading_offset: int = 2) -> str:
    """The letter as HTML inside a page (the preview), its headings below the page's own."""
    return render_to_string(
        "documents/letter_body.html", {"letter": letter, "heading_offset": heading_offset}
    )


def to_html_document(letter: Letter) -> str:
    return render_to_string(
        "documents/letter_document.html", {"letter": letter, "font_stack": FONT_STACK}
    )


def to_pdf(letter: Letter) -> bytes:
    """An A4, tagged (PDF/UA-1) PDF. Nothing outside the letter is fetched."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = HTML(
        string=to_html_document(letter),
        base_url="about:blank",
        url_fetcher=URLFetcher(allowed_protocols=()),
    )
    return bytes(html.write_pdf(pdf_variant="pdf/ua-1"))


def _paragraph(document: Any, text: str = "", *, style: str | None = None) -> Any:
    return document.add_paragraph(text, style=style)


def _lines(paragraph: Any, lines: Iterable[str]) -> None:
    """Lines in one paragraph, separated by line breaks (an address, a signature)."""
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _docx_styles(document: Any) -> None:
    """Arial throughout (Liberation Sans where Arial is missing), British English, A4."""
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    styles = (("Normal", 12), ("Heading 1", 14), ("Heading 2", 12), ("List Bullet", 12))
    for style_name, size in styles:
        style = document.styles[style_name]
        style.font.name = WORD_FONT
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), WORD_FONT)
        language = rpr.find(qn("w:lang"))
        if language is None:
            language = rpr.makeelement(qn("w:lang"), {})
            rpr.append(language)
        language.set(qn("w:val"), "en-GB")
        if style_name.startswith("Heading"):
            style.font.bold = True
            style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)


def to_docx(letter: Letter) -> bytes:
    """A Word letter: letterhead, date, address block, reference, body and sign-off."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = WordDocument()
    _docx_styles(document)
    document.core_properties.title = letter.title
    document.core_properties.author = letter.council_name
    document.core_properties.language = "en-GB"

    head = _paragraph(document)
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    council = head.add_run(letter.council_name)
    council.bold = True
    council.font.size = Pt(16)
    head.add_run().add_break()
    head.add_run(letter.service_name)

    _paragraph(document, letter.date)
    if letter.address_lines:
        _lines(_paragraph(document), letter.address_lines)
    if letter.reference:
        _paragraph(document, f"Our reference: {letter.reference}")

    for block in letter.blocks:
        if block.kind == "h":
            document.add_heading(block.text, level=block.level)
        elif block.kind == "ul":
            for item in block.items:
                _paragraph(document, item, style="List Bullet")
        else:
            _paragraph(document, block.text)

    if letter.survey_link:
        from docx.shared import Mm

        document.add_picture(io.BytesIO(survey_qr_png(letter.survey_link)), width=Mm(30))
        _paragraph(document, f"Scan the code or type this link: {letter.survey_link}")

    _paragraph(document, "Yours sincerely")
    signature = _paragraph(document)
    signature.add_run(letter.officer_name).bold = True
    signature.add_run().add_break()
    _lines(signature, [line for line in (letter.officer_title, letter.council_name) if line])

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    """All the text of a Word file, paragraph by paragraph (for checks and tests)."""
    from docx import Document as WordDocument

    return "\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs)
