"""Users, their roles and the teams they belong to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class Role(models.TextChoices):
    FEEDBACK_OFFICER = "feedback_officer", "Feedback officer"
    MANAGER = "manager", "Manager"
    INVESTIGATING_OFFICER = "investigating_officer", "Investigating officer"
    INDEPENDENT_PERSON = "independent_person", "Independent person"
    PANEL_MEMBER = "panel_member", "Review panel member"
    REPORT_VIEWER = "report_viewer", "Report viewer"
    # Issue 14 (homes): a Regulation 44 visitor, often from outside the council, who sees
    # only their own visits.
    INDEPENDENT_VISITOR = "independent_visitor", "Independent visitor"
    ADMINISTRATOR = "administrator", "Administrator"


class ServiceArea(models.Model):
    """A part of the council's children's services, e.g. "Social care" or "Education"."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team complaints are about and managers answer for."""

    name = models.CharField(max_length=120, unique=True)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")
    # The procedure a complaint about this team's work is suggested to follow.
    default_procedure_code = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HarkenUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        # `harken createsuperuser` makes the first administrator of the staff pages too, who
        # may set up their authenticator at their first sign-in (whoever runs the command on
        # the server has vouched for them).
        extra.setdefault("role", Role.ADMINISTRATOR)
        extra.setdefault("two_factor_enrolment_until", timezone.now() + dt.timedelta(days=1))
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in: council staff, or an independent person appointed to cases."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.FEEDBACK_OFFICER)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    # Reg 2: an Independent Person or review panel member must not be employed by the council.
    employed_by_council = models.BooleanField(default=True)
    job_title = models.CharField(max_length=120, blank=True)
    # Two-factor authentication (TOTP, RFC 6238). The secret is set when the user confirms
    # a first code; empty means the user sets it up at their next sign-in.
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    two_factor_set_up_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last time step whose code was accepted: a code is never accepted twice.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    # Lock-out after repeated failures (harken.accounts.services): the latest end of the
    # locks on this account from any address (`SignInLock`), for pages to show. Signing in is
    # refused only from the address a lock is on.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Failed attempts before this moment no longer count towards a lock-out (set when the
    # user signs in or is unlocked).
    failures_counted_from = models.DateTimeField(null=True, blank=True, editable=False)
    # Until when an authenticator app may be set up: a one-time link (setting a password from
    # an e-mailed link) or an administrator opens it; the password alone never does.
    two_factor_enrolment_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = HarkenUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_all_cases(self) -> bool:
        from harken.access.permissions import Perm, role_may

        return role_may(self.role, Perm.CASES_ALL)

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret and self.two_factor_set_up_at)

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        """Locked from some address (not necessarily the one asking: see SignInLock)."""
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    def may_enrol_two_factor(self, now: dt.datetime | None = None) -> bool:
        until = self.two_factor_enrolment_until
        return until is not None and until > (now or timezone.now())

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # As Django's, but over the two-factor secret too: when an administrator resets
        # someone's two-factor authentication, every session of theirs ends.
        return salted_hmac(
            "harken.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.totp_secret}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app. Only a hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_code_lookup")]

    def __str__(self) -> str:
        return f"Recovery code {self.pk}"


class SignInEventKind(models.TextChoices):
    PASSWORD_FAILED = "password_failed", "Wrong password"
    UNKNOWN_ACCOUNT = "unknown_account", "Sign-in attempt for an unknown account"
    REFUSED_LOCKED = "refused_locked", "Sign-in refused: account locked"
    REFUSED_INACTIVE = "refused_inactive", "Sign-in refused: account deactivated"
    PASSWORD_ACCEPTED = "password_accepted", "Password accepted"
    CODE_FAILED = "code_failed", "Wrong two-factor or recovery code"
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_IN_WITH_RECOVERY_CODE = "signed_in_recovery", "Signed in with a recovery code"
    LOCKED = "locked", "Account locked after repeated failures"
    UNLOCKED = "unlocked", "Account unlocked"
    SIGNED_OUT = "signed_out", "Signed out"
    TIMED_OUT = "timed_out", "Signed out after a period without activity"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Two-factor authentication set up"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor authentication reset"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", "New recovery codes created"
    PASSWORD_SET = "password_set", "Password set"
    PASSWORD_LINK_SENT = "password_link_sent", "Link to set a password sent"
    USER_CREATED = "user_created", "Account created"
    USER_CHANGED = "user_changed", "Account changed"
    USER_DEACTIVATED = "user_deactivated", "Account deactivated"
    USER_REACTIVATED = "user_reactivated", "Account reactivated"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    TWO_FACTOR_ENROLMENT_ALLOWED = "2fa_enrolment_allowed", "Two-factor set-up allowed"


class SignInLock(models.Model):
    """Too many failures for this account from this address: signing in from there is
    refused until `locked_until`. From anywhere else the account works, so nobody can lock
    someone out from elsewhere. `address` is empty when it was not known."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_locks")
    # Text, "" when unknown: a unique key treats every NULL as different.
    address = models.CharField(max_length=45, blank=True)
    locked_until = models.DateTimeField()
    # Failures from this address before this moment no longer count (set at the lock).
    failures_counted_from = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "address"], name="sign_in_lock_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} from {self.address or 'an unknown address'}"


class SignInEvent(models.Model):
    """The security audit trail: sign-ins, failures, lock-outs and changes to accounts.

    Never holds a password, a code or what was typed as a username.
    """

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32, choices=SignInEventKind.choices)
    # The account concerned; empty for an attempt on an account that does not exist.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="sign_in_events"
    )
    # Who did it, when that is someone else (an administrator).
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)
    # Where the attempt came from (the lock-out counts per account and address).
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "at"], name="sign_in_event_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A key for the API, named by its owner, that ends. Only a SHA-256 digest of the key is
    kept (the key is random, 160 bits: a slow hash would add nothing); the key itself is shown
    once, when the token is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    # The key's first characters, so an owner can tell their tokens apart.
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"
