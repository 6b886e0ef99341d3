"""The caseload: most urgent first, status tags, filters, sorting, pagination, counts, and a
bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from harken.accounts.models import Team
from harken.cases import services
from harken.cases.models import Case, Kind, Status, Theme
from harken.casework import selectors
from harken.casework.selectors import CaseloadFilters, DueWindow, Tag

from .conftest import queries_for

pytestmark = pytest.mark.django_db

D = dt.date


def refs(html: str) -> list[str]:
    """The references in the caseload table, in order."""
    table = html[html.index("<tbody") : html.index("</tbody>")]
    return re.findall(r">(HK-\d{4}-\d{5})</a>", table)


@pytest.fixture
def spread(officer, make_complaint):
    """Complaints whose next deadlines differ, and a contact with none overdue.

    Today is Friday 28 June 2024; 2 working days on is Tuesday 2 July.
    """
    overdue = make_complaint(received_on=D(2024, 6, 3), summary="Overdue one")  # ack due 6 June
    soon = make_complaint(received_on=D(2024, 6, 26), summary="Due soon one")  # ack due 1 July
    later = make_complaint(received_on=D(2024, 6, 28), summary="Later one")  # ack due 3 July
    services.stage_acknowledge(case=later, on=D(2024, 6, 28), actor=officer)  # due 12 July
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=D(2024, 6, 27),
        summary="A question",
        teams=[Team.objects.get(name="SEND Team")],
    )
    return {"overdue": overdue, "soon": soon, "later": later, "contact": contact}


def test_sorted_by_next_deadline_with_status_tags(officer, sign_in, spread):
    html = sign_in(officer).get("/staff/").content.decode()
    assert refs(html) == [
        spread["overdue"].reference,
        spread["soon"].reference,
        spread["contact"].reference,  # reply due 11 July
        spread["later"].reference,  # response due 12 July
    ]
    for text in ("Overdue", "Due within 2 working days", "On track"):
        assert f">{text}</strong>" in html
    assert "Stage 1 acknowledgement due" in html  # why


def test_status_tag_rules():
    window = DueWindow(today=D(2024, 6, 28), soon=D(2024, 7, 2))
    case = Case(status=Status.OPEN, next_due_on=D(2024, 6, 27))
    from harken.casework.views import _matches

    assert _matches(case, Tag.OVERDUE, window)
    case.next_due_on = D(2024, 7, 2)
    assert _matches(case, Tag.DUE_SOON, window)
    assert not _matches(case, Tag.OVERDUE, window)


def test_paused_case_is_tagged_paused(officer, sign_in, make_complaint):
    case = make_complaint(received_on=D(2024, 6, 26))
    services.stage_acknowledge(case=case, on=D(2024, 6, 26), actor=officer)
    services.stage_pause(case=case, reason="Advocate", actor=officer)
    html = sign_in(officer).get("/staff/?tag=paused").content.decode()
    assert refs(html) == [case.reference]
    assert ">Paused</strong>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=contact", ["contact"]),
        ("overdue=on", ["overdue"]),
        ("tag=due_soon", ["soon"]),
        ("tag=on_track", ["contact", "later"]),
        ("team={send}", ["contact"]),
        ("procedure=children-statutory", ["overdue", "soon", "later"]),
        ("stage=1", ["overdue", "soon", "later"]),
        ("received_from_0=27&received_from_1=6&received_from_2=2024", ["contact", "later"]),
        ("received_to_0=26&received_to_1=6&received_to_2=2024", ["overdue", "soon"]),
        ("assigned=none", ["overdue", "soon", "contact", "later"]),
        ("assigned=me", []),
        ("status=closed", []),
        ("sort=-received", ["later", "contact", "soon", "overdue"]),
        ("sort=reference", ["overdue", "soon", "later", "contact"]),
        ("kind=nonsense&team=abc&received_from_0=99", ["overdue", "soon", "contact", "later"]),
    ],
)
def test_filters_and_sorting(officer, sign_in, spread, query, expected):
    send = Team.objects.get(name="SEND Team").pk
    response = sign_in(officer).get("/staff/?" + query.format(send=send))
    assert response.status_code == 200
    html = response.content.decode()
    got = refs(html) if "<tbody" in html else []
    assert got == [spread[k].reference for k in expected]


def test_theme_filter_and_selected_filters_can_be_removed(officer, sign_in, spread):
    theme = Theme.objects.get(name="Communication")
    html = sign_in(officer).get(f"/staff/?theme={theme.pk}&kind=complaint").content.decode()
    assert len(refs(html)) == 3
    assert "Selected filters" in html
    assert "Remove this filter</span> Communication" in html
    assert f'href="?theme={theme.pk}"' in html  # removing "kind" keeps the theme


def test_counts_per_tag(officer, sign_in, spread):
    counts = selectors.caseload_tag_counts(user=officer, filters=CaseloadFilters())
    assert counts == {"overdue": 1, "due_soon": 1, "paused": 0, "on_track": 2}
    html = sign_in(officer).get("/staff/").content.decode()
    assert "4 cases" in html


def test_pagination(officer, sign_in, make_complaint, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    made = [make_complaint(received_on=D(2024, 6, day)) for day in (3, 4, 5, 6, 7)]
    client = sign_in(officer)
    first = client.get("/staff/").content.decode()
    assert refs(first) == [made[0].reference, made[1].reference]
    assert 'rel="next"' in first
    assert 'aria-label="Page 3"' in first
    third = client.get("/staff/?page=3").content.decode()
    assert refs(third) == [made[4].reference]
    assert 'rel="prev"' in third
    assert 'rel="next"' not in third
    # A page past the end shows the last page rather than an error.
    assert refs(client.get("/staff/?page=99").content.decode()) == [made[4].reference]


def test_count_is_capped(officer, make_complaint, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for day in (3, 4, 5):
        make_complaint(received_on=D(2024, 6, day))
    qs = selectors.caseload(user=officer, filters=CaseloadFilters())
    assert selectors.capped_count(qs, cap=2) == 3  # "more than 2"
    page = selectors.paginate(qs, number=1)
    assert page.capped


def test_query_count_does_not_grow_with_rows(officer, manager, sign_in, make_complaint):
    """No N+1: the caseload makes the same number of queries for 2 cases as for 8."""
    for day in (3, 4):
        make_complaint(received_on=D(2024, 6, day))
    counts = {}
    for user in (officer, manager):
        counts[user.pk] = queries_for(sign_in(user), "/staff/")
    for day in (5, 6, 7, 10, 11, 12):
        make_complaint(
            received_on=D(2024, 6, day), team="SEND Team" if day % 2 else "Assessment Teams"
        )
    for user in (officer, manager):
        again = queries_for(sign_in(user), "/staff/")
        assert again == counts[user.pk]
        assert again <= 20


def test_the_list_reads_only_what_it_shows(officer, sign_in, make_complaint):
    """The caseload's rows fetch neither a case's details (free text the table does not
    show) nor anything of the assignee but their name: not the password hash, not the
    second-factor secret."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_complaint(received_on=D(2024, 6, 3), details="The whole story, in private")
    Case.objects.filter(pk=case.pk).update(assigned_to=officer)
    client = sign_in(officer)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/staff/").content.decode()
    assert case.reference in page
    assert officer.get_full_name() in page
    rows = [q["sql"] for q in ctx.captured_queries if '"cases_case"."reference"' in q["sql"]]
    assert rows
    for sql in rows:
        assert '"cases_case"."details"' not in sql
        assert '"accounts_user"."password"' not in sql
        assert '"accounts_user"."totp_secret"' not in sql
    # The download, which lists the teams, still does.
    download = b"".join(client.get("/staff/caseload.csv").streaming_content).decode()
    assert case.reference in download


def test_html_in_a_complaint_is_escaped(officer, sign_in, make_complaint):
    make_complaint(summary="<script>alert(1)</script>")
    html = sign_in(officer).get("/staff/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _stage2_waiting_for_its_statement(officer, make_complaint, requested_on):
    case = make_complaint(received_on=D(2024, 5, 1))
    services.stage_respond(
        case=case,
        on=D(2024, 5, 10),
        outcomes={e.pk: "not_upheld" for e in case.elements.all()},
        actor=officer,
    )
    services.complaint_escalate(case=case, requested_on=requested_on, actor=officer)
    services.stage_acknowledge(case=case, on=requested_on, actor=officer)
    case.refresh_from_db()
    return case


def test_a_stage2_with_no_agreed_statement_is_flagged_after_the_target(
    officer, sign_in, make_complaint
):
    """A stage 2 request whose statement of complaint is still not agreed 10 working days on
    (the team's own target) shows on the caseload as overdue, saying why."""
    case = _stage2_waiting_for_its_statement(officer, make_complaint, D(2024, 6, 10))
    assert case.next_due_on == D(2024, 6, 24)
    assert case.next_due_label == "Stage 2 agreed statement of complaint: the team's own target"
    html = sign_in(officer).get("/staff/?tag=overdue").content.decode()
    assert case.reference in refs(html)
    assert "Stage 2 agreed statement of complaint: the team&#x27;s own target" in html
    services.statement_agree(case=case, on=D(2024, 6, 27), actor=officer)
    case.refresh_from_db()
    assert case.next_due_label == "Stage 2 adjudication due"


def test_the_statement_target_is_configurable(officer, make_complaint, settings):
    """HARKEN_STATEMENT_TARGET_DAYS sets the target; 0 leaves the stage waiting unflagged."""
    settings.HARKEN_STATEMENT_TARGET_DAYS = 3
    case = _stage2_waiting_for_its_statement(officer, make_complaint, D(2024, 6, 10))
    assert case.next_due_on == D(2024, 6, 13)
    settings.HARKEN_STATEMENT_TARGET_DAYS = 0
    other = _stage2_waiting_for_its_statement(officer, make_complaint, D(2024, 6, 10))
    assert (other.next_due_on, other.paused) == (None, True)
    assert other.next_due_label == "Waiting for the agreed statement of complaint"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's INCLUDE")
def test_the_tag_counts_have_an_index_of_their_own(db):
    """What the caseload's counts filter on is in one partial index of the open cases, so
    PostgreSQL counts them without reading each open case's row (migration casework 0003)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'casework_case_open_tags_idx'"
        )
        row = cursor.fetchone()
    assert row, "the index is missing"
    definition = row[0]
    assert "(next_due_on) INCLUDE (paused, restricted, assigned_to_id, id)" in definition
    assert "WHERE ((status)::text = 'open'::text)" in definition
