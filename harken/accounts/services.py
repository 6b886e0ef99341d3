"""Signing in, two-factor authentication, lock-out, and administrators' changes to accounts.

Every attempt, success and change is a `SignInEvent` row (the security audit trail); no
password, code or typed username is ever stored or logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from harken import access
from harken.core.errors import AccessDenied, ApplicationError

from .models import (
    ApiToken,
    RecoveryCode,
    Role,
    ServiceArea,
    SignInEvent,
    SignInEventKind,
    SignInLock,
    Team,
    User,
)

# The only message a refused password step ever shows: it must not tell anyone whether the
# account exists, whether it is locked, or which part was wrong.
SIGN_IN_REFUSED = (
    "The username, e-mail address or password is not correct, or the account is locked"
)
ACCOUNT_LOCKED = (
    "Your account is locked for {minutes} minutes because of too many failed attempts. "
    "Try again later or ask an administrator to unlock it."
)
WRONG_CODE = "The code is not correct. Enter the latest code from your authenticator app"
WRONG_RECOVERY_CODE = "The recovery code is not correct or has already been used"
ENROLMENT_NEEDS_LINK = (
    "Setting up two-factor authentication needs the link e-mailed to you (use “Forgotten "
    "your password?” to get one) or an administrator's confirmation"
)

FAILURE_KINDS = (SignInEventKind.PASSWORD_FAILED, SignInEventKind.CODE_FAILED)
RECOVERY_CODE_COUNT = 10
# 16 characters from 31 that cannot be mistaken for each other: about 79 bits, so a fast
# hash is enough (a stolen table cannot be worked back to the codes).
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 16
# Links to set a password that one account may be sent in an hour (forgotten password).
PASSWORD_LINKS_PER_HOUR = 3


def max_failures() -> int:
    return int(getattr(settings, "HARKEN_SIGN_IN_MAX_FAILURES", 5))


def failure_window() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "HARKEN_SIGN_IN_FAILURE_WINDOW", 900)))


def lockout_duration() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "HARKEN_SIGN_IN_LOCKOUT", 900)))


def lockout_minutes() -> int:
    return max(1, int(lockout_duration().total_seconds() // 60))


class SignInRefused(ApplicationError):
    """The password step failed; the message is always SIGN_IN_REFUSED."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_REFUSED)


class AccountLocked(ApplicationError):
    """Too many failures: the account is locked (said only to someone who knows the password)."""

    def __init__(self) -> None:
        super().__init__(ACCOUNT_LOCKED.format(minutes=lockout_minutes()))


class CodeOutcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"


def record_event(
    kind: SignInEventKind,
    *,
    user: User | None = None,
    actor: User | None = None,
    detail: str = "",
    at: dt.datetime | None = None,
    address: str | None = None,
) -> SignInEvent:
    return SignInEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        detail=detail[:500],
        at=at or timezone.now(),
        address=address or None,
    )


# --- The password step -------------------------------------------------------------------


def find_account(login: str) -> User | None:
    """The account a username or e-mail address names, if exactly one does."""
    login = (login or "").strip()
    if not login:
        return None
    exact = User.objects.filter(username=login).first()
    if exact is not None:
        return exact
    for lookup in (Q(username__iexact=login), Q(email__iexact=login)):
        found = list(User.objects.filter(lookup)[:2])
        if len(found) == 1:
            return found[0]
    return None


def _spend_hashing_time(password: str) -> None:
    """Hash anyway, so a refusal takes as long whether or not the account exists."""
    User().set_password(password)


def password_check(*, login: str, password: str, address: str | None = None) -> User:
    """The first step of signing in from `address`. Raises SignInRefused; counts failures
    towards a lock of this account from this address only."""
    user = find_account(login)
    if user is None:
        _spend_hashing_time(password)
        record_event(SignInEventKind.UNKNOWN_ACCOUNT, address=address)
        raise SignInRefused
    if not user.is_active:
        _spend_hashing_time(password)
        record_event(SignInEventKind.REFUSED_INACTIVE, user=user, address=address)
        raise SignInRefused
    if locked_out(user, address):
        # The password is not even checked: a lock must not become a way to test guesses.
        _spend_hashing_time(password)
        record_event(SignInEventKind.REFUSED_LOCKED, user=user, address=address)
        raise SignInRefused
    if not user.check_password(password):
        _count_failure(user=user, kind=SignInEventKind.PASSWORD_FAILED, address=address)
        raise SignInRefused
    record_event(SignInEventKind.PASSWORD_ACCEPTED, user=user, address=address)
    return user


def locked_out(user: User, address: str | None, now: dt.datetime | None = None) -> bool:
    """Is signing in to `user` refused from `address`? Only the address the failures came
    from is locked: from anywhere else the account works."""
    return SignInLock.objects.filter(
        user=user, address=address or "", locked_until__gt=now or timezone.now()
    ).exists()


def failures_counted(user: User, now: dt.datetime, address: str | None = None) -> int:
    """Failures for this account from this address in the window, since it last signed in,
    was unlocked, or was locked from there."""
    start = now - failure_window()
    if user.failures_counted_from is not None and user.failures_counted_from > start:
        start = user.failures_counted_from
    lock = SignInLock.objects.filter(user=user, address=address or "").first()
    if lock is not None and lock.failures_counted_from > start:
        start = lock.failures_counted_from
    return SignInEvent.objects.filter(
        user=user,
        kind__in=FAILURE_KINDS,
        at__gt=start,
        **({"address": address} if address else {"address__isnull": True}),
    ).count()


@transaction.atomic
def _count_failure(*, user: User, kind: SignInEventKind, address: str | None = None) -> bool:
    """Record a failure; lock the account from this address when it is one too many. True if
    now locked."""
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    record_event(kind, user=user, at=now, address=address)
    if failures_counted(user, now, address) < max_failures():
        return False
    until = now + lockout_duration()
    SignInLock.objects.update_or_create(
        user=user,
        address=address or "",
        defaults={"locked_until": until, "failures_counted_from": now},
    )
    if user.locked_until is None or user.locked_until < until:
        user.locked_until = until
        user.save(update_fields=["locked_until"])
    record_event(
        SignInEventKind.LOCKED,
        user=user,
        detail=f"{max_failures()} failed attempts from {address or 'an unknown address'}; "
        f"locked from there for {lockout_minutes()} minutes",
        at=now,
        address=address,
    )
    return True


# --- The second factor -------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=f"{settings.HARKEN_SERVICE_NAME}"
    )


def qr_code_svg(uri: str, *, label: str) -> str:
    """The otpauth URI as an inline SVG QR code with a text alternative."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)


def grouped(secret: str) -> str:
    """The secret in fours, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def _matching_step(secret: str, code: str, *, last_step: int | None) -> int | None:
    """The time step (now, one before or one after) whose code this is, if not used before."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(timezone.now())
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def _issue_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(code)) for code in codes]
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def two_factor_set_up(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm the authenticator app with its first code; returns new recovery codes.

    A wrong code here does not count towards a lock-out: the person has the secret in
    front of them, so there is nothing to guess.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.has_two_factor:
        raise ApplicationError("Two-factor authentication is already set up for this account")
    if not user.may_enrol_two_factor():
        raise ApplicationError(ENROLMENT_NEEDS_LINK)
    step = _matching_step(secret, normalise_code(code), last_step=None)
    if step is None:
        raise ApplicationError.for_field("code", WRONG_CODE)
    now = timezone.now()
    user.totp_secret = secret
    user.two_factor_set_up_at = now
    user.totp_last_step = step
    user.failures_counted_from = now
    user.two_factor_enrolment_until = None  # the link or confirmation is used up
    user.save(
        update_fields=[
            "totp_secret",
            "two_factor_set_up_at",
            "totp_last_step",
            "failures_counted_from",
            "two_factor_enrolment_until",
        ]
    )
    codes = _issue_recovery_codes(user)
    record_event(SignInEventKind.TWO_FACTOR_SET_UP, user=user, at=now)
    record_event(SignInEventKind.SIGNED_IN, user=user, at=now)
    return codes


@transaction.atomic
def _check_code(*, user: User, code: str, recovery: bool, address: str | None) -> CodeOutcome:
    user = User.objects.select_for_update().get(pk=user.pk)
    if locked_out(user, address) or not user.is_active:
        return CodeOutcome.LOCKED
    now = timezone.now()
    if recovery:
        found = (
            RecoveryCode.objects.select_for_update()
            .filter(user=user, code_hash=_recovery_hash(code), used_at__isnull=True)
            .first()
        )
        accepted = found is not None
        if found is not None:
            found.used_at = now
            found.save(update_fields=["used_at"])
    else:
        step = (
            _matching_step(user.totp_secret, normalise_code(code), last_step=user.totp_last_step)
            if user.has_two_factor
            else None
        )
        accepted = step is not None
        if step is not None:
            user.totp_last_step = step
    if not accepted:
        return CodeOutcome.WRONG
    user.failures_counted_from = now
    user.save(update_fields=["totp_last_step", "failures_counted_from"])
    kind = SignInEventKind.SIGNED_IN_WITH_RECOVERY_CODE if recovery else SignInEventKind.SIGNED_IN
    record_event(kind, user=user, at=now, address=address)
    return CodeOutcome.ACCEPTED


def code_verify(
    *, user: User, code: str, recovery: bool = False, address: str | None = None
) -> None:
    """The second step of signing in: a code from the app, or a recovery code (used up).

    Raises ApplicationError (wrong code) or AccountLocked (this failure was one too many,
    or the account was locked meanwhile).
    """
    outcome = _check_code(user=user, code=code, recovery=recovery, address=address)
    if outcome is CodeOutcome.ACCEPTED:
        return
    if outcome is CodeOutcome.LOCKED:
        raise AccountLocked
    # Counted outside the check's transaction, so the failure survives the refusal.
    if _count_failure(user=user, kind=SignInEventKind.CODE_FAILED, address=address):
        raise AccountLocked
    raise ApplicationError.for_field("code", WRONG_RECOVERY_CODE if recovery else WRONG_CODE)


def enrolment_hours() -> int:
    return int(getattr(settings, "HARKEN_TWO_FACTOR_ENROLMENT_HOURS", 24))


@transaction.atomic
def two_factor_enrolment_allow(*, user: User, actor: User | None, how: str) -> dt.datetime:
    """Let `user` set up an authenticator app at their next sign-in, for
    HARKEN_TWO_FACTOR_ENROLMENT_HOURS. `how`: what allowed it (the e-mailed link they used,
    an administrator's confirmation, the server's command line). The password alone never
    does: a stolen password must not be enough to enrol the thief's phone."""
    if actor is not None and actor.pk != user.pk:
        ensure_administrator(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.has_two_factor:
        raise ApplicationError("Two-factor authentication is already set up for this account")
    until = timezone.now() + dt.timedelta(hours=enrolment_hours())
    user.two_factor_enrolment_until = until
    user.save(update_fields=["two_factor_enrolment_until"])
    record_event(
        SignInEventKind.TWO_FACTOR_ENROLMENT_ALLOWED,
        user=user,
        actor=actor if actor is not None and actor.pk != user.pk else None,
        detail=f"{how}; until {timezone.localtime(until):%Y-%m-%d %H:%M}",
    )
    return until


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    codes = _issue_recovery_codes(user)
    record_event(SignInEventKind.RECOVERY_CODES_ISSUED, user=user)
    return codes


# --- Passwords ---------------------------------------------------------------------------


def password_link(*, user: User, base_url: str) -> str:
    from django.urls import reverse

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:set_password", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def password_link_message(*, user: User, base_url: str, new_account: bool) -> EmailMessage:
    """The e-mail with a link to set a password, its token made now (when it is sent)."""
    link = password_link(user=user, base_url=base_url)
    service = settings.HARKEN_SERVICE_NAME
    council = settings.HARKEN_COUNCIL_NAME
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    if new_account:
        subject = f"Your account for {service}"
        opening = f"An account has been created for you on {service} at {council}."
    else:
        subject = f"Set a new password for {service}"
        opening = f"Someone asked to set a new password for your account on {service}."
    body = (
        f"{opening}\n\n"
        f"Set your password with this link (it works once, for {days} days):\n{link}\n\n"
        "You will then sign in and set up two-factor authentication with an authenticator "
        "app, if you have not done so already.\n\n"
        "If you did not expect this e-mail, you can ignore it.\n\n"
        f"{council}\n"
    )
    return EmailMessage(subject=subject, body=body, to=[user.email])


def password_link_send(
    *, user: User, base_url: str, actor: User | None = None, new_account: bool = False
) -> bool:
    """E-mail the user a link to set their password, through the task queue: the request
    never waits on the mail server, and "password link sent" is recorded when it was sent
    (notifications.outbox). False if too many were asked for lately."""
    from harken.notifications.models import Message, MessageKind
    from harken.notifications.outbox import message_queue

    hour_ago = timezone.now() - dt.timedelta(hours=1)
    asked = Message.objects.filter(
        kind=MessageKind.PASSWORD_LINK, user=user, created_at__gt=hour_ago
    ).count()
    if actor is None and asked >= PASSWORD_LINKS_PER_HOUR:
        return False
    message_queue(
        kind=MessageKind.PASSWORD_LINK,
        to=[user.email],
        user=user,
        requested_by=actor,
        data={"base_url": base_url, "new_account": new_account},
    )
    return True


@transaction.atomic
def password_set(*, user: User, password: str) -> None:
    """A new password (changed, or set from an e-mailed link); the account's API tokens end."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(SignInEventKind.PASSWORD_SET, user=user)
    api_tokens_revoke_all(user=user, actor=None, reason="Password changed")


# --- Administrators' changes ---------------------------------------------------------------


@dataclass(frozen=True)
class UserDetails:
    first_name: str
    last_name: str
    username: str
    email: str
    job_title: str
    role: str
    teams: tuple[Team, ...]
    employed_by_council: bool
    is_active: bool = True


def ensure_administrator(actor: User | None) -> None:
    """An administrator, or None: the server's command line (`harken unlock-account`...)."""
    if actor is not None and not access.is_administrator(actor):
        raise AccessDenied("Only administrators manage accounts")


def _validate(details: UserDetails, *, user: User | None, actor: User) -> None:
    errors: dict[str, list[str]] = {}
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    if others.filter(username__iexact=details.username).exists():
        errors["username"] = ["Another account already has this username"]
    if details.email and others.filter(email__iexact=details.email).exists():
        errors["email"] = ["Another account already has this e-mail address"]
    if details.role in access.INDEPENDENT_ROLES and details.employed_by_council:
        errors["employed_by_council"] = [
            "An independent person or review panel member cannot be employed by the council"
        ]
    if user is not None and user.pk == actor.pk:
        if not access.role_may(details.role, access.Perm.ADMINISTER):
            errors["role"] = ["You cannot remove your own administrator role"]
        if not details.is_active:
            errors["is_active"] = ["You cannot deactivate your own account"]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, field_errors=errors)


@transaction.atomic
def user_create(*, actor: User, details: UserDetails, base_url: str) -> User:
    """Create an account; the person is e-mailed a link to set their password."""
    ensure_administrator(actor)
    _validate(details, user=None, actor=actor)
    user = User(
        first_name=details.first_name,
        last_name=details.last_name,
        username=details.username,
        email=details.email,
        job_title=details.job_title,
        role=details.role,
        employed_by_council=details.employed_by_council,
        is_active=details.is_active,
    )
    user.set_unusable_password()
    user.save()
    user.teams.set(details.teams)
    record_event(
        SignInEventKind.USER_CREATED,
        user=user,
        actor=actor,
        detail=f"Role: {user.get_role_display()}",
    )
    if user.email and user.is_active:
        password_link_send(user=user, base_url=base_url, actor=actor, new_account=True)
    return user


def _names(teams: Iterable[Team]) -> str:
    return ", ".join(sorted(team.name for team in teams)) or "none"


@transaction.atomic
def user_update(*, actor: User, user: User, details: UserDetails) -> list[str]:
    """Change an account; returns what changed (also kept in the audit trail)."""
    ensure_administrator(actor)
    _validate(details, user=user, actor=actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    labels = {
        "first_name": "First name",
        "last_name": "Last name",
        "username": "Username",
        "email": "E-mail address",
        "job_title": "Job title",
        "employed_by_council": "Employed by the council",
    }
    # The address and username say from what to what: someone redirecting an account's mail
    # (password links go there) must leave a trail that shows where it went.
    with_values = {"username", "email"}
    changes = [
        f"{label}: {getattr(user, field) or 'none'} to {getattr(details, field) or 'none'}"
        if field in with_values
        else label
        for field, label in labels.items()
        if getattr(user, field) != getattr(details, field)
    ]
    if user.role != details.role:
        changes.append(f"Role: {user.get_role_display()} to {Role(details.role).label}")
    before = set(user.teams.all())
    after = set(details.teams)
    if before != after:
        changes.append(f"Teams: {_names(before)} to {_names(after)}")
    for field in (*labels, "role"):
        setattr(user, field, getattr(details, field))
    was_active = user.is_active
    user.is_active = details.is_active
    user.save()
    user.teams.set(details.teams)
    if changes:
        record_event(
            SignInEventKind.USER_CHANGED, user=user, actor=actor, detail="; ".join(changes)
        )
    if was_active != details.is_active:
        kind = (
            SignInEventKind.USER_REACTIVATED
            if details.is_active
            else SignInEventKind.USER_DEACTIVATED
        )
        record_event(kind, user=user, actor=actor)
        changes.append("Reactivated" if details.is_active else "Deactivated")
        if not details.is_active:
            api_tokens_revoke_all(user=user, actor=actor, reason="Account deactivated")
    return changes


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool) -> None:
    """Deactivate (signed out at once, cannot sign in) or reactivate an account."""
    ensure_administrator(actor)
    if actor is not None and user.pk == actor.pk and not active:
        raise ApplicationError("You cannot deactivate your own account")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    kind = SignInEventKind.USER_REACTIVATED if active else SignInEventKind.USER_DEACTIVATED
    record_event(kind, user=user, actor=actor)
    if not active:
        api_tokens_revoke_all(user=user, actor=actor, reason="Account deactivated")


@transaction.atomic
def two_factor_reset(*, actor: User | None, user: User) -> None:
    """Forget the user's authenticator app and recovery codes: they set up again once a link
    or an administrator allows it (`two_factor_enrolment_allow`). Their open sessions end
    (the session hash covers the secret) and so do their API tokens."""
    ensure_administrator(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.totp_secret = ""
    user.two_factor_set_up_at = None
    user.totp_last_step = None
    # Set-up again needs a fresh link or confirmation: the password alone is not enough.
    user.two_factor_enrolment_until = None
    user.save(
        update_fields=[
            "totp_secret",
            "two_factor_set_up_at",
            "totp_last_step",
            "two_factor_enrolment_until",
        ]
    )
    RecoveryCode.objects.filter(user=user).delete()
    record_event(SignInEventKind.TWO_FACTOR_RESET, user=user, actor=actor)
    api_tokens_revoke_all(user=user, actor=actor, reason="Two-factor authentication reset")


@transaction.atomic
def user_unlock(*, actor: User | None, user: User) -> None:
    ensure_administrator(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.locked_until = None
    user.failures_counted_from = timezone.now()
    user.save(update_fields=["locked_until", "failures_counted_from"])
    SignInLock.objects.filter(user=user).delete()
    record_event(SignInEventKind.UNLOCKED, user=user, actor=actor)


# --- Teams and service areas ----------------------------------------------------------------


@dataclass(frozen=True)
class TeamDetails:
    name: str
    service_area: ServiceArea
    default_procedure_code: str
    active: bool
    members: tuple[User, ...]


@transaction.atomic
def team_save(*, actor: User, team: Team | None, details: TeamDetails) -> Team:
    """Add a team or change one (name, service area, members); membership changes are kept
    in each member's audit trail."""
    ensure_administrator(actor)
    others = Team.objects.exclude(pk=team.pk) if team is not None else Team.objects.all()
    if others.filter(name__iexact=details.name).exists():
        raise ApplicationError.for_field("name", "A team with this name already exists")
    if team is None:
        team = Team()
    team.name = details.name
    team.service_area = details.service_area
    team.default_procedure_code = details.default_procedure_code
    team.active = details.active
    team.save()
    before = set(team.members.all()) if team.pk else set()
    after = set(details.members)
    for user in after - before:
        record_event(
            SignInEventKind.USER_CHANGED, user=user, actor=actor, detail=f"Added to {team.name}"
        )
    for user in before - after:
        record_event(
            SignInEventKind.USER_CHANGED,
            user=user,
            actor=actor,
            detail=f"Removed from {team.name}",
        )
    team.members.set(after)
    return team


@transaction.atomic
def service_area_save(*, actor: User, area: ServiceArea | None, name: str) -> ServiceArea:
    ensure_administrator(actor)
    others = ServiceArea.objects.exclude(pk=area.pk) if area is not None else ServiceArea.objects
    if others.filter(name__iexact=name).exists():
        raise ApplicationError.for_field("name", "A service area with this name already exists")
    area = area or ServiceArea()
    area.name = name
    area.save()
    return area


# --- API tokens ------------------------------------------------------------------------------

TOKEN_DEFAULT_NAME = "API token"  # noqa: S105  # a label, not a secret
# How often a token's "last used" is written: every request would be a write per API call.
TOKEN_USE_RECORDED_EVERY = dt.timedelta(minutes=1)


def api_token_days() -> int:
    return int(getattr(settings, "HARKEN_API_TOKEN_DAYS", 90))


def api_token_max_days() -> int:
    return int(getattr(settings, "HARKEN_API_TOKEN_MAX_DAYS", 365))


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    key: str  # shown once; never stored


def _ensure_may_manage_tokens(actor: User, user: User) -> None:
    if actor.pk != user.pk and not access.is_administrator(actor):
        raise AccessDenied("Only the token's owner or an administrator can do this")


@transaction.atomic
def api_token_create(*, user: User, name: str = "", days: int | None = None) -> NewApiToken:
    """A new token for `user`, who asks for it themselves (signed in with both factors, or
    through the token endpoint with password and code). The key is returned once."""
    if not user.is_active or not user.has_two_factor:
        raise ApplicationError("Set up two-factor authentication before creating an API token")
    name = " ".join((name or "").split())[:100] or TOKEN_DEFAULT_NAME
    days = api_token_days() if days is None else days
    if not 1 <= days <= api_token_max_days():
        raise ApplicationError.for_field(
            "expires_in_days", f"A token lasts from 1 to {api_token_max_days()} days"
        )
    key = secrets.token_hex(20)  # 40 hex characters, as DRF's keys were: clients need no change
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=token_digest(key),
        prefix=key[:6],
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    record_event(
        SignInEventKind.API_TOKEN_CREATED,
        user=user,
        detail=f"{token}; expires {token.expires_at:%Y-%m-%d}",
        at=now,
    )
    return NewApiToken(token=token, key=key)


def api_tokens_for(*, user: User, actor: User) -> list[ApiToken]:
    """A user's tokens, newest first, for the owner or an administrator."""
    _ensure_may_manage_tokens(actor, user)
    return list(ApiToken.objects.filter(user=user).select_related("revoked_by"))


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, reason: str = "Revoked") -> ApiToken:
    _ensure_may_manage_tokens(actor, token.user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ApplicationError("This token is already revoked")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.revoked_reason = reason[:200]
    token.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    record_event(
        SignInEventKind.API_TOKEN_REVOKED,
        user=token.user,
        actor=actor if actor.pk != token.user_id else None,
        detail=f"{token}: {token.revoked_reason}",
    )
    return token


def api_tokens_revoke_all(*, user: User, actor: User | None, reason: str) -> int:
    """End every token of `user` still in force (in one statement); returns how many."""
    now = timezone.now()
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).update(
        revoked_at=now, revoked_by=actor, revoked_reason=reason[:200]
    )
    if count:
        record_event(
            SignInEventKind.API_TOKEN_REVOKED,
            user=user,
            actor=actor,
            detail=f"{count} API token{'s' if count != 1 else ''}: {reason}",
            at=now,
        )
    return count


def api_token_authenticate(*, key: str, address: str | None) -> ApiToken | None:
    """The token in force with this key, its owner active; its use recorded (when and from
    which address). None for any other key: unknown, expired, revoked or deactivated."""
    key = (key or "").strip()
    if not key or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    address = address or None
    stale = token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RECORDED_EVERY
    if stale or token.last_used_from != address:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address)
        token.last_used_at, token.last_used_from = now, address
    return token
