"""The homes' staff pages: what each shows, what each refuses and to whom."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harken.cases.models import Case, Kind, TimelineEvent
from harken.cases.tests.factories import complaint
from harken.homes.models import DropIn, Home, HomeEvent, Issue, Visit
from harken.learning.models import Recommendation

from .factories import D, drop_in, home, visit

pytestmark = pytest.mark.django_db


def _date(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


@pytest.fixture
def records(officer):
    h = home(officer)
    v = visit(officer, h)
    d = drop_in(officer, h)
    return h, v, d


def _pages(h: Home, v: Visit, d: DropIn) -> list[str]:
    return [
        reverse("homes:index"),
        reverse("homes:home_add"),
        reverse("homes:compliance"),
        reverse("homes:home", kwargs={"pk": h.pk}),
        reverse("homes:home_edit", kwargs={"pk": h.pk}),
        reverse("homes:visit_add", kwargs={"pk": h.pk}),
        reverse("homes:visit", kwargs={"pk": v.pk}),
        reverse("homes:visit_edit", kwargs={"pk": v.pk}),
        reverse("homes:recommendation_add", kwargs={"pk": v.pk}),
        reverse("homes:visit_issue_add", kwargs={"pk": v.pk}),
        reverse("homes:drop_ins"),
        reverse("homes:drop_in_add"),
        reverse("homes:drop_in", kwargs={"pk": d.pk}),
        reverse("homes:drop_in_issue_add", kwargs={"pk": d.pk}),
    ]


def test_every_page_opens_for_the_feedback_team(sign_in, officer, records):
    client = sign_in(officer)
    for url in _pages(*records):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["manager", "io_user", "report_viewer"])
def test_every_page_is_refused_to_those_without_the_homes(sign_in, request, records, who):
    client = sign_in(request.getfixturevalue(who))
    for url in _pages(*records):
        assert client.get(url).status_code == 403, url


def test_signed_out_every_page_asks_to_sign_in(client, records):
    for url in _pages(*records):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/staff/sign-in" in response["Location"] or "login" in response["Location"]


def test_a_record_that_is_not_there_is_not_found(sign_in, officer, records):
    client = sign_in(officer)
    for name in ("homes:home", "homes:visit", "homes:drop_in", "homes:visit_report"):
        assert client.get(reverse(name, kwargs={"pk": 9999})).status_code == 404


def test_the_navigation_shows_homes_to_the_feedback_team_only(sign_in, officer, manager):
    assert 'href="/staff/homes/"' in sign_in(officer).get("/staff/").content.decode()
    assert 'href="/staff/homes/"' not in sign_in(manager).get("/staff/").content.decode()


def test_the_list_filters_by_ownership(sign_in, officer):
    home(officer)
    home(officer, name="Elm House", ofsted_urn="SC654321", ownership="independent")
    client = sign_in(officer)
    page = client.get(reverse("homes:index"), {"ownership": "independent"}).content.decode()
    assert "Elm House" in page
    assert "Oak Lodge" not in page
    assert "Remove this filter" in page


def test_adding_a_home_with_a_bad_urn_shows_the_error_beside_it(sign_in, officer):
    client = sign_in(officer)
    data = {
        "name": "Oak Lodge",
        "provider": "Shire",
        "ownership": "own",
        "ofsted_urn": "AB12",
        "places": "4",
        **_date("opened_on", D(2020, 1, 1)),
    }
    response = client.post(reverse("homes:home_add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter the Ofsted URN as Ofsted shows it" in page
    assert not Home.objects.exists()
    data["ofsted_urn"] = "sc123456"
    response = client.post(reverse("homes:home_add"), data)
    assert response.status_code == 302
    assert Home.objects.get().ofsted_urn == "SC123456"


def _visit_data(day) -> dict[str, str]:
    return {
        **_date("visited_on", day),
        "visitor_name": "Vera Visitor",
        "announced": "no",
        "children_spoken_to": "2",
        "parents_spoken_to": "0",
        "staff_spoken_to": "3",
        "safeguarded": "yes",
        "wellbeing_promoted": "no",
    }


def test_a_visit_in_the_future_is_refused_on_the_page(sign_in, officer):
    h = home(officer)
    client = sign_in(officer)
    response = client.post(
        reverse("homes:visit_add", kwargs={"pk": h.pk}), _visit_data(D(2024, 7, 2))
    )
    assert response.status_code == 200
    assert "Date of the visit must be today or in the past" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_visit_with_its_report_is_recorded_and_the_report_downloads(
    sign_in, officer, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    h = home(officer)
    client = sign_in(officer)
    report = SimpleUploadedFile(
        "reg44.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    response = client.post(
        reverse("homes:visit_add", kwargs={"pk": h.pk}),
        {**_visit_data(D(2024, 6, 3)), "report": report},
    )
    assert response.status_code == 302, response.content.decode()
    v = Visit.objects.get()
    assert v.report_filename.endswith(".pdf")
    assert v.report_storage_name.startswith("home-visits/")
    download = client.get(reverse("homes:visit_report", kwargs={"pk": v.pk}))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_a_recommendation_from_the_visit_page_is_on_the_action_plan(
    sign_in, officer, manager, assessment_team
):
    v = visit(officer, home(officer))
    client = sign_in(officer)
    response = client.post(
        reverse("homes:recommendation_add", kwargs={"pk": v.pk}),
        {
            "text": "Fix the fence.",
            "owner": manager.pk,
            "team": assessment_team.pk,
            **_date("due_on", D(2024, 8, 1)),
        },
    )
    assert response.status_code == 302
    rec = Recommendation.objects.get()
    page = client.get(reverse("homes:visit", kwargs={"pk": v.pk})).content.decode()
    assert rec.reference in page
    plan = client.get(reverse("learning:index")).content.decode()
    assert f"{rec.reference}.1" in plan
    rec_page = client.get(
        reverse("learning:recommendation", kwargs={"pk": rec.pk})
    ).content.decode()
    assert "Regulation 44 visit" in rec_page
    # The owner (a manager who cannot see the homes) still sees and updates their action.
    assert (
        sign_in(manager).get(reverse("learning:recommendation", kwargs={"pk": rec.pk})).status_code
        == 200
    )


def test_a_drop_in_issue_turned_into_a_complaint_shows_on_both_pages(sign_in, officer):
    d = drop_in(officer)
    client = sign_in(officer)
    response = client.post(
        reverse("homes:drop_in_issue_add", kwargs={"pk": d.pk}),
        {
            "summary": "My placement moved without anyone asking me.",
            "triage": "complaint",
            "child_first_name": "Jo",
            "child_last_name": "Young",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == Kind.COMPLAINT
    page = client.get(reverse("homes:drop_in", kwargs={"pk": d.pk})).content.decode()
    assert case.reference in page
    case_page = client.get(
        reverse("casework:case", kwargs={"reference": case.reference})
    ).content.decode()
    assert "Where it was raised" in case_page
    assert "Drop-in at Youth centre, North area" in case_page


def test_reading_a_visit_or_a_drop_in_is_in_the_trail_with_the_cases_it_shows(
    sign_in, officer, records
):
    """Opening a visit or a drop-in (page or API) is a HomeEvent, and a case an issue there
    became, named on the page, is logged as read."""
    from harken.cases.models import CaseRead

    _h, v, d = records
    client = sign_in(officer)
    client.post(
        reverse("homes:drop_in_issue_add", kwargs={"pk": d.pk}),
        {
            "summary": "My placement moved without anyone asking me.",
            "triage": "complaint",
            "child_first_name": "Jo",
            "child_last_name": "Young",
        },
    )
    case = Case.objects.get()
    CaseRead.objects.all().delete()
    assert client.get(reverse("homes:drop_in", kwargs={"pk": d.pk})).status_code == 200
    assert HomeEvent.objects.filter(
        drop_in=d, verb=HomeEvent.Verb.DROP_IN_VIEWED, actor=officer
    ).exists()
    assert CaseRead.objects.filter(case=case, user=officer, via="drop-in").count() == 1
    assert client.get(reverse("homes:visit", kwargs={"pk": v.pk})).status_code == 200
    assert client.get(f"/api/v1/homes/visits/{v.pk}/").status_code == 200
    assert (
        HomeEvent.objects.filter(visit=v, verb=HomeEvent.Verb.VISIT_VIEWED, actor=officer).count()
        == 2
    )


def test_an_issue_without_its_triage_fields_is_refused_and_saves_nothing(sign_in, officer, records):
    _, v, _ = records
    client = sign_in(officer)
    response = client.post(
        reverse("homes:visit_issue_add", kwargs={"pk": v.pk}),
        {"summary": "Worried about night staffing.", "triage": "passed"},
    )
    assert response.status_code == 200
    assert "Choose the team it was passed to" in response.content.decode()
    assert not Issue.objects.exists()


def test_the_start_page_flags_a_month_with_no_visit(sign_in, officer):
    h = home(officer, opened_on=D(2024, 4, 1))
    visit(officer, h, visited_on=D(2024, 4, 8), sent_to_ofsted_on=D(2024, 4, 20))
    page = sign_in(officer).get(reverse("casework:start")).content.decode()
    assert "Oak Lodge</a>: no visit in May 2024" in page
    assert "not yet visited this month" in page


def test_visited_in_person_is_a_step_on_a_looked_after_young_persons_complaint(sign_in, officer):
    from harken.cases.services import PersonInput, case_create

    case = case_create(
        actor=officer,
        kind=Kind.COMPLAINT,
        channel="in_person",
        received_on=D(2024, 6, 10),
        summary="Placement moved",
        procedure_code="children-statutory",
        people=[
            PersonInput(relationship="child", details={"first_name": "Jo", "looked_after": True})
        ],
    )
    client = sign_in(officer)
    url = reverse(
        "casework:action", kwargs={"reference": case.reference, "name": "visited-in-person"}
    )
    assert (
        "Record a visit in person"
        in client.get(
            reverse("casework:case", kwargs={"reference": case.reference})
        ).content.decode()
    )
    response = client.post(url, {**_date("on", D(2024, 6, 12)), "notes": "Agreed to meet the IRO."})
    assert response.status_code == 302
    event = case.events.get(verb=TimelineEvent.Verb.VISITED_IN_PERSON)
    assert "12 June 2024" in event.description
    # Not offered on a complaint from a parent.
    other = complaint(actor=officer, received_on=D(2024, 6, 10))
    page = client.get(
        reverse("casework:case", kwargs={"reference": other.reference})
    ).content.decode()
    assert "Record a visit in person" not in page


def test_the_home_page_shows_its_history(sign_in, officer, records):
    h, _, _ = records
    page = sign_in(officer).get(reverse("homes:home", kwargs={"pk": h.pk})).content.decode()
    assert "added to the register" in page
    assert HomeEvent.objects.filter(home=h).count() >= 3
