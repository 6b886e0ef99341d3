"""One case, one reference: a complaint progressed from an initial contact carries the
reference the person was given for the contact; either reference finds both records."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from harken.accounts.models import Team
from harken.cases import services
from harken.cases.models import Case, Kind, TimelineEvent
from harken.casework import selectors

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def progressed(officer) -> tuple[Case, Case, str]:
    contact = services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="web",
        received_on=D(2024, 6, 3),
        summary="Missed visits",
        teams=[Team.objects.get(name="Assessment Teams")],
    )
    given = contact.reference
    # Another case in between, so the numbers show which record got which.
    services.case_create(
        actor=officer, kind=Kind.CONTACT, channel="phone", received_on=D(2024, 6, 4), summary="x"
    )
    complaint = services.contact_progress(
        case=contact,
        on=D(2024, 6, 5),
        actor=officer,
        elements=[services.ElementInput(summary="Missed visits")],
    )
    contact.refresh_from_db()
    return contact, complaint, given


def test_the_complaint_carries_the_reference_the_person_was_given(officer):
    """The person keeps HK-2024-00001: the complaint has it; the closed contact takes the new
    number and remembers the one it had. Both timelines say so."""
    contact, complaint, given = progressed(officer)
    assert given == "HK-2024-00001"
    complaint.refresh_from_db()
    assert complaint.reference == "HK-2024-00001"
    assert (contact.reference, contact.previous_reference) == ("HK-2024-00003", "HK-2024-00001")
    assert complaint.progressed_from == contact
    moved = TimelineEvent.objects.get(case=contact, verb="progressed")
    assert moved.description == (
        "Progressed to stage 1 complaint HK-2024-00001 on 5 June 2024; the complaint keeps the "
        "reference HK-2024-00001 and this contact is now HK-2024-00003"
    )
    assert moved.changes["reference"] == ["HK-2024-00001", "HK-2024-00003"]
    created = TimelineEvent.objects.get(case=complaint, verb="created")
    assert created.description.endswith("; keeps the reference its initial contact was given")
    assert "HK-2024-00003" not in created.description


@pytest.mark.parametrize("which", ["given", "contact"])
def test_either_reference_finds_both(officer, which):
    contact, complaint, given = progressed(officer)
    typed = given if which == "given" else contact.reference
    found = selectors.search_cases(user=officer, words=typed.lower())
    assert {c.reference for c in found.cases} == {complaint.reference, contact.reference}


def test_the_letters_quote_the_reference_given(officer):
    from harken.documents.letters import letter_context

    _contact, complaint, given = progressed(officer)
    context = letter_context(case=complaint, actor=officer, on=D(2024, 6, 6))
    assert context["case"]["reference"] == given
