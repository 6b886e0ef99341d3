"""Signing in: password, then the authenticator app (set up on first sign-in) or a recovery
code; signing out; keeping a session alive; setting a forgotten password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from harken.core.errors import ApplicationError
from harken.core.forms import add_service_error
from harken.core.web import SIGN_IN_URL, TWO_FACTOR_SESSION_KEY, request_address

from .. import services
from ..forms import CodeForm, ForgottenPasswordForm, RecoveryCodeForm, SetPasswordForm, SignInForm
from ..middleware import NEXT_KEY
from ..models import SignInEventKind, User

SET_UP_SECRET_KEY = "harken_totp_set_up_secret"  # noqa: S105  # a session key
RECOVERY_CODES_KEY = "harken_recovery_codes_to_show"
# Pages `next` may never point at (they would loop or undo the sign-in).
NOT_NEXT = ("/staff/sign-in/", "/staff/sign-out/", "/staff/keep-alive/")


def safe_next(request: HttpRequest, value: str | None) -> str | None:
    """A local path to go to after signing in, or None: never another site."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    if value.startswith(NOT_NEXT):
        return None
    return value


def _verified(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.session.get(TWO_FACTOR_SESSION_KEY))


def _after_sign_in(request: HttpRequest) -> HttpResponseRedirect:
    target = safe_next(request, request.session.pop(NEXT_KEY, None))
    return redirect(target or settings.LOGIN_REDIRECT_URL)


def _complete(request: HttpRequest) -> HttpResponseRedirect:
    """Both factors given: mark the session and give it a new key."""
    request.session[TWO_FACTOR_SESSION_KEY] = True
    request.session.cycle_key()
    return _after_sign_in(request)


def _locked_out(request: HttpRequest, exc: ApplicationError) -> HttpResponseRedirect:
    logout(request)
    messages.error(request, exc.message)
    return redirect("accounts:sign_in")


@method_decorator([sensitive_post_parameters("password"), never_cache], name="dispatch")
class SignInView(View):
    template_name = "accounts/sign_in.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if _verified(request):
            target = safe_next(request, request.GET.get("next"))
            return redirect(target or settings.LOGIN_REDIRECT_URL)
        return self._render(request, SignInForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SignInForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if not isinstance(user, User):
            form.add_error(None, services.SIGN_IN_REFUSED)
            return self._render(request, form)
        target = safe_next(request, request.POST.get("next"))
        login(request, user)
        # A second sign-in on the same session starts again from the first factor.
        request.session.pop(TWO_FACTOR_SESSION_KEY, None)
        request.session.pop(SET_UP_SECRET_KEY, None)
        if target:
            request.session[NEXT_KEY] = target
        if user.has_two_factor:
            return redirect("accounts:two_factor_code")
        return redirect("accounts:two_factor_set_up")

    def _render(self, request: HttpRequest, form: SignInForm) -> HttpResponse:
        context = {
            "form": form,
            "next": safe_next(request, request.POST.get("next") or request.GET.get("next")),
            "max_failures": services.max_failures(),
            "lockout_minutes": services.lockout_minutes(),
        }
        return render(request, self.template_name, context)


class _SecondFactorView(View):
    """A page for someone who has given their password but not yet the second factor."""

    needs_two_factor: bool

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(SIGN_IN_URL)
        if _verified(request):
            return _after_sign_in(request)
        has = request.user.has_two_factor  # type: ignore[union-attr]
        if has and not self.needs_two_factor:
            return redirect("accounts:two_factor_code")
        if not has and self.needs_two_factor:
            return redirect("accounts:two_factor_set_up")
        return super().dispatch(request, *args, **kwargs)


@method_decorator([sensitive_post_parameters("code"), never_cache], name="dispatch")
class TwoFactorSetUpView(_SecondFactorView):
    needs_two_factor = False
    template_name = "accounts/two_factor_set_up.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if (
            isinstance(user, User)
            and not user.has_two_factor
            and not _verified(request)
            and not user.may_enrol_two_factor()
        ):
            # The password alone: no secret is made or shown until a link or an administrator
            # allows it.
            return render(
                request,
                "accounts/two_factor_not_allowed.html",
                {"hours": services.enrolment_hours()},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            user = request.user
            assert isinstance(user, User)  # noqa: S101  # dispatch checked
            try:
                codes = services.two_factor_set_up(
                    user=user, secret=self._secret(request), code=form.cleaned_data["code"]
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                request.session.pop(SET_UP_SECRET_KEY, None)
                # The session hash covers the secret: keep this session, on a new key.
                update_session_auth_hash(request, User.objects.get(pk=user.pk))
                request.session[RECOVERY_CODES_KEY] = codes
                request.session[TWO_FACTOR_SESSION_KEY] = True
                return redirect("accounts:recovery_codes")
        return self._render(request, form)

    @staticmethod
    def _secret(request: HttpRequest) -> str:
        secret = request.session.get(SET_UP_SECRET_KEY)
        if not secret:
            secret = request.session[SET_UP_SECRET_KEY] = services.new_totp_secret()
        return str(secret)

    def _render(self, request: HttpRequest, form: CodeForm) -> HttpResponse:
        user = request.user
        assert isinstance(user, User)  # noqa: S101
        secret = self._secret(request)
        uri = services.provisioning_uri(user=user, secret=secret)
        context = {
            "form": form,
            "qr_code": services.qr_code_svg(
                uri, label="QR code to add your account to an authenticator app"
            ),
            "secret": services.grouped(secret),
        }
        return render(request, self.template_name, context)


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(View):
    """The recovery codes, shown once, until the person says they have saved them."""

    template_name = "accounts/recovery_codes.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _verified(request):
            return redirect(SIGN_IN_URL)
        if not request.session.get(RECOVERY_CODES_KEY):
            return _after_sign_in(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"codes": request.session[RECOVERY_CODES_KEY]})

    def post(self, request: HttpRequest) -> HttpResponse:
        request.session.pop(RECOVERY_CODES_KEY, None)
        return _after_sign_in(request)


@method_decorator([sensitive_post_parameters("code"), never_cache], name="dispatch")
class TwoFactorCodeView(_SecondFactorView):
    needs_two_factor = True
    template_name = "accounts/two_factor_code.html"
    form_class: type[CodeForm] | type[RecoveryCodeForm] = CodeForm
    recovery = False

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": self.form_class()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if form.is_valid():
            user = request.user
            assert isinstance(user, User)  # noqa: S101
            try:
                services.code_verify(
                    user=user,
                    code=form.cleaned_data["code"],
                    recovery=self.recovery,
                    address=request_address(request),
                )
            except services.AccountLocked as exc:
                return _locked_out(request, exc)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                if self.recovery:
                    self._say_codes_left(request, user)
                return _complete(request)
        return render(request, self.template_name, {"form": form})

    @staticmethod
    def _say_codes_left(request: HttpRequest, user: User) -> None:
        left = services.recovery_codes_left(user)
        plural = "code" if left == 1 else "codes"
        messages.info(
            request,
            f"You signed in with a recovery code. You have {left} recovery {plural} left: "
            "you can create new ones on your account page.",
        )


class RecoveryCodeSignInView(TwoFactorCodeView):
    template_name = "accounts/recovery_code.html"
    form_class = RecoveryCodeForm
    recovery = True


class SignOutView(View):
    """Sign out (a POST, as from the header's button); a GET asks to confirm."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(SIGN_IN_URL)
        return render(request, "accounts/sign_out.html")

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            services.record_event(SignInEventKind.SIGNED_OUT, user=user)
        logout(request)
        messages.success(request, "You have signed out")
        return redirect(SIGN_IN_URL)


class KeepAliveView(View):
    """For the timeout warning: GET says how many seconds are left; POST restarts the count
    (the session middleware has already done so by the time this runs)."""

    def get(self, request: HttpRequest) -> JsonResponse:
        return self._answer(request)

    def post(self, request: HttpRequest) -> JsonResponse:
        return self._answer(request)

    @staticmethod
    def _answer(request: HttpRequest) -> JsonResponse:
        if not _verified(request):
            return JsonResponse({"seconds_left": 0, "sign_in": SIGN_IN_URL}, status=401)
        left = getattr(request, "session_seconds_left", 0)
        response = JsonResponse({"seconds_left": left})
        response["Cache-Control"] = "no-store"
        return response


class SetPasswordView(PasswordResetConfirmView):
    """Set a password from the e-mailed link (a new account, or a forgotten password)."""

    form_class = SetPasswordForm
    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:sign_in")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: Any) -> HttpResponse:
        user = self.user
        assert isinstance(user, User)  # noqa: S101  # the link was valid
        services.password_set(user=user, password=form.cleaned_data["new_password1"])
        if not user.has_two_factor:
            # The e-mailed link is the one-time proof that allows an authenticator's set-up.
            services.two_factor_enrolment_allow(
                user=user, actor=None, how="Password set with the e-mailed link"
            )
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        if self.request.user.is_authenticated and self.request.user.pk == user.pk:
            logout(self.request)
        messages.success(self.request, "Your password has been set. Sign in with it now.")
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(never_cache, name="dispatch")
class ForgottenPasswordView(View):
    template_name = "accounts/forgotten_password.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ForgottenPasswordForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ForgottenPasswordForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        found = list(
            User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True)[:2]
        )
        # Only an address that names exactly one account gets a link; the page says the
        # same thing either way.
        if len(found) == 1:
            services.password_link_send(user=found[0], base_url=request.build_absolute_uri("/"))
        return redirect("accounts:forgotten_password_sent")


class ForgottenPasswordSentView(TemplateView):
    template_name = "accounts/forgotten_password_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["link_days"] = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        return context
