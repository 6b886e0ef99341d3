"""Nothing Harken answers is kept in a browser's or a proxy's cache: every page, API answer
and download shows a case, a person or search results, or may. Static files (served before
this by WhiteNoise) keep their long lifetimes."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
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
