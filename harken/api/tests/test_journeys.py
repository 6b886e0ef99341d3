"""Whole journeys through the API, one action after another, as a client would make them."""

from __future__ import annotations

import pytest

from harken.accounts.models import Team
from harken.cases.models import Theme

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def ok(response, code=200):
    assert response.status_code == code, response.json()
    return response.json()


def test_children_complaint_from_receipt_to_stage2_adjudication(
    client_for, officer, admin_user, io_user, ip_user
):
    """Stage 1 acknowledged, extended and answered; stage 2 requested, statement agreed,
    IO and IP appointed, adjudication sent: each date and outcome recorded."""
    client = client_for(officer)
    team = Team.objects.get(name="Assessment Teams")
    theme = Theme.objects.get(name="Communication")
    case = ok(
        client.post(
            CASES,
            {
                "kind": "complaint",
                "channel": "phone",
                "received_on": "2024-03-01",
                "summary": "Plan not shared",
                "teams": [team.pk],
                "themes": [theme.pk],
                "people": [{"role": "complainant", "relationship": "parent", "last_name": "Ng"}],
                "elements": [{"summary": "Plan not shared"}, {"summary": "No reply"}],
            },
            format="json",
        ),
        201,
    )
    ref = case["reference"]
    url = f"{CASES}{ref}"
    elements = [e["id"] for e in case["elements"]]

    case = ok(client.post(f"{url}/acknowledge/", {"on": "2024-03-04"}, format="json"))
    assert case["stages"][0]["acknowledged_on"] == "2024-03-04"
    assert case["next_due_label"] == "Stage 1 response due"

    case = ok(
        client.post(
            f"{url}/extend/",
            {"new_due_on": "2024-03-28", "reason": "Complex", "complainant_told_on": "2024-03-12"},
            format="json",
        )
    )
    s1 = case["stages"][0]
    assert (s1["original_due_on"], s1["due_on"]) == ("2024-03-15", "2024-03-28")
    assert s1["extensions"][0]["reason"] == "Complex"

    case = ok(
        client.post(
            f"{url}/respond/",
            {
                "on": "2024-03-27",
                "outcomes": [
                    {"element": elements[0], "outcome": "upheld"},
                    {"element": elements[1], "outcome": "not_upheld"},
                ],
            },
            format="json",
        )
    )
    s1 = case["stages"][0]
    assert case["status"] == "closed"
    assert s1["within_timescale"] is True
    assert s1["working_days_taken"] == 18
    assert s1["escalation_due_on"] == "2024-04-26"  # Easter: 29 March, 1 April
    assert {o["outcome"] for o in s1["outcomes"]} == {"upheld", "not_upheld"}

    case = ok(client.post(f"{url}/escalate/", {"requested_on": "2024-04-02"}, format="json"))
    assert case["status"] == "open"
    assert case["stage_number"] == 2
    assert case["paused"] is True  # the stage 2 clock waits for the agreed statement

    case = ok(client.post(f"{url}/statement/", {"on": "2024-04-08"}, format="json"))
    s2 = case["stages"][1]
    assert s2["due_on"] == "2024-05-14"  # 25 working days, 6 May a bank holiday
    assert s2["latest_extension_on"]

    for user, role in ((io_user, "io"), (ip_user, "ip")):
        case = ok(
            client.post(
                f"{url}/appoint/",
                {"user": user.pk, "role": role, "on": "2024-04-09"},
                format="json",
            )
        )
    s2 = case["stages"][1]
    assert (s2["io_appointed_on"], s2["ip_appointed_on"]) == ("2024-04-09", "2024-04-09")
    assert {a["user"]["id"] for a in s2["appointments"]} == {io_user.pk, ip_user.pk}

    case = ok(
        client.post(
            f"{url}/respond/",
            {
                "on": "2024-05-10",
                "responder": admin_user.pk,
                "outcomes": [
                    {"element": elements[0], "outcome": "upheld"},
                    {"element": elements[1], "outcome": "partially_upheld"},
                ],
            },
            format="json",
        )
    )
    s2 = case["stages"][1]
    assert s2["concluded_on"] == "2024-05-10"
    assert s2["within_timescale"] is True
    assert s2["responder"]["id"] == admin_user.pk
    assert case["status"] == "closed"

    verbs = [e["verb"] for e in ok(client.get(f"{url}/timeline/"))]
    assert verbs == [
        "created", "acknowledged", "extended", "responded", "escalated",
        "statement_agreed", "appointed", "appointed", "responded", "appointments_ended",
    ]  # fmt: skip
    assert {a["ended_on"] for a in s2["appointments"]} == {"2024-05-10"}


def test_contact_progressed_to_a_complaint(client_for, officer):
    """Progressing a contact returns the new complaint (201), linked both ways."""
    client = client_for(officer)
    contact = ok(
        client.post(
            CASES,
            {"kind": "contact", "channel": "web", "received_on": "2024-06-03", "summary": "Query"},
            format="json",
        ),
        201,
    )
    complaint = ok(
        client.post(
            f"{CASES}{contact['reference']}/progress/",
            {"on": "2024-06-10", "procedure": "corporate-lgsco-2024",
             "elements": [{"summary": "Late"}]},
            format="json",
        ),
        201,
    )  # fmt: skip
    assert complaint["kind"] == "complaint"
    # The complaint carries the reference the contact was given; the contact has a new one.
    assert complaint["reference"] == contact["reference"]
    contact = ok(client.get(f"{CASES}{complaint['progressed_from']}/"))
    assert contact["previous_reference"] == complaint["reference"]
    assert contact["progressed_to"] == complaint["reference"]
    assert contact["contact_outcome"] == "progressed"


@pytest.mark.parametrize(
    ("kind", "action"),
    [("contact", "resolve"), ("enquiry", "answer"), ("compliment", "pass-on")],
)
def test_closing_other_kinds(client_for, officer, kind, action):
    """Contacts are resolved, representations answered, compliments passed on."""
    client = client_for(officer)
    ref = ok(
        client.post(
            CASES,
            {"kind": kind, "channel": "email", "received_on": "2024-06-03", "summary": "Note"},
            format="json",
        ),
        201,
    )["reference"]
    case = ok(client.post(f"{CASES}{ref}/{action}/", {"on": "2024-06-05"}, format="json"))
    assert case["status"] == "closed"
    assert case["closed_on"] == "2024-06-05"


def test_withdraw_then_reopen(client_for, officer):
    client = client_for(officer)
    ref = ok(
        client.post(
            CASES,
            {"kind": "complaint", "channel": "email", "received_on": "2024-06-03",
             "summary": "Note", "procedure": "children-statutory"},
            format="json",
        ),
        201,
    )["reference"]  # fmt: skip
    case = ok(client.post(f"{CASES}{ref}/withdraw/", {"on": "2024-06-05", "reason": "Sorted"}))
    assert case["status"] == "withdrawn"
    assert case["stages"][0]["ended_early_on"] == "2024-06-05"
    response = client.post(f"{CASES}{ref}/withdraw/", {"on": "2024-06-06", "reason": "Again"})
    assert response.status_code == 400
    assert response.json()["message"] == "The case is withdrawn."
    case = ok(client.post(f"{CASES}{ref}/reopen/", {"reason": "Recorded in error"}))
    assert case["status"] == "open"


def test_small_actions(client_for, officer, manager):
    """Assign, flag the Ombudsman, add elements, people and notes; pause and resume."""
    client = client_for(officer)
    ref = ok(
        client.post(
            CASES,
            {"kind": "complaint", "channel": "email", "received_on": "2024-06-03",
             "summary": "Note", "procedure": "children-statutory"},
            format="json",
        ),
        201,
    )["reference"]  # fmt: skip
    url = f"{CASES}{ref}"
    case = ok(client.post(f"{url}/assign/", {"user": officer.pk}, format="json"))
    assert case["assigned_to"]["id"] == officer.pk
    case = ok(client.post(f"{url}/assign/", {"user": None}, format="json"))
    assert case["assigned_to"] is None
    response = client.post(f"{url}/assign/", {"user": manager.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["user"]
    assert ok(client.post(f"{url}/ombudsman/", {"involved": True}))["ombudsman_involved"]
    element = ok(client.post(f"{url}/elements/", {"summary": "Another point"}), 201)
    assert element["number"] == 1
    response = client.post(f"{url}/elements/", {"summary": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["summary"]
    party = ok(
        client.post(
            f"{url}/people/",
            {"role": "child", "first_name": "Kim", "date_of_birth": "2015-02-01"},
            format="json",
        ),
        201,
    )
    assert party["person"]["full_name"] == "Kim"
    again = ok(
        client.post(f"{url}/people/", {"role": "complainant", "person": party["person"]["id"]}),
        201,
    )
    assert again["person"]["id"] == party["person"]["id"]
    note = ok(client.post(f"{url}/notes/", {"text": "Called"}), 201)
    assert note["author"]["id"] == officer.pk
    case = ok(client.post(f"{url}/pause/", {"reason": "Advocate being arranged"}))
    assert case["paused"] is True
    case = ok(client.post(f"{url}/resume/", {"on": "2024-06-10"}))
    assert case["paused"] is False
    assert case["stages"][0]["clock_started_on"] == "2024-06-10"
    assert [n["text"] for n in case["notes"]] == ["Called"]
