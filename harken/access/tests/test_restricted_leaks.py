"""A restricted case's data appears in no list, register, report table or API list for a
feedback officer not named on it. The addresses are discovered from the URLconf (every page
and API endpoint that takes no argument, the registers' router included) and the report's
tables from the report itself, so a new one is covered without changing this test."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from harken.accounts.models import Role, Team
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import Kind, PartyRole
from harken.registers import services as registers
from harken.registers.tests import factories as register_factories
from harken.reports import services as report_services

pytestmark = pytest.mark.django_db
D = dt.date

SURNAME = "Quillfeather"  # the family appears on the restricted case and nowhere else
# What the searches ask for: a search page shows what was typed, so it is not a marker.
SEARCHED = "Zebedee"
REASON = "Apology for the missed visits Zq7"
OMBUDSMAN_REFERENCES = ("24 777 101", "24 777 102")
PERIOD = {"from": "2024-04-01", "to": "2025-03-31"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def named(db):
    return make_user("nora_named", Role.FEEDBACK_OFFICER)


@pytest.fixture
def not_named(db):
    return make_user("otto_unnamed", Role.FEEDBACK_OFFICER)


@pytest.fixture
def restricted(named, officer):
    """A restricted case, its family only on it, and a record of it in every register (linked
    and standalone), a payment in the report and an example drawn from it."""
    team = Team.objects.get(name="Assessment Teams")
    case = services.case_create(
        actor=named,
        kind=Kind.COMPLAINT,
        channel="phone",
        received_on=D(2024, 6, 3),
        summary="Complaint by a member of staff's family",
        teams=[team],
        restricted=True,
        people=[
            services.PersonInput(
                role=PartyRole.COMPLAINANT,
                details={"first_name": "Zebedee", "last_name": SURNAME},
            ),
            services.PersonInput(
                role=PartyRole.CHILD,
                details={"first_name": "Xanthe", "last_name": SURNAME},
            ),
        ],
        elements=[services.ElementInput(summary="Missed visits")],
    )
    assert set(case.restricted_to.all()) == {named}
    complainant = case.parties.get(role=PartyRole.COMPLAINANT).person
    child = case.parties.get(role=PartyRole.CHILD).person
    linked_ombudsman = register_factories.ombudsman_case(
        actor=named, case=case, ombudsman_reference=OMBUDSMAN_REFERENCES[0]
    )
    standalone_ombudsman = register_factories.ombudsman_case(
        actor=named,
        person=complainant,
        person_details=None,
        ombudsman_reference=OMBUDSMAN_REFERENCES[1],
    )
    register_factories.payment(actor=named, case=case, reason=REASON, paid_on=D(2024, 6, 10))
    registers.payment_create(
        actor=named,
        ombudsman_case=standalone_ombudsman,
        amount=Decimal("75.00"),
        paid_on=D(2024, 6, 11),
        reason=REASON,
    )
    register_factories.cost(actor=named, case=case, incurred_on=D(2024, 6, 12))
    register_factories.restriction(actor=named, case=case)
    registers.restriction_create(
        actor=named,
        person=complainant,
        decision_on=D(2024, 5, 1),
        reason="Many calls a day",
        restrictions="E-mail only",
    )
    register_factories.referral(actor=named, case=case, child=child, child_details=None)
    register_factories.referral(actor=named, child=child, child_details=None)
    register_factories.sar(actor=named, requester=complainant, requester_details=None)
    register_factories.sar(
        actor=named,
        requester_details={"first_name": "Someone", "last_name": "Else"},
        subject=child,
    )
    edition = report_services.edition_create(
        actor=named, start=D(2024, 4, 1), end=D(2025, 3, 31), title="Year"
    )
    report_services.example_add(
        edition=edition,
        actor=named,
        section="stage1",
        text="A family's complaint about missed visits.",
        case_reference=case.reference,
    )
    assert linked_ombudsman.pk
    return {"case": case, "edition": edition}


def _markers(restricted) -> tuple[str, ...]:
    return (restricted["case"].reference, SURNAME, REASON, *OMBUDSMAN_REFERENCES)


def _urls_without_arguments(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every address of the URLconf that takes no argument (GET-able lists and pages)."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        text = str(pattern.pattern)
        if "<" in text or "(?P" in text:
            continue
        path = prefix + text.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        if isinstance(pattern, URLResolver):
            found += _urls_without_arguments(pattern, path)
        elif isinstance(pattern, URLPattern):
            found.append("/" + path)
    return sorted(set(found))


# Lists that need a question to answer anything: ask one that would find the family.
QUERIES = {
    "/api/v1/people/": {"q": SEARCHED},
    "/api/v1/cases/": {"q": SEARCHED},
    "/api/v1/reports/": PERIOD,
    "/staff/reports/report/": PERIOD,
}
# Addresses with an argument that are reads of lists or of the report.
EXTRA = (
    "/staff/reports/report/download/csv/",
    "/staff/reports/report/download/json/",
    "/staff/reports/report/download/xlsx/",
    "/staff/reports/saved/{edition}/",
    "/staff/reports/saved/{edition}/download/csv/",
    "/staff/reports/saved/{edition}/download/json/",
    "/staff/reports/saved/{edition}/download/xlsx/",
    "/staff/reports/saved/{edition}/examples/{example}/",
    "/api/v1/reports/saved/{edition}/",
)


def _text(body: bytes) -> str:
    """A response as text; a zip (the CSV download, a spreadsheet) as the text of its files."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode(errors="replace") for name in archive.namelist()
            )
    return body.decode(errors="replace")


def _read_everything(user, restricted) -> dict[str, str]:
    from django.test import Client

    from harken.core.web import TWO_FACTOR_SESSION_KEY

    page = Client()
    page.force_login(user)
    session = page.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    api = APIClient()
    api.force_authenticate(user)
    edition = restricted["edition"]
    example = edition.examples.get()
    urls = _urls_without_arguments() + [
        u.format(edition=edition.pk, example=example.pk) for u in EXTRA
    ]
    seen: dict[str, str] = {}
    for url in urls:
        client = api if url.startswith("/api/") else page
        params = QUERIES.get(url, PERIOD if "/reports/" in url else {})
        response = client.get(url, params)
        assert response.status_code < 500, (url, response.status_code)
        seen[url] = _text(response.content)
    # The searches are POSTed.
    seen["POST /staff/search/"] = page.post("/staff/search/", {"q": SEARCHED}).content.decode()
    seen["POST /api/v1/people/"] = api.post("/api/v1/people/", {"q": SEARCHED}).content.decode()
    seen["POST /api/v1/cases/search/"] = api.post(
        "/api/v1/cases/search/", {"q": SEARCHED}
    ).content.decode()
    return seen


def test_the_discovery_covers_the_registers_reports_and_api_lists():
    urls = _urls_without_arguments()
    for expected in (
        "/staff/registers/ombudsman/",
        "/staff/registers/subject-access/",
        "/staff/registers/restrictions/",
        "/api/v1/registers/restrictions/",
        "/api/v1/registers/subject-access-requests/",
        "/api/v1/cases/",
        "/api/v1/people/",
        "/staff/reports/report/",
        "/api/v1/reports/",
    ):
        assert expected in urls, expected


def test_nothing_of_a_restricted_case_reaches_an_officer_not_named(not_named, restricted):
    leaks = [
        (url, marker)
        for url, body in _read_everything(not_named, restricted).items()
        for marker in _markers(restricted)
        if marker in body
    ]
    assert leaks == []


def test_the_officer_named_sees_it_all(named, restricted):
    """The same reads as someone named: the markers are there, so the test above can fail."""
    seen = _read_everything(named, restricted)
    case = restricted["case"]
    assert SURNAME in seen["/staff/registers/restrictions/"]
    assert SURNAME in seen["/api/v1/registers/subject-access-requests/"]
    assert OMBUDSMAN_REFERENCES[1] in seen["/staff/registers/ombudsman/"]
    assert REASON in seen["/staff/reports/report/"]
    assert REASON in seen["/staff/reports/report/download/csv/"]
    assert REASON in seen["/staff/reports/report/download/xlsx/"]
    report = json.loads(seen["/api/v1/reports/"])
    cells = [v for t in report["tables"] for r in t["rows"] for v in r["values"].values()]
    assert REASON in cells
    assert case.reference in cells
    assert case.reference in seen["/api/v1/reports/saved/{}/".format(restricted["edition"].pk)]
    assert case.reference in seen["POST /staff/search/"]


def test_an_example_left_blank_by_someone_not_named_keeps_its_case(sign_in, not_named, restricted):
    edition = restricted["edition"]
    example = edition.examples.get()
    response = sign_in(not_named).post(
        f"/staff/reports/saved/{edition.pk}/examples/{example.pk}/",
        {
            "section": example.section,
            "heading": "",
            "text": "Changed wording",
            "case_reference": "",
        },
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.case == restricted["case"]
    assert example.text == "Changed wording"
