"""Production settings (config.settings.base) from the environment, as a server starts them:
each test runs a fresh Python, since settings are read once at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-" + "x" * 20,
    "DATABASE_URL": "postgres://harken@db.internal/harken",
    "CACHE_URL": "redis://cache.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "feedback.example.gov.uk",
}
SHOW = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "redirect": s.SECURE_SSL_REDIRECT, "hsts": s.SECURE_HSTS_SECONDS,
    "subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "preload": s.SECURE_HSTS_PRELOAD,
    "proxy": s.SECURE_PROXY_SSL_HEADER, "cache": s.CACHES["default"],
    "charts": s.CACHES["charts"],
    "cookies": s.SESSION_COOKIE_SECURE, "email_timeout": s.EMAIL_TIMEOUT,
    "database": s.DATABASES["default"]["ENGINE"],
}))
"""


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603
        args,
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(**env: str) -> dict:
    result = _run([sys.executable, "-c", SHOW], **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_is_https_only_by_default():
    shown = _settings()
    assert shown["redirect"] is True
    assert shown["hsts"] == 365 * 24 * 60 * 60
    assert shown["subdomains"] is True
    assert shown["preload"] is True
    assert shown["cookies"] is True
    assert shown["proxy"] is None
    assert shown["email_timeout"] == 30


def test_https_settings_and_the_proxy_header_come_from_the_environment():
    shown = _settings(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="600",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        EMAIL_TIMEOUT="5",
    )
    assert shown["redirect"] is False
    assert shown["hsts"] == 600
    assert shown["preload"] is False
    assert shown["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["email_timeout"] == 5


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("redis://cache.internal:6379/3", "redis.RedisCache", "redis://cache.internal:6379/3"),
        ("db://harken_cache", "db.DatabaseCache", "harken_cache"),
        ("locmem://", "locmem.LocMemCache", "harken"),
        ("", "locmem.LocMemCache", "harken"),  # set but empty (compose.yaml's default)
    ],
)
def test_the_cache_comes_from_cache_url(url, backend, location):
    cache = _settings(CACHE_URL=url, CACHE_KEY_PREFIX="council")["cache"]
    assert cache["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert cache["LOCATION"] == location
    assert cache["KEY_PREFIX"] == "council"


def test_production_without_database_url_does_not_start():
    """No quiet fall-back to an empty SQLite file: the start stops and says why."""
    env = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
    result = _run([sys.executable, "-m", "harken", "check"], **env)
    assert result.returncode != 0
    assert "Set DATABASE_URL" in result.stderr


def test_development_still_runs_on_sqlite_without_database_url():
    result = _run([sys.executable, "-c", SHOW], DJANGO_SETTINGS_MODULE="config.settings.dev")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["database"] == "django.db.backends.sqlite3"


def test_check_deploy_passes_with_no_warning_in_production():
    result = _run(
        [sys.executable, "-m", "harken", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_charts_share_cache_url_unless_given_a_store_of_their_own():
    """The drawn charts (ADR 0295) go where a Redis CACHE_URL says, so the task worker finds
    the charts the report page drew; HARKEN_CHART_CACHE_URL gives them a store of their own."""
    shared = _settings()["charts"]
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["LOCATION"] == "redis://cache.internal:6379/0"
    own = _settings(HARKEN_CHART_CACHE_URL="db://harken_chart_cache")["charts"]
    assert own["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert own["LOCATION"] == "harken_chart_cache"
    # The database cache's table holds the rate-limit counts: the charts keep out of it (and
    # out of a table no one made) unless given one.
    apart = _settings(CACHE_URL="db://harken_cache")["charts"]
    assert apart["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_check_deploy_warns_of_a_cache_each_process_keeps_alone():
    result = _run(
        [sys.executable, "-m", "harken", "check", "--deploy"],
        **{**PRODUCTION, "CACHE_URL": "locmem://"},
    )
    assert "harken.W001" in result.stdout + result.stderr


def test_development_runs_tasks_at_once_and_prints_mail():
    """`make run` starts no worker: in development a queued e-mail is sent (to the console)
    as soon as it is queued, so a newcomer sees confirmations and passed-on compliments."""
    show = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from django_tasks import task_backends as t; b = t['default']; "
        "print(json.dumps([type(b).__name__, s.EMAIL_BACKEND]))"
    )
    result = _run([sys.executable, "-c", show], DJANGO_SETTINGS_MODULE="config.settings.dev")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "ImmediateBackend",
        "django.core.mail.backends.console.EmailBackend",
    ]
