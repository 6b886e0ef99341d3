"""Forms for signing in and managing accounts, with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator

from harken.core.forms import GovukForm, GovukFormMixin
from harken.procedures.models import Procedure

from .models import Role, ServiceArea, Team, User
from .services import RECOVERY_CODE_LENGTH, UserDetails, normalise_code


class SignInForm(GovukForm):
    username = forms.CharField(
        label="Username or e-mail address",
        max_length=254,
        error_messages={"required": "Enter your username or e-mail address"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput,
    )


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The app shows a new 6-digit code every 30 seconds.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("The code must be 6 numbers, like 123456")
        return code


class RecoveryCodeForm(GovukForm):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you saved when you set up two-factor authentication, "
        "like 4k7m-p2qx-9hta-c3vd. Each code works once.",
        max_length=40,
        error_messages={"required": "Enter a recovery code"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != RECOVERY_CODE_LENGTH or not code.isalnum():
            raise forms.ValidationError(
                "A recovery code is 16 letters and numbers, like 4k7m-p2qx-9hta-c3vd"
            )
        return code


class SetPasswordForm(GovukFormMixin, DjangoSetPasswordForm):
    """Set a password from an e-mailed link."""

    error_messages = {"password_mismatch": "The passwords do not match"}

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        first = self.fields["new_password1"]
        first.label = "New password"
        first.help_text = (
            "At least 12 characters. A few unrelated words make a strong password "
            "that is easy to remember."
        )
        first.error_messages["required"] = "Enter a new password"
        second = self.fields["new_password2"]
        second.label = "Confirm your new password"
        second.help_text = ""
        second.error_messages["required"] = "Enter your new password again"


class PasswordChangeForm(SetPasswordForm):
    """Change your own password: the current one first."""

    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your current password"},
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError("Your current password is not correct")
        return old


class ForgottenPasswordForm(GovukForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )


class TeamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.service_area.name})"


class UserForm(GovukForm):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter a first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter a last name"}
    )
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Letters, numbers and @ . + - _ only. Used to sign in.",
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": "Enter a username"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="A link to set a password is sent here. It can also be used to sign in.",
        error_messages={
            "required": "Enter an e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )
    teams = TeamChoiceField(
        label="Teams (optional)",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Managers see their teams' cases.",
    )
    employed_by_council = forms.BooleanField(
        label="Employed by the council",
        required=False,
        help_text="Leave unticked for independent persons and review panel members: "
        "regulation 2 says they cannot be council employees.",
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="A deactivated account cannot sign in.",
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        if user is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "username": user.username,
                "email": user.email,
                "job_title": user.job_title,
                "role": user.role,
                "teams": list(user.teams.all()),
                "employed_by_council": user.employed_by_council,
                "is_active": user.is_active,
            }
        kwargs.setdefault("initial", {"employed_by_council": True, "is_active": True})
        super().__init__(*args, **kwargs)
        teams = Team.objects.select_related("service_area")
        if user is not None:
            self.fields["teams"].queryset = teams.filter(  # type: ignore[attr-defined]
                pk__in=[*user.teams.values_list("pk", flat=True)]
            ) | teams.filter(active=True)
        else:
            self.fields["teams"].queryset = teams.filter(active=True)  # type: ignore[attr-defined]

    def details(self) -> UserDetails:
        data = self.cleaned_data
        return UserDetails(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            username=data["username"].strip(),
            email=data["email"].strip(),
            job_title=data["job_title"].strip(),
            role=data["role"],
            teams=tuple(data["teams"]),
            employed_by_council=data["employed_by_council"],
            is_active=data["is_active"],
        )


class UserSearchForm(GovukForm):
    q = forms.CharField(label="Name, username or e-mail address", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role", choices=[("", "All roles"), *Role.choices], required=False
    )


def _procedure_choices() -> list[tuple[str, str]]:
    return [("", "None"), *Procedure.objects.filter(active=True).values_list("code", "name")]


class TeamForm(GovukForm):
    name = forms.CharField(
        label="Team name", max_length=120, error_messages={"required": "Enter a team name"}
    )
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.all(),
        empty_label="Select a service area",
        error_messages={"required": "Select a service area"},
    )
    default_procedure_code = forms.ChoiceField(
        label="Procedure complaints about this team usually follow (optional)",
        required=False,
        choices=_procedure_choices,
    )
    active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="Inactive teams cannot be chosen for new cases; their history stays.",
    )
    members = forms.ModelMultipleChoiceField(
        label="Members (optional)",
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ServiceAreaForm(GovukForm):
    name = forms.CharField(
        label="Service area name",
        max_length=120,
        error_messages={"required": "Enter a service area name"},
    )


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        label="What the token is for",
        help_text="For example, the name of the program that will use it.",
        max_length=100,
        error_messages={"required": "Enter what the token is for"},
    )
    days = forms.IntegerField(
        label="Days until it ends",
        min_value=1,
        max_value=3650,
        error_messages={
            "required": "Enter how many days the token lasts",
            "invalid": "Enter the number of days as a whole number, like 90",
            "min_value": "A token lasts at least 1 day",
            "max_value": "Enter fewer days",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
