from django.urls import path

from . import views

app_name = "subjectaccess"
urlpatterns = [
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
    path("people/<int:pk>/rights/new/", views.RightsRequestCreateView.as_view(), name="rights_new"),
    path("rights/<int:pk>/", views.RightsRequestView.as_view(), name="rights"),
    path("requests/<int:pk>/", views.SarBundlesView.as_view(), name="sar_bundles"),
    path("bundles/<int:pk>/", views.BundleView.as_view(), name="bundle"),
    path("bundles/<int:pk>/redactions/", views.RedactionAddView.as_view(), name="redaction_add"),
    path("bundles/<int:pk>/build/", views.BundleBuildView.as_view(), name="bundle_build"),
    path("bundles/<int:pk>/download/", views.BundleDownloadView.as_view(), name="bundle_download"),
    path("bundles/<int:pk>/release/", views.BundleReleaseView.as_view(), name="bundle_release"),
]
