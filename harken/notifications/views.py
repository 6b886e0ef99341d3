"""Each person's reminders: what they get, what was sent to them; and, for administrators,
who gets the overdue-actions summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from harken import access
from harken.access.web import staff_required as permission_required
from harken.accounts.current import request_user as _user
from harken.core.web import staff_required

from . import outbox, services
from .forms import PreferencesForm, SeniorManagersForm
from .models import ReminderPreference

RECENT = 50


def _posted(request: HttpRequest) -> Any:
    """The form data if this is a POST (even an empty one: it must show the errors)."""
    return request.POST if request.method == "POST" else None


@staff_required()
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    preference = services.preference_for(user)
    initial = {
        "daily_digest": preference.daily_digest,
        "monthly_actions": preference.monthly_actions,
        "overdue_summary": preference.overdue_summary,
    }
    form = PreferencesForm(
        _posted(request),
        initial=initial,
        senior_manager=preference.senior_manager,
        role=user.role,
    )
    if request.method == "POST" and form.is_valid():
        data = {**initial, **form.cleaned_data}
        services.preferences_update(user=user, actor=user, **data)
        messages.success(request, "Your reminder choices are saved")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "preference": preference,
            "reminders": user.sent_reminders.select_related("message").order_by(
                "-period_on", "-id"
            )[:RECENT],
            "is_admin": access.is_administrator(user),
            "may_see_not_sent": outbox.may_retry(user),
        },
    )


@permission_required(access.Perm.ADMINISTER)
@require_http_methods(["GET", "POST"])
def senior_managers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    chosen = list(
        ReminderPreference.objects.filter(senior_manager=True).values_list("user_id", flat=True)
    )
    form = SeniorManagersForm(_posted(request), initial={"users": chosen})
    if request.method == "POST" and form.is_valid():
        services.senior_managers_set(users=form.cleaned_data["users"], actor=user)
        messages.success(request, "The overdue-actions summary list is saved")
        return redirect("notifications:senior_managers")
    return render(request, "notifications/senior_managers.html", {"form": form})
