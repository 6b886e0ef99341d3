"""Each definition, checked against records built for it: the dates that place a record in a
period, timeliness with extensions, withdrawal, late escalation, the main team rule, who
complained, and the periods themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import Team
from harken.cases import services
from harken.cases.models import Kind, Outcome, PartyRole, Relationship, Theme
from harken.cases.tests.factories import complaint, respond_all
from harken.reports.metrics import build_report
from harken.reports.periods import Period, PeriodError, preset, recent_presets
from harken.workdays.rules import add_working_days

pytestmark = pytest.mark.django_db

D = dt.date
Q4_2023 = Period(D(2024, 1, 1), D(2024, 3, 31))
Q1_2024 = Period(D(2024, 4, 1), D(2024, 6, 30))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def cell(report, table, row, column):
    return report.table(table).value(row, column)


def test_received_in_one_period_concluded_in_the_next(officer):
    """Counted as received where it was received, and as concluded where it concluded."""
    case = complaint(actor=officer, received_on=D(2024, 3, 25))
    respond_all(case, on=D(2024, 4, 5), actor=officer)
    before, after = build_report(Q4_2023), build_report(Q1_2024)
    assert cell(before, "feedback-received", "stage1", "total") == 1
    assert cell(before, "stage1-timeliness", "concluded", "total") == 0
    assert cell(before, "stage1-outcomes", "total", "number") == 0
    assert cell(after, "feedback-received", "stage1", "total") == 0
    assert cell(after, "stage1-timeliness", "concluded", "total") == 1
    assert cell(after, "stage1-outcomes", "total", "number") == 2
    # Q1 of 2024/25 is the first quarter column.
    assert after.table("stage1-timeliness").columns[0].label == "Q1 (Apr\u2013Jun 2024)"


def test_withdrawn_counts_as_received_and_ended_not_concluded(officer):
    case = complaint(actor=officer, received_on=D(2024, 4, 8))
    services.case_withdraw(case=case, on=D(2024, 4, 10), reason="Sorted", actor=officer)
    report = build_report(Q1_2024)
    assert cell(report, "feedback-received", "stage1", "total") == 1
    assert cell(report, "stage1-timeliness", "concluded", "total") == 0
    assert cell(report, "stage1-timeliness", "ended", "q1") == 1
    assert cell(report, "stage1-timeliness", "percent", "total") is None
    assert cell(report, "stage1-outcomes", "total", "number") == 0


def test_agreed_extension_counts_as_within_timescale(officer):
    """Due 10 working days after receipt; extended to 20; one answered within the extension,
    one after it, one late with no extension."""
    received = D(2024, 4, 8)
    within, late_after_extension, late = (
        complaint(actor=officer, received_on=received) for _ in range(3)
    )
    for case in (within, late_after_extension):
        services.stage_extend(
            case=case,
            new_due_on=add_working_days(received, 15),
            reason="Complex",
            complainant_told_on=received,
            actor=officer,
        )
    respond_all(within, on=add_working_days(received, 14), actor=officer)
    respond_all(late_after_extension, on=add_working_days(received, 16), actor=officer)
    respond_all(late, on=add_working_days(received, 11), actor=officer)
    report = build_report(Q1_2024)
    assert cell(report, "stage1-timeliness", "concluded", "q1") == 3
    assert cell(report, "stage1-timeliness", "within", "q1") == 1
    assert cell(report, "stage1-timeliness", "percent", "q1") == Decimal(33)
    # Working days taken: 14, 16 and 11: 13.7 on average.
    assert cell(report, "stage1-timeliness", "days", "q1") == Decimal("13.7")


def test_late_escalation_counts_in_the_period_of_the_request(officer, io_user, ip_user):
    case = complaint(actor=officer, received_on=D(2024, 1, 8))
    respond_all(case, on=D(2024, 1, 19), actor=officer)
    services.complaint_escalate(
        case=case, requested_on=D(2024, 4, 15), actor=officer, late_reason="In hospital"
    )
    q4, q1 = build_report(Q4_2023), build_report(Q1_2024)
    assert cell(q4, "complaints-received", "stage1", "sc-total") == 1
    assert cell(q4, "complaints-received", "stage2", "sc-total") == 0
    assert cell(q1, "complaints-received", "stage2", "sc-total") == 1
    assert cell(q1, "complaints-received", "stage1", "sc-total") == 0
    assert cell(q1, "complaints-received", "total", "all-total") == 1
    # The stage 2 counts under the complaint's team in the stage 2 table.
    assert [r.label for r in q1.table("stage2-teams").rows] == ["Assessment Teams", "Total"]


def _stage2_after_a_long_wait(officer, io_user, ip_user):
    """A children's stage 2 requested on 9 January 2024, the statement of complaint agreed
    only on 20 March, the adjudication 20 working days after that (19 April)."""
    case = complaint(actor=officer, received_on=D(2023, 12, 11))
    respond_all(case, on=D(2023, 12, 20), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 1, 9), actor=officer)
    services.statement_agree(case=case, on=D(2024, 3, 20), actor=officer)
    for user, role in ((io_user, "io"), (ip_user, "ip")):
        services.appointment_make(case=case, user=user, role=role, on=D(2024, 3, 20), actor=officer)
    respond_all(case, on=D(2024, 4, 19), actor=officer)
    return case


def test_stage2_shows_the_wait_for_the_statement_beside_the_statutory_figure(
    officer, io_user, ip_user
):
    """Within its statutory 25 days (20 from the agreed statement), the stage also reports
    the 51 working days from the request to the statement and the 71 to the adjudication."""
    case = _stage2_after_a_long_wait(officer, io_user, ip_user)
    stage = case.stages.get(number=2)
    assert (stage.working_days_taken, stage.within_timescale) == (20, True)
    assert (stage.working_days_to_statement, stage.working_days_from_request) == (51, 71)
    report = build_report(Q1_2024)
    assert cell(report, "stage2-timeliness", "days", "q1") == Decimal("20.0")
    assert cell(report, "stage2-timeliness", "statement-days", "q1") == Decimal("51.0")
    assert cell(report, "stage2-timeliness", "request-days", "q1") == Decimal("71.0")
    assert cell(report, "stage2-timeliness", "statement-days", "ly") is None


def test_last_year_is_the_same_dates_a_year_earlier(officer):
    complaint(actor=officer, received_on=D(2023, 5, 2))
    complaint(actor=officer, received_on=D(2024, 5, 2))
    complaint(actor=officer, received_on=D(2024, 5, 3))
    report = build_report(Q1_2024)
    row = report.table("complaints-received").row("stage1").values
    assert (row["all-total"], row["all-ly"], row["all-change"]) == (2, 1, 1)


def test_a_complaint_about_several_teams_counts_once_under_its_main_team(officer):
    send = Team.objects.get(name="SEND Team")
    assessment = Team.objects.get(name="Assessment Teams")
    theme = Theme.objects.get(name="Communication")
    # Teams recorded Assessment first, but element 1 names no team (the officer took away
    # the one it was given) and element 2 names SEND.
    first = services.case_create(
        actor=officer,
        kind=Kind.COMPLAINT,
        channel="email",
        received_on=D(2024, 5, 1),
        summary="Two teams",
        teams=[assessment, send],
        procedure_code="children-statutory",
        elements=[
            services.ElementInput(summary="One", theme=None, team=None),
            services.ElementInput(summary="Two", theme=theme, team=send),
        ],
    )
    one = first.elements.get(number=1)
    services.element_update(
        case=first, element=one, summary="One", theme=None, team=None, actor=officer
    )
    # No element names a team: the first team recorded.
    services.case_create(
        actor=officer,
        kind=Kind.COMPLAINT,
        channel="email",
        received_on=D(2024, 5, 2),
        summary="Also two teams",
        teams=[assessment, send],
        procedure_code="children-statutory",
        elements=[services.ElementInput(summary="One")],
    )
    table = build_report(Q1_2024).table("stage1-teams")
    counts = {r.label: r.get("number") for r in table.rows}
    assert counts == {"SEND Team": 1, "Assessment Teams": 1, "Total": 2}
    themes = {r.label: r.get("number") for r in build_report(Q1_2024).table("stage1-themes").rows}
    assert themes == {"Communication": 1, "No theme recorded": 1, "Total": 2}


def test_a_progressed_contacts_points_count_under_the_theme_set_on_it(officer):
    """An online complaint progressed from its contact: the points made then take the theme
    the officer set on the case, so 'by theme' and 'upheld by theme' name it."""
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="web",
        received_on=D(2024, 5, 1),
        summary="Missed visits",
        teams=[Team.objects.get(name="Assessment Teams")],
        themes=[Theme.objects.get(name="Communication")],
    )
    case = services.contact_progress(
        case=contact,
        on=D(2024, 5, 3),
        actor=officer,
        elements=[services.ElementInput(summary="Missed visits")],
    )
    respond_all(case, on=D(2024, 5, 10), actor=officer, outcome=Outcome.UPHELD)
    report = build_report(Q1_2024)
    themes = {r.label: r.get("number") for r in report.table("stage1-themes").rows}
    assert themes == {"Communication": 1, "Total": 1}
    upheld = {r.label: r.get("upheld") for r in report.table("stage1-upheld-themes").rows}
    assert upheld == {"Communication": 1, "Total": 1}


def _with_people(officer, people):
    return services.case_create(
        actor=officer,
        kind=Kind.COMPLAINT,
        channel="phone",
        received_on=D(2024, 5, 7),
        summary="Who",
        procedure_code="children-statutory",
        people=people,
        elements=[services.ElementInput(summary="Point", theme=Theme.objects.get(name="Privacy"))],
    )


def test_who_complained(officer):
    def person(role, relationship, looked_after=False):
        return services.PersonInput(
            role=role,
            relationship=relationship,
            details={"first_name": "A", "last_name": "B", "looked_after": looked_after},
        )

    _with_people(officer, [person(PartyRole.COMPLAINANT, Relationship.CHILD, True)])
    _with_people(officer, [person(PartyRole.COMPLAINANT, Relationship.CHILD, False)])
    _with_people(
        officer,
        [
            person(PartyRole.COMPLAINANT, Relationship.FOSTER_CARER),
            person(PartyRole.CHILD, Relationship.CHILD, True),
        ],
    )
    _with_people(officer, [person(PartyRole.COMPLAINANT, Relationship.PARENT)])
    _with_people(officer, [person(PartyRole.COMPLAINANT, Relationship.ADVOCATE)])
    _with_people(officer, [])
    report = build_report(Q1_2024)
    table = report.table("complainant-type")
    assert {r.id: r.get("total") for r in table.rows} == {
        "child-la": 1,
        "child": 1,
        "parent-la": 1,
        "parent": 1,
        "other": 2,
        "total": 6,
    }
    issues = report.table("complainant-issues")
    assert issues.rows[0].values == {"child": 2, "parent": 2, "other": 2, "total": 6}


def test_issues_count_each_element_under_its_own_theme(officer):
    """Every element counts once, under its theme (or none), for the complaint's complainant;
    complaints received last year count under who complained but raise no issues now."""
    privacy, communication = (Theme.objects.get(name=n) for n in ("Privacy", "Communication"))

    def create(received_on, elements, people):
        services.case_create(
            actor=officer,
            kind=Kind.COMPLAINT,
            channel="phone",
            received_on=received_on,
            summary="Issues",
            procedure_code="children-statutory",
            people=people,
            elements=[services.ElementInput(summary=f"Point {t}", theme=t) for t in elements],
        )

    parent = services.PersonInput(
        role=PartyRole.COMPLAINANT,
        relationship=Relationship.PARENT,
        details={"first_name": "A", "last_name": "B"},
    )
    create(D(2024, 5, 7), [privacy, None, privacy], [parent])
    create(D(2024, 5, 8), [communication, communication], [])
    create(D(2023, 5, 8), [communication], [parent])
    report = build_report(Q1_2024)
    rows = {r.label: r.values for r in report.table("complainant-issues").rows}
    assert rows == {
        "Privacy": {"child": 0, "parent": 2, "other": 0, "total": 2},
        "Communication": {"child": 0, "parent": 0, "other": 2, "total": 2},
        "No theme recorded": {"child": 0, "parent": 1, "other": 0, "total": 1},
        "Total": {"child": 0, "parent": 3, "other": 2, "total": 5},
    }
    types = report.table("complainant-type")
    assert (types.value("parent", "total"), types.value("parent", "ly")) == (1, 1)
    assert (types.value("other", "total"), types.value("other", "ly")) == (1, 0)


def test_contact_counts_by_its_eventual_outcome_in_the_quarter_received(officer):
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 3, 28),
        summary="Query",
        teams=[Team.objects.get(name="SEND Team")],
    )
    services.contact_progress(
        case=contact,
        on=D(2024, 4, 3),
        actor=officer,
        elements=[services.ElementInput(summary="Point")],
    )
    open_contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 2, 1),
        summary="Still open",
    )
    assert open_contact.contact_outcome == ""
    q4, q1 = build_report(Q4_2023), build_report(Q1_2024)
    contacts = q4.table("contacts")
    assert contacts.value("received", "total") == 2
    assert contacts.value("progressed", "total") == 1
    assert contacts.value("other", "total") == 1
    assert contacts.value("progressed", "percent") == Decimal(50)
    # The complaint it became was received on the day it was progressed.
    assert q1.table("feedback-received").value("stage1", "total") == 1


def test_element_outcomes_count_at_the_stage_they_were_given(officer):
    case = complaint(actor=officer, received_on=D(2024, 4, 2), elements=3)
    elements = list(case.elements.order_by("number"))
    services.stage_respond(
        case=case,
        on=D(2024, 4, 12),
        actor=officer,
        outcomes={
            elements[0].pk: Outcome.UPHELD,
            elements[1].pk: Outcome.PARTIALLY_UPHELD,
            elements[2].pk: Outcome.NOT_UPHELD,
        },
    )
    report = build_report(Q1_2024)
    outcomes = report.table("stage1-outcomes")
    assert [outcomes.value(k, "number") for k in ("upheld", "partially_upheld", "not_upheld")] == [
        1,
        1,
        1,
    ]
    assert outcomes.value("upheld", "percent") == Decimal(33)
    upheld = report.table("stage1-upheld-themes")
    assert upheld.rows[0].values == {"upheld": 1, "partial": 1, "total": 2}


def test_report_queries_do_not_grow_with_the_records(officer):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            build_report(Q1_2024)
        return len(ctx.captured_queries)

    complaint(actor=officer, received_on=D(2024, 4, 2))
    few = count()
    for day in range(3, 13):
        case = complaint(actor=officer, received_on=D(2024, 4, day), team="SEND Team")
        if day % 2:
            respond_all(case, on=D(2024, 4, 26), actor=officer)
    assert count() == few


# --- Periods --------------------------------------------------------------------------------


def test_quarters_of_a_custom_period_are_clipped_financial_quarters():
    period = Period(D(2023, 5, 15), D(2023, 8, 10))
    assert [(q.start, q.end, q.label) for q in period.quarters()] == [
        (D(2023, 5, 15), D(2023, 6, 30), "Q1 (15 May\u201330 Jun 2023)"),
        (D(2023, 7, 1), D(2023, 8, 10), "Q2 (1 Jul\u201310 Aug 2023)"),
    ]


def test_financial_year_has_four_quarters_and_a_name():
    period = preset("fy-2023").period
    assert (period.start, period.end) == (D(2023, 4, 1), D(2024, 3, 31))
    assert [q.label for q in period.quarters()] == [
        "Q1 (Apr\u2013Jun 2023)",
        "Q2 (Jul\u2013Sep 2023)",
        "Q3 (Oct\u2013Dec 2023)",
        "Q4 (Jan\u2013Mar 2024)",
    ]
    assert Period(D(2023, 4, 1), D(2023, 9, 30)).label.startswith("2023/24 first half")


def test_last_year_of_a_leap_day():
    period = Period(D(2024, 2, 1), D(2024, 2, 29)).previous_year()
    assert (period.start, period.end) == (D(2023, 2, 1), D(2023, 2, 28))


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("h1-2023", D(2023, 4, 1), D(2023, 9, 30)),
        ("h2-2023", D(2023, 10, 1), D(2024, 3, 31)),
        ("q4-2023", D(2024, 1, 1), D(2024, 3, 31)),
        ("cy-2023", D(2023, 1, 1), D(2023, 12, 31)),
    ],
)
def test_presets(key, start, end):
    assert (preset(key).start, preset(key).end) == (start, end)


def test_bad_periods_are_refused():
    with pytest.raises(PeriodError, match="after the start"):
        Period(D(2024, 2, 1), D(2024, 1, 1))
    with pytest.raises(PeriodError, match="two years"):
        Period(D(2020, 1, 1), D(2023, 1, 1))
    with pytest.raises(PeriodError):
        preset("fy-twenty")


def test_recent_presets_have_started():
    assert all(p.start <= D(2024, 6, 28) for p in recent_presets(D(2024, 6, 28)))
    assert recent_presets(D(2024, 6, 28))[0].key == "fy-2024"


def test_docs_carry_every_definition_word_for_word():
    from pathlib import Path

    from harken.reports.definitions import DEFINITIONS, GENERAL_RULES

    docs = Path(__file__).resolve().parents[3].joinpath("docs", "reports.md").read_text()
    for definition in DEFINITIONS:
        assert definition.text in docs, definition.id
    for _title, text in GENERAL_RULES:
        assert text in docs
