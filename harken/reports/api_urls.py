"""Report endpoints, included at /api/v1/reports/ by harken/api/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.ReportView.as_view(), name="api-report"),
    path("definitions/", api.DefinitionsView.as_view(), name="api-report-definitions"),
    path(
        "data-protection-complaints/",
        api.DataProtectionCountsView.as_view(),
        name="api-report-data-protection",
    ),
    path("builds/", api.BuildListView.as_view(), name="api-report-builds"),
    path("builds/<int:pk>/", api.BuildView.as_view(), name="api-report-build"),
    path("builds/<int:pk>/retry/", api.BuildRetryView.as_view(), name="api-report-build-retry"),
    path(
        "builds/<int:pk>/download/",
        api.BuildDownloadView.as_view(),
        name="api-report-build-download",
    ),
    path("saved/", api.SavedListView.as_view(), name="api-reports-saved"),
    path("saved/<int:pk>/", api.SavedView.as_view(), name="api-report-saved"),
]
