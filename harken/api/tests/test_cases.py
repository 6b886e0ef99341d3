"""The case endpoints: creating, listing, filtering, reading, and input errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import Team
from harken.cases import services
from harken.cases.models import CaseRead, Theme
from harken.cases.tests.factories import complaint, respond_all

pytestmark = pytest.mark.django_db

D = dt.date
CASES = "/api/v1/cases/"


def complaint_payload(**overrides):
    team = Team.objects.get(name="Assessment Teams")
    theme = Theme.objects.get(name="Communication")
    return {
        "kind": "complaint",
        "channel": "email",
        "received_on": "2024-03-01",
        "summary": "Social worker did not call back",
        "details": "Three messages left.",
        "teams": [team.pk],
        "themes": [theme.pk],
        "people": [
            {
                "role": "complainant",
                "relationship": "parent",
                "first_name": "Alex",
                "last_name": "Jones",
                "email": "alex@example.com",
                "contact_preference": "email",
            },
            {"role": "child", "first_name": "Sam", "last_name": "Jones", "looked_after": True},
        ],
        "elements": [
            {"summary": "No call back", "theme": theme.pk, "team": team.pk},
            {"summary": "Rude on the phone"},
        ],
        **overrides,
    }


def test_create_complaint_returns_its_detail(client_for, officer):
    """A complaint posted with people and elements comes back 201 with stage 1 and its clock."""
    response = client_for(officer).post(CASES, complaint_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "HK-2024-00001"
    assert body["procedure"] == {
        "code": "children-statutory",
        "name": body["procedure"]["name"],
        "version": 1,
    }
    assert [p["person"]["full_name"] for p in body["parties"]] == ["Alex Jones", "Sam Jones"]
    assert body["parties"][1]["person"]["looked_after"] is True
    assert [e["summary"] for e in body["elements"]] == ["No call back", "Rude on the phone"]
    assert body["elements"][0]["theme"]["name"] == "Communication"
    [stage] = body["stages"]
    assert stage["number"] == 1
    assert stage["due_on"] == "2024-03-15"
    assert stage["acknowledgement_due_on"] == "2024-03-06"
    assert body["next_due_label"] == "Stage 1 acknowledgement due"


def test_create_names_a_person_already_recorded_by_id(client_for, officer):
    """A person given by id (one the user may see) is put on the new case, not copied; one
    the user may not see is a 400."""
    earlier = complaint(actor=officer, received_on=D(2024, 1, 8))
    person = earlier.parties.get().person
    payload = complaint_payload(people=[{"role": "complainant", "person": person.pk}])
    response = client_for(officer).post(CASES, payload, format="json")
    assert response.status_code == 201, response.json()
    from harken.cases.models import Case

    case = Case.objects.get(reference=response.json()["reference"])
    assert list(case.parties.values_list("person_id", flat=True)) == [person.pk]
    payload = complaint_payload(people=[{"role": "complainant", "person": 999999}])
    assert client_for(officer).post(CASES, payload, format="json").status_code == 400


def test_detail_puts_safeguarding_first(client_for, officer):
    """Safeguarding concerns are the first key of a case's JSON, so no client can miss them."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    client = client_for(officer)
    response = client.post(
        f"{CASES}{case.reference}/safeguarding/",
        {
            "raised_on": "2024-03-02",
            "description": "Child disclosed harm",
            "referred_to": "front_door",
            "referred_on": "2024-03-02",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = client.get(f"{CASES}{case.reference}/").json()
    assert next(iter(body)) == "safeguarding"
    assert body["safeguarding"][0]["description"] == "Child disclosed harm"


def test_reading_a_case_through_the_api_is_logged(client_for, officer):
    """Each read of a case record through the API writes a CaseRead row marked 'api'."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).get(f"{CASES}{case.reference}/")
    assert response.status_code == 200
    assert CaseRead.objects.filter(case=case, user=officer, via="api").count() == 1


def test_list_has_no_personal_names(client_for, officer):
    """The caseload lists cases without the complainant's or child's name."""
    client_for(officer).post(CASES, complaint_payload(), format="json")
    response = client_for(officer).get(CASES)
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert set(item) == {
        "reference", "kind", "status", "channel", "received_on", "summary", "procedure",
        "stage_number", "next_due_on", "next_due_label", "paused", "teams", "themes",
        "assigned_to", "processing_restricted",
    }  # fmt: skip
    assert "Jones" not in str(response.json())
    assert item["teams"] == ["Assessment Teams"]
    assert item["procedure"] == "children-statutory"


def test_list_filters(client_for, officer):
    """Filters narrow the caseload: kind, team, dates, stage, procedure, overdue, text."""
    social = complaint(actor=officer, received_on=D(2024, 3, 1), summary="Missed visit")
    send = complaint(actor=officer, received_on=D(2024, 6, 26), team="SEND Team")
    client = client_for(officer)
    thanks = client.post(
        CASES,
        {"kind": "compliment", "channel": "letter", "received_on": "2024-05-01",
         "summary": "Thank you", "praised_worker": "Jo"},
        format="json",
    ).json()["reference"]  # fmt: skip

    def refs(**params):
        response = client.get(CASES, params)
        assert response.status_code == 200, response.json()
        return {c["reference"] for c in response.json()["results"]}

    send_team = Team.objects.get(name="SEND Team")
    assert refs(kind="complaint") == {social.reference, send.reference}
    assert refs(team=send_team.pk) == {send.reference}
    assert refs(received_from="2024-04-01", received_to="2024-05-31") == {thanks}
    assert refs(received_to="2024-05-31") == {social.reference, thanks}
    assert refs(received_from="2024-06-01") == {send.reference}
    assert refs(procedure="corporate-lgsco-2024") == {send.reference}
    assert refs(stage=1) == {social.reference, send.reference}
    assert refs(q="missed visit") == {social.reference}
    assert refs(overdue="true") == {social.reference}  # acknowledgement due in March


def test_text_search_finds_what_the_staff_search_page_finds(client_for, officer):
    """`q` matches as the staff search does: words anywhere in the case's text (not only the
    summary), and the start of a person's first or last name."""
    from harken.casework import selectors

    case = complaint(
        actor=officer, received_on=D(2024, 3, 1), details="The taxi to school never came."
    )
    other = complaint(actor=officer, received_on=D(2024, 3, 2))
    client = client_for(officer)
    person = case.parties.get().person

    def refs(q):
        response = client.get(CASES, {"q": q})
        assert response.status_code == 200, response.json()
        return {c["reference"] for c in response.json()["results"]}

    def page_refs(q):
        return {c.reference for c in selectors.search_cases(user=officer, words=q).cases}

    for words in ("taxi school", person.first_name[:3], f"{person.first_name} {person.last_name}"):
        assert case.reference in refs(words)
        assert refs(words) == page_refs(words)
    assert other.reference not in refs("taxi")


def test_list_is_paginated(client_for, officer):
    """Pages of `page_size`, with a count and a link to the next page."""
    for day in range(1, 6):
        complaint(actor=officer, received_on=D(2024, 3, day), elements=1)
    response = client_for(officer).get(CASES, {"page_size": 2, "page": 2})
    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page=3" in body["next"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"received_from": "yesterday"}, "received_from"),
        ({"received_to": "2024-02-30"}, "received_to"),
        ({"team": "assessment"}, "team"),
        ({"stage": "two"}, "stage"),
        ({"team": "99999999999999999999"}, "team"),
        ({"assigned_to": "99999999999999999999"}, "assigned_to"),
        ({"kind": "grumble"}, "kind"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"received_from": "2024-05-01", "received_to": "2024-04-01"}, "received_to"),
    ],
)
def test_bad_filter_is_a_400_with_the_field(client_for, officer, params, field):
    """A filter value of the wrong type is refused with its field's message, never a 500."""
    response = client_for(officer).get(CASES, params)
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert body["errors"][field]


def test_list_query_count_does_not_grow_with_cases(client_for, officer):
    """The caseload's queries are the same for 5 cases as for 20."""
    client = client_for(officer)
    for day in range(1, 6):
        complaint(actor=officer, received_on=D(2024, 3, day), elements=1)
    with CaptureQueriesContext(connection) as five:
        assert client.get(CASES).status_code == 200
    for day in range(1, 16):
        complaint(actor=officer, received_on=D(2024, 4, day), elements=1)
    assert len(client.get(CASES).json()["results"]) == 20
    with CaptureQueriesContext(connection) as twenty:
        client.get(CASES)
    assert len(twenty) == len(five)
    assert len(five) <= 6  # the sixth: which cases of the page have a restricted person


def test_list_query_count_is_bounded(client_for, officer, django_assert_max_num_queries):
    """Twenty cases, each with teams, themes and an assignee: a handful of queries (one of
    them finds which cases of the page have a person whose processing is restricted)."""
    for day in range(1, 21):
        complaint(actor=officer, received_on=D(2024, 5, day), elements=1, assigned_to=officer)
    client = client_for(officer)
    with django_assert_max_num_queries(6):
        response = client.get(CASES)
    assert response.json()["count"] == 20


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_on": "1st March"}, "received_on"),
        ({"kind": "grumble"}, "kind"),
        ({"summary": ""}, "summary"),
        ({"teams": [99999]}, "teams"),
        ({"people": [{"role": "complainant", "date_of_birth": "soon"}]}, "people"),
        ({"received_on": "2024-07-01"}, "received_on"),  # in the future: the service says no
        ({"procedure": "no-such-thing"}, "procedure"),
        ({"people": [{"role": "complainant", "email": "a@b.example"}]}, "people"),  # no name
    ],
)
def test_bad_create_input_is_a_400_with_the_field(client_for, officer, change, field):
    """Wrong types and refusals by the rules both come back as field messages."""
    response = client_for(officer).post(CASES, complaint_payload(**change), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][field]


def test_missing_summary_is_a_400(client_for, officer):
    payload = complaint_payload()
    del payload["summary"]
    response = client_for(officer).post(CASES, payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["summary"] == ["This field is required."]


def test_extension_beyond_maximum_gives_the_services_message(client_for, officer):
    """Stage 1 may extend to 20 working days at most; the service's message comes through."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/extend/",
        {"new_due_on": "2024-04-03", "reason": "Complex", "complainant_told_on": "2024-03-12"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "20 working days at most: 2 April 2024" in body["message"]
    assert body["errors"]["new_due_on"] == [body["message"]]


def test_an_extension_agreed_after_the_due_date_is_a_400(client_for, officer):
    """An extension the complainant was told of after the response was due is refused, the
    reason against `complainant_told_on`; nothing is saved."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/extend/",
        {"new_due_on": "2024-03-28", "reason": "Complex", "complainant_told_on": "2024-03-22"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["complainant_told_on"] == [
        "The complainant was told on 22 March 2024, after the response was due (15 March "
        "2024): an extension must be agreed before the date it extends."
    ]
    assert not case.stages.get().extensions.exists()


def test_service_field_names_are_mapped_to_the_inputs(client_for, officer):
    """The acknowledgement's date error is reported against `on`, the field the client sent."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/acknowledge/", {"on": "2024-02-01"}, format="json"
    )
    assert response.status_code == 400
    assert "on or after the date received" in response.json()["errors"]["on"][0]


def test_timeline_lists_events_with_actor_and_changes(client_for, officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    client = client_for(officer)
    client.post(f"{CASES}{case.reference}/acknowledge/", {"on": "2024-03-04"}, format="json")
    response = client.get(f"{CASES}{case.reference}/timeline/")
    assert response.status_code == 200
    events = response.json()
    assert [e["verb"] for e in events] == ["created", "acknowledged"]
    assert events[1]["actor"] == "Olive Tester"
    assert events[1]["changes"] == {"stage 1 acknowledged_on": [None, "2024-03-04"]}


def test_unknown_case_is_404(client_for, officer):
    response = client_for(officer).get(f"{CASES}HK-2024-99999/")
    assert response.status_code == 404
    assert response.json()["message"]


def test_detail_query_count_does_not_grow_with_elements(client_for, officer):
    """Reading a case costs the same queries with two elements or eight."""
    client = client_for(officer)
    small = complaint(actor=officer, received_on=D(2024, 3, 1), elements=2)
    large = complaint(actor=officer, received_on=D(2024, 3, 1), elements=8)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{CASES}{small.reference}/")
    with CaptureQueriesContext(connection) as many:
        client.get(f"{CASES}{large.reference}/")
    assert len(many) == len(few)


def test_points_are_changed_split_and_merged_until_answered(client_for, officer):
    """Each change through the API is the service's, and refused as the pages refuse it."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    one, two = case.elements.order_by("number")
    api = client_for(officer)
    url = f"{CASES}{case.reference}"
    privacy = Theme.objects.get(name="Privacy").pk
    response = api.post(
        f"{url}/change-element/",
        {"element": one.pk, "summary": "Shared my address", "theme": privacy},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["elements"][0]["theme"]["name"] == "Privacy"
    assert response.json()["elements"][0]["team"] is None
    response = api.post(
        f"{url}/split-element/",
        {"element": two.pk, "parts": [{"summary": "a"}, {"summary": "b"}]},
        format="json",
    )
    assert [e["summary"] for e in response.json()["elements"]] == ["Shared my address", "a", "b"]
    response = api.post(
        f"{url}/merge-elements/",
        {"elements": [two.pk, case.elements.get(number=3).pk], "summary": "a and b"},
        format="json",
    )
    assert [e["number"] for e in response.json()["elements"]] == [1, 2]
    respond_all(case, on=D(2024, 3, 8), actor=officer)
    response = api.post(
        f"{url}/change-element/", {"element": one.pk, "summary": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "Stage 1 is concluded" in response.json()["errors"]["element"][0]


def test_a_point_of_another_case_is_not_found_among_this_ones(client_for, officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    other = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/change-element/",
        {"element": other.elements.get(number=1).pk, "summary": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "element" in response.json()["errors"]


def test_a_manager_may_not_change_points_through_the_api(client_for, officer, manager):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(manager).post(
        f"{CASES}{case.reference}/change-element/",
        {"element": case.elements.get(number=1).pk, "summary": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_a_progressed_complaint_is_found_by_the_contacts_reference(client_for, officer):
    """The API progresses a contact: the new complaint has the contact's reference, and the
    case list's `q` finds both records by either reference."""
    contact = services.case_create(
        actor=officer,
        kind="contact",
        channel="web",
        received_on=D(2024, 3, 1),
        summary="Missed visits",
        teams=[Team.objects.get(name="Assessment Teams")],
    )
    given = contact.reference
    api = client_for(officer)
    response = api.post(
        f"{CASES}{given}/progress/",
        {"on": "2024-03-04", "elements": [{"summary": "Missed visits"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == given
    assert body["kind"] == "complaint"
    contact.refresh_from_db()
    assert body["progressed_from"] == contact.reference
    assert api.get(f"{CASES}{given}/").json()["kind"] == "complaint"
    for typed in (given, contact.reference):
        found = {
            c["reference"] for c in api.get(CASES, {"q": typed, "status": ""}).json()["results"]
        }
        assert found == {given, contact.reference}


def test_a_panel_meeting_is_planned_through_the_api(client_for, officer, io_user, ip_user):
    """`panel-schedule` takes a future date at stage 3; refused outside a review panel."""
    from harken.cases.tests.test_services import _to_stage3

    api = client_for(officer)
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = api.post(
        f"{CASES}{case.reference}/panel-schedule/", {"on": "2024-07-10"}, format="json"
    )
    assert response.status_code == 400
    assert "has no review panel" in response.json()["message"]
    stage3 = _to_stage3(officer, io_user, ip_user)
    url = f"{CASES}{stage3.reference}/panel-schedule/"
    response = api.post(url, {"on": "9999-12-31"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["on"] == [
        "The panel meeting can be planned up to a year ahead."
    ]
    response = api.post(url, {"on": "2024-07-10"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stages"][2]["panel_planned_on"] == "2024-07-10"


def _walk(client, params):
    """Every page of the case list by cursor: the references in order, and each answer."""
    answers, refs = [], []
    response = client.get(CASES, {**params, "cursor": ""})
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        answers.append(body)
        refs += [row["reference"] for row in body["results"]]
        if body["next"] is None:
            return refs, answers
        response = client.get(body["next"])


def test_cursor_pages_show_every_case_once_in_the_list_order(client_for, officer):
    """Following `next` from `cursor=` shows each case once, in the numbered pages' order,
    cases without a deadline last, and the cases shown are logged as read."""
    from harken.cases.models import Case

    for day in range(1, 8):
        complaint(actor=officer, received_on=D(2024, 3, day), elements=1)
    # Two without a next deadline, as closed cases have none.
    Case.objects.filter(received_on__in=[D(2024, 3, 2), D(2024, 3, 5)]).update(next_due_on=None)
    client = client_for(officer)
    refs, answers = _walk(client, {"page_size": 3})
    assert [len(a["results"]) for a in answers] == [3, 3, 1]
    numbered = client.get(CASES, {"page_size": 50}).json()["results"]
    undated = {r["reference"] for r in numbered if r["next_due_on"] is None}
    assert sorted(refs) == sorted(r["reference"] for r in numbered)
    assert len(set(refs)) == 7
    assert set(refs[-2:]) == undated
    dated = [r for r in numbered if r["next_due_on"] is not None]
    assert refs[:5] == [r["reference"] for r in dated]
    assert all(a["count"] == 7 and a["count_capped"] is False for a in answers)
    assert all(a["previous"] is None for a in answers)
    assert "page=" not in answers[0]["next"]
    assert CaseRead.objects.filter(user=officer, via="api-list").count() >= 7


def test_cursor_count_stops_at_the_cap(client_for, officer, monkeypatch):
    """More cases than the cap: `count` is the cap and `count_capped` says there are more;
    numbered pages still count them all."""
    from harken.api import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    for day in range(1, 6):
        complaint(actor=officer, received_on=D(2024, 3, day), elements=1)
    client = client_for(officer)
    body = client.get(CASES, {"cursor": "", "page_size": 2}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert client.get(CASES, {"page": 1, "page_size": 2}).json()["count"] == 5


def test_cursor_pages_with_filters_and_search(client_for, officer):
    """The filters apply on every cursor page, by GET and by the search's POST."""
    for day in range(1, 5):
        complaint(actor=officer, received_on=D(2024, 3, day), elements=1)
    complaint(actor=officer, received_on=D(2024, 5, 1), elements=1)
    client = client_for(officer)
    refs, _ = _walk(client, {"page_size": 1, "received_to": "2024-03-31"})
    assert len(refs) == 4
    body = client.post(
        f"{CASES}search/?cursor=&page_size=2", {"received_from": "2024-04-01"}, format="json"
    ).json()
    assert body["count"] == 1
    assert body["next"] is None


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "WzEsMiwzXQ", "bnVsbA", "W251bGwsIjIwMjQtMDEtMDEiLC0xXQ"]
)
def test_a_cursor_the_api_did_not_give_is_a_400(client_for, officer, cursor):
    """A made-up or damaged cursor answers 400 naming the field, never 500."""
    response = client_for(officer).get(CASES, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_cursor_pages_show_a_manager_only_their_teams_cases(client_for, officer, manager):
    """The cursor changes how pages are cut, not who sees what."""
    from harken.cases.models import Case

    theirs = complaint(actor=officer, received_on=D(2024, 3, 1), elements=1)
    other = complaint(actor=officer, received_on=D(2024, 3, 2), elements=1, team="SEND Team")
    refs, _ = _walk(client_for(manager), {"page_size": 1})
    assert theirs.reference in refs
    assert other.reference not in refs
    assert Case.objects.count() == 2
