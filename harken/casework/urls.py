from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.CaseloadView.as_view(), name="caseload"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("cases/new/", views.NewCaseView.as_view(), name="new_case"),
    path("compliments/new/", views.ComplimentView.as_view(), name="compliment"),
    path("cases/<str:reference>/", views.CaseView.as_view(), name="case"),
    path("cases/<str:reference>/<slug:name>/", views.CaseActionView.as_view(), name="action"),
]
