from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.InvitationListView.as_view(), name="index"),
    path("comments/", views.CommentListView.as_view(), name="comments"),
    path("comments/<int:pk>/", views.CommentView.as_view(), name="comment"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("send/<str:reference>/", views.SendView.as_view(), name="send"),
]
