"""The person search finds a person wherever they appear, to the feedback team only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from harken.accounts.models import Team
from harken.cases import selectors as case_selectors
from harken.cases import services as case_services
from harken.cases.models import CaseRead, PartyRole
from harken.cases.tests.factories import complaint
from harken.core.errors import AccessDenied
from harken.documents import services as document_services
from harken.registers.tests import factories as register_factories
from harken.subjectaccess import selectors, services

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def casey(officer):
    """Casey Marlowe: complainant on one case (with e-mail and phone), child on another."""
    first = complaint(actor=officer, received_on=D(2024, 3, 4))
    person = first.parties.get().person
    case_services.person_update(
        person=person,
        actor=officer,
        first_name="Casey",
        last_name="Marlowe",
        email="casey.marlowe@example.com",
        phone="07700 900456",
    )
    person.refresh_from_db()
    return person, first


def _found(data):
    return {(f.where, f.case.reference if f.case else f.label) for f in data.findings}


def test_the_person_is_found_wherever_they_appear(officer, casey):
    person, first = casey
    services.person_alias_add(person=person, name="Casey Smith", actor=officer)
    as_child = case_services.case_create(
        actor=officer,
        kind="complaint",
        channel="email",
        received_on=D(2024, 4, 1),
        summary="Contact arrangements",
        teams=[Team.objects.get(name="Assessment Teams")],
        people=[case_services.PersonInput(role=PartyRole.CHILD, person=person)],
    )
    in_details = complaint(
        actor=officer,
        received_on=D(2024, 4, 2),
        details="The foster carer said Casey Marlowe had missed school.",
    )
    in_note = complaint(actor=officer, received_on=D(2024, 4, 3))
    case_services.note_add(case=in_note, text="Spoke to casey smith's aunt.", actor=officer)
    by_email = complaint(actor=officer, received_on=D(2024, 4, 4))
    case_services.note_add(
        case=by_email, text="Forwarded from casey.marlowe@example.com", actor=officer
    )
    by_phone = complaint(
        actor=officer, received_on=D(2024, 4, 5), details="Called back on 07700 900456."
    )
    in_document = complaint(actor=officer, received_on=D(2024, 4, 8))
    document = document_services.document_upload(
        case=in_document,
        file=pdf_upload("minutes.pdf", "Meeting minutes", "Present: Casey Marlowe and staff"),
        actor=officer,
    )
    services.document_text_index(document=document)
    unrelated = complaint(
        actor=officer, received_on=D(2024, 4, 9), details="Nothing about Casey here; Marlowe Road."
    )
    sar = register_factories.sar(actor=officer, requester=person)
    CaseRead.objects.all().delete()
    case_selectors.case_get(user=officer, reference=first.reference)

    data = selectors.person_data(user=officer, person=person)

    found = _found(data)
    assert ("Complainant", first.reference) in found
    assert ("Child the case is about", as_child.reference) in found
    assert ("Named in the case details", in_details.reference) in found
    assert ("Named in a note", in_note.reference) in found  # by alias, any case
    assert ("Named in a note", by_email.reference) in found  # by e-mail address
    assert ("Named in the case details", by_phone.reference) in found  # by phone
    assert ("Named in a document's text", in_document.reference) in found
    assert ("Subject access request", f"Subject access request {sar.reference}") in found
    assert unrelated.pk not in data.case_ids
    assert {r.case_id for r in data.reads} == {first.pk}
    assert data.reads[0].user == officer


def test_full_text_is_used_on_postgresql_and_contains_on_sqlite(officer, casey):
    person, _first = casey
    complaint(actor=officer, received_on=D(2024, 4, 2), details="CASEY   MARLOWE rang.")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        selectors.person_data(user=officer, person=person)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql
        assert "phraseto_tsquery" in sql
    else:
        assert "LIKE" in sql


def test_phrase_search_finds_a_name_across_spaces_and_case_on_postgresql(officer, casey):
    person, _first = casey
    odd = complaint(actor=officer, received_on=D(2024, 4, 2), details="CASEY   MARLOWE rang.")
    data = selectors.person_data(user=officer, person=person)
    if connection.vendor == "postgresql":
        assert odd.pk in data.case_ids
    else:  # a plain contains needs the spacing as written
        assert odd.pk not in data.case_ids


def test_a_restricted_case_is_counted_not_shown(officer, admin_user, casey):
    person, _first = casey
    hidden = complaint(
        actor=officer, received_on=D(2024, 4, 2), details="Casey Marlowe disclosed something."
    )
    case_services.case_restrict(case=hidden, restricted=True, people=[], actor=admin_user)
    data = selectors.person_data(user=officer, person=person)
    assert hidden.pk not in data.case_ids
    assert data.hidden_cases == 1
    assert hidden.reference not in str([f.label for f in data.findings])


@pytest.mark.parametrize("who", ["manager", "report_viewer", "io_user", "ip_user"])
def test_only_the_feedback_team_searches_a_person(request, casey, who):
    person, _first = casey
    with pytest.raises(AccessDenied):
        selectors.person_data(user=request.getfixturevalue(who), person=person)


def test_the_person_is_found_in_the_ombudsman_register_their_rights_requests_and_the_mailbox(
    officer, casey, sign_in
):
    """Everything held includes an Ombudsman case about them, a rights request of theirs and
    the shared mailbox's e-mails from their address (on a case or not); another sender's
    e-mail is not theirs."""
    from harken.correspondence import services as mailbox
    from harken.correspondence.tests.conftest import make_email
    from harken.registers import services as registers
    from harken.subjectaccess import rights

    person, first = casey
    ombudsman = registers.ombudsman_case_create(
        actor=officer,
        ombudsman_reference="24 000 111",
        enquiry_received_on=D(2024, 5, 1),
        person=person,
        summary="Went to the Ombudsman",
    )
    request = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="rectification",
        received_on=D(2024, 6, 3),
        description="Spelling",
    )
    spam = mailbox.item_store(
        raw=make_email(sender="Casey <Casey.Marlowe@example.com>", subject="Hello"),
        received_at=dt.datetime(2024, 6, 4, 9, tzinfo=dt.UTC),
    ).item
    mailbox.item_not_feedback(item=spam, actor=officer, reason="misdirected")
    attached = mailbox.item_store(
        raw=make_email(sender="casey.marlowe@example.com"),
        received_at=dt.datetime(2024, 6, 5, 9, tzinfo=dt.UTC),
    ).item
    mailbox.item_attach(item=attached, actor=officer, case=first)
    other = mailbox.item_store(raw=make_email(sender="someone@example.org")).item

    found = _found(selectors.person_data(user=officer, person=person))
    assert ("Ombudsman case", "Ombudsman case 24 000 111") in found
    assert ("Rights request", f"Rectification request {request.pk}") in found
    assert (
        "E-mail to the shared mailbox",
        f"E-mail {spam.pk} received 4 June 2024 (not feedback)",
    ) in found
    assert ("E-mail to the shared mailbox", first.reference) in found
    assert not any(f"E-mail {other.pk} " in label for _, label in found)
    assert ombudsman.case is None
    page = sign_in(officer).get(f"/staff/subject-access/people/{person.pk}/")
    assert f"E-mail {spam.pk} received 4 June 2024" in page.content.decode()
