"""Nothing Harken answers is kept in a browser's or a proxy's cache: every page, API answer
and download shows a case, a person or search results, or may. Static files (served before
this by WhiteNoise) keep their long lifetimes. And the Content-Security-Policy header."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import ClassVar

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" in response:
            patch_cache_control(response, no_store=True)
        else:
            add_never_cache_headers(response)
        return response


class PolicyOnceMiddleware(CSPMiddleware):
    """django-csp's middleware, with the two policies worked out once a process.

    django-csp builds the `Content-Security-Policy` header from the setting on every response,
    and the report-only one as well (to find it empty): a twentieth of a public page's CPU.
    A response that carries no policy of its own (no `@csp_update` and the like) and a request
    that asked for no nonce get the same headers as before, from strings built on first use
    and again whenever the settings change; anything else goes through django-csp unchanged.
    """

    _built: ClassVar[dict[bool, str]] = {}

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_CODES and settings.DEBUG:
            return response
        for report_only, header, exempt in _HEADERS:
            policy = self._built.get(report_only)
            if policy is None:
                policy = self._built[report_only] = build_policy(report_only=report_only)
            if not policy or header in response or getattr(response, exempt, False):
                continue
            setting = "CONTENT_SECURITY_POLICY" + ("_REPORT_ONLY" if report_only else "")
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if not request.path_info.startswith(tuple(prefixes or ())):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_DEBUG_CODES = (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND)
_HEADERS = ((False, HEADER, "_csp_exempt"), (True, HEADER_REPORT_ONLY, "_csp_exempt_ro"))


@receiver(setting_changed)
def _policy_setting_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        PolicyOnceMiddleware._built.clear()
