"""Hostile input to the API: a 400 whose JSON names the field, nothing saved, never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from harken.cases.models import Case, Element, Person, SafeguardingConcern
from harken.cases.tests.factories import complaint

from .test_cases import CASES, complaint_payload

pytestmark = pytest.mark.django_db

D = dt.date


def _person_payload(**person):
    return complaint_payload(people=[{"role": "complainant", "relationship": "parent", **person}])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "Nobody called\x1b[2J"),
        ("details", "Line one\x00line two"),
        ("late_complaint_reason", "\x07"),
    ],
)
def test_control_characters_in_any_field_are_refused_by_name(client_for, officer, field, value):
    response = client_for(officer).post(CASES, complaint_payload(**{field: value}), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert Case.objects.count() == 0


def test_control_characters_nested_in_a_person_are_refused_by_their_path(client_for, officer):
    """The error sits where the bad text was: people, item 0, last name."""
    response = client_for(officer).post(
        CASES, _person_payload(first_name="Alex", last_name="Jo\x1bnes"), format="json"
    )
    assert response.status_code == 400
    assert "last_name" in response.json()["errors"]["people"]["0"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d", "\ufeff\u2060", "\u0301"])
def test_a_name_with_nothing_visible_is_no_name(client_for, officer, name):
    response = client_for(officer).post(
        CASES, _person_payload(first_name=name, last_name=""), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"people": ["Enter the person's name."]}
    assert Case.objects.count() == 0


@pytest.mark.parametrize("name", ["\u202eenoJ", "Jo\u202dnes", "\u2066Jones\u2069"])
def test_a_name_that_turns_the_text_direction_is_refused(client_for, officer, name):
    response = client_for(officer).post(
        CASES, _person_payload(first_name="Alex", last_name=name), format="json"
    )
    assert response.status_code == 400
    message = response.json()["errors"]["people"][0]
    assert "must not contain characters that change the direction of the text" in message
    assert Case.objects.count() == 0


def test_a_person_added_later_is_held_to_the_same_rule(client_for, officer):
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/people/",
        {"role": "child", "first_name": "\u200b", "last_name": "\u200b"},
        format="json",
    )
    assert response.status_code == 400
    assert case.parties.count() == 1


def test_a_case_with_ten_thousand_elements_is_refused_at_once(
    client_for, officer, django_assert_max_num_queries
):
    """Refused before any query about the elements: no 10,000 inserts, no case."""
    payload = complaint_payload(elements=[{"summary": "x"}] * 10_000)
    client = client_for(officer)
    with django_assert_max_num_queries(3):
        response = client.post(CASES, payload, format="json")
    assert response.status_code == 400
    assert "elements" in response.json()["errors"]
    assert Element.objects.count() == 0


def test_more_elements_than_a_complaint_may_have_are_refused(client_for, officer):
    payload = complaint_payload(elements=[{"summary": f"Point {i}"} for i in range(101)])
    response = client_for(officer).post(CASES, payload, format="json")
    assert response.status_code == 400
    assert "no more than 100 elements" in json.dumps(response.json()["errors"]["elements"])


def test_ten_thousand_team_ids_are_refused_at_once(
    client_for, officer, django_assert_max_num_queries
):
    client = client_for(officer)
    with django_assert_max_num_queries(3):
        response = client.post(CASES, complaint_payload(teams=[1] * 10_000), format="json")
    assert response.status_code == 400
    assert "teams" in response.json()["errors"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-8-sig"])
def test_a_json_body_in_another_unicode_encoding_is_read(client_for, officer, encoding):
    """JSON in UTF-16 or UTF-32 (with or without a byte order mark) means the same."""
    body = json.dumps(complaint_payload(summary="Ŵ ŷ مرحبا")).encode(encoding)
    response = client_for(officer).generic("POST", CASES, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Case.objects.get().summary == "Ŵ ŷ مرحبا"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00", "application/json"),
        (b'{"summary": "x"}', "application/json; charset=no-such-charset"),
        (b'{"summary": "x"}', "application/json; charset=bz2_codec"),
        (b'{"a": NaN}', "application/json"),
        (b"summary=x", "application/x-www-form-urlencoded; charset=no-such-charset"),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
    ],
)
def test_a_body_that_cannot_be_read_is_a_json_400(client_for, officer, body, content_type):
    """(A form-encoded body is a 415 where the API takes JSON only.)"""
    client = client_for(officer)
    client.raise_request_exception = False
    response = client.generic("POST", CASES, body, content_type=content_type)
    assert response.status_code in ((400, 415) if "form" in content_type else (400,))
    assert response["Content-Type"] == "application/json"
    assert "message" in response.json()


def test_a_form_body_with_a_control_character_is_refused(client_for, officer):
    """Checked like JSON where the API reads form bodies (a 415 where it takes JSON only)."""
    response = client_for(officer).post(
        CASES, {"kind": "compliment", "summary": "Thanks\x1b"}, format="multipart"
    )
    assert response.status_code in (400, 415)
    if response.status_code == 400:
        assert "summary" in response.json()["errors"]
    assert Case.objects.count() == 0


def test_a_safeguarding_concern_cannot_be_dated_before_the_case(client_for, officer):
    """A concern dated 2000 on a 2024 case is a typing error: refused, with the field named."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    response = client_for(officer).post(
        f"{CASES}{case.reference}/safeguarding/",
        {"raised_on": "2000-03-02", "description": "Bruise seen", "referred_to": "none"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["raised_on"] == [
        "The date the concern was raised must be on or after the date the case was received "
        "(1 March 2024)."
    ]
    assert SafeguardingConcern.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        '{"kind": "compliment", "channel": "\\ud800", "received_on": "2024-03-01", "summary": "x"}',
        '{"kind": "compliment", "channel": "phone", "received_on": "\\udfff", "summary": "x"}',
        '{"\\ud800": "x", "kind": "compliment"}',
    ],
)
def test_half_a_utf16_pair_is_refused_not_a_server_error(client_for, officer, body):
    """JSON may carry "\\ud800" (half of a UTF-16 pair); a choice or date field echoing it in
    its error message could not be written as JSON: refused first, by name."""
    client = client_for(officer)
    client.raise_request_exception = False
    response = client.generic("POST", CASES, body, content_type="application/json")
    assert response.status_code == 400
    assert "broken character" in json.dumps(response.json())
