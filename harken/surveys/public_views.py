"""The public survey page: no sign-in, GOV.UK Frontend, works without JavaScript. The token is
in the address only: the request log records the route's name, never the path."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .forms import AnswerForm
from .models import Audience

CLOSED_PAGES = {
    "answered": (410, "This survey has already been answered"),
    "expired": (410, "This link has expired"),
    "missing": (404, "We cannot find this survey"),
}


def _closed(request: HttpRequest, state: str) -> HttpResponse:
    status, title = CLOSED_PAGES[state]
    return render(
        request, "surveys/public_closed.html", {"title": title, "state": state}, status=status
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_find(token)
    if invitation is None:
        return _closed(request, "missing")
    state = services.invitation_state(invitation)
    if state != "open":
        return _closed(request, state)
    survey = invitation.survey
    form = AnswerForm(request.POST if request.method == "POST" else None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(token=token, answers=form.answers())
        except services.SurveyClosed as exc:
            return _closed(request, exc.state)
        except services.ApplicationError as exc:
            for name, messages in exc.field_errors.items():
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
        else:
            request.session["survey_child"] = survey.audience == Audience.CHILD
            return redirect("survey_public:thanks")
    return render(
        request,
        "surveys/public_answer.html",
        {"form": form, "survey": survey, "child": survey.audience == Audience.CHILD},
    )


def thanks(request: HttpRequest) -> HttpResponse:
    return render(
        request, "surveys/public_thanks.html", {"child": request.session.get("survey_child")}
    )
