from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The public forms first: every one of their requests was matched against each staff
    # pattern before (a thirtieth of a question page's CPU). Their patterns take only the
    # forms' own slugs (`harken.intake.urls`), so nothing below is shadowed.
    path("", include("harken.intake.urls")),
    path("django-admin/", admin.site.urls),
    path("api/v1/", include("harken.api.urls")),
    path("staff/", include("harken.accounts.urls")),
    path("staff/", include("harken.casework.urls")),
    path("staff/documents/", include("harken.documents.urls")),
    path("staff/reports/", include("harken.reports.urls")),
    path("staff/registers/", include("harken.registers.urls")),
    path("staff/learning/", include("harken.learning.urls")),
    path("staff/homes/", include("harken.homes.urls")),
    path("staff/subject-access/", include("harken.subjectaccess.urls")),
    path("staff/reminders/", include("harken.notifications.urls")),
    path("staff/messages/", include("harken.notifications.outbox_urls")),
    path("staff/retention/", include("harken.retention.urls")),
    path("notify/", include("harken.notifications.notify_urls")),
    path("staff/inbox/", include("harken.correspondence.urls")),
    # Issue 14: the pool of independent people.
    path("staff/pool/", include("harken.pool.urls")),
    # Issue 14 (surveys).
    path("staff/surveys/", include("harken.surveys.urls")),
    path("survey/", include("harken.surveys.public_urls")),
]

handler400 = "harken.core.views.bad_request"
handler404 = "harken.core.views.not_found"
handler403 = "harken.core.views.forbidden"
handler500 = "harken.core.views.server_error"
