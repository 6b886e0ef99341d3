"""The schema says what the API answers: each register record's history is the list of its
events, as the schema describes it (schemathesis found the schema promising a page)."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest

from harken.cases.tests.factories import complaint
from harken.registers.tests.factories import payment, sar

pytestmark = pytest.mark.django_db


def _json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (a type or null)."""
    if isinstance(node, dict):
        node = {k: _json_schema(v) for k, v in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    return node


def _response_schema(client, path: str) -> dict:
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return _json_schema({**answer["schema"], "components": schema["components"]})


@pytest.mark.parametrize("register", ["payments", "subject-access-requests"])
def test_a_records_history_is_what_the_schema_says(client_for, officer, register):
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    record = payment(actor=officer, case=case) if register == "payments" else sar(actor=officer)
    client = client_for(officer)
    response = client.get(f"/api/v1/registers/{register}/{record.pk}/history/")
    assert response.status_code == 200
    schema = _response_schema(client, f"/api/v1/registers/{register}/{{id}}/history/")
    body = response.json()
    assert isinstance(body, list)
    assert body, "the record's creation is in its history"
    jsonschema.validate(body, schema)
