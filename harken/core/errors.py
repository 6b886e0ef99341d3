"""Errors raised by services when the rules refuse a change."""

from __future__ import annotations


class ApplicationError(Exception):
    """A change the rules do not allow, with a message a user can act on.

    `field_errors` maps a field name to its messages so forms and the API can show each
    message beside its field.
    """

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}

    @classmethod
    def for_field(cls, field: str, message: str) -> ApplicationError:
        return cls(message, field_errors={field: [message]})


class AccessDenied(ApplicationError):
    """The user may not see or change this record."""
