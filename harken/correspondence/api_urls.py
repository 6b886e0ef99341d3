"""/api/v1/inbox/... (included from harken/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.ItemListView.as_view(), name="api-inbox"),
    path("<int:pk>/", api.ItemView.as_view(), name="api-inbox-item"),
    path("<int:pk>/convert/", api.ConvertView.as_view(), name="api-inbox-convert"),
    path("<int:pk>/attach/", api.AttachView.as_view(), name="api-inbox-attach"),
    path("<int:pk>/claim/", api.ClaimView.as_view(), name="api-inbox-claim"),
    path("<int:pk>/not-feedback/", api.NotFeedbackView.as_view(), name="api-inbox-not-feedback"),
    path("<int:pk>/reopen-case/", api.ReopenCaseView.as_view(), name="api-inbox-reopen-case"),
    path("<int:pk>/no-action/", api.NoActionView.as_view(), name="api-inbox-no-action"),
]
