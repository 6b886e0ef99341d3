"""GOV.UK Notify's callbacks: delivery receipts and text messages received.

Notify posts JSON with `Authorization: Bearer <the token Harken gave it>`
(HARKEN_NOTIFY_CALLBACK_TOKEN). A missing or wrong token is 401, a body that is not what
Notify sends is 400, each with a JSON error; nothing is logged but the outcome (no numbers,
no addresses, no words of a text)."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import notify

logger = logging.getLogger(__name__)


def _body(request: HttpRequest) -> tuple[object | None, JsonResponse | None]:
    if not notify.token_ok(request.headers.get("Authorization", "")):
        return None, JsonResponse(
            {"error": "unauthorised", "message": "The bearer token is missing or wrong."},
            status=401,
        )
    try:
        return json.loads(request.body or b""), None
    except (ValueError, UnicodeDecodeError):
        return None, JsonResponse(
            {"error": "bad_request", "message": "The body must be JSON."}, status=400
        )


def _bad(exc: notify.BadCallback) -> JsonResponse:
    return JsonResponse(
        {
            "error": "bad_request",
            "field": str(exc),
            "message": f"The field {exc} is missing or not what GOV.UK Notify sends.",
        },
        status=400,
    )


@csrf_exempt
@require_POST
def delivery_receipt(request: HttpRequest) -> JsonResponse:
    body, refused = _body(request)
    if refused is not None:
        return refused
    try:
        result = notify.delivery_receipt(body)
    except notify.BadCallback as exc:
        return _bad(exc)
    logger.info("GOV.UK Notify delivery receipt: %s", result)
    return JsonResponse({"result": result})


@csrf_exempt
@require_POST
def inbound_text(request: HttpRequest) -> JsonResponse:
    body, refused = _body(request)
    if refused is not None:
        return refused
    try:
        _text, created = notify.inbound_text(body)
    except notify.BadCallback as exc:
        return _bad(exc)
    logger.info("GOV.UK Notify text received (%s)", "stored" if created else "already stored")
    return JsonResponse({"result": "stored" if created else "unchanged"})
