"""Your own account: password and recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from harken.core.errors import ApplicationError
from harken.core.forms import add_service_error
from harken.core.web import StaffRequiredMixin

from .. import services
from ..forms import ApiTokenForm, PasswordChangeForm
from ..middleware import NEXT_KEY
from ..models import ApiToken, User
from .sign_in import RECOVERY_CODES_KEY


class _OwnAccountView(StaffRequiredMixin, View):
    @property
    def me(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # noqa: S101  # StaffRequiredMixin has run
        return user


class AccountView(_OwnAccountView):
    def get(self, request: HttpRequest) -> HttpResponse:
        context = {"me": self.me, "recovery_codes_left": services.recovery_codes_left(self.me)}
        return render(request, "accounts/account.html", context)


class RecoveryCodesReplaceView(_OwnAccountView):
    """New recovery codes (the old ones stop working), shown once."""

    def post(self, request: HttpRequest) -> HttpResponse:
        request.session[RECOVERY_CODES_KEY] = services.recovery_codes_replace(user=self.me)
        request.session[NEXT_KEY] = "/staff/account/"
        return redirect("accounts:recovery_codes")


@method_decorator(
    sensitive_post_parameters("old_password", "new_password1", "new_password2"),
    name="dispatch",
)
class PasswordChangeView(_OwnAccountView):
    template_name = "accounts/password_change.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": PasswordChangeForm(self.me)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordChangeForm(self.me, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        services.password_set(user=self.me, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, self.me)
        messages.success(request, "Your password has been changed")
        return redirect("accounts:account")


@method_decorator(never_cache, name="dispatch")
class ApiTokensView(_OwnAccountView):
    """Your API tokens: when each was made, ends and was last used (and from where); make a
    new one (its key shown on this answer only) or revoke one."""

    template_name = "accounts/api_tokens.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ApiTokenForm(initial={"days": services.api_token_days()})
        return self._render(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                new = services.api_token_create(
                    user=self.me, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except ApplicationError as exc:
                exc.field_errors = {
                    ("days" if k == "expires_in_days" else k): v
                    for k, v in exc.field_errors.items()
                }
                add_service_error(form, exc)
            else:
                return self._render(request, ApiTokenForm(initial=form.initial), new=new)
        return self._render(request, form, status=400)

    def _render(
        self,
        request: HttpRequest,
        form: ApiTokenForm,
        new: services.NewApiToken | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "form": form,
            "new": new,
            "tokens": services.api_tokens_for(user=self.me, actor=self.me),
            "max_days": services.api_token_max_days(),
            "can_create": self.me.has_two_factor,
        }
        return render(request, self.template_name, context, status=status)


class ApiTokenRevokeView(_OwnAccountView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(ApiToken, pk=pk, user=self.me, revoked_at__isnull=True)
        return render(
            request,
            "accounts/api_token_revoke.html",
            {"token": token, "back": "accounts:api_tokens", "subject": None},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(ApiToken, pk=pk, user=self.me)
        try:
            services.api_token_revoke(token=token, actor=self.me)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Token “{token.name}” revoked: it no longer works")
        return redirect("accounts:api_tokens")
