from django.urls import path

from . import api

urlpatterns = [
    path("", api.HomeListView.as_view(), name="api-homes"),
    path("<int:pk>/", api.HomeDetailView.as_view(), name="api-home"),
    path("visits/", api.VisitListView.as_view(), name="api-home-visits"),
    path("visits/<int:pk>/", api.VisitDetailView.as_view(), name="api-home-visit"),
    path("drop-ins/", api.DropInListView.as_view(), name="api-home-drop-ins"),
    path("drop-ins/<int:pk>/", api.DropInDetailView.as_view(), name="api-home-drop-in"),
    path("compliance/", api.ComplianceView.as_view(), name="api-homes-compliance"),
]
