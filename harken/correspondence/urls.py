from django.urls import path

from . import views

app_name = "correspondence"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("read-now/", views.PollView.as_view(), name="poll"),
    path("<int:pk>/", views.ItemView.as_view(), name="item"),
    path("<int:pk>/claim/", views.ClaimView.as_view(), name="claim"),
    path("<int:pk>/convert/", views.ConvertView.as_view(), name="convert"),
    path("<int:pk>/attach/", views.AttachView.as_view(), name="attach"),
    path("<int:pk>/not-feedback/", views.NotFeedbackView.as_view(), name="not_feedback"),
    path("<int:pk>/reopen-case/", views.ReopenView.as_view(), name="reopen_case"),
    path("<int:pk>/no-action/", views.NoActionView.as_view(), name="no_action"),
]
