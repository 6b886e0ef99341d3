"""Every read of a case is in its audit trail, lists included: the staff search, the caseload,
the API's case list and searches (GET and POST), the report and its downloads, register pages
and `harken export-cases`. A list logs the cases it showed in one statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from harken.accounts.models import Role, SignInEvent
from harken.accounts.tests.factories import make_user
from harken.cases import services
from harken.cases.models import CaseRead
from harken.cases.tests.factories import complaint
from harken.registers.tests import factories as register_factories

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def cases(officer):
    made = [complaint(actor=officer, received_on=D(2024, 6, 3 + i)) for i in range(3)]
    for case in made:
        case.refresh_from_db()
    return made


def _reads(user, via):
    return set(
        CaseRead.objects.filter(user=user, via=via).values_list("case__reference", flat=True)
    )


def _inserts(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "INSERT" in q["sql"] and "caseread" in q["sql"]
    ]


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_caseload_logs_the_cases_on_its_page_in_one_statement(sign_in, officer, cases):
    client = sign_in(officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff/").status_code == 200
    assert _reads(officer, "caseload") == {c.reference for c in cases}
    assert len(_inserts(queries)) == 1


def test_the_staff_search_by_name_logs_the_cases_found(sign_in, officer, cases):
    surname = cases[0].parties.get().person.last_name
    with CaptureQueriesContext(connection) as queries:
        response = sign_in(officer).post("/staff/search/", {"q": surname})
    assert response.status_code == 200
    assert cases[0].reference in _reads(officer, "search")
    assert len(_inserts(queries)) == 1


def test_the_api_case_list_and_its_search_log_what_they_listed(officer, cases):
    api = _api(officer)
    listed = api.get("/api/v1/cases/").json()["results"]
    assert (
        _reads(officer, "api-list")
        == {c["reference"] for c in listed}
        == {c.reference for c in cases}
    )
    CaseRead.objects.all().delete()
    surname = cases[1].parties.get().person.last_name
    by_get = api.get("/api/v1/cases/", {"q": surname}).json()["results"]
    by_post = api.post("/api/v1/cases/search/", {"q": surname}).json()["results"]
    assert by_post == by_get
    assert cases[1].reference in {c["reference"] for c in by_post}
    assert CaseRead.objects.filter(case=cases[1], via="api-list").count() == 2


def test_the_api_people_search_takes_a_post_and_logs_the_cases_it_names(officer, cases):
    person = cases[2].parties.get().person
    api = _api(officer)
    by_get = api.get("/api/v1/people/", {"q": person.last_name}).json()["results"]
    by_post = api.post("/api/v1/people/", {"q": person.last_name}).json()["results"]
    assert by_post == by_get
    assert [cases[2].reference] in [p["open_cases"] for p in by_post]
    assert CaseRead.objects.filter(case=cases[2], via="api-people").count() == 2
    assert api.post("/api/v1/people/", {"q": "x"}).status_code == 400


def test_the_report_page_downloads_and_api_log_the_cases_they_name(sign_in, officer, cases):
    register_factories.payment(actor=officer, case=cases[0], paid_on=D(2024, 6, 10))
    period = {"from": "2024-04-01", "to": "2025-03-31"}
    client = sign_in(officer)
    assert client.get("/staff/reports/report/", period).status_code == 200
    assert client.get("/staff/reports/report/download/csv/", period).status_code == 200
    assert _api(officer).get("/api/v1/reports/", period).status_code == 200
    assert CaseRead.objects.filter(case=cases[0], via="report").count() == 3
    # The published edition names no case: no read.
    client.get("/staff/reports/report/", {**period, "edition": "published"})
    assert CaseRead.objects.filter(case=cases[0], via="report").count() == 3


def test_register_pages_are_reads_of_their_case(sign_in, officer, cases):
    payment = register_factories.payment(
        actor=officer, case=cases[0], amount=Decimal("10.00"), paid_on=D(2024, 6, 10)
    )
    client = sign_in(officer)
    assert client.get("/staff/registers/payments/").status_code == 200
    assert _reads(officer, "register") == {cases[0].reference}
    CaseRead.objects.all().delete()
    assert client.get(f"/staff/registers/payments/{payment.pk}/").status_code == 200
    assert _reads(officer, "register") == {cases[0].reference}
    CaseRead.objects.all().delete()
    assert _api(officer).get("/api/v1/registers/payments/").status_code == 200
    assert _reads(officer, "register") == {cases[0].reference}


def test_export_cases_logs_each_case_written_and_leaves_out_restricted_ones(
    officer, cases, tmp_path, capsys
):
    named = make_user("nora_named", Role.FEEDBACK_OFFICER)
    services.case_restrict(case=cases[0], restricted=True, people=[named], actor=officer)
    out = tmp_path / "cases.csv"
    call_command("export_cases", str(out))
    written = out.read_text(encoding="utf-8-sig")
    assert cases[0].reference not in written
    assert cases[1].reference in written
    exporter = CaseRead.objects.filter(via="export").values_list("user__username", flat=True)
    assert set(exporter) == {"harken-export"}
    assert {r.case for r in CaseRead.objects.filter(via="export")} == {cases[1], cases[2]}
    assert "as read by harken-export" in capsys.readouterr().out
    CaseRead.objects.all().delete()
    call_command("export_cases", str(out), "--actor", "nora_named")
    assert cases[0].reference in out.read_text(encoding="utf-8-sig")
    assert _reads(named, "export") == {c.reference for c in cases}
    CaseRead.objects.all().delete()
    call_command("export_cases", str(out), "--include-restricted")
    assert cases[0].reference in out.read_text(encoding="utf-8-sig")
    assert CaseRead.objects.filter(case=cases[0], via="export", user__username="harken-export")


def test_changing_an_accounts_e_mail_address_records_old_and_new(sign_in, admin_user, manager):
    from harken.accounts.tests.test_users import user_form

    manager.email = "mo@example.gov.uk"
    manager.save()
    response = sign_in(admin_user).post(
        f"/staff/users/{manager.pk}/edit/",
        user_form(
            username="mo_manager",
            email="someone.else@example.com",
            first_name="Mo",
            last_name="Tester",
            role=Role.MANAGER,
            teams=[t.pk for t in manager.teams.all()],
        ),
    )
    assert response.status_code == 302
    detail = SignInEvent.objects.get(user=manager, kind="user_changed").detail
    assert "E-mail address: mo@example.gov.uk to someone.else@example.com" in detail
