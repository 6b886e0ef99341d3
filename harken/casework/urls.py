from django.urls import path, re_path

from . import day_views, theme_views, views

app_name = "casework"
urlpatterns = [
    path("", views.CaseloadView.as_view(), name="caseload"),
    path("start/", day_views.StartView.as_view(), name="start"),
    path("caseload.<str:fmt>", day_views.DownloadView.as_view(), name="download"),
    path("views/", day_views.SavedViewListView.as_view(), name="saved_views"),
    path("views/new/", day_views.SavedViewNewView.as_view(), name="saved_view_new"),
    path(
        "views/<int:pk>/delete/", day_views.SavedViewDeleteView.as_view(), name="saved_view_delete"
    ),
    path("bulk/", day_views.BulkView.as_view(), name="bulk"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("cases/new/", views.NewCaseView.as_view(), name="new_case"),
    path("compliments/new/", views.ComplimentView.as_view(), name="compliment"),
    path("themes/", theme_views.ThemeListView.as_view(), name="themes"),
    path("themes/new/", theme_views.ThemeFormView.as_view(), name="theme_create"),
    path("themes/<int:pk>/", theme_views.ThemeFormView.as_view(), name="theme_edit"),
    path("themes/<int:pk>/delete/", theme_views.ThemeDeleteView.as_view(), name="theme_delete"),
    path("themes/groups/new/", theme_views.ThemeGroupFormView.as_view(), name="theme_group_create"),
    path(
        "themes/groups/<int:pk>/", theme_views.ThemeGroupFormView.as_view(), name="theme_group_edit"
    ),
    path("cases/<str:reference>/", views.CaseView.as_view(), name="case"),
    # The case page's other parts; before the actions, whose names none of them is.
    re_path(
        r"^cases/(?P<reference>[^/]+)/(?P<tab>{})/$".format("|".join(views.CASE_TAB_SLUGS[1:])),
        views.CaseView.as_view(),
        name="case_tab",
    ),
    path("cases/<str:reference>/<slug:name>/", views.CaseActionView.as_view(), name="action"),
]
