from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("senior-managers/", views.senior_managers, name="senior_managers"),
]
