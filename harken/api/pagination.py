"""The API's pages.

The case list answers two ways (ADR 0130):

- `?page=N` (and no `cursor`): numbered pages with an exact `count`, as since version 1.0;
  each page reads every case before it and counts them all, so it costs more the more cases
  a council has ever had.
- `?cursor=` (empty for the first page; then the `next` link's value): keyset pages, added in
  API 1.1. The next page starts after the last case shown (its next deadline, date received
  and id), read from an index, so every page costs the same at ten thousand cases or a
  million. `count` counts up to 10,000 and `count_capped` says when there are more, as the
  staff pages say "more than 10,000". Cursor pages go forward only: `previous` is null.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

COUNT_CAP = 10_000
BAD_CURSOR = "This cursor is not one the API gave: start again from the first page."


def _encode(position: tuple[dt.date | None, dt.date, int]) -> str:
    due, received, pk = position
    raw = json.dumps([due.isoformat() if due else None, received.isoformat(), pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.date | None, dt.date, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        due, received, pk = json.loads(raw)
        position = (
            dt.date.fromisoformat(due) if due is not None else None,
            dt.date.fromisoformat(received),
            int(pk),
        )
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": [BAD_CURSOR]}) from exc
    if position[2] < 1 or position[2] > 2**63 - 1:
        raise ValidationError({"cursor": [BAD_CURSOR]})
    return position


class CasePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def __init__(self) -> None:
        self.cursor_mode = False
        self.next_cursor: str | None = None
        self.capped_count = 0
        self.count_capped = False

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        if self.cursor_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        if not isinstance(queryset, QuerySet):
            raise TypeError("Cursor pages are cut from a queryset of cases.")
        self.cursor_mode = True
        self.request = request
        size = self.get_page_size(request) or self.page_size
        cursor = request.query_params[self.cursor_query_param]
        after = _decode(cursor) if cursor else None
        return self._keyset_page(queryset, after, size)

    def _keyset_page(
        self, queryset: QuerySet[Any], after: tuple[dt.date | None, dt.date, int] | None, size: int
    ) -> list[Any]:
        """Cases with a deadline first (soonest first), then those without; within each, by
        date received and id: the caseload's order, with "no deadline" last on every
        database. Each part is one index range; the second is read only when the first runs
        out on this page."""
        table = queryset.model._meta.db_table
        ordered = queryset.order_by(F("next_due_on").asc(nulls_last=True), "received_on", "id")
        self.capped_count = ordered.order_by()[: COUNT_CAP + 1].count()
        self.count_capped = self.capped_count > COUNT_CAP
        dated = ordered.filter(next_due_on__isnull=False)
        undated = ordered.filter(next_due_on__isnull=True)
        if after is not None and after[0] is not None:
            # Row comparison: one range of case_list_order_idx. Only the table's own name and
            # columns are in the SQL; the cursor's values are parameters.
            dated = dated.filter(
                RawSQL(  # noqa: S611
                    f'("{table}"."next_due_on", "{table}"."received_on", "{table}"."id")'
                    " > (%s, %s, %s)",
                    after,
                    output_field=BooleanField(),
                )
            )
        if after is not None and after[0] is None:
            rows: list[Any] = []
            undated = undated.filter(
                RawSQL(  # noqa: S611
                    f'("{table}"."received_on", "{table}"."id") > (%s, %s)',
                    after[1:],
                    output_field=BooleanField(),
                )
            )
        else:
            rows = list(dated[: size + 1])
        if len(rows) <= size:
            rows += list(undated[: size + 1 - len(rows)])
        page, more = rows[:size], len(rows) > size
        if more:
            last = page[-1]
            self.next_cursor = _encode((last.next_due_on, last.received_on, last.pk))
        return page

    def get_paginated_response(self, data: Any) -> Response:
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": min(self.capped_count, COUNT_CAP),
                "count_capped": self.count_capped,
                "next": self.get_next_link(),
                "previous": None,
                "results": data,
            }
        )

    def get_next_link(self) -> str | None:
        if not self.cursor_mode:
            return super().get_next_link()
        if self.next_cursor is None or self.request is None:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.cursor_query_param, self.next_cursor)
        return remove_query_param(url, self.page_query_param)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            "With `page`: every case matching. With `cursor` (API 1.1): up to 10,000."
        )
        answer["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "With `cursor` only (API 1.1): true when more than 10,000 match.",
        }
        answer["properties"]["next"]["description"] = (
            "The next page: with `cursor`, carries the next page's cursor."
        )
        answer["properties"]["previous"]["description"] = "Always null with `cursor`."
        return answer

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "API 1.1: keyset pages. Empty for the first page, then the value in the "
                    "`next` link. Every page costs the same however many cases there are; "
                    "`count` stops at 10,000. Without it, `page` numbers the pages."
                ),
                "schema": {"type": "string"},
            }
        )
        return parameters


class PeoplePagination(PageNumberPagination):
    """A person-finder shows a short list: refine the search rather than page through people."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 50
