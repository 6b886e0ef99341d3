"""With a replica configured, the report, the API's lists and the search read from it, and
everything that writes or audits goes to the primary.

Here "replica" is a second connection object over the same test database session (so it
sees the test's rows); which alias each statement ran on is what is checked. The real
streaming replica is in test_replica_streaming.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connections
from django.test.utils import CaptureQueriesContext

from harken.cases.models import CaseRead
from harken.cases.tests.factories import complaint
from harken.ops import replica as replica_module

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def replica_alias(settings):
    """A "replica" connection over the primary's own database session (and so its
    transaction: it sees the test's rows), its statements recorded apart."""
    primary = connections["default"]
    primary.ensure_connection()
    replica = type(primary)({**primary.settings_dict}, alias="replica")
    replica.connection = primary.connection
    replica.autocommit = primary.autocommit
    connections["replica"] = replica
    settings.DATABASES = {**settings.DATABASES, "replica": replica.settings_dict}
    replica_module.forget_replica_check()
    try:
        yield replica
    finally:
        replica.connection = None
        del connections["replica"]
        replica_module.forget_replica_check()


@pytest.fixture
def routed(settings, replica_alias):
    """The router installed; the statements each connection ran."""
    settings.DATABASE_ROUTERS = ["harken.ops.replica.ReplicaRouter"]
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(replica_alias) as on_replica,
    ):
        yield on_primary, on_replica


def _sql(captured) -> list[str]:
    return [q["sql"].lstrip().upper() for q in captured.captured_queries]


@pytest.fixture
def cases(officer):
    return [
        complaint(actor=officer, received_on=dt.date(2024, 4, day), summary=f"Late visit {day}")
        for day in (2, 3, 4)
    ]


def test_the_api_case_list_reads_the_replica_and_audits_nothing_there(routed, cases, officer):
    from rest_framework.test import APIClient

    _on_primary, on_replica = routed
    api = APIClient()
    api.force_authenticate(officer)
    before = len(on_replica.captured_queries)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200
    assert {row["reference"] for row in response.json()["results"]} == {c.reference for c in cases}
    replica_sql = _sql(on_replica)[before:]
    assert any('FROM "CASES_CASE"' in sql for sql in replica_sql)
    assert not any(sql.startswith(WRITES) for sql in replica_sql)


def test_the_report_reads_the_replica(routed, cases, report_viewer, sign_in):
    on_primary, on_replica = routed
    client = sign_in(report_viewer)
    before_replica, before_primary = (
        len(on_replica.captured_queries),
        len(on_primary.captured_queries),
    )
    response = client.get("/staff/reports/report/?from=2024-04-01&to=2024-06-30")
    assert response.status_code == 200
    replica_sql = _sql(on_replica)[before_replica:]
    primary_sql = _sql(on_primary)[before_primary:]
    assert any("CASES_" in sql for sql in replica_sql)
    assert not any(sql.startswith(WRITES) for sql in replica_sql)
    # Who is signed in is read from the primary: a new session may not be on the replica.
    assert any('"DJANGO_SESSION"' in sql or "SESSION" in sql for sql in primary_sql)
    assert not any("DJANGO_SESSION" in sql for sql in replica_sql)


def test_the_search_reads_the_replica_and_the_case_page_the_primary(
    routed, cases, officer, sign_in
):
    _on_primary, on_replica = routed
    client = sign_in(officer)
    before = len(on_replica.captured_queries)
    response = client.post("/staff/search/", {"q": "Late visit"})
    assert response.status_code == 200
    assert cases[0].reference in response.content.decode()
    assert any("CASES_CASE" in sql for sql in _sql(on_replica)[before:])
    # A case's own page writes its read to the audit trail and is not in the list.
    before = len(on_replica.captured_queries)
    reads = CaseRead.objects.count()
    assert client.get(f"/staff/cases/{cases[0].reference}/").status_code == 200
    assert CaseRead.objects.count() == reads + 1
    assert _sql(on_replica)[before:] == []


def test_a_register_list_reads_from_the_replica(routed, cases, officer):
    from rest_framework.test import APIClient

    on_primary, on_replica = routed
    api = APIClient()
    api.force_authenticate(officer)
    before_replica, _before_primary = (
        len(on_replica.captured_queries),
        len(on_primary.captured_queries),
    )
    response = api.get("/api/v1/registers/payments/")
    assert response.status_code == 200
    assert any("REGISTERS_" in sql for sql in _sql(on_replica)[before_replica:])
    assert not any(sql.startswith(WRITES) for sql in _sql(on_replica)[before_replica:])


def test_a_replica_too_far_behind_is_not_used(routed, cases, officer, settings, monkeypatch):
    from rest_framework.test import APIClient

    monkeypatch.setattr(replica_module, "replica_lag", lambda: 120.0)
    settings.HARKEN_REPLICA_MAX_LAG = 30
    _on_primary, on_replica = routed
    api = APIClient()
    api.force_authenticate(officer)
    before = len(on_replica.captured_queries)
    assert api.get("/api/v1/cases/").status_code == 200
    assert _sql(on_replica)[before:] == []


def test_without_the_router_every_read_is_on_the_primary(cases, officer, replica_alias):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)
    with CaptureQueriesContext(replica_alias) as on_replica:
        assert api.get("/api/v1/cases/").status_code == 200
    assert on_replica.captured_queries == []


def test_the_router_sends_writes_and_sign_in_state_to_the_primary():
    from django.contrib.sessions.models import Session

    router = replica_module.ReplicaRouter()
    token = replica_module._on_replica.set(True)
    try:
        assert router.db_for_read(CaseRead) == "replica"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_write(CaseRead) == "default"
    finally:
        replica_module._on_replica.reset(token)
    assert router.db_for_read(CaseRead) == "default"
    assert router.allow_migrate("replica", "cases") is False
