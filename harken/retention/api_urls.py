"""/api/v1/retention/... (included from harken/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("rules/", api.RuleListView.as_view(), name="api-retention-rules"),
    path("rules/<str:kind>/", api.RuleDetailView.as_view(), name="api-retention-rule"),
    path("holds/", api.HoldListView.as_view(), name="api-retention-holds"),
    path(
        "holds/<int:pk>/release/", api.HoldReleaseView.as_view(), name="api-retention-hold-release"
    ),
    path("disposals/", api.RunListView.as_view(), name="api-retention-disposals"),
    path("disposals/<int:pk>/", api.RunDetailView.as_view(), name="api-retention-disposal"),
    path(
        "disposals/<int:pk>/approve/",
        api.RunApproveView.as_view(),
        name="api-retention-disposal-approve",
    ),
    path(
        "disposals/<int:pk>/reject/",
        api.RunRejectView.as_view(),
        name="api-retention-disposal-reject",
    ),
]
