"""Development settings: DEBUG on, mail printed to the console, tasks run at once.

`make run` starts no task worker: in development each background task (confirmation and
pass-on e-mails, reminders, exports) runs as soon as it is queued, in the process that queued
it, so a newcomer sees the e-mail in the terminal straight away. Production uses the database
queue and `harken db_worker` (base settings). See docs/adr/0120-make-run-runs-tasks-at-once.md.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
