from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/<str:kind>/", views.rule, name="rule"),
    path("holds/", views.holds, name="holds"),
    path("holds/new/", views.hold_new, name="hold_new"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("disposals/", views.disposals, name="disposals"),
    path("disposals/new/", views.preview_new, name="preview_new"),
    path("disposals/<int:pk>/", views.disposal, name="disposal"),
    path("disposals/<int:pk>/approve/", views.disposal_approve, name="disposal_approve"),
    path("disposals/<int:pk>/reject/", views.disposal_reject, name="disposal_reject"),
]
