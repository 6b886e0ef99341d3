"""Run by test_replica_streaming.py in its own process, against a real primary and its
streaming replica (DATABASE_URL, DATABASE_REPLICA_URL): makes records on the primary, waits
for the replica, then asks for the report, the API's case list and the search, and prints
what happened as JSON. A write sent to the replica would fail there (it is read-only)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from harken.accounts.models import Role
    from harken.accounts.tests.factories import make_user
    from harken.cases.models import CaseRead
    from harken.cases.tests.factories import complaint
    from harken.core.web import TWO_FACTOR_SESSION_KEY
    from harken.ops.tests.pg_cluster import Cluster, wait_for_replay

    call_command("migrate", verbosity=0)
    officer = make_user("replica_officer", Role.FEEDBACK_OFFICER)
    cases = [
        complaint(actor=officer, received_on=dt.date(2024, 4, day), summary=f"Missed visit {day}")
        for day in (2, 3)
    ]
    primary = Cluster(data=None, port=int(os.environ["PRIMARY_PORT"]))  # type: ignore[arg-type]
    replica = Cluster(data=None, port=int(os.environ["REPLICA_PORT"]))  # type: ignore[arg-type]
    client = Client()
    client.force_login(officer)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
    wait_for_replay(primary, replica)
    out: dict[str, object] = {
        "replica_in_recovery": replica.execute("SELECT pg_is_in_recovery()")[0][0],
    }
    requests = {
        "report": ("get", "/staff/reports/report/?from=2024-04-01&to=2024-06-30", {}),
        "api_cases": ("get", "/api/v1/cases/", {}),
        "search": ("post", "/staff/search/", {"q": "Missed visit"}),
        "case_page": ("get", f"/staff/cases/{cases[0].reference}/", {}),
    }
    reads_before = CaseRead.objects.count()
    for name, (method, url, data) in requests.items():
        with (
            CaptureQueriesContext(connections["default"]) as on_primary,
            CaptureQueriesContext(connections["replica"]) as on_replica,
        ):
            response = getattr(client, method)(url, data, secure=True)
        out[name] = {
            "status": response.status_code,
            "replica_statements": len(on_replica.captured_queries),
            "primary_statements": len(on_primary.captured_queries),
            "found": all(c.reference in response.content.decode() for c in cases)
            if name in ("api_cases", "search")
            else None,
        }
    out["case_reads_written"] = CaseRead.objects.count() - reads_before
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
