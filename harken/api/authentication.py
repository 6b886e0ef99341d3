"""API authentication: `Authorization: Token <key>`, as before, checked against the digests of
named tokens that expire (`accounts.ApiToken`) instead of keys stored in clear."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from harken.accounts import services as accounts
from harken.core.web import request_address

# DRF's own words, which clients may already look for; expired and revoked tokens get them too.
INVALID = "Invalid token."


class HashedTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Give the token as 'Authorization: Token <key>', with no spaces in the key."
            )
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        token = accounts.api_token_authenticate(key=key, address=request_address(request))
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HashedTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How the schema describes the token: an API key in the Authorization header."""

    target_class = "harken.api.authentication.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
