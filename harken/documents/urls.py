from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<uuid:document_id>/", views.DownloadView.as_view(), name="download"),
    path("yours/", views.YourDocumentsView.as_view(), name="yours"),
    path("cases/<str:reference>/", views.CaseDocumentsView.as_view(), name="case"),
    path("cases/<str:reference>/upload/", views.UploadView.as_view(), name="upload"),
    path("cases/<str:reference>/letters/new/", views.LetterNewView.as_view(), name="letter_new"),
    path("letter-templates/", views.LetterTemplateListView.as_view(), name="letter_templates"),
    path(
        "letter-templates/new/",
        views.LetterTemplateEditView.as_view(),
        name="letter_template_new",
    ),
    path(
        "letter-templates/<int:pk>/",
        views.LetterTemplateEditView.as_view(),
        name="letter_template_edit",
    ),
    path(
        "letter-templates/word/new/",
        views.WordTemplateEditView.as_view(),
        name="word_template_new",
    ),
    path(
        "letter-templates/word/starter.docx",
        views.WordStarterView.as_view(),
        name="word_template_starter",
    ),
    path(
        "letter-templates/word/<int:pk>/",
        views.WordTemplateEditView.as_view(),
        name="word_template_edit",
    ),
    path(
        "letter-templates/word/<int:pk>/versions/<int:version>/",
        views.WordTemplateFileView.as_view(),
        name="word_template_file",
    ),
]
