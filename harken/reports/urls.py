from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report/download/<str:fmt>/", views.DownloadView.as_view(), name="download"),
    path("definitions/", views.DefinitionsView.as_view(), name="definitions"),
    path("data-protection/", views.DataProtectionView.as_view(), name="data_protection"),
    path(
        "data-protection/download/<str:fmt>/",
        views.DataProtectionDownloadView.as_view(),
        name="data_protection_download",
    ),
    path("builds/", views.BuildCreateView.as_view(), name="build_create"),
    path("builds/<int:pk>/", views.BuildView.as_view(), name="build"),
    path("builds/<int:pk>/retry/", views.BuildRetryView.as_view(), name="build_retry"),
    path("builds/<int:pk>/download/", views.BuildDownloadView.as_view(), name="build_download"),
    path("saved/", views.EditionCreateView.as_view(), name="edition_create"),
    path("saved/<int:pk>/", views.EditionView.as_view(), name="edition"),
    path("saved/<int:pk>/edit/", views.EditionEditView.as_view(), name="edition_edit"),
    path("saved/<int:pk>/publish/", views.PublishView.as_view(), name="edition_publish"),
    path(
        "saved/<int:pk>/download/<str:fmt>/",
        views.EditionDownloadView.as_view(),
        name="edition_download",
    ),
    path("saved/<int:pk>/examples/new/", views.ExampleView.as_view(), name="example_add"),
    path(
        "saved/<int:pk>/examples/<int:example_pk>/",
        views.ExampleView.as_view(),
        name="example_edit",
    ),
    path(
        "saved/<int:pk>/examples/<int:example_pk>/remove/",
        views.ExampleDeleteView.as_view(),
        name="example_delete",
    ),
]
