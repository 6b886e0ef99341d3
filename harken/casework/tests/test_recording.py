"""Recording a new contact (finding people before adding them) and logging compliments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from harken.accounts.models import Role, Team
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import Case, Kind, Note, PartyRole, Person, Status, Theme

from .conftest import queries_for
from .test_actions import form_data

pytestmark = pytest.mark.django_db

D = dt.date


def new_case(**overrides: Any) -> dict[str, Any]:
    team = Team.objects.get(name="Assessment Teams")
    theme = Theme.objects.get(name="Communication")
    values: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "received_on": D(2024, 6, 27),
        "summary": "Social worker did not call back",
        "details": "Mum rang three times.",
        "teams": [team.pk],
        "themes": [theme.pk],
        "procedure": "",
        "elements": "No call back\nRude on the phone",
        "complainant-first_name": "Dana",
        "complainant-last_name": "Whitfield",
        "complainant-relationship": "parent",
        "complainant-email": "dana@example.org",
        "complainant-contact_preference": "email",
        "child-first_name": "Ellis",
        "child-last_name": "Whitfield",
        "child-date_of_birth": D(2014, 5, 2),
        "child-looked_after": "on",
        "save": "1",
    }
    values.update(overrides)
    return form_data(**values)


def test_record_a_phone_complaint(officer, sign_in):
    client = sign_in(officer)
    assert client.get("/staff/cases/new/").status_code == 200
    response = client.post("/staff/cases/new/", new_case())
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert response["Location"] == f"/staff/cases/{case.reference}/"
    assert case.kind == Kind.COMPLAINT
    assert case.channel == "phone"
    assert case.procedure_version is not None
    assert case.procedure_version.procedure.code == "children-statutory"  # suggested by the team
    assert list(case.elements.values_list("summary", flat=True)) == [
        "No call back",
        "Rude on the phone",
    ]
    assert case.elements.filter(number=1, team__name="Assessment Teams").exists()
    complainant = case.parties.get(role=PartyRole.COMPLAINANT)
    assert complainant.person.email == "dana@example.org"
    assert complainant.relationship == "parent"
    child = case.parties.get(role=PartyRole.CHILD).person
    assert child.looked_after
    assert child.date_of_birth == D(2014, 5, 2)
    assert case.stages.get().due_on == D(2024, 7, 11)
    page = client.get(response["Location"]).content.decode()
    assert "Complaint " + case.reference + " recorded." in page


def test_procedure_can_be_changed(officer, sign_in):
    response = sign_in(officer).post(
        "/staff/cases/new/", new_case(procedure="corporate-lgsco-2024")
    )
    assert response.status_code == 302
    version = Case.objects.get().procedure_version
    assert version is not None
    assert version.procedure.code == "corporate-lgsco-2024"


def test_missing_answers_are_shown_with_the_gov_uk_error_summary(officer, sign_in):
    response = sign_in(officer).post(
        "/staff/cases/new/",
        new_case(kind="", summary="", received_on_0="", received_on_1="", received_on_2=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert html.count("govuk-error-message") >= 3
    assert "<title>Error:" in html
    assert not Case.objects.exists()


def test_a_person_already_recorded_is_found_before_adding_a_duplicate(
    officer, sign_in, make_complaint
):
    """Saving someone who looks like a person already recorded asks first, and shows their
    other open cases; choosing them links the same person."""
    earlier = make_complaint(summary="Earlier complaint")
    dana = services.person_create(
        actor=officer, first_name="Dana", last_name="Whitfield", email="dana@example.org"
    )
    services.case_add_person(
        case=earlier,
        item=services.PersonInput(role=PartyRole.COMPLAINANT, person=dana),
        actor=officer,
    )
    client = sign_in(officer)
    response = client.post(
        "/staff/cases/new/",
        new_case(
            **{
                "child-first_name": "",
                "child-last_name": "",
                "child-date_of_birth_0": "",
                "child-date_of_birth_1": "",
                "child-date_of_birth_2": "",
            }
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "may be the same person" in html
    assert earlier.reference in html  # their other open case
    assert not Case.objects.exclude(pk=earlier.pk).exists()
    data = new_case(
        **{
            "complainant-existing": dana.pk,
            "child-first_name": "",
            "child-last_name": "",
            "child-date_of_birth_0": "",
            "child-date_of_birth_1": "",
            "child-date_of_birth_2": "",
        }
    )
    response = client.post("/staff/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert case.parties.get(role=PartyRole.COMPLAINANT).person == dana
    assert Person.objects.filter(last_name="Whitfield").count() == 1


def test_a_restricted_person_already_recorded_is_not_put_on_the_new_case(
    officer, sign_in, make_complaint
):
    """Choosing someone whose processing is restricted (UK GDPR art. 18) is refused with the
    reason, and no case is made (docs/adr/0152)."""
    import datetime as dt

    from harken.subjectaccess import rights

    earlier = make_complaint(summary="Earlier complaint")
    dana = earlier.parties.get().person
    request = rights.rights_request_create(
        actor=officer,
        person=dana,
        kind="restriction",
        received_on=dt.date.today(),
        description="Do not use my data while it is checked",
    )
    rights.rights_request_carry_out(
        actor=officer, request=request, done_on=dt.date.today(), outcome="Nothing sent"
    )
    data = new_case(
        **{
            "complainant-existing": dana.pk,
            "child-first_name": "",
            "child-last_name": "",
            "child-date_of_birth_0": "",
            "child-date_of_birth_1": "",
            "child-date_of_birth_2": "",
        }
    )
    response = sign_in(officer).post("/staff/cases/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "data is restricted since" in html
    assert "they were not added to the case" in html
    assert not Case.objects.exclude(pk=earlier.pk).exists()


def test_find_button_lists_matches_without_saving(officer, sign_in, make_complaint):
    services.person_create(actor=officer, first_name="Ellis", last_name="Whitfield")
    response = sign_in(officer).post("/staff/cases/new/", {**new_case(), "find": "child"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is this someone already recorded?" in html
    assert "There is a problem" not in html
    assert not Case.objects.exists()


def test_other_open_cases_shown_only_if_the_user_may_see_them(manager, officer, make_complaint):
    from harken.casework.selectors import person_matches

    hidden = make_complaint(team="SEND Team")
    person = hidden.parties.get().person
    # Someone only on cases the user may not see is not found at all.
    matches = person_matches(user=manager, first_name=person.first_name, last_name=person.last_name)
    assert matches == []
    matches = person_matches(user=officer, first_name=person.first_name, last_name=person.last_name)
    assert [p.case for p in getattr(matches[0], "open_parties")] == [hidden]  # noqa: B009


def test_people_only_on_restricted_cases_are_found_only_by_those_named(
    officer, admin_user, make_complaint
):
    """Another officer cannot find someone recorded only on a restricted case."""
    from harken.cases import services
    from harken.casework.selectors import person_matches

    secret = make_complaint()
    services.case_restrict(case=secret, restricted=True, people=[admin_user], actor=admin_user)
    person = secret.parties.get().person
    assert person_matches(user=officer, last_name=person.last_name) == []
    assert person_matches(user=admin_user, last_name=person.last_name)[0] == person


def test_manager_cannot_record(manager, sign_in):
    assert sign_in(manager).post("/staff/cases/new/", new_case()).status_code == 403
    assert not Case.objects.exists()


# --- Compliments ----------------------------------------------------------------------------


def compliment(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "text": "Thank you to Sam for all the help with the move.",
        "praised_worker": "Sam Worker",
        "team": Team.objects.get(name="Fostering Team").pk,
        "from_name": "Pat Carer",
        "relationship": "foster_carer",
        "channel": "email",
        "received_on": D(2024, 6, 27),
    }
    values.update(overrides)
    return form_data(**values)


def test_compliments_logged_one_after_another(officer, sign_in):
    client = sign_in(officer)
    fostering = Team.objects.get(name="Fostering Team")
    for n in range(3):
        response = client.post(
            "/staff/compliments/new/", compliment(text=f"Thanks number {n}", channel="letter")
        )
        assert response.status_code == 302
        assert response["Location"] == "/staff/compliments/new/"
    page = client.get("/staff/compliments/new/").content.decode()
    cases = Case.objects.filter(kind=Kind.COMPLIMENT).order_by("pk")
    assert cases.count() == 3
    last = cases.last()
    assert last is not None
    link = f'href="/staff/cases/{last.reference}/">{last.reference}</a> logged'
    assert link in page
    assert "govuk-notification-banner--success" in page
    # The form is empty and ready, keeping the channel and team of the last one.
    assert "Thanks number 2</textarea>" not in page
    # (letter and the team differ from the blank form's e-mail and no team)
    assert '<option value="letter" selected>' in page
    assert '<option value="email" selected>' not in page
    assert f'<option value="{fostering.pk}" selected>' in page
    first = cases.first()
    assert first is not None
    assert first.praised_worker == "Sam Worker"
    assert first.details == "Thanks number 0"
    assert first.parties.get().person.last_name == "Carer"
    assert first.status == Status.OPEN  # not passed on yet
    for case in cases:
        assert case.reference in page


def test_compliment_passed_on_at_once(officer, sign_in, django_capture_on_commit_callbacks):
    team = Team.objects.get(name="Fostering Team")
    boss = make_user("fran_boss", Role.MANAGER, teams=[team])
    boss.email = "fran@council.example"
    boss.save()
    make_user("nomail_boss", Role.MANAGER, teams=[team])  # no address: left out
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(officer).post(
            "/staff/compliments/new/",
            compliment(worker_email="sam@council.example", pass_on="on"),
        )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.passed_on_on == D(2024, 6, 28)
    assert case.status == Status.CLOSED
    assert sorted(mail.outbox[0].to) == ["fran@council.example", "sam@council.example"]
    assert "Thank you to Sam" in mail.outbox[0].body
    assert "fran@council.example" in Note.objects.get(case=case).text
    assert case.events.filter(verb="passed_on").exists()


def test_compliment_pass_on_needs_an_address(officer, sign_in):
    response = sign_in(officer).post("/staff/compliments/new/", compliment(pass_on="on", team=""))
    assert response.status_code == 200
    assert "Enter the worker" in response.content.decode()
    assert not Case.objects.exists()


def test_compliment_pass_on_with_no_manager_address_saves_nothing(officer, sign_in):
    response = sign_in(officer).post("/staff/compliments/new/", compliment(pass_on="on"))
    assert response.status_code == 200
    assert "no manager with an e-mail address" in response.content.decode()
    assert not Case.objects.exists()


def test_quick_log_page_query_count_is_bounded(officer, sign_in):
    client = sign_in(officer)
    client.post("/staff/compliments/new/", compliment())
    first = queries_for(client, "/staff/compliments/new/")
    for n in range(4):
        client.post("/staff/compliments/new/", compliment(text=f"More {n}"))
    assert queries_for(client, "/staff/compliments/new/") == first
