from django.urls import path

from . import public_views

app_name = "survey_public"
urlpatterns = [
    path("thank-you/", public_views.thanks, name="thanks"),
    path("<str:token>/", public_views.answer, name="answer"),
]
