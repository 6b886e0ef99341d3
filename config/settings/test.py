"""Test settings: the same as production but fast hashing, in-memory mail, immediate tasks."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret")
# SQLite in memory unless DATABASE_URL names another (make test-postgres).
os.environ.setdefault("DATABASE_URL", "sqlite:///harken-test.sqlite3")

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client and the browser journeys' live server speak plain http.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Serve static files from the apps' folders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# DATABASE_REPLICA_URL is ignored: the routing tests set up their own replica alias
# (harken/ops/tests/test_replica.py).
DATABASES.pop("replica", None)
DATABASE_ROUTERS = []
