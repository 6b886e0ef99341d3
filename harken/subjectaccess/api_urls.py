"""/api/v1/subject-access/... (included from harken/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("people/<int:pk>/rights/", api.PersonRightsView.as_view(), name="api-sa-rights-new"),
    path("rights/<int:pk>/", api.RightsRequestView.as_view(), name="api-sa-rights"),
    path("rights/<int:pk>/carry-out/", api.RightsCarryOutView.as_view(), name="api-sa-rights-do"),
    path("rights/<int:pk>/refuse/", api.RightsRefuseView.as_view(), name="api-sa-rights-refuse"),
    path("rights/<int:pk>/lift/", api.RightsLiftView.as_view(), name="api-sa-rights-lift"),
    path("people/<int:pk>/", api.PersonDataView.as_view(), name="api-sa-person"),
    path("requests/<int:pk>/bundles/", api.SarBundlesView.as_view(), name="api-sa-bundles"),
    path("bundles/<int:pk>/", api.BundleView.as_view(), name="api-sa-bundle"),
    path(
        "bundles/<int:pk>/redactions/", api.RedactionAddView.as_view(), name="api-sa-redaction-add"
    ),
    path(
        "bundles/<int:pk>/redactions/<int:redaction_pk>/decision/",
        api.RedactionDecisionView.as_view(),
        name="api-sa-redaction-decision",
    ),
    path("bundles/<int:pk>/build/", api.BundleBuildView.as_view(), name="api-sa-bundle-build"),
    path(
        "bundles/<int:pk>/release/", api.BundleReleaseView.as_view(), name="api-sa-bundle-release"
    ),
    path(
        "bundles/<int:pk>/download/",
        api.BundleDownloadView.as_view(),
        name="api-sa-bundle-download",
    ),
]
