import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# Load the bank-holiday tables now, not in the first person's request (about half a second).
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from harken.workdays.rules import warm_up  # noqa: E402

try:
    warm_up()
except ImproperlyConfigured as exc:  # a mistyped setting: one line, not a traceback
    raise SystemExit(str(exc)) from None
