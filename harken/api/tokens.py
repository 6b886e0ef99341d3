"""API tokens are issued only after both factors: the password and a code from the app.

A token is as good as a signed-in session, so it must not be a way round two-factor
authentication. Accounts without two-factor set up get no token until they set it up by
signing in to the staff pages.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken.accounts import services as accounts
from harken.core.errors import ApplicationError

REFUSED = "The username, password or code is not right, or the account is locked."
SET_UP_FIRST = "Set up two-factor authentication by signing in first."


def _refused(message: str) -> Response:
    return Response(
        {"message": message, "errors": {"non_field_errors": [message]}},
        status=status.HTTP_400_BAD_REQUEST,
    )


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    code = serializers.CharField(max_length=32, help_text="The 6-digit code from the app.")


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        summary="Get an API token with your password and a code from your authenticator app",
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = accounts.password_check(
                login=data.validated_data["username"], password=data.validated_data["password"]
            )
            if not user.has_two_factor:
                return _refused(SET_UP_FIRST)
            accounts.code_verify(user=user, code=data.validated_data["code"])
        except ApplicationError:
            # Which of the password or the code was wrong is not said.
            return _refused(REFUSED)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
