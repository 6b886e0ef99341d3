"""The database goes away (a PostgreSQL restart, an outage): every page is the service's own
static error page, which needs no database, instead of the web server's bare "Internal
Server Error"; and a person part way through a form loses nothing.

What the person sees: "Sorry, the service is unavailable. Try again in a few minutes. If you
were filling in a form, your answers have been kept: go back in your browser and send the
page again in a few minutes." (503, Retry-After). Their answers are in their session, in the
database that was away; nothing was written while it was, so once it is back "Check your
answers" shows them all and "Send" sends them.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from harken.cases.models import Case

from .conftest import Walker, compliment_pages

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Sorry, the service is unavailable"
KEPT = "your answers have been kept"


@contextlib.contextmanager
def database_unreachable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every query fails as it does when the server is down ("connection refused")."""

    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection to server failed: Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refused)
        patch.setattr(connection, "ensure_connection", refused)
        yield


def _at_check(client: Client) -> Walker:
    walker = Walker(client, "compliment")
    walker.to_check(
        compliment_pages(your_compliment={"compliment": "The foster team were wonderful."})
    )
    return walker


def _is_the_static_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert UNAVAILABLE in html
    assert KEPT in html
    assert "no-store" in response["Cache-Control"]


def test_a_public_form_sent_during_an_outage_keeps_the_answers(client, settings, monkeypatch):
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    client.raise_request_exception = False
    walker = _at_check(client)
    key = walker.key
    with database_unreachable(monkeypatch):
        _is_the_static_page(walker.send(key))
        _is_the_static_page(client.get(reverse("intake:check", args=["compliment"])))
        _is_the_static_page(client.get("/"))
    assert Case.objects.count() == 0
    # The database is back: the answers are all there, and sending them works.
    page = client.get(reverse("intake:check", args=["compliment"]))
    assert "The foster team were wonderful." in page.content.decode()
    response = walker.send(key)
    assert response["Location"] == reverse("intake:confirmation", args=["compliment"])
    assert Case.objects.count() == 1


def test_staff_pages_and_the_api_during_an_outage(sign_in, officer, monkeypatch):
    client = sign_in(officer)
    client.raise_request_exception = False
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(officer)
    with database_unreachable(monkeypatch):
        staff = client.get("/staff/")
        assert staff.status_code == 503
        assert UNAVAILABLE in staff.content.decode()
        response = api.get("/api/v1/cases/")
        assert response.status_code == 503
        assert response.json()["message"].startswith("The service is unavailable")


def _closed_port() -> int:
    """A port on 127.0.0.1 (of 8300-8399) with nothing listening: connections are refused."""
    for port in range(8399, 8299, -1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no closed port in 8300-8399")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_postgresql_outage_shows_the_static_page(settings):
    """The connection pointed at a closed port, as while PostgreSQL restarts: a real refusal
    at connect, not a simulated one."""
    if connection.vendor != "postgresql":
        pytest.skip("points a PostgreSQL connection at a closed port")
    settings.HARKEN_INTAKE_RATE_LIMITS = False
    client = Client(raise_request_exception=False)
    walker = _at_check(client)
    key = walker.key
    real = {k: connection.settings_dict[k] for k in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    try:
        _is_the_static_page(walker.send(key))
        _is_the_static_page(client.get("/complaint/start/"))
    finally:
        connection.close()
        connection.settings_dict.update(real)
    assert Case.objects.count() == 0
    response = walker.send(key)
    assert response["Location"] == reverse("intake:confirmation", args=["compliment"])
    assert Case.objects.count() == 1
