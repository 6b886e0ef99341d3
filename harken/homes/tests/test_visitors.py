"""An independent visitor signs in and sees only their own visits: the homes of those visits,
each visit's page and report, and where to upload or replace it. No case, no drop-in, no
other visitor's visit, no compliance table (pages and API alike)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from harken.accounts.models import Role
from harken.accounts.tests.factories import make_user
from harken.homes import selectors, services
from harken.homes.models import HomeEvent, Visit
from harken.pool import services as pool_services
from harken.pool.models import Organisation, PoolRole

from .factories import D, drop_in, home, visit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _visitor(officer, username: str, name: str):
    user = make_user(username, Role.INDEPENDENT_VISITOR, employed_by_council=False)
    entry = pool_services.pool_entry_create(
        actor=officer,
        name=name,
        organisation_kind=Organisation.SELF_EMPLOYED,
        roles=[PoolRole.INDEPENDENT_VISITOR],
        user=user,
    )
    return user, entry


@pytest.fixture
def world(officer):
    vera, vera_entry = _visitor(officer, "vera_visitor", "Vera Visitor")
    walt, walt_entry = _visitor(officer, "walt_visitor", "Walt Visitor")
    oak = home(officer)
    elm = home(officer, name="Elm House", ofsted_urn="SC654321")
    mine = visit(officer, oak, visitor=vera_entry, visitor_name="")
    theirs = visit(officer, elm, visitor=walt_entry, visited_on=D(2024, 5, 20))
    unlinked = visit(officer, oak, visited_on=D(2024, 4, 10), visitor_name="Someone Else")
    return {
        "vera": vera,
        "walt": walt,
        "oak": oak,
        "elm": elm,
        "mine": mine,
        "theirs": theirs,
        "unlinked": unlinked,
        "drop_in": drop_in(officer, oak),
    }


def test_a_visit_takes_its_visitors_name_from_the_pool_entry(world):
    assert world["mine"].visitor_name == "Vera Visitor"


def test_only_a_pool_entry_with_the_visitor_role_can_be_a_visits_visitor(officer, world):
    other = pool_services.pool_entry_create(
        actor=officer,
        name="Pat Independent",
        organisation_kind=Organisation.SELF_EMPLOYED,
        roles=[PoolRole.INDEPENDENT_PERSON],
    )
    with pytest.raises(services.ApplicationError) as refused:
        visit(officer, world["oak"], visitor=other, visited_on=D(2024, 6, 3))
    assert "visitor" in refused.value.field_errors


def test_signing_in_lands_on_your_visits_with_only_your_own(sign_in, world):
    client = sign_in(world["vera"])
    assert client.get("/staff/")["Location"].endswith("/your-visits/")  # not the caseload
    landing = client.get("/staff/start/")
    assert landing.status_code == 302
    assert landing["Location"].endswith("/your-visits/")
    page = client.get(landing["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Oak Lodge" in html
    assert "Elm House" not in html
    assert f"/visits/{world['mine'].pk}/" in html
    assert f"/visits/{world['unlinked'].pk}/" not in html


def test_the_navigation_offers_a_visitor_only_their_visits_and_account(sign_in, world):
    nav = sign_in(world["vera"]).get("/staff/homes/your-visits/").context["staff_navigation"]
    assert [item["label"] for item in nav] == ["Your visits", "My reminders", "Your account"]


def test_a_visitor_reads_their_visit_and_its_home_but_no_other_visit(sign_in, world):
    client = sign_in(world["vera"])
    page = client.get(f"/staff/homes/visits/{world['mine'].pk}/")
    assert page.status_code == 200
    assert "Upload the report" in page.content.decode()
    assert HomeEvent.objects.filter(
        verb=HomeEvent.Verb.VISIT_VIEWED, visit=world["mine"], actor=world["vera"]
    ).exists()
    home_page = client.get(f"/staff/homes/{world['oak'].pk}/").content.decode()
    assert "Someone Else" not in home_page  # another visitor's visit to the same home
    assert "History" not in home_page
    for path in (
        f"/staff/homes/visits/{world['theirs'].pk}/",
        f"/staff/homes/visits/{world['unlinked'].pk}/",
        f"/staff/homes/{world['elm'].pk}/",
        f"/staff/homes/visits/{world['theirs'].pk}/report/upload/",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "path",
    [
        "/staff/reports/",
        "/staff/search/",
        "/staff/homes/",
        "/staff/homes/drop-ins/",
        "/staff/homes/compliance/",
        "/staff/homes/add/",
        "/staff/registers/",
    ],
)
def test_a_visitor_is_refused_cases_drop_ins_and_compliance(sign_in, world, path):
    response = sign_in(world["vera"]).get(path)
    assert response.status_code in (403, 404), path


def test_a_visitor_is_refused_a_drop_in_page(sign_in, world):
    client = sign_in(world["vera"])
    assert client.get(f"/staff/homes/drop-ins/{world['drop_in'].pk}/").status_code == 403
    assert client.get(f"/staff/homes/visits/{world['mine'].pk}/edit/").status_code == 403


def test_a_visitor_uploads_then_replaces_their_visits_report(sign_in, world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client = sign_in(world["vera"])
    url = f"/staff/homes/visits/{world['mine'].pk}/report/upload/"
    missing = client.post(url, {})
    assert missing.status_code == 200
    assert "Choose the report to upload" in missing.content.decode()
    sent = client.post(url, {"report": SimpleUploadedFile("oak-may.pdf", PDF, "application/pdf")})
    assert sent.status_code == 302
    first = Visit.objects.get(pk=world["mine"].pk)
    assert first.report_filename == "oak-may.pdf"
    client.post(url, {"report": SimpleUploadedFile("oak-may-v2.pdf", PDF, "application/pdf")})
    again = Visit.objects.get(pk=world["mine"].pk)
    assert again.report_filename == "oak-may-v2.pdf"
    assert again.report_storage_name != first.report_storage_name
    trail = HomeEvent.objects.filter(verb=HomeEvent.Verb.VISIT_REPORT_UPLOADED, visit=again)
    assert [e.actor for e in trail] == [world["vera"], world["vera"]]
    download = client.get(f"/staff/homes/visits/{again.pk}/report/")
    assert download.status_code == 200


def test_the_service_refuses_another_visitors_upload(world):
    with pytest.raises(services.AccessDenied):
        services.visit_report_upload(
            visit=world["theirs"],
            actor=world["vera"],
            report=SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
        )


def test_a_visitor_may_not_record_a_visit(world):
    with pytest.raises(services.AccessDenied):
        visit(world["vera"], world["oak"], visited_on=D(2024, 6, 3))


def test_a_visitor_sees_no_home_of_other_visitors_in_the_selectors(world):
    assert list(selectors.home_list(user=world["vera"])) == [world["oak"]]
    assert list(selectors.visit_list(user=world["vera"])) == [world["mine"]]
    with pytest.raises(services.AccessDenied):
        selectors.drop_in_list(user=world["vera"])


# --- The API ---------------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_visitors_token_lists_only_their_visits(world):
    api = _api(world["vera"])
    listed = api.get("/api/v1/homes/visits/")
    assert listed.status_code == 200
    assert [v["id"] for v in listed.json()["results"]] == [world["mine"].pk]
    assert listed.json()["results"][0]["visitor"] == world["mine"].visitor_id
    assert [h["name"] for h in api.get("/api/v1/homes/").json()["results"]] == ["Oak Lodge"]
    assert api.get(f"/api/v1/homes/visits/{world['mine'].pk}/").status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/homes/visits/{theirs}/", 404),
        ("/api/v1/homes/visits/{unlinked}/", 404),
        ("/api/v1/homes/{elm}/", 404),
        ("/api/v1/homes/drop-ins/", 403),
        ("/api/v1/homes/drop-ins/{drop_in}/", 403),
        ("/api/v1/homes/compliance/", 403),
        ("/api/v1/cases/", 403),
    ],
)
def test_a_visitors_token_is_refused_the_rest(world, path, status):
    ids = {k: getattr(v, "pk", None) for k, v in world.items()}
    response = _api(world["vera"]).get(path.format(**ids))
    assert response.status_code == status, (path, response.content[:200])


def test_a_visitors_token_may_not_record_a_visit(world):
    response = _api(world["vera"]).post(
        "/api/v1/homes/visits/",
        {
            "home": world["oak"].pk,
            "visited_on": "2024-06-03",
            "visitor_name": "Vera Visitor",
            "announced": False,
            "children_spoken_to": 0,
            "parents_spoken_to": 0,
            "staff_spoken_to": 0,
            "safeguarded": "yes",
            "wellbeing_promoted": "yes",
        },
        format="json",
    )
    assert response.status_code == 403
    assert Visit.objects.count() == 3


def test_an_administrator_creates_an_independent_visitors_account(client, sign_in, admin_user):
    sign_in(admin_user)
    assert "Independent visitor" in client.get("/staff/users/new/").content.decode()
    response = client.post(
        "/staff/users/new/",
        {
            "first_name": "Ines",
            "last_name": "Visitor",
            "username": "ines.visitor",
            "email": "ines@example.org",
            "role": Role.INDEPENDENT_VISITOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    from harken.accounts.models import User

    assert User.objects.get(username="ines.visitor").role == Role.INDEPENDENT_VISITOR


VISIT = {
    "visited_on": "2024-06-03",
    "announced": False,
    "children_spoken_to": 1,
    "parents_spoken_to": 0,
    "staff_spoken_to": 2,
    "safeguarded": "yes",
    "wellbeing_promoted": "yes",
}


def test_the_api_records_a_visit_by_a_pool_visitor_and_names_them(officer, world):
    api = _api(officer)
    entry = world["mine"].visitor
    made = api.post(
        "/api/v1/homes/visits/",
        {**VISIT, "home": world["oak"].pk, "visitor": entry.pk},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert (made.json()["visitor"], made.json()["visitor_name"]) == (entry.pk, "Vera Visitor")
    nameless = api.post("/api/v1/homes/visits/", {**VISIT, "home": world["oak"].pk}, format="json")
    assert nameless.status_code == 400
    assert "visitor_name" in nameless.json()["errors"]


def test_reads_are_in_the_trail_but_not_in_the_homes_history(sign_in, officer, world):
    client = sign_in(officer)
    client.get(f"/staff/homes/{world['oak'].pk}/")
    page = client.get(f"/staff/homes/{world['oak'].pk}/")
    assert HomeEvent.objects.filter(verb=HomeEvent.Verb.HOME_VIEWED, actor=officer).count() == 2
    assert [e.verb for e in page.context["events"]].count(HomeEvent.Verb.HOME_VIEWED) == 0
