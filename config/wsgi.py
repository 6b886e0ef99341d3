import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# Load the bank-holiday tables now, not in the first person's request (about half a second).
from harken.workdays.rules import warm_up  # noqa: E402

warm_up()
