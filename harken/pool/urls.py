from django.urls import path

from . import views

app_name = "pool"
urlpatterns = [
    path("", views.PoolListView.as_view(), name="list"),
    path("new/", views.PoolCreateView.as_view(), name="new"),
    path("yours/", views.MyAppointmentsView.as_view(), name="mine"),
    path("<int:pk>/", views.PoolEntryView.as_view(), name="entry"),
    path("<int:pk>/change/", views.PoolEditView.as_view(), name="edit"),
    path("<int:pk>/training/new/", views.TrainingCreateView.as_view(), name="training_new"),
    path(
        "<int:pk>/partner-appointments/new/",
        views.PartnerAppointmentCreateView.as_view(),
        name="partner_new",
    ),
    path(
        "<int:pk>/partner-appointments/<int:apk>/end/",
        views.PartnerAppointmentEndView.as_view(),
        name="partner_end",
    ),
    path("cases/<str:reference>/appoint/", views.PoolAppointView.as_view(), name="appoint"),
]
