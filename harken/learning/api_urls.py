from django.urls import path

from . import api

urlpatterns = [
    path(
        "recommendations/",
        api.RecommendationListView.as_view(),
        name="api-learning-recommendations",
    ),
    path(
        "recommendations/<int:pk>/",
        api.RecommendationDetailView.as_view(),
        name="api-learning-recommendation",
    ),
    path(
        "recommendations/<int:pk>/actions/",
        api.RecommendationActionsView.as_view(),
        name="api-learning-recommendation-actions",
    ),
    path("actions/", api.ActionListView.as_view(), name="api-learning-actions"),
    path("actions/<int:pk>/", api.ActionDetailView.as_view(), name="api-learning-action"),
    path(
        "actions/<int:pk>/progress/",
        api.ActionProgressView.as_view(),
        name="api-learning-action-progress",
    ),
    path(
        "actions/<int:pk>/cancel/",
        api.ActionCancelView.as_view(),
        name="api-learning-action-cancel",
    ),
    path("overview/", api.OverviewView.as_view(), name="api-learning-overview"),
]
