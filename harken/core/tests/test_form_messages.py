"""Every form's errors name the field and its select lists start with a real prompt.

The forms are found, not listed: every form class defined in a harken module is built (with
the arguments its __init__ asks for, from KWARGS below), sent empty and then with nonsense in
every field, and no message may be one of Django's own ("This field is required.", "Enter a
valid date.", "Select a valid choice. ..."), which name no field. A new form is covered by
being written; one whose __init__ asks for an argument KWARGS does not know fails here,
naming it, until the argument is added.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core import validators

import harken
from harken.cases.tests.factories import complaint
from harken.cases.workflow import CaseState
from harken.core.forms import DJANGO_EMPTY_LABEL, GovukFormMixin, govuk_error_messages
from harken.surveys.models import Survey

pytestmark = pytest.mark.django_db


def _modules() -> Iterator[str]:
    for info in pkgutil.walk_packages(harken.__path__, "harken."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts or "management" in parts:
            continue
        yield info.name


def _form_classes() -> list[type[forms.BaseForm]]:
    for name in _modules():
        importlib.import_module(name)
    found: dict[str, type[forms.BaseForm]] = {}
    stack: list[type[Any]] = [forms.BaseForm]
    while stack:
        klass = stack.pop()
        sub: type[Any]
        for sub in klass.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("harken.") and ".tests" not in sub.__module__:
                found[f"{sub.__module__}.{sub.__qualname__}"] = sub
    return [found[k] for k in sorted(found)]


FORMS = _form_classes()


def _generic_patterns() -> list[re.Pattern[str]]:
    """Django's own messages (fields' and validators'), as patterns."""
    texts: set[str] = set()
    for value in vars(forms.fields).values():
        if inspect.isclass(value) and issubclass(value, forms.Field):
            for klass in value.__mro__:
                texts.update(str(m) for m in getattr(klass, "default_error_messages", {}).values())
    for value in vars(validators).values():
        message = getattr(value, "message", None)
        if inspect.isclass(value) and message:
            texts.add(str(message))
    texts.add(str(validators.ProhibitNullCharactersValidator.message))
    patterns = []
    for text in texts:
        # "%(value)s" and its like stand for anything.
        parts = re.split(r"%\(\w+\)[sd]", text)
        patterns.append(re.compile("^" + ".*".join(re.escape(p) for p in parts) + "$", re.S))
    return patterns


GENERIC = _generic_patterns()


@pytest.fixture
def kwargs(officer, admin_user) -> dict[str, Any]:
    from harken.pool.tests.conftest import make_entry

    case = complaint(actor=officer, received_on=dt.date(2026, 11, 2))
    pool_entry = make_entry(officer)  # issue 14: the pool's forms
    return {
        "roles": ["ip", "panel_member"],
        "entry": pool_entry,
        "entries": [pool_entry],
        "user": officer,
        "state": CaseState(case, fresh=True),
        "case": case,
        "role": "any",
        "creating": True,
        "ombudsman_case": None,
        "senior_manager": True,
        "templates": None,
        "params": {},
        "answers": {},
        "texts": {},
        "redactions": [],
        # Issue 14: the survey a public survey form asks, the addresses a survey may go to.
        "survey": Survey.objects.get(audience="child"),
        "emails": [("a@example.org", "A person, a@example.org")],
    }


def _build(klass: type[forms.BaseForm], data: Any, kwargs: dict[str, Any]) -> forms.BaseForm:
    wanted: dict[str, Any] = {}
    positional: list[Any] = []
    # The most-derived __init__ says what the form needs; what it passes on is its own affair.
    init = next((vars(k)["__init__"] for k in klass.__mro__ if "__init__" in vars(k)), None)
    if init is not None and init is not forms.BaseForm.__init__:
        for param in inspect.signature(init).parameters.values():
            if param.name in ("self", "args", "kwargs", "data", "files") or param.name in wanted:
                continue
            if param.kind is param.POSITIONAL_OR_KEYWORD and param.default is param.empty:
                # Django's SetPasswordForm(user, data): the user comes first.
                assert param.name in kwargs, f"{klass.__qualname__}: add {param.name} to KWARGS"
                positional.append(kwargs[param.name])
                continue
            if param.kind is param.KEYWORD_ONLY:
                if param.default is param.empty:
                    assert param.name in kwargs, f"{klass.__qualname__}: add {param.name!r}"
                if param.name in kwargs:
                    wanted[param.name] = kwargs[param.name]
    build: Any = klass  # each form's own __init__ takes its own arguments
    return build(*positional, data=data, **wanted)  # type: ignore[no-any-return]


def _nonsense(form: forms.BaseForm) -> dict[str, Any]:
    """Something wrong in every field: too long, not a choice, not a date, not a number."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            for i, _ in enumerate(field.widget.widgets):
                data[f"{key}_{i}"] = "x"
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[key] = ["not-a-choice"]
        elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            data[key] = "not-a-choice"
        elif isinstance(field, forms.FileField):
            data[key] = ""
        elif getattr(field, "max_length", None):
            data[key] = "x" * (int(field.max_length) + 1)  # type: ignore[attr-defined]
        else:
            data[key] = "not a value"
    return data


def _messages(form: forms.BaseForm) -> list[tuple[str, str]]:
    form.is_valid()
    return [(field, str(m)) for field, messages in form.errors.items() for m in messages]


@pytest.mark.parametrize("klass", FORMS, ids=lambda k: f"{k.__module__}.{k.__qualname__}")
def test_every_form_names_the_field_in_its_errors(klass, kwargs):
    """Sent empty or with nonsense, no form answers with a message that names no field."""
    if inspect.isabstract(klass):
        pytest.skip("abstract")
    assert issubclass(klass, GovukFormMixin), f"{klass.__qualname__} is not a GovukForm"
    empty = _build(klass, {}, kwargs)
    nonsense = _build(klass, _nonsense(_build(klass, None, kwargs)), kwargs)
    for field, message in _messages(empty) + _messages(nonsense):
        for pattern in GENERIC:
            assert not pattern.match(message), f"{field}: Django's own message {message!r}"


@pytest.mark.parametrize("klass", FORMS, ids=lambda k: f"{k.__module__}.{k.__qualname__}")
def test_every_select_list_starts_with_a_prompt(klass, kwargs):
    """No select list offers Django's "---------" (or a blank) as its first option."""
    form = _build(klass, None, kwargs)
    for bound in form:
        widget = bound.field.widget
        if not isinstance(widget, forms.Select) or isinstance(widget, forms.SelectMultiple):
            continue
        html = str(bound)
        assert DJANGO_EMPTY_LABEL not in html, f"{bound.name}: {html[:200]}"
        assert '<option value=""></option>' not in html, f"{bound.name} starts with a blank"
        assert '<option value="" selected></option>' not in html, f"{bound.name}: a blank"


def test_the_walk_finds_the_staff_forms():
    """The walk reaches forms in every app that has them (a broken walk would pass silently)."""
    modules = {k.__module__.split(".")[1] for k in FORMS}
    assert {"casework", "registers", "learning", "documents", "accounts", "retention"} <= modules
    assert len(FORMS) > 60


@pytest.mark.parametrize(
    ("field", "label", "code", "message"),
    [
        (forms.CharField(), "Summary", "required", "Enter the summary"),
        (
            forms.CharField(max_length=200),
            "Summary",
            "max_length",
            "Summary must be 200 characters or fewer",
        ),
        (forms.ChoiceField(), "Team", "required", "Select the team"),
        (forms.ChoiceField(), "Team", "invalid_choice", "Team must be one of the choices given"),
        (
            forms.EmailField(),
            "E-mail address",
            "invalid",
            "Enter the e-mail address in the correct format, like name@example.com",
        ),
        (
            forms.ChoiceField(),
            "How was it received?",
            "required",
            "Select an answer to “How was it received?”",
        ),
        (forms.CharField(), "What they said", "required", "Enter what they said"),
        (forms.CharField(), "SAR reference", "required", "Enter the SAR reference"),
        (
            forms.CharField(max_length=5),
            "Up 100%",
            "max_length",
            "Up 100%% must be 5 characters or fewer",
        ),
    ],
)
def test_messages_are_derived_from_the_label(field, label, code, message):
    """The wording a person reads, from the field's label."""
    assert govuk_error_messages(field, label)[code] == message


def test_a_message_a_form_gives_is_kept():
    """A form's own wording wins over the derived one."""

    class Example(GovukFormMixin, forms.Form):
        received_on = forms.CharField(
            label="Date received",
            error_messages={"required": "Enter the date the complaint was received"},
        )
        team = forms.ChoiceField(label="Team", choices=[("", DJANGO_EMPTY_LABEL), ("1", "A")])

    form = Example(data={})
    assert form.errors["received_on"] == ["Enter the date the complaint was received"]
    assert form.errors["team"] == ["Select the team"]
    assert ">Choose a team</option>" in str(Example()["team"])


# --- Dates that are usually today ------------------------------------------------------------


def _shown(form: forms.BaseForm, name: str) -> list[str]:
    """The day, month and year boxes of a date as the page shows them."""
    html = str(form[name])
    pattern = r'name="' + re.escape(form.add_prefix(name)) + r'_\d"(?:[^>]*?value="([^"]*)")?'
    return re.findall(pattern, html)


@pytest.mark.parametrize(
    ("form_path", "field"),
    [
        ("harken.casework.forms.AcknowledgeForm", "acknowledged_on"),
        ("harken.casework.forms.RespondForm", "on"),
        ("harken.casework.forms.ExtendForm", "complainant_told_on"),
        ("harken.casework.forms.WithdrawForm", "on"),
        ("harken.casework.forms.PassOnForm", "on"),
        ("harken.registers.forms.SarPauseForm", "started_on"),
        ("harken.subjectaccess.forms.ReleaseForm", "released_on"),
    ],
)
def test_an_action_date_starts_as_today_in_london(form_path, field, kwargs):
    """At 00:30 on 1 July in London (23:30 UTC on 30 June) the form offers 1 July."""
    import time_machine

    module, name = form_path.rsplit(".", 1)
    klass = getattr(importlib.import_module(module), name)
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), tick=False):
        form = _build(klass, None, kwargs)
        assert _shown(form, field) == ["1", "7", "2026"]


@pytest.mark.parametrize(
    ("form_path", "field"),
    [
        ("harken.casework.forms.NewCaseForm", "received_on"),
        ("harken.casework.forms.EscalateForm", "requested_on"),
        ("harken.casework.forms.ExtendForm", "new_due_on"),
        ("harken.registers.forms.SarForm", "received_on"),
        ("harken.registers.forms.CostForm", "incurred_on"),
    ],
)
def test_a_date_the_officer_must_type_starts_empty(form_path, field, kwargs):
    """A date that is rarely today (when a complaint arrived, a new deadline) is left empty."""
    module, name = form_path.rsplit(".", 1)
    klass = getattr(importlib.import_module(module), name)
    form = _build(klass, None, kwargs)
    assert _shown(form, field) == ["", "", ""]
