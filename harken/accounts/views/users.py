"""Administrators' pages: accounts, roles, teams and service areas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from harken import access
from harken.access.web import StaffRequiredMixin
from harken.core.errors import ApplicationError
from harken.core.forms import add_service_error
from harken.core.web import whole_number

from .. import services
from ..forms import ServiceAreaForm, TeamForm, UserForm, UserSearchForm
from ..models import ApiToken, ServiceArea, SignInEvent, SignInLock, Team, User

RECENT_EVENTS = 20


class AdminView(StaffRequiredMixin, View):
    permission = access.Perm.ADMINISTER

    @property
    def actor(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # noqa: S101  # StaffRequiredMixin has run
        return user


def user_list(*, q: str = "", role: str = "") -> QuerySet[User]:
    users = User.objects.prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("name"))
    ).order_by("last_name", "first_name", "username")
    if q:
        users = users.filter(
            Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(username__icontains=q)
            | Q(email__icontains=q)
        )
    if role:
        users = users.filter(role=role)
    return users


class UserListView(AdminView):
    """Every account, or those found. The search is POSTed: a name or e-mail address typed
    in it never appears in an address, the browser's history or the server's logs. A role
    alone may be linked to (?role=manager)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        role = request.GET.get("role", "")
        return self._page(request, UserSearchForm({"role": role} if role else None))

    def post(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, UserSearchForm(request.POST))

    def _page(self, request: HttpRequest, form: UserSearchForm) -> HttpResponse:
        q = role = ""
        if form.is_valid():
            q = form.cleaned_data["q"].strip()
            role = form.cleaned_data["role"]
        users = list(user_list(q=q, role=role))
        context = {"form": form, "users": users, "filtered": bool(q or role)}
        return render(request, "accounts/user_list.html", context)


class UserCreateView(AdminView):
    template_name = "accounts/user_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, UserForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UserForm(request.POST)
        if form.is_valid():
            try:
                user = services.user_create(
                    actor=self.actor,
                    details=form.details(),
                    base_url=request.build_absolute_uri("/"),
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Account created for {user}. They have been e-mailed a link to set "
                    "their password.",
                )
                return redirect("accounts:user", pk=user.pk)
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: UserForm) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "subject": None})


class UserEditView(AdminView):
    template_name = "accounts/user_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = get_object_or_404(User, pk=pk)
        return self._render(request, UserForm(user=subject), subject)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = get_object_or_404(User, pk=pk)
        form = UserForm(request.POST, user=subject)
        if form.is_valid():
            try:
                changes = services.user_update(
                    actor=self.actor, user=subject, details=form.details()
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                if changes:
                    messages.success(request, "Account changed")
                return redirect("accounts:user", pk=subject.pk)
        return self._render(request, form, subject)

    def _render(self, request: HttpRequest, form: UserForm, subject: User) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "subject": subject})


class UserDetailView(AdminView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = get_object_or_404(User.objects.prefetch_related("teams"), pk=pk)
        events = SignInEvent.objects.filter(user=subject).select_related("actor")[:RECENT_EVENTS]
        context = {
            "subject": subject,
            "events": events,
            "recovery_codes_left": services.recovery_codes_left(subject),
            "locked": subject.is_locked(),
            "locks": SignInLock.objects.filter(user=subject, locked_until__gt=timezone.now()),
            "tokens": services.api_tokens_for(user=subject, actor=self.actor),
        }
        return render(request, "accounts/user_detail.html", context)


class UserApiTokenRevokeView(AdminView):
    """An administrator revokes someone's API token (asked to confirm first)."""

    def get(self, request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
        token = get_object_or_404(
            ApiToken.objects.select_related("user"), pk=token_pk, user_id=pk, revoked_at=None
        )
        return render(
            request,
            "accounts/api_token_revoke.html",
            {"token": token, "subject": token.user},
        )

    def post(self, request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
        token = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_pk, user_id=pk)
        try:
            services.api_token_revoke(
                token=token, actor=self.actor, reason="Revoked by an administrator"
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Token “{token.name}” revoked: it no longer works")
        return redirect("accounts:user", pk=pk)


class _ConfirmView(AdminView):
    """A question page before an action that cannot simply be undone."""

    title: str
    warning: str
    button: str

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = get_object_or_404(User, pk=pk)
        context = {
            "subject": subject,
            "title": self.title.format(user=subject),
            "warning": self.warning,
            "button": self.button,
        }
        return render(request, "accounts/confirm.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = get_object_or_404(User, pk=pk)
        try:
            message = self.act(subject)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return redirect("accounts:user", pk=subject.pk)

    def act(self, subject: User) -> str:
        raise NotImplementedError


class UserDeactivateView(_ConfirmView):
    title = "Deactivate {user}'s account?"
    warning = "They will be signed out at once and will not be able to sign in."
    button = "Deactivate account"

    def act(self, subject: User) -> str:
        services.user_set_active(actor=self.actor, user=subject, active=False)
        return "Account deactivated"


class TwoFactorResetView(_ConfirmView):
    title = "Reset {user}'s two-factor authentication?"
    warning = (
        "Their authenticator app and recovery codes will stop working, their API tokens end "
        "and they will be signed out. To set up two-factor authentication again they will need "
        "a link to set a password, or your confirmation."
    )
    button = "Reset two-factor authentication"

    def act(self, subject: User) -> str:
        services.two_factor_reset(actor=self.actor, user=subject)
        return (
            "Two-factor authentication reset. To set it up again they need a link to set a "
            "password (send one), or your confirmation (“Allow two-factor set-up”)."
        )


class TwoFactorEnrolmentAllowView(_ConfirmView):
    title = "Allow {user} to set up two-factor authentication?"
    warning = (
        "Only do this once you are sure who is asking (for example, in person or by calling "
        "them back on a number you already have): whoever signs in with their password in "
        "the next hours can then add an authenticator app to the account."
    )
    button = "Allow set-up"

    def act(self, subject: User) -> str:
        until = services.two_factor_enrolment_allow(
            user=subject, actor=self.actor, how="Confirmed by an administrator"
        )
        return f"They can set up two-factor authentication when they sign in until {uk(until)}."


def uk(moment: Any) -> str:
    from harken.core.templatetags.harken import uk_datetime

    return uk_datetime(moment)


class UserActionView(AdminView):
    """One-button actions on the account page: reactivate, unlock, send a password link."""

    action = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subject = get_object_or_404(User, pk=pk)
        try:
            message = self.act(request, subject)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return redirect("accounts:user", pk=subject.pk)

    def act(self, request: HttpRequest, subject: User) -> str:
        if self.action == "reactivate":
            services.user_set_active(actor=self.actor, user=subject, active=True)
            return "Account reactivated"
        if self.action == "unlock":
            services.user_unlock(actor=self.actor, user=subject)
            return "Account unlocked"
        if not subject.email:
            raise ApplicationError("Add an e-mail address to the account first")
        if not subject.is_active:
            raise ApplicationError("Reactivate the account first")
        services.password_link_send(
            user=subject, base_url=request.build_absolute_uri("/"), actor=self.actor
        )
        return "A link to set a password has been e-mailed"


# --- Teams ------------------------------------------------------------------------------


class TeamListView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        teams = Team.objects.annotate(
            member_count=Count("members", filter=Q(members__is_active=True))
        ).order_by("name")
        areas = ServiceArea.objects.prefetch_related(Prefetch("teams", queryset=teams))
        return render(request, "accounts/team_list.html", {"areas": list(areas)})


class TeamFormView(AdminView):
    template_name = "accounts/team_form.html"

    def _team(self, pk: int | None) -> Team | None:
        return get_object_or_404(Team, pk=pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        team = self._team(pk)
        initial: dict[str, Any] = {"active": True}
        if team is not None:
            initial = {
                "name": team.name,
                "service_area": team.service_area_id,
                "default_procedure_code": team.default_procedure_code,
                "active": team.active,
                "members": list(team.members.filter(is_active=True)),
            }
        elif whole_number(request.GET.get("service_area")):
            initial["service_area"] = whole_number(request.GET.get("service_area"))
        return self._render(request, TeamForm(initial=initial), team)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        team = self._team(pk)
        form = TeamForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            # Deactivated members are not offered on the form; they stay in the team.
            kept = tuple(team.members.filter(is_active=False)) if team is not None else ()
            details = services.TeamDetails(
                name=data["name"].strip(),
                service_area=data["service_area"],
                default_procedure_code=data["default_procedure_code"],
                active=data["active"],
                members=(*data["members"], *kept),
            )
            try:
                saved = services.team_save(actor=self.actor, team=team, details=details)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"{saved.name} {'changed' if team else 'added'}")
                return redirect("accounts:teams")
        return self._render(request, form, team)

    def _render(self, request: HttpRequest, form: TeamForm, team: Team | None) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "team": team})


class ServiceAreaFormView(AdminView):
    template_name = "accounts/service_area_form.html"

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        area = get_object_or_404(ServiceArea, pk=pk) if pk is not None else None
        form = ServiceAreaForm(initial={"name": area.name} if area else None)
        return render(request, self.template_name, {"form": form, "area": area})

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        area = get_object_or_404(ServiceArea, pk=pk) if pk is not None else None
        form = ServiceAreaForm(request.POST)
        if form.is_valid():
            try:
                saved = services.service_area_save(
                    actor=self.actor, area=area, name=form.cleaned_data["name"].strip()
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"{saved.name} {'changed' if area else 'added'}")
                return redirect("accounts:teams")
        return render(request, self.template_name, {"form": form, "area": area})
