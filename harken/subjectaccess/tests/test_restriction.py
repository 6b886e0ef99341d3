"""Restriction of processing (UK GDPR art. 18) is enforced: from the day a restriction request
is carried out until it is lifted, the person's records are kept and can be read, but no
letter or e-mail about their cases is made, their details change only through a rectification
request, bulk actions leave their cases, and downloads, exports and the API mark them. Each
refusal through the service, a page and (where there is one) the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from harken.cases import services as case_services
from harken.cases.models import TimelineEvent
from harken.cases.tests.factories import complaint
from harken.core.errors import AccessDenied, ApplicationError
from harken.documents import services as document_services
from harken.documents.models import Document, LetterTemplate
from harken.notifications.models import Message, MessageKind
from harken.notifications.outbox import message_queue
from harken.subjectaccess import rights, rules
from harken.subjectaccess.models import RightsRequest

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1"


@pytest.fixture
def case(officer):
    return complaint(actor=officer, received_on=D(2024, 3, 4))


@pytest.fixture
def person(case):
    return case.parties.get().person


BEGAN = D(2024, 6, 10)


def _restrict(officer, person, on=BEGAN) -> RightsRequest:
    request = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="restriction",
        received_on=D(2024, 6, 3),
        description="They say their address is wrong: do not use it until it is checked",
    )
    return rights.rights_request_carry_out(
        actor=officer, request=request, done_on=on, outcome="No contact until address checked"
    )


@pytest.fixture
def restriction(officer, person) -> RightsRequest:
    return _restrict(officer, person)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- The rule -------------------------------------------------------------------------------


def test_a_restriction_holds_from_its_carrying_out_until_it_is_lifted(officer, person, case):
    request = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="restriction",
        received_on=D(2024, 6, 3),
        description="Stop using my data",
    )
    assert rules.processing_restricted(person) is None  # recorded, not yet carried out
    _restrict_request = rights.rights_request_carry_out(
        actor=officer, request=request, done_on=D(2024, 6, 10), outcome="Use limited"
    )
    found = rules.processing_restricted(person)
    assert found is not None
    assert found.since == D(2024, 6, 10)
    assert found.sentence == "Processing of this person's data is restricted since 10 June 2024"
    assert [r.person_id for r in rules.case_restrictions(case)] == [person.pk]
    assert TimelineEvent.objects.filter(case=case, verb="processing_restricted").exists()

    rights.rights_request_lift(
        actor=officer,
        request=_restrict_request,
        lifted_on=D(2024, 6, 20),
        reason="Address checked; told them by letter on 18 June",
    )
    assert rules.processing_restricted(person) is None
    assert rules.case_restrictions(case) == []
    assert [e.verb for e in request.events.all()] == [
        "rights_recorded",
        "rights_carried_out",
        "rights_lifted",
    ]
    assert TimelineEvent.objects.filter(case=case, verb="processing_restriction_lifted").exists()


def test_lifting_is_refused_twice_before_it_began_and_for_other_requests(
    officer, person, restriction
):
    with pytest.raises(ApplicationError, match="on or after the day the restriction began") as exc:
        rights.rights_request_lift(
            actor=officer, request=restriction, lifted_on=D(2024, 6, 1), reason="Told them"
        )
    assert exc.value.field_errors.keys() == {"lifted_on"}
    with pytest.raises(ApplicationError, match="Enter why the restriction is lifted"):
        rights.rights_request_lift(
            actor=officer, request=restriction, lifted_on=D(2024, 6, 20), reason="  "
        )
    rights.rights_request_lift(
        actor=officer, request=restriction, lifted_on=D(2024, 6, 20), reason="Told them"
    )
    with pytest.raises(ApplicationError, match="already lifted on 20 June 2024"):
        rights.rights_request_lift(
            actor=officer, request=restriction, lifted_on=D(2024, 6, 21), reason="Again"
        )
    erasure = rights.rights_request_create(
        actor=officer, person=person, kind="erasure", received_on=D(2024, 6, 3), description="x"
    )
    with pytest.raises(ApplicationError, match="Only a restriction can be lifted"):
        rights.rights_request_lift(
            actor=officer, request=erasure, lifted_on=D(2024, 6, 20), reason="x"
        )
    open_one = rights.rights_request_create(
        actor=officer, person=person, kind="restriction", received_on=D(2024, 6, 3), description="x"
    )
    with pytest.raises(ApplicationError, match="carried out can be lifted"):
        rights.rights_request_lift(
            actor=officer, request=open_one, lifted_on=D(2024, 6, 20), reason="x"
        )


def test_only_the_feedback_team_lifts_a_restriction(manager, restriction):
    with pytest.raises(AccessDenied):
        rights.rights_request_lift(
            actor=manager, request=restriction, lifted_on=D(2024, 6, 20), reason="x"
        )
    assert rules.processing_restricted(restriction.person_id) is not None


# --- Changing their details -----------------------------------------------------------------


def test_their_details_are_not_changed_except_by_rectification(officer, person, restriction):
    with pytest.raises(ApplicationError, match="restricted since 10 June 2024") as exc:
        case_services.person_update(person=person, actor=officer, phone="01632 960001")
    assert "their details were not changed" in exc.value.message
    person.refresh_from_db()
    assert person.phone != "01632 960001"
    # Nothing given that differs is no change, and not refused.
    case_services.person_update(person=person, actor=officer, last_name=person.last_name)

    rectify = rights.rights_request_create(
        actor=officer,
        person=person,
        kind="rectification",
        received_on=D(2024, 6, 11),
        description="My surname is spelt wrongly",
    )
    rights.rights_request_carry_out(
        actor=officer,
        request=rectify,
        done_on=D(2024, 6, 12),
        outcome="Corrected",
        corrections={"last_name": "Smyth"},
    )
    person.refresh_from_db()
    assert person.last_name == "Smyth"
    assert rules.processing_restricted(person) is not None  # rectifying does not lift it


def test_the_edit_person_page_and_api_refuse_the_change(
    officer, sign_in, case, person, restriction
):
    response = sign_in(officer).post(
        f"/staff/cases/{case.reference}/edit-person/",
        {
            "person": person.pk,
            "first_name": person.first_name,
            "last_name": "Changed",
            "contact_preference": "post",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "restricted since 10 June 2024" in page
    api = _api(officer).post(
        f"{API}/cases/{case.reference}/edit-person/",
        {"person": person.pk, "phone": "01632 960001"},
        format="json",
    )
    assert api.status_code == 400
    assert "restricted since 10 June 2024" in str(api.json())
    person.refresh_from_db()
    assert person.last_name != "Changed"
    assert person.phone != "01632 960001"


# --- Letters and e-mails --------------------------------------------------------------------


def test_no_letter_is_made_on_their_case(officer, sign_in, case, restriction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    template = LetterTemplate.objects.get(name="Acknowledgement")
    with pytest.raises(ApplicationError, match="no letter was made") as exc:
        document_services.letter_create(case=case, template=template, actor=officer)
    assert exc.value.field_errors.keys() == {"template"}
    url = reverse("documents:letter_new", args=[case.reference])
    response = sign_in(officer).post(url, {"template": template.pk, "action": "create"})
    assert response.status_code == 200
    assert "restricted since 10 June 2024" in response.content.decode()
    assert not Document.objects.exists()


def test_no_message_is_queued_about_their_case(officer, case, restriction):
    with pytest.raises(ApplicationError, match="nothing was sent"):
        message_queue(kind=MessageKind.CONFIRMATION, to=["someone@example.org"], case=case)
    assert not Message.objects.exists()


def test_passing_on_a_compliment_from_them_sends_nothing_and_records_nothing(
    officer, sign_in, assessment_team
):
    """The compliment page's e-mail to the worker goes through the one outbox, which refuses
    a message about their case: the error is on the page and the compliment is not passed on."""
    from harken.cases.models import Kind, PartyRole, Relationship
    from harken.cases.tests.factories import person_details

    compliment = case_services.case_create(
        actor=officer,
        kind=Kind.COMPLIMENT,
        channel="email",
        received_on=D(2024, 6, 27),
        summary="Thank you to Sam",
        teams=[assessment_team],
        praised_worker="Sam Worker",
        people=[
            case_services.PersonInput(
                role=PartyRole.COMPLAINANT,
                relationship=Relationship.PARENT,
                details=person_details(),
            )
        ],
    )
    _restrict(officer, compliment.parties.get().person)
    response = sign_in(officer).post(
        f"/staff/cases/{compliment.reference}/pass-on/",
        {
            "worker_email": "sam@council.example",
            "on_0": "28",
            "on_1": "6",
            "on_2": "2024",
        },
    )
    assert response.status_code == 200
    assert "nothing was sent" in response.content.decode()
    compliment.refresh_from_db()
    assert compliment.passed_on_on is None
    assert not Message.objects.exists()


def test_after_lifting_letters_and_messages_go_again(
    officer, case, restriction, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rights.rights_request_lift(
        actor=officer, request=restriction, lifted_on=D(2024, 6, 20), reason="Told them"
    )
    template = LetterTemplate.objects.get(name="Acknowledgement")
    assert len(document_services.letter_create(case=case, template=template, actor=officer)) == 2
    message_queue(kind=MessageKind.CONFIRMATION, to=["someone@example.org"], case=case)
    assert Message.objects.count() == 1


# --- Bulk actions, downloads, exports, the API list -----------------------------------------


def test_a_bulk_action_leaves_their_case_and_does_the_rest(officer, sign_in, case, restriction):
    other = complaint(actor=officer, received_on=D(2024, 3, 5))
    response = sign_in(officer).post(
        reverse("casework:bulk"),
        {"cases": [case.reference, other.reference], "action": "assign", "assign_to": officer.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "this case was left as it was" in page
    case.refresh_from_db()
    other.refresh_from_db()
    assert case.assigned_to_id is None
    assert other.assigned_to_id == officer.pk


def test_the_caseload_download_marks_their_case_and_says_so(officer, sign_in, case, restriction):
    other = complaint(actor=officer, received_on=D(2024, 3, 5))
    client = sign_in(officer)
    response = client.get(reverse("casework:download", args=["xlsx"]))
    assert response.status_code == 200
    assert response["X-Harken-Processing-Restricted"] == "1"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Processing restricted"
    marked = {row[0]: row[-1] for row in rows[1:] if row[0] in (case.reference, other.reference)}
    assert marked == {case.reference: "Yes", other.reference: None}
    assert any(
        "1 case(s) concern a person whose processing is restricted" in str(r[0]) for r in rows
    )
    text = client.get(reverse("casework:download", args=["csv"])).getvalue().decode()
    assert f"{case.reference}," in text
    assert text.splitlines()[0].endswith("Processing restricted")
    assert "Yes" in next(line for line in text.splitlines() if line.startswith(case.reference))
    assert (
        "restricted (UK GDPR art. 18) is marked"
        in client.get(reverse("casework:caseload")).content.decode()
    )


def test_the_export_marks_their_case_and_the_command_says_how_many(
    officer, case, restriction, tmp_path
):
    complaint(actor=officer, received_on=D(2024, 3, 5))
    path = tmp_path / "out.csv"
    out = io.StringIO()
    call_command("export_cases", str(path), "--actor", officer.username, stdout=out)
    assert "1 of them concern a person whose processing is restricted" in out.getvalue()
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    column = header.index("processing_restricted")
    values = sorted(line.split(",")[column] for line in lines[1:])
    assert values == ["", "yes"]


def test_the_api_marks_their_case_in_the_list_and_the_detail(officer, case, restriction):
    other = complaint(actor=officer, received_on=D(2024, 3, 5))
    client = _api(officer)
    listed = {
        i["reference"]: i["processing_restricted"]
        for i in client.get(f"{API}/cases/").json()["results"]
    }
    assert listed == {case.reference: True, other.reference: False}
    assert client.get(f"{API}/cases/{case.reference}/").json()["processing_restricted"] is True


# --- Banners and lifting through the page, the API and the command ---------------------------


def test_the_case_page_and_the_person_page_show_the_banner(
    officer, sign_in, case, person, restriction
):
    client = sign_in(officer)
    page = client.get(reverse("casework:case", args=[case.reference])).content.decode()
    assert "moj-alert--warning" in page
    assert f"Processing of {person.full_name}'s data is restricted since 10 June 2024" in page
    assert "No contact until address checked" in page
    person_page = client.get(reverse("subjectaccess:person", args=[person.pk])).content.decode()
    assert "Processing of this person's data is restricted since 10 June 2024" in person_page
    other = complaint(actor=officer, received_on=D(2024, 3, 5))
    assert (
        "moj-alert"
        not in client.get(reverse("casework:case", args=[other.reference])).content.decode()
    )


def test_the_rights_page_lifts_it_and_names_the_field_in_error(officer, sign_in, restriction):
    client = sign_in(officer)
    url = reverse("subjectaccess:rights", args=[restriction.pk])
    assert "Lift the restriction" in client.get(url).content.decode()
    bad = client.post(
        url,
        {
            "lift": "1",
            "lift-lifted_on_0": "20",
            "lift-lifted_on_1": "6",
            "lift-lifted_on_2": "2024",
        },
    )
    assert bad.status_code == 200
    assert "Enter why the restriction is lifted" in bad.content.decode()
    done = client.post(
        url,
        {
            "lift": "1",
            "lift-lifted_on_0": "20",
            "lift-lifted_on_1": "6",
            "lift-lifted_on_2": "2024",
            "lift-reason": "Told them on 18 June",
        },
    )
    assert done.status_code == 302
    assert rules.processing_restricted(restriction.person_id) is None
    assert "Restriction lifted" in client.get(url).content.decode()


def test_the_api_and_the_command_lift_it_for_the_feedback_team_only(officer, manager, restriction):
    url = f"{API}/subject-access/rights/{restriction.pk}/lift/"
    assert _api(manager).post(url, {"lifted_on": "2024-06-20", "reason": "x"}).status_code == 403
    bad = _api(officer).post(url, {"lifted_on": "2024-06-01", "reason": "x"}, format="json")
    assert bad.status_code == 400
    assert "lifted_on" in bad.json()["errors"]
    assert (
        _api(officer)
        .get(f"{API}/subject-access/rights/{restriction.pk}/")
        .json()["processing_restricted"]
        is True
    )
    ok = _api(officer).post(url, {"lifted_on": "2024-06-20", "reason": "Told them"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["processing_restricted"] is False
    assert ok.json()["lifted_on"] == "2024-06-20"
    again = _restrict(officer, restriction.person, on=D(2024, 6, 21))
    out = io.StringIO()
    call_command(
        "subject_access",
        "--actor",
        officer.username,
        "rights-lift",
        str(again.pk),
        "--on",
        "2024-06-22",
        "--reason",
        "Told them",
        stdout=out,
    )
    assert f"Restriction {again.pk} lifted." in out.getvalue()
    assert rules.processing_restricted(restriction.person_id) is None


# --- Adding them to a case, another name (docs/adr/0152) ------------------------------------

ADD_REFUSED = "they were not added to the case"


@pytest.fixture
def other_case(officer):
    return complaint(actor=officer, received_on=D(2024, 6, 17))


def test_they_are_not_added_to_another_case(officer, person, other_case, restriction):
    with pytest.raises(ApplicationError, match=ADD_REFUSED) as refused:
        case_services.case_add_person(
            case=other_case,
            item=case_services.PersonInput(role="child", person=person),
            actor=officer,
        )
    assert "restricted since 10 June 2024 (UK GDPR art. 18)" in refused.value.message
    assert refused.value.field_errors == {"person": [refused.value.message]}
    assert not other_case.parties.filter(person=person).exists()
    assert not TimelineEvent.objects.filter(case=other_case, verb="person_added").exists()
    # A new person of the same name is a new record: added.
    case_services.case_add_person(
        case=other_case,
        item=case_services.PersonInput(
            role="child", details={"first_name": person.first_name, "last_name": "Other"}
        ),
        actor=officer,
    )


def test_a_new_case_naming_them_is_not_made(officer, person, restriction):
    from harken.cases.models import Case

    before = Case.objects.count()
    with pytest.raises(ApplicationError, match=ADD_REFUSED):
        case_services.case_create(
            actor=officer,
            kind="compliment",
            channel="email",
            received_on=D(2024, 6, 20),
            summary="Thanks to the team",
            people=[case_services.PersonInput(role="complainant", person=person)],
        )
    assert Case.objects.count() == before  # nothing half-made


def test_after_lifting_they_are_added_again(officer, person, other_case, restriction):
    rights.rights_request_lift(
        actor=officer, request=restriction, lifted_on=D(2024, 6, 20), reason="Agreed, told"
    )
    case_services.case_add_person(
        case=other_case,
        item=case_services.PersonInput(role="child", person=person),
        actor=officer,
    )
    assert other_case.parties.filter(person=person).exists()


def test_their_own_data_protection_complaint_may_name_them_as_complainant(
    officer, person, restriction
):
    """The restriction's own process: a complaint about how their data was handled (DPA 2018
    s164A) is theirs to make; they are its complainant, never the child it is about."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 8, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        case = complaint(actor=officer, received_on=D(2026, 7, 2), procedure_code="data-protection")
        with pytest.raises(ApplicationError, match=ADD_REFUSED):
            case_services.case_add_person(
                case=case,
                item=case_services.PersonInput(role="child", person=person),
                actor=officer,
            )
        party = case_services.case_add_person(
            case=case,
            item=case_services.PersonInput(role="complainant", person=person),
            actor=officer,
        )
    assert party.person == person


def test_the_add_person_page_refuses_with_the_reason(
    officer, sign_in, person, other_case, restriction
):
    response = sign_in(officer).post(
        f"/staff/cases/{other_case.reference}/add-person/",
        {"party_role": "child", "existing": person.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "restricted since 10 June 2024" in page
    assert ADD_REFUSED in page
    assert not other_case.parties.filter(person=person).exists()


def test_the_api_refuses_adding_them_to_a_case_or_a_new_case(
    officer, person, other_case, restriction
):
    from harken.api.tests.test_cases import complaint_payload
    from harken.cases.models import Case

    client = _api(officer)
    response = client.post(
        f"{API}/cases/{other_case.reference}/people/",
        {"role": "child", "person": person.pk},
        format="json",
    )
    assert response.status_code == 400
    assert ADD_REFUSED in str(response.json())
    assert not other_case.parties.filter(person=person).exists()
    before = Case.objects.count()
    payload = complaint_payload(people=[{"role": "complainant", "person": person.pk}])
    response = client.post(f"{API}/cases/", payload, format="json")
    assert response.status_code == 400
    assert "restricted since 10 June 2024" in str(response.json())
    assert Case.objects.count() == before


def test_the_import_never_puts_them_on_a_case(officer, person, restriction, tmp_path):
    """The import links no person already recorded: a row naming them makes a new person
    record (as the public forms do), and the restricted record gains no case."""
    from harken.cases.models import CaseParty, Person
    from harken.cases.tests.test_import import _call, stage1_complaint, write_csv

    row = stage1_complaint(
        complainant_first_name=person.first_name, complainant_last_name=person.last_name
    )
    out = _call(write_csv(tmp_path / "history.csv", [row]))
    assert "Imported 1 case(s)" in out
    assert list(CaseParty.objects.filter(person=person).values_list("case", flat=True)) == [
        restriction.person.parties.get().case_id
    ]
    assert Person.objects.filter(first_name=person.first_name, last_name=person.last_name).exclude(
        pk=person.pk
    )


def test_an_email_from_them_made_into_a_case_names_a_new_person_record(
    officer, person, restriction
):
    """The shared mailbox matches a sender to a person by address; a restricted person is
    not linked (as at the public forms, writing in is their consent to a new record)."""
    from harken.cases.models import Person
    from harken.correspondence import services as mailbox
    from harken.correspondence.tests.conftest import make_email

    Person.objects.filter(pk=person.pk).update(email="kept@example.org")
    item = mailbox.item_store(raw=make_email(sender="Them <kept@example.org>")).item
    item = mailbox.item_convert(
        item=item,
        actor=officer,
        kind="compliment",
        summary="Thank you",
        first_name="Kim",
        last_name="Kept",
        email="kept@example.org",
    )
    assert item.case is not None
    [party] = item.case.parties.all()
    assert party.person_id != person.pk
    assert party.person.email == "kept@example.org"


def test_no_other_name_is_recorded_for_them(officer, sign_in, person, restriction):
    from harken.subjectaccess import services as sa_services
    from harken.subjectaccess.models import PersonAlias

    with pytest.raises(ApplicationError, match="no other name was recorded") as refused:
        sa_services.person_alias_add(person=person, name="Casey Smith", actor=officer)
    assert "name" in refused.value.field_errors
    response = sign_in(officer).post(
        reverse("subjectaccess:person", kwargs={"pk": person.pk}), {"name": "Casey Smith"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "restricted since 10 June 2024" in page
    assert 'id="name-error"' in page or "govuk-error-message" in page
    assert not PersonAlias.objects.filter(person=person).exists()
    rights.rights_request_lift(
        actor=officer, request=restriction, lifted_on=D(2024, 6, 20), reason="Agreed, told"
    )
    sa_services.person_alias_add(person=person, name="Casey Smith", actor=officer)
    assert PersonAlias.objects.filter(person=person).exists()
