from django.urls import path

from . import views

app_name = "homes"

urlpatterns = [
    path("", views.home_list, name="index"),
    path("add/", views.home_add, name="home_add"),
    path("compliance/", views.compliance, name="compliance"),
    path("<int:pk>/", views.home_detail, name="home"),
    path("<int:pk>/edit/", views.home_edit, name="home_edit"),
    path("<int:pk>/visits/add/", views.visit_add, name="visit_add"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/report/", views.visit_report, name="visit_report"),
    path("visits/<int:pk>/report/upload/", views.visit_report_upload, name="visit_report_upload"),
    path("your-visits/", views.my_visits, name="mine"),
    path(
        "visits/<int:pk>/recommendations/add/",
        views.recommendation_add,
        name="recommendation_add",
    ),
    path("visits/<int:pk>/issues/add/", views.visit_issue_add, name="visit_issue_add"),
    path("drop-ins/", views.drop_in_list, name="drop_ins"),
    path("drop-ins/add/", views.drop_in_add, name="drop_in_add"),
    path("drop-ins/<int:pk>/", views.drop_in_detail, name="drop_in"),
    path("drop-ins/<int:pk>/issues/add/", views.drop_in_issue_add, name="drop_in_issue_add"),
]
