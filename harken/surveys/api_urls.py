"""/api/v1/surveys/... (included from harken/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("invitations/", api.InvitationsView.as_view(), name="api-surveys-invitations"),
    path("summary/", api.SummaryView.as_view(), name="api-surveys-summary"),
    path("comments/", api.CommentsView.as_view(), name="api-surveys-comments"),
    path("comments/<int:pk>/triage/", api.TriageView.as_view(), name="api-surveys-triage"),
]
