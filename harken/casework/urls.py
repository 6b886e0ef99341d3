from django.urls import path, re_path

from . import theme_views, views

app_name = "casework"
urlpatterns = [
    path("", views.CaseloadView.as_view(), name="caseload"),
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
