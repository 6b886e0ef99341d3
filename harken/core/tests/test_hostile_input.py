"""Addresses and requests no one should send: a clear 4xx (JSON under /api/), never a 500."""

from __future__ import annotations

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _patterns(resolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


REFERENCE_PATTERNS = sorted(p for p in _patterns(get_resolver()) if "<str:reference>" in p)


def test_every_address_that_takes_a_reference_is_counted():
    """The case page, its actions, documents, letters, recommendations, sending from the case
    and its messages, the API's case, timeline, messages (and, API 1.3, a letter posted) and
    33 actions, appointing from the pool and sending a closed case's survey (issue 14): 47
    addresses take a reference."""
    assert len(REFERENCE_PATTERNS) == 47


@pytest.mark.parametrize("pattern", REFERENCE_PATTERNS)
@pytest.mark.parametrize("reference", ["HK%00-2024-00001", "HK-2024-00001%00", "%1B%5B2J", "%7F"])
def test_a_reference_with_a_control_character_is_not_found(
    client, sign_in, officer, pattern, reference
):
    """A NUL (or another control character) in a reference is a case no one has: 404, as for
    any reference that does not exist (JSON from the API), never a server error."""
    client.raise_request_exception = False
    sign_in(officer)
    url = "/" + pattern.replace("<str:reference>", reference).replace("<slug:name>", "notes")
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code in (404, 405), (method, url, response.status_code)
        if url.startswith("/api/"):
            assert response["Content-Type"] == "application/json", (method, url)


def test_an_unknown_api_address_answers_json(officer):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"message": "There is nothing at this address.", "errors": {}}


def test_a_server_error_in_the_api_answers_json(officer, monkeypatch):
    """Even a fault of Harken's own: the API's client gets JSON, with no detail of the fault."""
    from harken.cases import selectors

    def broken(**kwargs):
        raise RuntimeError("secret detail of the fault")

    monkeypatch.setattr(selectors, "case_list", broken)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(officer)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"].startswith("Sorry, there is a problem")
    assert "secret" not in response.content.decode()


def test_a_server_error_on_a_page_is_the_service_s_own_page(client, sign_in, officer, monkeypatch):
    from harken.casework import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the fault")

    monkeypatch.setattr(views.CaseloadView, "get", broken)
    client.raise_request_exception = False
    sign_in(officer)
    response = client.get("/staff/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "secret" not in html
