"""The permission table: what each role may do. The one place a role is named.

Every service, view, navigation item, form's list of people to choose, API permission,
register, the action plan, retention, subject access, the outbox and the letters ask
`may(user, Perm.X)` (or `roles_with(Perm.X)` to filter people, `role_may(role, Perm.X)` for
a role being chosen); none of them names a role. A new role or a changed rule is one edit
here, and `harken/access/tests/test_permissions.py` pins the table as the procedures read.

What a permission allows on one case is decided with the case-level rules beside it
(`harken/access/cases.py`): who may see the case (all cases, their teams' cases, the cases
they are appointed to; a restricted case only by the people named on it).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from harken.accounts.current import active_user
from harken.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from harken.accounts.models import User


class Perm(StrEnum):
    # What a role may do to a case it can see (the workflow's transitions name these).
    CASE_VIEW = "view"
    CASE_MANAGE = "manage"  # record the case work itself: log, assign, stages, elements
    CASE_RESPOND = "respond"  # answer a stage and extend it, write the letters
    CASE_NOTE = "note"  # add notes and documents
    CASE_SAFEGUARDING = "safeguarding"  # raise a safeguarding concern
    CASE_SEND = "send"  # send an e-mail, a letter or a text from the case (issue 13)
    # Which cases a role sees (harken/access/cases.py applies them, restriction on top).
    CASES_ALL = "cases.all"  # every case
    CASES_OF_TEAMS = "cases.teams"  # their teams' cases, those assigned to or appointed to them
    CASES_APPOINTED = "cases.appointed"  # only the cases they are appointed to, while appointed
    # Answer a stage after stage 1 where the procedure names no responders (the older rule:
    # managers answer stage 1 only).
    STAGES_AFTER_FIRST = "stages.after_first"
    # The staff pages beyond the case.
    DAY = "day"  # the start page ("Your day") and the team page
    CASELOAD_DOWNLOAD = "caseload.download"
    REGISTERS_VIEW = "registers.view"
    REGISTERS_EDIT = "registers.edit"  # and read standalone records
    PLAN_VIEW = "plan.view"  # the learning action plan itself
    PLAN_EDIT = "plan.edit"  # record and change recommendations and actions
    PLAN_OVERVIEW = "plan.overview"  # the action plan's figures (counts only)
    REPORTS_VIEW = "reports.view"
    REPORTS_EDIT = "reports.edit"  # saved report settings
    LETTER_TEMPLATES_EDIT = "letters.templates"
    SUBJECT_ACCESS = "subjectaccess"
    RETENTION = "retention"
    ADMINISTER = "administer"  # accounts, procedures, themes, tokens, settings
    OUTBOX_RETRY = "outbox.retry"  # see and send again the messages not sent
    INBOUND_TEXTS = "outbox.inbound_texts"  # read the text messages people sent the council
    MAILBOX = "mailbox"  # the shared mailbox's inbox: read, claim, turn into records (issue 13)
    STAFF_PAGES = "staff"  # their own account and reminders
    # Who may be chosen for what (the forms' lists of people read these).
    BE_ASSIGNED = "choose.assignee"  # assigned a case, a stage's responder, given a task
    BE_APPOINTED = "choose.appointee"  # appointed to a stage (IO, IP, panel)
    OWN_ACTIONS = "choose.action_owner"  # given an action to own on the action plan
    # Reminders: who may get the daily digest, and the overdue summary (council staff).
    DAILY_DIGEST = "reminders.digest"
    OVERDUE_SUMMARY = "reminders.overdue_summary"
    # --- Issue 14, the pool of independent people (harken/pool) ---
    POOL_VIEW = "pool.view"  # the pool's entries: contact details, fees, DBS, training
    POOL_EDIT = "pool.edit"  # add and change entries, record partner appointments
    POOL_OWN = "pool.own"  # "Your appointments": the stages one is appointed to
    # --- end of issue 14's pool block ---
    # --- Issue 14: children's homes, Regulation 44 visits and drop-ins (harken/homes) ---
    HOMES_VIEW = "homes.view"  # the register of homes, visits, drop-ins and compliance
    HOMES_EDIT = "homes.edit"  # record homes, visits, drop-ins; triage what was raised
    # Read only: the homes of their teams, with those homes' visits, drop-ins, issues and
    # compliance, when the council sets HARKEN_MANAGERS_SEE_TEAM_HOMES (off: nothing).
    HOMES_OF_TEAMS = "homes.teams"
    # "Your visits": an independent visitor's own visits, their homes, their visits' reports.
    HOMES_OWN_VISITS = "homes.own_visits"
    # --- end of issue 14 (homes) ---
    # Issue 14: surveys (harken/surveys).
    SURVEYS_VIEW = "surveys.view"  # the surveys sent and answered, the comments
    SURVEYS_SEND = "surveys.send"  # send a closed case's survey
    SURVEYS_TRIAGE = "surveys.triage"  # decide what becomes of a comment
    SURVEYS_IMPORT = "surveys.import"  # import other survey returns
    SURVEYS_ADMINISTER = "surveys.administer"  # the surveys' questions


_FEEDBACK_TEAM = frozenset({Role.FEEDBACK_OFFICER, Role.ADMINISTRATOR})
_OFFICE = _FEEDBACK_TEAM | {Role.MANAGER}
_APPOINTEES = frozenset({Role.INVESTIGATING_OFFICER, Role.INDEPENDENT_PERSON, Role.PANEL_MEMBER})
_CASEWORK = _OFFICE | _APPOINTEES
_EVERYONE = frozenset(Role)

PERMISSIONS: dict[Perm, frozenset[str]] = {
    Perm.CASE_VIEW: _CASEWORK,
    Perm.CASE_MANAGE: _FEEDBACK_TEAM,
    Perm.CASE_RESPOND: _OFFICE,
    Perm.CASE_NOTE: _CASEWORK,
    Perm.CASE_SAFEGUARDING: _CASEWORK,
    # Those who write the letters send them; appointees (often from outside) do not.
    Perm.CASE_SEND: _OFFICE,
    Perm.CASES_ALL: _FEEDBACK_TEAM,
    Perm.CASES_OF_TEAMS: frozenset({Role.MANAGER}),
    Perm.CASES_APPOINTED: _APPOINTEES,
    Perm.STAGES_AFTER_FIRST: _FEEDBACK_TEAM,
    Perm.DAY: _OFFICE,
    Perm.CASELOAD_DOWNLOAD: _CASEWORK,
    Perm.REGISTERS_VIEW: _OFFICE,
    Perm.REGISTERS_EDIT: _FEEDBACK_TEAM,
    Perm.PLAN_VIEW: _OFFICE,
    Perm.PLAN_EDIT: _FEEDBACK_TEAM,
    Perm.PLAN_OVERVIEW: _OFFICE | {Role.REPORT_VIEWER},
    Perm.REPORTS_VIEW: _OFFICE | {Role.REPORT_VIEWER},
    Perm.REPORTS_EDIT: _FEEDBACK_TEAM,
    Perm.LETTER_TEMPLATES_EDIT: _FEEDBACK_TEAM,
    Perm.SUBJECT_ACCESS: _FEEDBACK_TEAM,
    Perm.RETENTION: frozenset({Role.ADMINISTRATOR}),
    Perm.ADMINISTER: frozenset({Role.ADMINISTRATOR}),
    Perm.OUTBOX_RETRY: _FEEDBACK_TEAM,
    Perm.INBOUND_TEXTS: _FEEDBACK_TEAM,
    # The team's mailbox holds e-mail about any child, before anyone knows whose case it is.
    Perm.MAILBOX: _FEEDBACK_TEAM,
    Perm.STAFF_PAGES: _EVERYONE,
    Perm.BE_ASSIGNED: _OFFICE,
    # Administrators run the system; they are not appointed to investigate.
    Perm.BE_APPOINTED: _APPOINTEES | {Role.MANAGER, Role.FEEDBACK_OFFICER},
    Perm.OWN_ACTIONS: _OFFICE,
    # Independent visitors (issue 14, homes) have no cases and no actions to be reminded of.
    Perm.DAILY_DIGEST: _EVERYONE - {Role.REPORT_VIEWER, Role.INDEPENDENT_VISITOR},
    # IOs, IPs and panel members are often from outside the council, as are visitors.
    Perm.OVERDUE_SUMMARY: _EVERYONE - _APPOINTEES - {Role.INDEPENDENT_VISITOR},
    # --- Issue 14, the pool of independent people ---
    # Contractors' contact details and fees: the team that appoints them.
    Perm.POOL_VIEW: _FEEDBACK_TEAM,
    Perm.POOL_EDIT: _FEEDBACK_TEAM,
    # IOs, IPs and panel members: the page they work from (council staff use the caseload).
    Perm.POOL_OWN: _APPOINTEES,
    # --- end of issue 14's pool block ---
    # --- Issue 14: homes, visits and drop-ins. The feedback team's own work; managers see
    # none of it by default (the issue: "only if the council says so"), and appointees none.
    Perm.HOMES_VIEW: _FEEDBACK_TEAM,
    Perm.HOMES_EDIT: _FEEDBACK_TEAM,
    Perm.HOMES_OF_TEAMS: frozenset({Role.MANAGER}),
    Perm.HOMES_OWN_VISITS: frozenset({Role.INDEPENDENT_VISITOR}),
    # --- end of issue 14 (homes) ---
    # Issue 14: surveys. Comments may name a child or raise a concern about any team: the
    # feedback team reads and triages them; the questions are the administrators'.
    Perm.SURVEYS_VIEW: _FEEDBACK_TEAM,
    Perm.SURVEYS_SEND: _FEEDBACK_TEAM,
    Perm.SURVEYS_TRIAGE: _FEEDBACK_TEAM,
    Perm.SURVEYS_IMPORT: _FEEDBACK_TEAM,
    Perm.SURVEYS_ADMINISTER: frozenset({Role.ADMINISTRATOR}),
}

# Reg 2 of the 2006 Regulations: an Independent Person or a review panel member must not be
# employed by the council (the accounts service refuses such an account).
INDEPENDENT_ROLES: frozenset[str] = frozenset({Role.INDEPENDENT_PERSON, Role.PANEL_MEMBER})


def roles_with(perm: Perm | str) -> frozenset[str]:
    """The roles the table gives `perm` (for a query on people, or a page's allowed roles)."""
    return PERMISSIONS[Perm(perm)]


def role_may(role: str | None, perm: Perm | str) -> bool:
    """Whether the role `role` has `perm` (a role being chosen in a form, not a user)."""
    return role in PERMISSIONS[Perm(perm)]


def may(user: User | AnonymousUser | Any | None, perm: Perm | str) -> bool:
    """Whether `user` is signed in, active, and their role has `perm`. Not about one case:
    for that, `harken.access.can_act(user, case, perm)`."""
    active = active_user(user)
    return active is not None and role_may(active.role, perm)


def is_administrator(user: User | AnonymousUser | None) -> bool:
    """An active administrator, or a superuser (whoever runs `harken createsuperuser` vouches
    for them): manages accounts, procedures and settings."""
    active = active_user(user)
    return active is not None and (may(active, Perm.ADMINISTER) or active.is_superuser)


def can_see_reports(user: User | AnonymousUser | None) -> bool:
    return may(user, Perm.REPORTS_VIEW)
