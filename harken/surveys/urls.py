from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.InvitationListView.as_view(), name="index"),
    path("comments/", views.CommentListView.as_view(), name="comments"),
    path("comments/<int:pk>/", views.CommentView.as_view(), name="comment"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("send/<str:reference>/", views.SendView.as_view(), name="send"),
    path("questions/", views.SurveyAdminListView.as_view(), name="admin"),
    path("questions/<int:pk>/", views.SurveyAdminView.as_view(), name="admin_survey"),
    path("questions/<int:pk>/change/", views.SurveyChangeView.as_view(), name="admin_change"),
    path("questions/<int:pk>/preview/", views.SurveyPreviewView.as_view(), name="admin_preview"),
    path("questions/<int:pk>/add/", views.QuestionEditView.as_view(), name="question_add"),
    path("questions/<int:pk>/<int:qpk>/", views.QuestionEditView.as_view(), name="question_change"),
    path(
        "questions/<int:pk>/<int:qpk>/move/", views.QuestionMoveView.as_view(), name="question_move"
    ),
    path(
        "questions/<int:pk>/<int:qpk>/retire/",
        views.QuestionRetireView.as_view(),
        name="question_retire",
    ),
]
