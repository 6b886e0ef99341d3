"""The API's request bodies: read in any Unicode encoding JSON allows, and checked once for
what no field may hold, before any serializer or query runs.

- JSON may be UTF-8, UTF-16 or UTF-32 (with or without a byte order mark) when the request
  does not name its charset (RFC 8259 asks for UTF-8; some clients send UTF-16 anyway).
- Every string, in any field, at any depth, is checked for control characters
  (`harken.core.text`); the 400 names the field, nested like the input.
- No list may hold more than `MAX_ITEMS` items and nothing may nest deeper than
  `MAX_DEPTH`: a case with 10,000 elements is refused at once, not after 10,000 inserts.
  Fields with a tighter rule (a case's elements and people) say so themselves.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from harken.core import text

MAX_ITEMS = 200
MAX_DEPTH = 12


def _printable(part: str) -> str:
    """A key as the error's JSON can carry it (without a broken UTF-16 half)."""
    return part.encode("utf-8", "replace").decode()


def _errors_at(errors: dict[str, Any], path: tuple[str, ...], message: str) -> None:
    path = tuple(_printable(part) for part in path)
    node = errors
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):  # a message already stands for this field
            return
        node = child
    node.setdefault(path[-1] if path else "non_field_errors", [message])


def _field_name(path: tuple[str, ...]) -> str:
    named = [part for part in path if not part.isdigit()]
    return named[-1].replace("_", " ") if named else "This value"


def _check_shape(data: Any, path: tuple[str, ...], errors: dict[str, Any]) -> None:
    if len(path) > MAX_DEPTH:
        raise ParseError(f"The request nests more than {MAX_DEPTH} levels deep.")
    if isinstance(data, list):
        if len(data) > MAX_ITEMS:
            _errors_at(errors, path, f"Send at most {MAX_ITEMS} items (this has {len(data)}).")
            return
        for index, value in enumerate(data):
            _check_shape(value, (*path, str(index)), errors)
    elif isinstance(data, dict):
        for key, value in data.items():
            _check_shape(value, (*path, str(key)), errors)


def check(data: Any) -> None:
    """Refuse, with each field's message, what no field of any endpoint may hold."""
    errors: dict[str, Any] = {}
    _check_shape(data, (), errors)
    for path, code in text.problems_in(data, keys=text.Problem.BROKEN):
        _errors_at(errors, path, text.message(_field_name(path), code))
    if errors:
        raise ValidationError(errors)


def _plain(data: QueryDict) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data}


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read() if stream is not None else b""
        charset = _charset(media_type)
        try:
            if charset:
                codecs.lookup(charset)
                body: str | bytes = raw.decode(charset)
            else:
                body = raw  # json.loads tells UTF-8, UTF-16 and UTF-32 apart
            data = json.loads(body, parse_constant=_no_constant)
        except (LookupError, ValueError) as exc:
            raise ParseError(f"The body is not JSON in a Unicode encoding: {exc}") from None
        except RecursionError:
            raise ParseError(f"The request nests more than {MAX_DEPTH} levels deep.") from None
        check(data)
        return data


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except (LookupError, UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"The form could not be read: {exc}") from None
        check(_plain(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        result = super().parse(stream, media_type, parser_context)
        check(_plain(result.data))
        return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _charset(media_type: str | None) -> str:
    for part in (media_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"')
    return ""
