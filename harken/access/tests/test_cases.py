"""Who sees which case: each role's denials, checked through the selectors the pages use."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken import access
from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases import selectors, services
from harken.cases.models import AppointmentRole, CaseRead
from harken.cases.tests.factories import complaint, respond_all
from harken.core.errors import AccessDenied

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def cases(officer):
    """One complaint about Assessment Teams, one about the SEND Team."""
    return {
        "assessment": complaint(actor=officer, received_on=D(2024, 3, 1)),
        "send": complaint(actor=officer, received_on=D(2024, 3, 1), team="SEND Team"),
    }


def refs(user):
    return set(selectors.case_list(user=user).values_list("reference", flat=True))


def test_a_case_is_found_by_its_reference_as_typed_only_by_those_who_may_see_it(
    officer, manager, cases
):
    send = cases["send"]
    typed = f"  {send.reference.lower()} "
    assert access.visible_case(officer, typed) == send
    assert access.visible_case(manager, typed) is None  # not their team's
    assert access.visible_case(manager, cases["assessment"].reference.lower()) is not None
    assert access.visible_case(officer, "") is None
    assert selectors.case_get(user=officer, reference=typed) == send
    assert access.visible_case(officer, send.reference + "X" * 60) is None


def test_feedback_officer_sees_every_case(officer, cases):
    assert refs(officer) == {c.reference for c in cases.values()}


def test_manager_sees_only_their_teams_cases(manager, cases):
    assert refs(manager) == {cases["assessment"].reference}
    with pytest.raises(AccessDenied):
        selectors.case_get(user=manager, reference=cases["send"].reference)


def test_report_viewer_sees_no_case_records(report_viewer, cases):
    assert refs(report_viewer) == set()
    with pytest.raises(AccessDenied):
        selectors.case_get(user=report_viewer, reference=cases["assessment"].reference)
    assert access.can_see_reports(report_viewer)


def test_io_sees_only_the_case_they_are_appointed_to(officer, io_user, ip_user, cases):
    case = cases["assessment"]
    assert refs(io_user) == set()
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    assert refs(io_user) == {case.reference}
    assert refs(ip_user) == set()
    appointment = case.stages.get(number=2).appointments.get()
    services.appointment_end(appointment=appointment, on=D(2024, 3, 20), actor=officer)
    assert refs(io_user) == set()


def test_appointee_cannot_change_the_case(officer, io_user, cases):
    case = cases["assessment"]
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    with pytest.raises(AccessDenied):
        services.statement_agree(case=case, on=D(2024, 3, 14), actor=io_user)
    services.note_add(case=case, text="Interviewed the social worker", actor=io_user)


def test_restricted_case_only_for_named_people(officer, cases):
    other_officer = make_user("oscar_officer", Role.FEEDBACK_OFFICER)
    case = cases["assessment"]
    services.case_restrict(case=case, restricted=True, people=[], actor=officer)
    assert case.reference in refs(officer)
    assert case.reference not in refs(other_officer)
    with pytest.raises(AccessDenied):
        selectors.case_get(user=other_officer, reference=case.reference)
    with pytest.raises(AccessDenied):
        services.note_add(case=case, text="x", actor=other_officer)


def test_inactive_user_sees_nothing(officer, cases):
    officer.is_active = False
    officer.save()
    assert refs(officer) == set()


def test_every_read_of_a_case_is_logged(officer, cases):
    case = cases["assessment"]
    selectors.case_get(user=officer, reference=case.reference)
    selectors.case_get(user=officer, reference=case.reference, via="api")
    reads = list(
        CaseRead.objects.filter(case=case).order_by("id").values_list("user__username", "via")
    )
    assert reads == [("olive_officer", "web"), ("olive_officer", "api")]


def test_denied_read_is_not_logged_as_a_read(manager, cases):
    with pytest.raises(AccessDenied):
        selectors.case_get(user=manager, reference=cases["send"].reference)
    assert not CaseRead.objects.exists()


def test_one_rule_says_who_is_an_administrator(admin_user, officer, manager):
    """Accounts, procedures and reminder settings all ask the same question."""
    from harken.accounts.models import User
    from harken.procedures.services import procedure_version_create

    assert access.is_administrator(admin_user)
    assert not access.is_administrator(officer)
    assert not access.is_administrator(manager)
    assert access.is_administrator(User(username="root", is_superuser=True, is_active=True))
    admin_user.is_active = False
    assert not access.is_administrator(admin_user)
    with pytest.raises(AccessDenied):
        procedure_version_create(definition={}, actor=officer)


def test_open_cases_visible_are_the_visible_cases_that_are_open(
    officer, manager, other_manager, io_user, cases
):
    """`visible_open_cases` (the caseload's and team view's cheaper form, ADR 0131) gives
    each role exactly the open cases `visible_cases` gives: a manager's closed team case, a
    team case assigned to the manager, an appointment and a restricted team case the manager
    is not named on all decide alike."""
    from harken.cases.models import Status

    closed = complaint(actor=officer, received_on=D(2024, 2, 1))
    services.case_withdraw(case=closed, on=D(2024, 2, 5), reason="No longer needed", actor=officer)
    assigned = complaint(actor=officer, received_on=D(2024, 3, 2))
    services.case_assign(case=assigned, user=manager, actor=officer)
    hidden = complaint(actor=officer, received_on=D(2024, 3, 3))
    services.case_restrict(case=hidden, restricted=True, people=[officer], actor=officer)
    case = cases["assessment"]
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    for user in (officer, manager, other_manager, io_user):
        full = set(
            access.visible_cases(user).filter(status=Status.OPEN).values_list("pk", flat=True)
        )
        assert set(access.visible_open_cases(user).values_list("pk", flat=True)) == full
    mine = set(access.visible_open_cases(manager).values_list("pk", flat=True))
    assert mine == {cases["assessment"].pk, assigned.pk}
    assert closed.pk in set(access.visible_cases(manager).values_list("pk", flat=True))


def test_the_open_cases_table_gives_every_role_the_same_cases_after_each_change(
    officer, manager, other_manager, io_user, admin_user, assessment_team, send_team
):
    """ADR 0132: the open-only rule reads the open cases of each team from their own table.
    After each change that table follows (a case moved to another team, given a second
    team, closed, escalated, withdrawn and reopened, a contact progressed, a manager of two
    teams), every role's open cases are still `visible_cases` filtered to open, and each
    page that reads the table (caseload, its tag counts, team view, start page) agrees."""
    from harken.cases.models import Kind, Status
    from harken.casework import day
    from harken.casework import selectors as work
    from harken.casework.selectors import CaseloadFilters, DueWindow

    both = make_user("bo_manager", Role.MANAGER, teams=[assessment_team, send_team])
    users = (officer, admin_user, manager, other_manager, io_user, both)
    window = DueWindow.now()

    def same() -> None:
        for user in users:
            user.__dict__.pop("_access_memo", None)  # as a new request would
            full = set(
                access.visible_cases(user).filter(status=Status.OPEN).values_list("pk", flat=True)
            )
            assert set(access.visible_open_cases(user).values_list("pk", flat=True)) == full
            shown = work.caseload(user=user, filters=CaseloadFilters(), window=window)
            assert {c.pk for c in shown} == full
            counts = work.caseload_tag_counts(user=user, filters=CaseloadFilters(), window=window)
            assert sum(counts.values()) == len(full)
            for team in (assessment_team, send_team):
                of_team = CaseloadFilters(team=team.pk)
                expected = set(
                    access.visible_cases(user)
                    .filter(status=Status.OPEN, teams=team)
                    .values_list("pk", flat=True)
                )
                assert {c.pk for c in work.caseload(user=user, filters=of_team)} == expected
            if not user.sees_all_cases and user.teams.exists():
                teams_open = set(
                    access.visible_cases(user)
                    .filter(status=Status.OPEN, teams__in=user.teams.all())
                    .values_list("pk", flat=True)
                )
                workload = work.team_workload(user=user, window=window)
                assert workload.totals.get("n_open", 0) == len(teams_open)
                for row in workload.teams:
                    assert row["n_open"] == (
                        access.visible_cases(user)
                        .filter(status=Status.OPEN, teams=row["teams__id"])
                        .count()
                    )
                for row in day.team_complaints(user=user, window=window):
                    assert row["open"] == (
                        access.visible_cases(user)
                        .filter(status=Status.OPEN, kind=Kind.COMPLAINT, teams=row["team"])
                        .count()
                    )

    moved = complaint(actor=officer, received_on=D(2024, 3, 1))
    shared = complaint(actor=officer, received_on=D(2024, 3, 2), team="SEND Team")
    same()
    services.case_update(case=moved, actor=officer, teams=[send_team])
    services.case_update(case=shared, actor=officer, teams=[send_team, assessment_team])
    same()
    respond_all(moved, on=D(2024, 3, 8), actor=officer)
    same()
    services.complaint_escalate(case=moved, requested_on=D(2024, 3, 12), actor=officer)
    services.appointment_make(
        case=moved,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    services.case_assign(case=moved, user=both, actor=officer)
    same()
    services.case_withdraw(case=shared, on=D(2024, 3, 20), reason="Sorted", actor=officer)
    same()
    services.case_reopen(case=shared, reason="Recorded in error", actor=officer)
    services.case_restrict(case=shared, restricted=True, people=[both], actor=officer)
    same()
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 6, 3),
        summary="Phone call",
        teams=[assessment_team],
    )
    same()
    services.contact_progress(case=contact, on=D(2024, 6, 5), actor=officer)
    same()


def test_the_full_rule_probed_per_case_gives_each_role_exactly_who_may_see_what(
    officer, manager, other_manager, io_user, admin_user, assessment_team, send_team
):
    """ADR 0260: the rule over every status (search, the API's lists, a case's page) now
    probes each case's own team links instead of hashing every link the manager's teams ever
    had. Checked against the rule written out case by case: a closed team case is still the
    manager's; a closed case whose team link was moved to another team is no longer theirs;
    a closed case assigned to them (its team since changed) stays theirs; an ended
    appointment shows the appointee nothing; a
    restricted team case only to those named. The rule asked first (the words' walk newest
    first) gives the same cases."""
    from harken.cases.models import Case, Status
    from harken.cases.selectors import words_q

    both = make_user("bo_manager", Role.MANAGER, teams=[assessment_team, send_team])
    closed = complaint(actor=officer, received_on=D(2024, 2, 1))
    services.case_withdraw(case=closed, on=D(2024, 2, 5), reason="No longer needed", actor=officer)
    moved = complaint(actor=officer, received_on=D(2024, 2, 2))
    services.case_withdraw(case=moved, on=D(2024, 2, 6), reason="No longer needed", actor=officer)
    services.case_update(case=moved, actor=officer, teams=[send_team])
    assigned = complaint(actor=officer, received_on=D(2024, 2, 3))
    services.case_assign(case=assigned, user=manager, actor=officer)
    services.case_update(case=assigned, actor=officer, teams=[send_team])
    services.case_withdraw(
        case=assigned, on=D(2024, 2, 7), reason="No longer needed", actor=officer
    )
    hidden = complaint(actor=officer, received_on=D(2024, 3, 3))
    services.case_restrict(case=hidden, restricted=True, people=[officer, both], actor=officer)
    late = complaint(actor=officer, received_on=D(2024, 3, 3), summary="Transport was late")
    appointed = complaint(actor=officer, received_on=D(2024, 3, 4))
    respond_all(appointed, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=appointed, requested_on=D(2024, 3, 12), actor=officer)
    services.appointment_make(
        case=appointed,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    ended = complaint(actor=officer, received_on=D(2024, 3, 5))
    respond_all(ended, on=D(2024, 3, 8), actor=officer)
    services.complaint_escalate(case=ended, requested_on=D(2024, 3, 12), actor=officer)
    services.appointment_make(
        case=ended,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 3, 13),
        actor=officer,
    )
    services.appointment_end(
        appointment=ended.stages.get(number=2).appointments.get(), on=D(2024, 3, 20), actor=officer
    )

    def expected(user) -> set[int]:
        """The rule, case by case in Python (the module's docstring)."""
        seen = set()
        for case in Case.objects.prefetch_related("teams", "restricted_to", "stages__appointments"):
            if case.restricted and user not in case.restricted_to.all():
                continue
            if user.sees_all_cases:
                seen.add(case.pk)
                continue
            appointed_now = any(
                a.user_id == user.pk and a.ended_on is None
                for stage in case.stages.all()
                for a in stage.appointments.all()
            )
            if user.role == Role.MANAGER:
                mine = {t.pk for t in user.teams.all()} & {t.pk for t in case.teams.all()}
                if mine or case.assigned_to_id == user.pk or appointed_now:
                    seen.add(case.pk)
            elif appointed_now:
                seen.add(case.pk)
        return seen

    assert (
        Case.objects.filter(pk__in=[closed.pk, moved.pk, assigned.pk])
        .exclude(status=Status.OPEN)
        .count()
        == 3
    )
    for user in (officer, admin_user, manager, other_manager, io_user, both):
        user.__dict__.pop("_access_memo", None)  # as a new request would
        visible = set(access.visible_cases(user).values_list("pk", flat=True))
        assert visible == expected(user), user.username
        checked_first = access.visible_cases_checked_first(user, words_q("unhappy"))
        unhappy = set(
            access.visible_cases(user).filter(words_q("unhappy")).values_list("pk", flat=True)
        )
        assert set(checked_first.values_list("pk", flat=True)) == unhappy
        assert unhappy == visible - {late.pk}
        for case in Case.objects.all():
            assert access.can_view_case(user, case) == (case.pk in visible)
    mine = set(access.visible_cases(manager).values_list("pk", flat=True))
    assert closed.pk in mine
    assert assigned.pk in mine
    assert moved.pk not in mine
    assert set(access.visible_cases(io_user).values_list("pk", flat=True)) == {appointed.pk}
    assert hidden.pk not in mine
    assert hidden.pk in set(access.visible_cases(both).values_list("pk", flat=True))
    found = access.visible_cases_checked_first(manager, words_q("transport"))
    assert list(found.values_list("pk", flat=True)) == [late.pk]
    assert moved.pk in set(access.visible_cases(other_manager).values_list("pk", flat=True))
    with pytest.raises(AccessDenied):
        selectors.case_get(user=manager, reference=moved.reference)
