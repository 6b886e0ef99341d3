"""Where the day starts: the start page per role, remembered filters, saved views, bulk
actions and the caseload download. Today is Friday 28 June 2024."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import CaseRead, TimelineEvent
from harken.casework.models import RememberedFilters, SavedView
from harken.learning.models import Source
from harken.learning.tests.factories import action, recommendation

pytestmark = pytest.mark.django_db

D = dt.date


def refs(html: str) -> list[str]:
    table = html[html.index("<tbody") : html.index("</tbody>")]
    return re.findall(r">(HK-\d{4}-\d{5})</a>", table)


def count_link(html: str, label: str, whose: str) -> tuple[str, int]:
    """The address and figure of a start page count (`whose`: the hidden words after it)."""
    found = re.search(
        r'href="([^"]+)">\s*<span class="hk-count">(\d+)\+?</span>\s*'
        + re.escape(label)
        + r'<span class="govuk-visually-hidden"> '
        + re.escape(whose),
        html,
    )
    assert found, (label, whose)
    return found.group(1).replace("&amp;", "&"), int(found.group(2))


@pytest.fixture
def day_cases(officer, make_complaint):
    """Overdue (ack due 6 June), due today (ack due 28 June), due Monday 1 July, later."""
    overdue = make_complaint(received_on=D(2024, 6, 3), summary="Overdue one")
    today = make_complaint(received_on=D(2024, 6, 25), summary="Due today")
    monday = make_complaint(received_on=D(2024, 6, 26), summary="Due Monday")
    later = make_complaint(received_on=D(2024, 6, 28), summary="Later one")
    for case in (overdue, today):
        services.case_assign(case=case, user=officer, actor=officer)
    return {"overdue": overdue, "today": today, "monday": monday, "later": later}


# --- The start page -----------------------------------------------------------------------


def test_officer_start_page_counts_their_cases_and_everyones_each_linking_to_the_list(
    officer, sign_in, day_cases
):
    client = sign_in(officer)
    html = client.get("/staff/start/").content.decode()
    assert "Cases assigned to you" in html
    expected_mine = {
        "Overdue": [day_cases["overdue"]],
        "Due within 2 working days": [day_cases["today"]],
        "Due this week": [day_cases["today"]],
        "All open": [day_cases["overdue"], day_cases["today"]],
    }
    for label, cases in expected_mine.items():
        url, figure = count_link(html, label, "assigned to you")
        assert figure == len(cases), label
        listed = refs(client.get(url).content.decode()) if figure else []
        assert sorted(listed) == sorted(c.reference for c in cases), label
    url, figure = count_link(html, "All open", "in every open case")
    assert figure == 4
    assert len(refs(client.get(url).content.decode())) == 4
    url, figure = count_link(html, "Due within 2 working days", "in every open case")
    assert figure == 2  # today and Monday 1 July


def test_manager_start_page_shows_their_teams_complaints_and_the_actions_they_own(
    officer, manager, sign_in, make_complaint, send_team
):
    ours = make_complaint(received_on=D(2024, 6, 3))  # Assessment Teams, overdue
    make_complaint(received_on=D(2024, 6, 3), team=send_team)  # not the manager's
    rec = recommendation(
        officer, ours, source=Source.OMBUDSMAN, made_on=D(2024, 6, 10), decided_on=D(2024, 6, 10)
    )
    late = action(officer, rec, manager, due_on=D(2024, 6, 20), description="Retrain the team")
    action(officer, rec, officer, due_on=D(2024, 6, 20), description="Someone else's action")
    client = sign_in(manager)
    html = client.get("/staff/start/").content.decode()
    row = html[html.index("open complaints</h2>") :]
    assert "Assessment Teams" in row
    assert "SEND Team" not in row
    open_link = re.search(r'href="([^"]+)">1<span class="govuk-visually-hidden"> open', row)
    assert open_link
    listed = refs(client.get(open_link.group(1).replace("&amp;", "&")).content.decode())
    assert listed == [ours.reference]
    assert "Retrain the team" in html
    assert "Someone else" not in html
    assert late.reference in html
    assert "1 overdue" in html


@pytest.mark.parametrize("role", [Role.INVESTIGATING_OFFICER, Role.REPORT_VIEWER])
def test_those_without_a_start_page_are_sent_on(client, sign_in, role):
    user = make_user(f"x_{role}", role)
    response = sign_in(user).get("/staff/start/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


# --- Remembered filters -------------------------------------------------------------------


def test_the_caseload_comes_back_with_the_last_filters_until_cleared(
    officer, manager, sign_in, day_cases
):
    client = sign_in(officer)
    filtered = refs(client.get("/staff/", {"assigned": "me", "page": "1"}).content.decode())
    assert len(filtered) == 2
    again = client.get("/staff/")
    assert again.status_code == 302
    assert again["Location"] == "/staff/?assigned=me"
    assert refs(client.get(again["Location"]).content.decode()) == filtered
    # "Clear filters" forgets them: the whole caseload, and the plain address stays plain.
    assert len(refs(client.get("/staff/", {"reset": "1"}).content.decode())) == 4
    assert client.get("/staff/").status_code == 200
    assert not RememberedFilters.objects.filter(user=officer).exists()


def test_remembered_filters_are_the_users_own_and_keep_only_accepted_values(
    officer, admin_user, sign_in, day_cases
):
    client = sign_in(officer)
    client.get("/staff/", {"kind": "complaint", "stage": "nine", "name": "Jane Smith"})
    assert RememberedFilters.objects.get(user=officer).query == "kind=complaint"
    assert sign_in(admin_user).get("/staff/").status_code == 200  # someone else: no memory


def test_removing_the_last_filter_is_not_undone_by_the_memory(officer, sign_in, day_cases):
    client = sign_in(officer)
    html = client.get("/staff/", {"assigned": "me"}).content.decode()
    remove = re.search(r'href="(\?[^"]*)"><span class="govuk-visually-hidden">Remove', html)
    assert remove
    assert remove.group(1) == "?reset=1"


# --- Saved views --------------------------------------------------------------------------


def test_a_saved_view_is_one_click_from_the_caseload_and_the_start_page(
    officer, sign_in, day_cases
):
    client = sign_in(officer)
    form = client.get("/staff/views/new/", {"assigned": "me", "sort": "-received"})
    assert "Assigned to: Me" in form.content.decode()
    response = client.post(
        "/staff/views/new/", {"name": "  My  work ", "query": "assigned=me&sort=-received"}
    )
    assert response.status_code == 302
    view = SavedView.objects.get(user=officer)
    assert view.name == "My work"
    assert view.query == "assigned=me&sort=-received"
    client.get("/staff/", {"reset": "1"})
    caseload = client.get("/staff/?reset=1").content.decode()
    assert 'href="/staff/?assigned=me&amp;sort=-received">My work</a>' in caseload
    assert ">My work</a>" in client.get("/staff/start/").content.decode()
    listed = refs(client.get("/staff/?assigned=me&sort=-received").content.decode())
    assert listed == [day_cases["today"].reference, day_cases["overdue"].reference]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the view"),
        ("x" * 81, "The name must be 80 characters or fewer"),
        ("my WORK", "You already have a view called “my WORK”: choose another name"),
    ],
)
def test_a_view_name_refused_says_why_beside_the_field(officer, sign_in, name, message):
    SavedView.objects.create(user=officer, name="My work", query="")
    response = sign_in(officer).post("/staff/views/new/", {"name": name, "query": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#id_name">{message}</a>' in html
    assert 'id="id_name-error"' in html
    assert SavedView.objects.filter(user=officer).count() == 1


def test_a_saved_view_keeps_only_filters_the_caseload_accepts(officer, sign_in):
    sign_in(officer).post(
        "/staff/views/new/", {"name": "Odd", "query": "team=999999&kind=complaint&q=Smith"}
    )
    assert SavedView.objects.get(user=officer).query == "kind=complaint"


def test_nobody_sees_or_deletes_someone_elses_view(officer, admin_user, sign_in):
    theirs = SavedView.objects.create(user=admin_user, name="Admin's", query="")
    client = sign_in(officer)
    assert "Admin&#x27;s" not in client.get("/staff/views/").content.decode()
    assert client.post(f"/staff/views/{theirs.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    mine = SavedView.objects.create(user=officer, name="Mine", query="")
    assert client.post(f"/staff/views/{mine.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=mine.pk).exists()


# --- Bulk actions -------------------------------------------------------------------------


def test_bulk_reassign_uses_the_same_checks_and_writes_one_entry_per_case(
    officer, manager, sign_in, day_cases
):
    restricted = day_cases["later"]
    services.case_restrict(case=restricted, restricted=True, people=[], actor=officer)
    chosen = [day_cases["overdue"], day_cases["monday"], restricted]
    before = TimelineEvent.objects.filter(verb="assigned").count()
    response = sign_in(officer).post(
        "/staff/bulk/",
        {
            "cases": [c.reference for c in chosen] + ["HK-2099-99999"],
            "action": "assign",
            "assign_to": str(manager.pk),
            "query": "assigned=me",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Assigned to mo_manager: 2 cases" in html or f"Assigned to {manager}: 2 cases" in html
    assert "is not named on this restricted case" in html
    assert "There is no case with this reference you can see." in html
    for case in chosen[:2]:
        case.refresh_from_db()
        assert case.assigned_to == manager
        assert TimelineEvent.objects.filter(case=case, verb="assigned").count() == 1 + (
            case == day_cases["overdue"]
        )
    restricted.refresh_from_db()
    assert restricted.assigned_to is None
    assert TimelineEvent.objects.filter(verb="assigned").count() == before + 2
    assert 'href="/staff/?assigned=me"' in html


def test_bulk_add_to_team_keeps_the_teams_a_case_has(officer, sign_in, day_cases, send_team):
    case = day_cases["monday"]
    response = sign_in(officer).post(
        "/staff/bulk/", {"cases": [case.reference], "action": "team", "team": send_team.pk}
    )
    assert "Added to SEND Team: 1 case" in response.content.decode()
    assert set(case.teams.values_list("name", flat=True)) == {"Assessment Teams", "SEND Team"}
    assert TimelineEvent.objects.filter(case=case, verb="updated").count() == 1
    again = sign_in(officer).post(
        "/staff/bulk/", {"cases": [case.reference], "action": "team", "team": send_team.pk}
    )
    assert "Already so, left as they were: 1" in again.content.decode()
    assert TimelineEvent.objects.filter(case=case, verb="updated").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign", "assign_to": "none"}, "Select at least one case"),
        ({"cases": ["X"], "action": "assign", "assign_to": ""}, "Choose who to assign"),
        ({"cases": ["X"], "action": "assign", "assign_to": "99999"}, "Choose someone"),
        ({"cases": ["X"], "action": "team", "team": "abc"}, "Choose a team"),
        ({"cases": ["X"], "action": "delete"}, "Choose what to do"),
    ],
)
def test_bulk_input_refused_changes_nothing_and_says_why(officer, sign_in, data, message):
    response = sign_in(officer).post("/staff/bulk/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_manager_cannot_use_bulk_actions(manager, sign_in, day_cases):
    case = day_cases["overdue"]
    response = sign_in(manager).post(
        "/staff/bulk/", {"cases": [case.reference], "action": "assign", "assign_to": "none"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assigned_to is not None
    assert "With the selected cases" not in sign_in(manager).get("/staff/").content.decode()


# --- Download -----------------------------------------------------------------------------


def test_the_caseload_downloads_as_filtered_and_every_case_in_it_is_logged_as_read(
    officer, sign_in, day_cases
):
    day_cases["today"].summary = "=HYPERLINK(1)"
    day_cases["today"].save()
    response = sign_in(officer).get("/staff/caseload.csv", {"assigned": "me"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="caseload-2024-06-28.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Reference"
    assert [r[0] for r in rows[1:]] == [
        day_cases["overdue"].reference,
        day_cases["today"].reference,
    ]
    assert rows[2][2] == "'=HYPERLINK(1)"
    assert rows[1][4] == "2024-06-06"
    assert rows[1][6] == "Overdue"
    reads = CaseRead.objects.filter(user=officer, via="caseload download")
    assert sorted(reads.values_list("case_id", flat=True)) == sorted(
        [day_cases["overdue"].pk, day_cases["today"].pk]
    )


def test_the_excel_download_has_dates_as_dates_and_text_as_text(officer, sign_in, day_cases):
    day_cases["overdue"].summary = "=1+1"
    day_cases["overdue"].save()
    response = sign_in(officer).get("/staff/caseload.xlsx", {"tag": "overdue"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == day_cases["overdue"].reference
    assert sheet["C2"].value == "=1+1"
    assert sheet["C2"].data_type == "s"
    assert sheet["E2"].value.date() == D(2024, 6, 6)
    assert sheet["E2"].number_format == "d mmmm yyyy"
    assert sheet["A3"].value is None


def test_a_download_holds_only_cases_the_user_may_see(
    officer, manager, sign_in, make_complaint, send_team
):
    ours = make_complaint()
    theirs = make_complaint(team=send_team)
    response = sign_in(manager).get("/staff/caseload.csv")
    text = b"".join(response.streaming_content).decode()
    assert ours.reference in text
    assert theirs.reference not in text
    assert not CaseRead.objects.filter(user=manager, case=theirs).exists()


def test_report_viewers_cannot_download_and_other_formats_are_not_found(
    officer, report_viewer, sign_in, day_cases
):
    assert sign_in(report_viewer).get("/staff/caseload.csv").status_code == 403
    assert sign_in(officer).get("/staff/caseload.pdf").status_code == 404
    assert not CaseRead.objects.filter(via="caseload download").exists()


def test_due_this_week_runs_from_today_to_sunday(officer, sign_in, day_cases):
    listed = refs(sign_in(officer).get("/staff/", {"due_week": "on"}).content.decode())
    assert listed == [day_cases["today"].reference]
