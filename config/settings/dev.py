"""Development settings: DEBUG on, mail printed to the console."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
