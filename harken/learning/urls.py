from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.action_plan, name="index"),
    path("overview/", views.overview, name="overview"),
    path(
        "cases/<str:reference>/recommendations/new/",
        views.recommendation_add,
        name="recommendation_add",
    ),
    path("recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action_cancel"),
]
