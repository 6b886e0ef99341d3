"""Browser journeys: Playwright driving Debian's Chromium against a live server.

Each journey checks the pages it visits with axe-core (`assert_accessible`).
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture
def server(live_server: Any) -> str:
    """The live server's address (pytest-playwright's own `base_url` is session-scoped)."""
    return str(live_server.url)


@pytest.fixture
def login_as(server: str, context: Any) -> Any:
    """Sign a user in to the browser context without the sign-in pages (used by journeys that
    are not about signing in; the sign-in journey itself goes through the pages)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from harken.core.web import TWO_FACTOR_SESSION_KEY

    def _login(user: Any) -> None:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[TWO_FACTOR_SESSION_KEY] = True
        session.save()
        host = server.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "domain": host,
                    "path": "/",
                }
            ]
        )

    return _login


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(page: Any) -> Any:
    """Every journey runs under the production Content-Security-Policy: anything the browser
    refuses under it (an inline script or style, a script from elsewhere) fails the test."""
    refused: list[str] = []

    def listen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", listen)
    yield
    assert refused == []
