"""Every write the API offers, fuzzed from its own schema with hostile text and huge lists:
never a server error, always JSON, and nothing stored holds a control character.

The request bodies come from the OpenAPI schema the API publishes (drf-spectacular), so a
new write endpoint is fuzzed as soon as it exists. Strings are drawn from the hostile classes
of `harken.core.tests.strategies` as well as ordinary words, dates and enum values, so many
bodies pass the serializers and reach the services.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from harken.cases import services as case_services
from harken.cases.models import Kind
from harken.cases.tests.factories import complaint
from harken.core import text
from harken.core.tests.strategies import HOSTILE_TEXT
from harken.homes.tests.factories import home as home_factory
from harken.homes.tests.factories import visit as visit_factory
from harken.learning.tests.factories import action, recommendation, stage2_case
from harken.notifications.models import Message, MessageKind, MessageStatus
from harken.pool.tests.conftest import make_entry
from harken.registers import services as register_services
from harken.registers.tests.factories import (
    cost,
    ombudsman_case,
    payment,
    referral,
    restriction,
    sar,
)
from harken.reports.models import ReportBuild
from harken.retention.models import DisposalRun, LegalHold
from harken.subjectaccess import rights as rights_services
from harken.subjectaccess import services as subject_access

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch")


@cache
def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations() -> list[tuple[str, str]]:
    return sorted(
        (method, path)
        for path, item in _schema()["paths"].items()
        for method in item
        if method in WRITES and not path.endswith("/auth/token/")
    )


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


DATES = st.one_of(
    st.dates(dt.date(2023, 6, 1), dt.date(2024, 6, 28)),
    st.sampled_from([dt.date(1900, 1, 1), dt.date(2000, 1, 1), dt.date(2199, 12, 31)]),
    st.dates(),
).map(dt.date.isoformat)
WORDS = st.sampled_from(["Time and trouble", "Phone call", "Late reply", "x", "Aled"])


def _string(node: dict[str, Any], hostile: bool) -> st.SearchStrategy[Any]:
    if "enum" in node:
        good: st.SearchStrategy[Any] = st.sampled_from(node["enum"])
    elif node.get("format") == "date":
        good = DATES
    elif node.get("format") == "date-time":
        good = DATES.map(lambda d: d + "T10:00:00Z")
    elif node.get("format") == "decimal":
        good = st.decimals(-(10**9), 10**9, places=2, allow_nan=False).map(str)
    elif node.get("format") == "email":
        good = st.emails()
    else:
        good = WORDS
    # A hostile body has hostile text in some of its fields, good values in the others.
    return st.one_of(good, HOSTILE_TEXT, st.just("\ud800")) if hostile else good


def strategy(node: dict[str, Any], hostile: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for a schema node: well-typed, with hostile values in some fields if
    `hostile`, so that ordinary bodies reach the services and hostile ones the checks."""
    node = _resolve(node)
    for key in ("oneOf", "anyOf"):
        if key in node:
            return st.one_of(*(strategy(option, hostile, depth) for option in node[key]))
    if "allOf" in node:
        return strategy(node["allOf"][0], hostile, depth)
    nullable = st.none() if node.get("nullable") else st.nothing()
    return st.one_of(_typed(node, hostile, depth), nullable)


def _typed(node: dict[str, Any], hostile: bool, depth: int) -> st.SearchStrategy[Any]:
    kind = node.get("type", "object")
    if kind == "string":
        found = _string(node, hostile)
    elif kind == "integer":
        found = st.integers(1, 30)
        if hostile:
            found = st.one_of(found, st.sampled_from([0, -1, 2**31, 2**63, 10**30]))
    elif kind == "number":
        found = st.one_of(st.floats(allow_nan=False), st.integers())
    elif kind == "boolean":
        found = st.booleans()
        if hostile:
            found = st.one_of(found, st.sampled_from(["yes", "", "on"]))
    elif kind == "array":
        item = strategy(node.get("items", {}), hostile, depth + 1) if depth < 4 else st.none()
        found = st.lists(item, max_size=3)
        if hostile:  # huge collections: refused at once, never stored item by item
            found = st.one_of(found, item.map(lambda one: [one] * 5000))
    elif node.get("properties") and depth < 4:
        required = set(node.get("required", []))
        props = {
            name: strategy(sub, hostile, depth + 1)
            for name, sub in node["properties"].items()
            if not _resolve(sub).get("readOnly")
        }
        found = st.fixed_dictionaries(
            {k: v for k, v in props.items() if k in required},
            optional={k: v for k, v in props.items() if k not in required},
        )
    else:  # a free-form object (a procedure's definition)
        value = st.one_of(WORDS, HOSTILE_TEXT) if hostile else WORDS
        found = st.dictionaries(value, value, max_size=3)
    return found


def _body(method: str, path: str, hostile: bool) -> st.SearchStrategy[Any]:
    content = _schema()["paths"][path][method].get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return st.just({})
    body = strategy(schema, hostile)
    return st.one_of(body, st.just({}), st.just([]), HOSTILE_TEXT) if hostile else body


@pytest.fixture
def records(officer, manager, admin_user, settings, tmp_path):
    """One of everything a write may name in its address."""
    from harken.correspondence import services as mailbox_services
    from harken.correspondence.tests.conftest import make_email

    settings.MEDIA_ROOT = tmp_path / "media"
    case = stage2_case(officer)
    contact = case_services.case_create(
        actor=officer,
        kind=Kind.CONTACT,
        channel="phone",
        received_on=dt.date(2024, 6, 3),
        summary="Asked about the review",
    )
    compliment = complaint(actor=officer, received_on=dt.date(2024, 6, 3))
    rec = recommendation(officer, case)
    omb = ombudsman_case(actor=officer, case=case)
    remedy = register_services.ombudsman_remedy_add(
        actor=officer, ombudsman_case=omb, kind="apology", due_on=dt.date(2024, 7, 1)
    )
    request = sar(actor=officer)
    bundle = subject_access.bundle_start(sar=request, actor=officer)
    redaction = subject_access.redaction_add(
        bundle=bundle, actor=officer, text="Marlowe Road", reason="TP"
    )
    person = case.parties.get(role="complainant").person
    rights = rights_services.rights_request_create(
        actor=officer,
        person=person,
        kind="rectification",
        received_on=dt.date(2024, 6, 3),
        description="Correct the spelling of my name",
    )
    return {
        "reference": [case.reference, contact.reference, compliment.reference],
        "recommendations": rec.pk,
        "actions": action(officer, rec, manager).pk,
        "advocacy-referrals": referral(actor=officer, case=case).pk,
        "costs": cost(actor=officer, case=case).pk,
        "ombudsman-cases": omb.pk,
        "remedy_pk": remedy.pk,
        "payments": payment(actor=officer, case=case).pk,
        "restrictions": restriction(actor=officer, case=case).pk,
        "subject-access-requests": request.pk,
        # Subject access (harken/subjectaccess): a bundle with a redaction, a rights request.
        "requests": request.pk,
        "bundles": bundle.pk,
        "redaction_pk": redaction.pk,
        "people": person.pk,
        "rights": rights.pk,
        # Retention: a disposal preview and a legal hold (harken/retention).
        "disposals": DisposalRun.objects.create(due_on=dt.date(2024, 6, 3)).pk,
        "holds": LegalHold.objects.create(case=case, reason="litigation", explanation="x").pk,
        # The shared mailbox (harken/correspondence): an e-mail in the inbox.
        "inbox": mailbox_services.item_store(raw=make_email()).item.pk,
        # A report file whose build failed, the officer's (harken/reports: builds).
        "builds": ReportBuild.objects.create(
            requested_by=officer,
            period_start=dt.date(2024, 4, 1),
            period_end=dt.date(2024, 6, 30),
            fmt="pdf",
            status="failed",
            error="Something went wrong while building the report.",
        ).pk,
        # Children's homes (harken/homes, issue 14): a home and a visit to it.
        "homes": (home := home_factory(officer)).pk,
        "visits": visit_factory(officer, home).pk,
        # A letter waiting for the team to post it (API 1.3), and a reference of no message.
        "message": [
            str(
                Message.objects.create(
                    kind=MessageKind.CASE_LETTER,
                    channel="letter",
                    to=["Jo Parent", "1 High Street"],
                    case=case,
                    status=MessageStatus.TO_POST,
                ).reference
            ),
            "00000000-0000-4000-8000-000000000000",
        ],
        "users": [officer, admin_user],
        # The pool of independent people (issue 14): an entry.
        "pool": make_entry(officer).pk,
        # Issue 14: a survey comment to triage.
        "comments": _survey_comment(officer),
    }


def _survey_comment(officer: Any) -> int:
    from harken.surveys import services as survey_services
    from harken.surveys.models import Comment, Invitation
    from harken.surveys.tests.factories import letter_survey

    case, token = letter_survey(officer)
    text = Invitation.objects.get(case=case).survey.questions.get(kind="text")
    survey_services.survey_answer(token=token, answers={text.pk: "A comment"})
    return Comment.objects.get(case=case).pk


def _address(path: str, records: dict[str, Any], draw: Any) -> str:
    parts = path.strip("/").split("/")
    out = []
    for i, part in enumerate(parts):
        if part == "{reference}":
            part = draw(st.sampled_from(records["reference"]))
        elif part == "{id}":
            here = records[parts[i - 1]]
            part = str(draw(st.sampled_from([here, here, here, 2**31 - 1])))
        elif part == "{kind}":
            part = draw(st.sampled_from(["complaint", "looked_after", "nope"]))
        elif part == "{remedy_pk}":
            part = str(records["remedy_pk"])
        elif part == "{redaction_pk}":
            part = str(records["redaction_pk"])
        elif part == "{message}":
            part = draw(st.sampled_from(records["message"]))
        out.append(part)
    return "/" + "/".join(out) + "/"


@pytest.mark.parametrize(("method", "path"), _operations())
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_api_write_answers_json_and_stores_no_control_character(records, method, path, data):
    client = APIClient()
    client.raise_request_exception = False
    client.force_authenticate(data.draw(st.sampled_from(records["users"])))
    url = _address(path, records, data.draw)
    body = data.draw(_body(method, path, hostile=data.draw(st.booleans())))
    response = getattr(client, method)(
        url, json.dumps(body, allow_nan=False), content_type="application/json"
    )
    assert response.status_code < 500, (method, url, body, response.content[:500])
    assert response["Content-Type"] == "application/json", (method, url)
    if response.status_code < 300:
        stored = list(text.problems_in(response.json()))
        assert not stored, (method, url, stored)


def test_every_write_endpoint_is_fuzzed():
    """Every POST, PUT and PATCH: a case and its 33 actions, sending from the case, the POSTed
    case and person searches, procedures, registers, learning, retention, subject access, the
    shared mailbox, the pool of independent people, the children's homes, the surveys (the token
    endpoint is the access tests')."""
    operations = _operations()
    assert len(operations) == 97
    # Issue 14 (homes): recording a drop-in.
    assert ("post", "/api/v1/homes/drop-ins/") in operations
    assert ("post", "/api/v1/reports/builds/") in operations
    assert ("post", "/api/v1/reports/builds/{id}/retry/") in operations
    assert ("post", "/api/v1/pool/appointments/") in operations
    # Issue 14 (pool): a partner council's appointment, recorded and ended.
    assert ("post", "/api/v1/pool/{id}/partner-appointments/") in operations
    assert ("post", "/api/v1/pool/{id}/partner-appointments/{appointment}/end/") in operations
    # API 1.3: a letter posted by the team; a reply to a closed case's two decisions.
    assert ("post", "/api/v1/cases/{reference}/messages/{message}/posted/") in operations
    assert ("post", "/api/v1/inbox/{id}/reopen-case/") in operations
    assert ("post", "/api/v1/inbox/{id}/no-action/") in operations
    assert ("post", "/api/v1/cases/{reference}/messages/") in operations
    assert ("post", "/api/v1/cases/search/") in operations
    assert ("post", "/api/v1/cases/{reference}/split-element/") in operations
