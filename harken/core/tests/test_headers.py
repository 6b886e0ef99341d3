"""Production headers: a Content-Security-Policy with no inline script, HTTPS only, nothing
personal kept in a cache, the API schema for signed-in users only."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from rest_framework.test import APIClient

from harken.cases.tests.factories import complaint

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "harken"


def test_every_page_has_a_content_security_policy_allowing_only_harken_s_own_scripts(
    client, sign_in, officer
):
    for url in ("/", "/complaint/start/", "/staff/sign-in/", "/no-such-page/"):
        response = client.get(url, follow=True)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
    sign_in(officer)
    assert "script-src 'self'" in client.get("/staff/")["Content-Security-Policy"]


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if "node_modules" not in p.parts)


def test_no_template_has_inline_script():
    """Every script is a file (`src=`); JSON data blocks are not scripts. No event-handler
    attributes (onclick=...) and no javascript: links either."""
    inline = []
    for path in _templates():
        html = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag and 'type="application/json"' not in tag:
                inline.append((path.name, tag))
        inline += [(path.name, m) for m in re.findall(r"\son[a-z]+\s*=", html)]
        inline += [(path.name, m) for m in re.findall(r"javascript:", html)]
    assert inline == []


def test_pages_still_load_their_scripts_from_files(client):
    html = client.get("/").content.decode()
    assert '<script src="/static/harken/js/enabled.js"></script>' in html
    assert client.get("/static/harken/js/enabled.js").status_code == 200


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_https_only_behind_a_tls_proxy(client):
    """Plain http is redirected; https (as the proxy says) is served with HSTS."""
    response = client.get("/complaint/start/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_links_e_mailed_behind_a_tls_proxy_are_https(
    client, officer, django_capture_on_commit_callbacks
):
    officer.email = "olive@example.gov.uk"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/staff/sign-in/forgotten-password/",
            {"email": "olive@example.gov.uk"},
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_HOST="localhost",
        )
    [message] = mail.outbox
    assert "https://localhost/staff/sign-in/set-password/" in str(message.body)
    assert "http://" not in str(message.body)


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_nothing_that_shows_a_case_person_or_search_is_kept_in_a_cache(client, sign_in, officer):
    case = complaint(actor=officer, received_on=dt.date(2024, 3, 1))
    person = case.parties.get(role="complainant").person
    client = sign_in(officer)
    pages = [
        "/staff/",
        f"/staff/cases/{case.reference}/",
        f"/staff/documents/cases/{case.reference}/",
        "/staff/search/?q=" + person.last_name,
        "/staff/team/",
        "/staff/registers/",
        "/staff/reports/report/?from=2024-04-01&to=2024-06-30",
        "/staff/reports/report/download/csv/?from=2024-04-01&to=2024-06-30",
        "/staff/learning/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))
    api = APIClient()
    api.force_authenticate(officer)
    for url in (
        "/api/v1/cases/",
        f"/api/v1/cases/{case.reference}/",
        f"/api/v1/people/?q={person.last_name}",
        "/api/v1/reports/?from=2024-04-01&to=2024-06-30",
        "/api/v1/no-such-thing/",
    ):
        assert _no_store(api.get(url)), url


def test_static_files_keep_their_cache_lifetime(client):
    response = client.get("/static/harken/harken.css")
    assert response.status_code == 200
    assert not _no_store(response)


def test_the_api_schema_is_for_signed_in_users_only(officer):
    assert APIClient().get("/api/v1/schema/").status_code == 401
    api = APIClient()
    api.force_authenticate(officer)
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


def _through_policy_middleware(response, request=None):
    from django.test import RequestFactory

    from harken.core.middleware import PolicyOnceMiddleware

    request = request or RequestFactory().get("/complaint/start/")
    middleware = PolicyOnceMiddleware(lambda r: response)
    middleware.process_request(request)
    return middleware.process_response(request, response)


def test_the_policy_worked_out_once_is_django_csp_s_and_follows_the_setting():
    """The header is django-csp's own for the setting, and a change of setting shows at once."""
    from csp.utils import build_policy
    from django.http import HttpResponse

    response = _through_policy_middleware(HttpResponse())
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}},
        CONTENT_SECURITY_POLICY_REPORT_ONLY={"DIRECTIVES": {"img-src": ["'self'"]}},
    ):
        response = _through_policy_middleware(HttpResponse())
        assert response["Content-Security-Policy"] == "default-src 'none'"
        report_only = response["Content-Security-Policy-Report-Only"]
        assert report_only == build_policy(report_only=True)
        assert "img-src 'self'" in report_only
    response = _through_policy_middleware(HttpResponse())
    assert response["Content-Security-Policy"] == build_policy()


def test_a_page_s_own_policy_and_a_nonce_still_reach_its_header():
    from csp.constants import NONCE
    from django.http import HttpResponse
    from django.test import RequestFactory

    response = HttpResponse()
    response._csp_update = {"img-src": ["https://maps.example"]}  # type: ignore[attr-defined]
    policy = _through_policy_middleware(response)["Content-Security-Policy"]
    assert "img-src 'self' data: https://maps.example" in policy
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    ):
        request = RequestFactory().get("/")
        response = HttpResponse()

        def view(r):
            str(r.csp_nonce)  # a page that uses the nonce
            return response

        from harken.core.middleware import PolicyOnceMiddleware

        middleware = PolicyOnceMiddleware(view)
        middleware.process_request(request)
        view(request)
        policy = middleware.process_response(request, response)["Content-Security-Policy"]
        assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in policy  # type: ignore[attr-defined]
    exempt = HttpResponse()
    exempt._csp_exempt = True  # type: ignore[attr-defined]
    assert "Content-Security-Policy" not in _through_policy_middleware(exempt)
