"""Every audit verb is a member of its table's enumeration, never free text.

The check reads the code (like core/tests/test_layers.py): wherever a verb is given to the
audit trail (`record_event(verb=...)`, a register's `_audit`, a helper with a `verb`
parameter, a `describe` returning the verb, a `verb = ...` passed on), it must be a member
such as `Verb.NOTE` or `TimelineEvent.Verb.NOTE`, not a string, so that a misspelt verb
fails here and not in a report that counts the wrong rows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import models

import harken
from harken.cases.models import ThemeEvent, TimelineEvent
from harken.correspondence.models import MailItemEvent
from harken.homes.models import HomeEvent
from harken.pool.models import PoolEvent
from harken.registers.models import REGISTER_VERBS, RegisterEvent
from harken.retention.models import RetentionEvent
from harken.subjectaccess.models import RightsRequestEvent
from harken.surveys.models import SurveyEvent

HARKEN = Path(harken.__file__).parent

# The model whose `Verb` an expression such as `RetentionEvent.Verb.X` names.
ENUMS: dict[str, type[models.TextChoices]] = {
    "TimelineEvent": TimelineEvent.Verb,
    "ThemeEvent": ThemeEvent.Verb,
    "RetentionEvent": RetentionEvent.Verb,
    "RightsRequestEvent": RightsRequestEvent.Verb,
    "SurveyEvent": SurveyEvent.Verb,  # issue 14
    "MailItemEvent": MailItemEvent.Verb,
    "PoolEvent": PoolEvent.Verb,  # issue 14
    "HomeEvent": HomeEvent.Verb,
}


def _modules() -> list[Path]:
    return sorted(
        p
        for p in HARKEN.rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(HARKEN).parts)
    )


def _alias(tree: ast.Module) -> str | None:
    """The model a module's `Verb = <Model>.Verb` names, if it has that line."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [ast.unparse(t) for t in node.targets] == ["Verb"]
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "Verb"
        ):
            return ast.unparse(node.value.value)
    return None


def _leaves(node: ast.expr) -> list[ast.expr]:
    """The values an expression may take: both sides of `a if c else b`, each of `a or b`."""
    if isinstance(node, ast.IfExp):
        return [*_leaves(node.body), *_leaves(node.orelse)]
    if isinstance(node, ast.BoolOp):
        return [leaf for value in node.values for leaf in _leaves(value)]
    return [node]


def _verb_params(tree: ast.Module) -> dict[str, int]:
    """The functions of this module that take a verb: name -> the verb's position."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            if "verb" in names:
                found[node.name] = names.index("verb")
    return found


def _from_call(node: ast.Call, positions: dict[str, int]) -> list[ast.expr]:
    """The verbs a call gives: `verb=`, a `describe=lambda` tuple's first value, and the
    argument in the verb's position of a helper of this module."""
    given = [k.value for k in node.keywords if k.arg == "verb"]
    for keyword in node.keywords:
        body = keyword.value.body if isinstance(keyword.value, ast.Lambda) else None
        if keyword.arg == "describe" and isinstance(body, ast.Tuple) and body.elts:
            given.append(body.elts[0])
    name = ast.unparse(node.func).rsplit(".", 1)[-1]
    if name in positions and len(node.args) > positions[name]:
        given.append(node.args[positions[name]])
    return given


def _assigned_verb(node: ast.Assign) -> list[ast.expr]:
    """What `verb = ...` or `verb, description = ..., ...` gives the name `verb`."""
    found = []
    for target in node.targets:
        if isinstance(target, ast.Name) and target.id == "verb":
            found.append(node.value)
        elif (
            isinstance(target, ast.Tuple)
            and isinstance(node.value, ast.Tuple)
            and target.elts
            and ast.unparse(target.elts[0]) == "verb"
        ):
            found.append(node.value.elts[0])
    return found


def _described(node: ast.FunctionDef) -> list[ast.expr]:
    """The verbs a `describe` function returns (first of each returned tuple)."""
    return [
        ret.value.elts[0]
        for ret in ast.walk(node)
        if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple) and ret.value.elts
    ]


def _given_verbs(tree: ast.Module) -> list[ast.expr]:
    """Every expression the module gives as an audit verb. A `verb = ...` counts where its
    function passes `verb` on to a call (elsewhere the word is only a word of a message)."""
    given: list[ast.expr] = []
    positions = _verb_params(tree)
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            given.extend(_from_call(node, positions))
        elif isinstance(node, ast.FunctionDef) and node.name == "describe":
            given.extend(_described(node))
    for scope in [tree, *scopes]:
        calls = [n for n in ast.walk(scope) if isinstance(n, ast.Call)]
        if any(ast.unparse(v) == "verb" for c in calls for v in _from_call(c, positions)):
            for node in ast.walk(scope):
                if isinstance(node, ast.Assign):
                    given.extend(_assigned_verb(node))
    return given


def _not_members(tree: ast.Module) -> list[str]:
    alias = _alias(tree)
    bad = []
    seen: set[int] = set()
    for expr in _given_verbs(tree):
        for leaf in _leaves(expr):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            text = ast.unparse(leaf)
            if isinstance(leaf, ast.Name):
                continue  # a verb passed on: its own parameter's type says which enumeration
            if isinstance(leaf, ast.Attribute) and isinstance(leaf.value, ast.Attribute | ast.Name):
                owner = ast.unparse(leaf.value)
                model = alias if owner == "Verb" else owner.removesuffix(".Verb")
                enum = ENUMS.get(model or "") if owner.endswith("Verb") else None
                if enum is not None and leaf.attr in enum.__members__:
                    continue
            bad.append(f"line {leaf.lineno}: {text}")
    return bad


def test_every_audit_verb_is_a_member_of_its_enumeration():
    """No module of Harken gives the audit trail a verb as a string or a name its
    enumeration does not have."""
    found = {
        str(path.relative_to(HARKEN.parent)): bad
        for path in _modules()
        if (bad := _not_members(ast.parse(path.read_text(), filename=str(path))))
    }
    assert found == {}


def test_the_check_finds_a_string_and_a_misspelt_member():
    """The check can fail: a string literal, a name the enumeration lacks, a string in a
    `describe` or in a `verb = ...` passed on, and a string in a helper's verb position are
    each reported; members are not."""
    source = (
        "from harken.cases.models import TimelineEvent\n"
        "Verb = TimelineEvent.Verb\n"
        "def _save(stage, actor, verb, description):\n"
        "    record_event(case=stage.case, actor=actor, verb=verb, description=description)\n"
        "def f(case, actor, late):\n"
        "    record_event(case=case, actor=actor, verb='note_added', description='x')\n"
        "    record_event(case=case, actor=actor, verb=Verb.NOTE_ADED, description='x')\n"
        "    record_event(case=case, actor=actor, verb=Verb.NOTE, description='x')\n"
        "    _save(case.stage, actor, 'paused', 'x')\n"
        "    _save(case.stage, actor, Verb.PAUSED if late else Verb.RESUMED, 'x')\n"
        "    _update(describe=lambda changes: ('cost_updated', 'x'))\n"
        "    verb = 'escalated' if late else TimelineEvent.Verb.ESCALATED\n"
        "    record_event(case=case, actor=actor, verb=verb, description='x')\n"
        "    _event(actor=actor, verb=RetentionEvent.Verb.APPROVED, description='x')\n"
        "    _event(actor=actor, verb=RetentionEvent.Verb.NOTE, description='x')\n"
    )
    assert _not_members(ast.parse(source)) == [
        "line 6: 'note_added'",
        "line 7: Verb.NOTE_ADED",
        "line 9: 'paused'",
        "line 11: 'cost_updated'",
        "line 15: RetentionEvent.Verb.NOTE",
        "line 12: 'escalated'",
    ]


def test_the_check_reads_the_modules_that_write_the_trail():
    names = {str(p.relative_to(HARKEN)) for p in _modules()}
    assert {
        "cases/services/stages.py",
        "registers/services.py",
        "retention/services.py",
        "subjectaccess/rights.py",
        "learning/services.py",
    } <= names


@pytest.mark.parametrize("enum", [*ENUMS.values()], ids=[*ENUMS])
def test_each_verb_has_words_a_person_reads(enum):
    """Each member has a label that is not its stored value, and no two share one."""
    labels = [str(label) for label in enum.labels]
    assert all(label != value for label, value in zip(labels, enum.values, strict=True))
    assert len(set(labels)) == len(labels)


def test_register_events_take_their_verbs_from_the_timeline():
    """A register record's event repeats on its case's timeline with the same verb, so the
    register table's choices are members of the timeline's enumeration."""
    field = RegisterEvent._meta.get_field("verb")
    assert [value for value, _ in field.choices or ()] == [v.value for v in REGISTER_VERBS]
    assert set(REGISTER_VERBS) <= set(TimelineEvent.Verb)
