"""Logs are JSON lines with the request's id, user id, view, status and time; never what a
member of the public typed."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.cache import cache

from harken.intake.tests.conftest import Walker, complaint_pages
from harken.ops.logs import formatter

pytestmark = pytest.mark.django_db

NAME = "Zebedee"
SURNAME = "Quillfeather-Oyelaran"


@pytest.fixture
def log_lines(settings, tmp_path):
    """Every line logged while the test runs, as the production formatter writes it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    options = formatter(json=True)
    factory = options.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(factory(**options))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [line for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        cache.clear()


def test_a_public_form_with_a_distinctive_name_appears_in_no_log_line(client, log_lines):
    pages = complaint_pages(
        your_details={"first_name": NAME, "last_name": SURNAME},
        contact_details={"email": "zebedee.quillfeather@example.com", "consent": "on"},
        child_details={
            "child_first_name": "Ottoline",
            "child_last_name": SURNAME,
            "child_date_of_birth_0": "2",
            "child_date_of_birth_1": "5",
            "child_date_of_birth_2": "2014",
        },
    )
    confirmation = Walker(client, "complaint").complete(pages)
    assert confirmation.status_code == 200
    lines = log_lines()
    records = [json.loads(line) for line in lines]
    sent = [r for r in records if r.get("event") == "request" and r["method"] == "POST"]
    assert len(sent) >= 10, "every page posted is one request line"
    for line in lines:
        for typed in (NAME, SURNAME, "Ottoline", "zebedee.quillfeather", "Quillfeather"):
            assert typed not in line, line


def test_each_request_line_has_its_id_user_id_view_status_and_duration(
    client, log_lines, officer, sign_in
):
    sign_in(officer)
    response = client.get("/staff/", HTTP_X_REQUEST_ID="proxy-given-id-1234")
    assert response["X-Request-ID"] == "proxy-given-id-1234"
    [line] = [json.loads(x) for x in log_lines() if '"event": "request"' in x]
    assert line["request_id"] == "proxy-given-id-1234"
    assert line["user_id"] == officer.pk
    assert line["view"] == response.wsgi_request.resolver_match.view_name
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "info"
    assert officer.username not in json.dumps(line)
    assert officer.last_name not in json.dumps(line)


def test_a_request_id_that_does_not_look_like_one_is_replaced(client, log_lines):
    response = client.get("/", HTTP_X_REQUEST_ID="Anne Smith <anne@example.com>")
    assert "Anne" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32
    assert not any("Anne" in line for line in log_lines())


def test_a_public_page_logs_no_user_and_loads_no_session_to_say_so(client, log_lines):
    client.get("/")
    [line] = [json.loads(x) for x in log_lines() if '"event": "request"' in x]
    assert line["user_id"] is None
    assert line["view"] == "intake:index"
