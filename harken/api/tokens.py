"""API tokens: issued only after both factors (the password and a code from the app), named,
ending, listed and revoked by their owner and by administrators.

A token is as good as a signed-in session, so it must not be a way round two-factor
authentication. Accounts without two-factor set up get no token until they set it up by
signing in to the staff pages. Only a digest of each key is kept (`accounts.ApiToken`): the
key is in the answer that creates it, and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harken import access
from harken.accounts import services as accounts
from harken.accounts.models import ApiToken, User
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.web import request_address

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
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="What the token is for, so you can tell your tokens apart (default 'API token').",
    )
    expires_in_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        help_text="Days until the token ends (default 90; at most HARKEN_API_TOKEN_MAX_DAYS).",
    )


class TokenSerializer(serializers.ModelSerializer):
    """A token as its owner and administrators see it: never the key."""

    status = serializers.CharField(read_only=True, help_text="Active, Expired or Revoked")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_from",
            "revoked_at",
            "revoked_reason",
            "status",
        ]


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    # Form posts as well as JSON, as before: this endpoint takes no booleans.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "NewToken",
                {
                    "token": serializers.CharField(help_text="The key: shown this once only"),
                    "id": serializers.IntegerField(),
                    "name": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                },
            )
        },
        summary="Get a new API token with your password and a code from your authenticator app",
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = request_address(request)
        try:
            user = accounts.password_check(
                login=data.validated_data["username"],
                password=data.validated_data["password"],
                address=address,
            )
            if not user.has_two_factor:
                return _refused(SET_UP_FIRST)
            accounts.code_verify(user=user, code=data.validated_data["code"], address=address)
        except ApplicationError:
            # Which of the password or the code was wrong is not said.
            return _refused(REFUSED)
        new = accounts.api_token_create(
            user=user,
            name=data.validated_data.get("name", ""),
            days=data.validated_data.get("expires_in_days"),
        )
        return Response(
            {
                "token": new.key,
                "id": new.token.pk,
                "name": new.token.name,
                "expires_at": new.token.expires_at,
            }
        )


def _owner(request: Request) -> User:
    """Whose tokens: the caller's, or (administrators only) those of `?user=<id>`."""
    me = request.user
    assert isinstance(me, User)  # noqa: S101  # IsAuthenticated has run
    wanted = request.query_params.get("user")
    if not wanted:
        return me
    if not access.is_administrator(me):
        raise PermissionDenied("Only an administrator can see someone else's tokens.")
    if not (wanted.isascii() and wanted.isdigit() and len(wanted) < 12):
        raise ApplicationError.for_field("user", "Give the user's id, a whole number.")
    return get_object_or_404(User, pk=int(wanted))


class TokenListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your API tokens (administrators: anyone's, with ?user=<id>); never the keys",
        parameters=[OpenApiParameter("user", int, description="Administrators: whose tokens")],
        responses={200: TokenSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        me = request.user
        assert isinstance(me, User)  # noqa: S101
        tokens = accounts.api_tokens_for(user=_owner(request), actor=me)
        return Response(TokenSerializer(tokens, many=True).data)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke a token (yours, or anyone's if you are an administrator)",
        responses={204: None},
    )
    def delete(self, request: Request, pk: int) -> Response:
        me = request.user
        assert isinstance(me, User)  # noqa: S101
        tokens = ApiToken.objects.select_related("user")
        if not access.is_administrator(me):
            tokens = tokens.filter(user=me)
        token = get_object_or_404(tokens, pk=pk)
        try:
            accounts.api_token_revoke(token=token, actor=me, reason="Revoked through the API")
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
