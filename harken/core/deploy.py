"""`harken check --deploy`: what production settings must have beyond Django's own checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The public forms' rate limits count in the cache: one per process counts alone."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS and settings.HARKEN_INTAKE_RATE_LIMITS:
        return [
            Warning(
                "The cache is not shared between processes, so the public forms' rate limits "
                "are counted by each process alone.",
                hint="Set CACHE_URL to redis://host:6379/0 or db://harken_cache "
                "(then run `harken createcachetable`).",
                id="harken.W001",
            )
        ]
    return []
