from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("young-people/", views.young_people, name="young_people"),
    path(
        "staff/online-forms/files/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<slug:journey>/", views.journey_root, name="journey"),
    path("<slug:journey>/start/", views.start, name="start"),
    path("<slug:journey>/check-your-answers/", views.check, name="check"),
    path("<slug:journey>/sent/", views.confirmation, name="confirmation"),
    path("<slug:journey>/<slug:step>/", views.step, name="step"),
]
