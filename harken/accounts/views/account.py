"""Your own account: password and recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from harken.core.web import StaffRequiredMixin

from .. import services
from ..forms import PasswordChangeForm
from ..middleware import NEXT_KEY
from ..models import User
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
