import re

from django.urls import path, register_converter

from . import views
from .journeys import JOURNEYS


class JourneyConverter:
    """Only the slugs of Harken's forms, so that these patterns can be matched before every
    staff pattern (`config/urls.py`) without taking `/staff/...` for a form's page."""

    regex = "|".join(re.escape(slug) for slug in sorted(JOURNEYS, key=len, reverse=True))

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(JourneyConverter, "journey")

app_name = "intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("young-people/", views.young_people, name="young_people"),
    path(
        "staff/online-forms/files/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<journey:journey>/", views.journey_root, name="journey"),
    path("<journey:journey>/start/", views.start, name="start"),
    path("<journey:journey>/check-your-answers/", views.check, name="check"),
    path("<journey:journey>/sent/", views.confirmation, name="confirmation"),
    path("<journey:journey>/<slug:step>/", views.step, name="step"),
]
