from django.urls import path

from .views import account, sign_in, users

app_name = "accounts"
urlpatterns = [
    # Signing in (all under sign-in/, which the two-factor middleware lets through)
    path("sign-in/", sign_in.SignInView.as_view(), name="sign_in"),
    path("sign-in/set-up/", sign_in.TwoFactorSetUpView.as_view(), name="two_factor_set_up"),
    path("sign-in/code/", sign_in.TwoFactorCodeView.as_view(), name="two_factor_code"),
    path(
        "sign-in/recovery-code/",
        sign_in.RecoveryCodeSignInView.as_view(),
        name="recovery_code",
    ),
    path("sign-in/recovery-codes/", sign_in.RecoveryCodesView.as_view(), name="recovery_codes"),
    path(
        "sign-in/forgotten-password/",
        sign_in.ForgottenPasswordView.as_view(),
        name="forgotten_password",
    ),
    path(
        "sign-in/forgotten-password/sent/",
        sign_in.ForgottenPasswordSentView.as_view(),
        name="forgotten_password_sent",
    ),
    path(
        "sign-in/set-password/<uidb64>/<token>/",
        sign_in.SetPasswordView.as_view(),
        name="set_password",
    ),
    path("sign-out/", sign_in.SignOutView.as_view(), name="sign_out"),
    path("keep-alive/", sign_in.KeepAliveView.as_view(), name="keep_alive"),
    # Your account
    path("account/", account.AccountView.as_view(), name="account"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/recovery-codes/",
        account.RecoveryCodesReplaceView.as_view(),
        name="recovery_codes_replace",
    ),
    path("account/api-tokens/", account.ApiTokensView.as_view(), name="api_tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        account.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    # Administrators: accounts
    path("users/", users.UserListView.as_view(), name="users"),
    path("users/new/", users.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user"),
    path("users/<int:pk>/edit/", users.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/deactivate/", users.UserDeactivateView.as_view(), name="user_deactivate"),
    path(
        "users/<int:pk>/reactivate/",
        users.UserActionView.as_view(action="reactivate"),
        name="user_reactivate",
    ),
    path(
        "users/<int:pk>/unlock/",
        users.UserActionView.as_view(action="unlock"),
        name="user_unlock",
    ),
    path(
        "users/<int:pk>/password-link/",
        users.UserActionView.as_view(action="password_link"),
        name="user_password_link",
    ),
    path(
        "users/<int:pk>/reset-two-factor/",
        users.TwoFactorResetView.as_view(),
        name="user_two_factor_reset",
    ),
    path(
        "users/<int:pk>/allow-two-factor-set-up/",
        users.TwoFactorEnrolmentAllowView.as_view(),
        name="user_two_factor_enrolment",
    ),
    path(
        "users/<int:pk>/api-tokens/<int:token_pk>/revoke/",
        users.UserApiTokenRevokeView.as_view(),
        name="user_api_token_revoke",
    ),
    # Administrators: teams and service areas
    path("teams/", users.TeamListView.as_view(), name="teams"),
    path("teams/new/", users.TeamFormView.as_view(), name="team_create"),
    path("teams/<int:pk>/", users.TeamFormView.as_view(), name="team_edit"),
    path("service-areas/new/", users.ServiceAreaFormView.as_view(), name="service_area_create"),
    path(
        "service-areas/<int:pk>/",
        users.ServiceAreaFormView.as_view(),
        name="service_area_edit",
    ),
]
