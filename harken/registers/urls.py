from django.urls import path

from . import views

app_name = "registers"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    # Ombudsman cases and their remedies
    path("ombudsman/", views.OmbudsmanListView.as_view(), name="ombudsman_list"),
    path("ombudsman/new/", views.OmbudsmanCreateView.as_view(), name="ombudsman_new"),
    path("ombudsman/<int:pk>/", views.OmbudsmanView.as_view(), name="ombudsman"),
    path("ombudsman/<int:pk>/change/", views.OmbudsmanEditView.as_view(), name="ombudsman_edit"),
    path("ombudsman/<int:pk>/remedies/new/", views.RemedyCreateView.as_view(), name="remedy_new"),
    path(
        "ombudsman/<int:pk>/remedies/<int:remedy_pk>/change/",
        views.RemedyEditView.as_view(),
        name="remedy_edit",
    ),
    # Payments
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("payments/new/", views.PaymentCreateView.as_view(), name="payment_new"),
    path("payments/<int:pk>/", views.PaymentView.as_view(), name="payment"),
    path("payments/<int:pk>/change/", views.PaymentEditView.as_view(), name="payment_edit"),
    # Investigation costs
    path("costs/", views.CostListView.as_view(), name="cost_list"),
    path("costs/new/", views.CostCreateView.as_view(), name="cost_new"),
    path("costs/<int:pk>/", views.CostView.as_view(), name="cost"),
    path("costs/<int:pk>/change/", views.CostEditView.as_view(), name="cost_edit"),
    # Persistent or vexatious contact
    path("restrictions/", views.RestrictionListView.as_view(), name="restriction_list"),
    path("restrictions/new/", views.RestrictionCreateView.as_view(), name="restriction_new"),
    path("restrictions/<int:pk>/", views.RestrictionView.as_view(), name="restriction"),
    path(
        "restrictions/<int:pk>/change/",
        views.RestrictionEditView.as_view(),
        name="restriction_edit",
    ),
    path("restrictions/<int:pk>/end/", views.RestrictionEndView.as_view(), name="restriction_end"),
    # Advocacy
    path("advocacy/", views.AdvocacyListView.as_view(), name="advocacy_list"),
    path("advocacy/new/", views.AdvocacyCreateView.as_view(), name="advocacy_new"),
    path("advocacy/<int:pk>/", views.AdvocacyView.as_view(), name="advocacy"),
    path("advocacy/<int:pk>/change/", views.AdvocacyEditView.as_view(), name="advocacy_edit"),
    # Subject access requests
    path("subject-access/", views.SarListView.as_view(), name="sar_list"),
    path("subject-access/new/", views.SarCreateView.as_view(), name="sar_new"),
    path("subject-access/<int:pk>/", views.SarView.as_view(), name="sar"),
    path("subject-access/<int:pk>/change/", views.SarEditView.as_view(), name="sar_edit"),
    path("subject-access/<int:pk>/extend/", views.SarExtendView.as_view(), name="sar_extend"),
    path("subject-access/<int:pk>/pause/", views.SarPauseView.as_view(), name="sar_pause"),
    path("subject-access/<int:pk>/restart/", views.SarResumeView.as_view(), name="sar_resume"),
]
