from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .actions import ACTIONS
from .tokens import ObtainTokenView, TokenDetailView, TokenListView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("cases/", views.CaseListView.as_view(), name="api-cases"),
    # Before cases/<reference>/: "search" is no reference.
    path("cases/search/", views.CaseSearchView.as_view(), name="api-cases-search"),
    path("cases/<str:reference>/", views.CaseDetailView.as_view(), name="api-case"),
    path(
        "cases/<str:reference>/timeline/",
        views.CaseTimelineView.as_view(),
        name="api-case-timeline",
    ),
    path(
        "cases/<str:reference>/messages/",
        views.CaseMessagesView.as_view(),
        name="api-case-messages",
    ),
    path(
        "cases/<str:reference>/messages/<uuid:message>/posted/",
        views.CaseMessagePostedView.as_view(),
        name="api-case-message-posted",
    ),
    *(
        path(
            f"cases/<str:reference>/{action.name}/",
            views.action_view(action),
            name=f"api-case-{action.name}",
        )
        for action in ACTIONS
    ),
    path("teams/", views.TeamListView.as_view(), name="api-teams"),
    path("themes/", views.ThemeListView.as_view(), name="api-themes"),
    path("procedures/", views.ProcedureListView.as_view(), name="api-procedures"),
    path(
        "procedures/versions/",
        views.ProcedureVersionCreateView.as_view(),
        name="api-procedure-versions",
    ),
    path("people/", views.PersonSearchView.as_view(), name="api-people"),
    path("registers/", include("harken.registers.api_urls")),
    path("learning/", include("harken.learning.api_urls")),
    # Issue 14 (API 1.3.0): children's homes, Regulation 44 visits, compliance.
    path("homes/", include("harken.homes.api_urls")),
    path("subject-access/", include("harken.subjectaccess.api_urls")),
    path("reports/", include("harken.reports.api_urls")),
    path("retention/", include("harken.retention.api_urls")),
    path("inbox/", include("harken.correspondence.api_urls")),
    # Issue 14: the pool of independent people.
    path("pool/", include("harken.pool.api_urls")),
    # Issue 14
    path("surveys/", include("harken.surveys.api_urls")),
]
