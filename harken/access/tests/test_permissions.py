"""The permission table: one place names the roles; everything else asks it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

import harken
from harken import access
from harken.access import Perm
from harken.accounts.models import Role, User
from harken.procedures import definitions

HARKEN = Path(harken.__file__).parent

# The modules that may name a role, each with the reason. Keep it tiny.
TABLE = {"harken/access/permissions.py": "the permission table itself"}
ALLOWED = {
    "harken/accounts/models.py": "the Role model itself, and the role a new account starts with",
    "harken/cases/demo.py": "the demo data creates one account of each role (and names them)",
    "harken/cases/importing.py": "an import creates the accounts its history names (IO, IP, ...)",
    "harken/cases/exporting.py": "the export's own account, a feedback officer who cannot sign in",
    "harken/procedures/definitions.py": (
        "procedure definitions are data a council edits (stored in each procedure version): "
        "the shipped ones name who records a stage's response; test_responders_are_roles "
        "holds them to the table"
    ),
}
# A value that is another enumeration's, not an account role: (module, value) -> reason.
ALLOWED_VALUES = {
    ("harken/cases/models.py", "panel_member"): "AppointmentRole.PANEL_MEMBER, an appointment",
}

ROLE_NAMES = frozenset(Role.names)
ROLE_VALUES = frozenset(Role.values)


def _role_mentions(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Role"
            and node.attr in ROLE_NAMES
        ):
            found.append((node.lineno, f"Role.{node.attr}"))
        elif isinstance(node, ast.Constant) and node.value in ROLE_VALUES:
            found.append((node.lineno, str(node.value)))
    return found


def _role_sets(tree: ast.Module, allowed: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Role sets kept under a name of a module or a class (`EDITORS = roles_with(...)`,
    `allowed_roles = ...`, `OWNERS = frozenset({...})` of roles): a second list of who may,
    which drifts from the table. A page names a permission (`permission = Perm.X`); a query
    asks `roles_with(perm)` where it runs."""
    found: list[tuple[int, str]] = []
    scopes: list[ast.Module | ast.ClassDef] = [tree]
    scopes += [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for scope in scopes:
        for node in scope.body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            names = [ast.unparse(t) for t in targets]
            calls = [
                ast.unparse(c.func).rsplit(".", 1)[-1]
                for c in ast.walk(value)
                if isinstance(c, ast.Call)
            ]
            roles = [what for _, what in _role_mentions(value) if what not in allowed]
            if "allowed_roles" in names or "roles_with" in calls or roles:
                found.append((node.lineno, ", ".join(names)))
    return found


def _modules() -> list[Path]:
    return sorted(
        p
        for p in HARKEN.rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(HARKEN).parts)
    )


def test_no_role_is_named_outside_the_permission_table():
    """Every module under harken/ (tests and migrations apart) asks the table (`may`,
    `roles_with`) instead of naming a role (`Role.MANAGER`, or its value "manager"); the few
    that create accounts are allowed, each with its reason."""
    found = {}
    for path in _modules():
        name = str(path.relative_to(HARKEN.parent))
        if name in TABLE or name in ALLOWED:
            continue
        tree = ast.parse(path.read_text(), filename=name)
        mentions = [
            f"line {line}: {what}"
            for line, what in _role_mentions(tree)
            if (name, what) not in ALLOWED_VALUES
        ]
        allowed = frozenset(what for module, what in ALLOWED_VALUES if module == name)
        mentions += [f"line {n}: {what} = a set of roles" for n, what in _role_sets(tree, allowed)]
        if mentions:
            found[name] = mentions
    assert found == {}


def test_the_check_sees_a_role_named_either_way():
    source = (
        "from harken.accounts.models import Role\n"
        "EDITORS = {Role.FEEDBACK_OFFICER}\n"
        "def f(user):\n"
        "    return user.role == 'manager' or user.role is Role.choices\n"
    )
    assert _role_mentions(ast.parse(source)) == [(2, "Role.FEEDBACK_OFFICER"), (4, "manager")]


def test_the_check_sees_a_set_of_roles_kept_under_a_name():
    """A module constant or class attribute holding roles is caught, however it is built;
    a query asking the table inside a function is not."""
    source = (
        "from harken import access\n"
        "EDITORS = access.roles_with(access.Perm.REGISTERS_EDIT)\n"
        "OWNERS: frozenset[str] = frozenset(roles_with(Perm.OWN_ACTIONS))\n"
        "class Page:\n"
        "    allowed_roles = EDITORS\n"
        "    permission = access.Perm.REGISTERS_VIEW\n"
        "def owners():\n"
        "    return User.objects.filter(role__in=access.roles_with(Perm.OWN_ACTIONS))\n"
    )
    assert _role_sets(ast.parse(source)) == [(2, "EDITORS"), (3, "OWNERS"), (5, "allowed_roles")]


def test_the_allow_list_names_modules_that_exist_and_still_need_it():
    for name in {**TABLE, **ALLOWED}:
        path = HARKEN.parent / name
        assert path.exists(), name
        assert _role_mentions(ast.parse(path.read_text())), f"{name} no longer names a role"


def test_every_permission_has_its_roles():
    assert set(access.PERMISSIONS) == set(Perm)
    assert all(roles and roles <= ROLE_VALUES for roles in access.PERMISSIONS.values())


FO, AD, MG = Role.FEEDBACK_OFFICER, Role.ADMINISTRATOR, Role.MANAGER
IO, IP, PM, RV = (
    Role.INVESTIGATING_OFFICER,
    Role.INDEPENDENT_PERSON,
    Role.PANEL_MEMBER,
    Role.REPORT_VIEWER,
)


@pytest.mark.parametrize(
    ("perm", "roles"),
    [
        # DOMAIN.md: officers and administrators see every case, managers their teams',
        # appointees only the cases they are appointed to; report viewers no case.
        (Perm.CASE_VIEW, {FO, AD, MG, IO, IP, PM}),
        (Perm.CASES_ALL, {FO, AD}),
        (Perm.CASES_OF_TEAMS, {MG}),
        (Perm.CASES_APPOINTED, {IO, IP, PM}),
        (Perm.CASE_MANAGE, {FO, AD}),
        (Perm.CASE_RESPOND, {FO, AD, MG}),
        (Perm.CASE_NOTE, {FO, AD, MG, IO, IP, PM}),
        (Perm.STAGES_AFTER_FIRST, {FO, AD}),
        (Perm.REGISTERS_VIEW, {FO, AD, MG}),
        (Perm.REGISTERS_EDIT, {FO, AD}),
        (Perm.PLAN_VIEW, {FO, AD, MG}),
        (Perm.PLAN_EDIT, {FO, AD}),
        (Perm.PLAN_OVERVIEW, {FO, AD, MG, RV}),
        (Perm.REPORTS_VIEW, {FO, AD, MG, RV}),
        (Perm.SUBJECT_ACCESS, {FO, AD}),
        (Perm.RETENTION, {AD}),
        (Perm.ADMINISTER, {AD}),
        (Perm.OUTBOX_RETRY, {FO, AD}),
        (Perm.CASE_SEND, {FO, AD, MG}),
        (Perm.INBOUND_TEXTS, {FO, AD}),
        (Perm.MAILBOX, {FO, AD}),
        (Perm.BE_APPOINTED, {FO, MG, IO, IP, PM}),
        (Perm.OVERDUE_SUMMARY, {FO, AD, MG, RV}),
        (Perm.DAILY_DIGEST, {FO, AD, MG, IO, IP, PM}),
        # Issue 14, the pool of independent people.
        (Perm.POOL_VIEW, {FO, AD}),
        (Perm.POOL_EDIT, {FO, AD}),
        (Perm.POOL_OWN, {IO, IP, PM}),
        # Issue 14 (homes): the feedback team's work; managers and appointees see none of it.
        (Perm.HOMES_VIEW, {FO, AD}),
        (Perm.HOMES_EDIT, {FO, AD}),
        # ... unless the council sets HARKEN_MANAGERS_SEE_TEAM_HOMES (their teams' homes);
        # an independent visitor sees their own visits only.
        (Perm.HOMES_OF_TEAMS, {MG}),
        (Perm.HOMES_OWN_VISITS, {Role.INDEPENDENT_VISITOR}),
        # Issue 14: survey comments may name a child or a concern about any team.
        (Perm.SURVEYS_VIEW, {FO, AD}),
        (Perm.SURVEYS_SEND, {FO, AD}),
        (Perm.SURVEYS_TRIAGE, {FO, AD}),
        (Perm.SURVEYS_IMPORT, {FO, AD}),
        (Perm.SURVEYS_ADMINISTER, {AD}),
    ],
)
def test_the_table_gives_each_permission_to_the_roles_the_procedures_name(perm, roles):
    assert access.roles_with(perm) == roles


def _user(role: str, *, is_active: bool = True, is_superuser: bool = False) -> User:
    return User(username=f"u-{role}", role=role, is_active=is_active, is_superuser=is_superuser)


def test_may_asks_the_table_for_an_active_signed_in_user():
    assert access.may(_user(MG), Perm.REGISTERS_VIEW)
    assert not access.may(_user(MG), Perm.REGISTERS_EDIT)


@pytest.mark.parametrize("who", [None, AnonymousUser(), _user(AD, is_active=False)])
def test_may_refuses_anyone_not_signed_in_or_no_longer_active(who):
    assert not access.may(who, Perm.STAFF_PAGES)


def test_an_administrator_is_the_role_or_a_superuser():
    assert access.is_administrator(_user(AD))
    assert access.is_administrator(_user(FO, is_superuser=True))
    assert not access.is_administrator(_user(FO))
    assert not access.is_administrator(_user(AD, is_active=False))


def test_responders_are_roles():
    """The shipped procedures' rule of who records a stage's response names roles, and by
    default the roles the table lets answer (the feedback team alone for chained steps)."""
    assert set(definitions.RESPONDER_NAMES) <= ROLE_VALUES
    assert set(definitions.RESPONDER_NAMES) == access.roles_with(Perm.CASE_RESPOND)
    assert set(definitions.FEEDBACK_TEAM) == access.roles_with(Perm.CASES_ALL)


def test_every_step_of_the_workflow_needs_a_permission_of_the_table():
    from harken.cases.workflow import TRANSITIONS

    assert {Perm(t.permission) for t in TRANSITIONS} <= set(access.PERMISSIONS)


def test_who_is_asking_is_worked_out_in_one_place():
    """`accounts.current` turns a request's or a check's user into a User; no module keeps
    its own `_user(request)` or `_active(user)` copy of it."""
    copies = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name in {"_user", "_active"}:
                copies.append(f"{path.relative_to(HARKEN.parent)}:{node.lineno}")
    assert copies == []
