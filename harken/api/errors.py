"""API errors are JSON: a message, and each field's messages."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from harken.core.errors import AccessDenied, ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, AccessDenied):
        return Response({"message": exc.message, "errors": {}}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, ApplicationError):
        return Response(
            {"message": exc.message, "errors": exc.field_errors}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = {"message": "Check the fields and try again.", "errors": errors}
    else:
        response.data = {"message": str(getattr(exc, "detail", exc)), "errors": {}}
    return response
