"""Per-client limits on the public forms, counted in Django's cache.

Fixed windows: each client's count for the current minute (or hour) is one cache key that
expires with the window. The default local-memory cache counts per server process; a site
with several processes or servers must point CACHES at a shared cache (the database cache
table or Redis) for the limits to hold across them (docs/public-forms.md).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest

from harken.core.web import client_address


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int


def posts_limit() -> Limit:
    return Limit("posts", settings.HARKEN_INTAKE_POSTS_PER_MINUTE, 60)


def submissions_limit() -> Limit:
    return Limit("submissions", settings.HARKEN_INTAKE_SUBMISSIONS_PER_HOUR, 3600)


def upload_bytes_limit() -> Limit:
    """Bytes of files sent from one address in an hour, whatever sessions they come from."""
    return Limit("upload-bytes", settings.HARKEN_INTAKE_UPLOAD_MB_PER_HOUR * 1024 * 1024, 3600)


def hit(request: HttpRequest, limit: Limit, amount: int = 1) -> int | None:
    """Count one use (or `amount`, e.g. bytes); return the seconds to wait if the client is
    over the limit, else None."""
    if not settings.HARKEN_INTAKE_RATE_LIMITS:
        return None
    now = time.time()
    window = int(now // limit.seconds)
    # Addresses are hashed: the cache holds counts, not who sent what.
    client = hashlib.sha256(client_address(request).encode()).hexdigest()[:24]
    key = f"harken:intake:{limit.scope}:{client}:{window}"
    count = _count(key, amount, limit.seconds + 5)
    if count > limit.count:
        return max(1, int(limit.seconds - (now % limit.seconds)))
    return None


def _increment(key: str, amount: int, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=timeout)
        return amount


def _count(key: str, amount: int, timeout: int) -> int:
    """Add `amount` to the key's count and return it. Redis adds atomically; Django's
    database cache reads and then writes, so two processes could both read the same count
    and let one form too many through: on PostgreSQL the read and write are made under a
    transaction-scoped advisory lock on the key, so processes take turns."""
    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        db = router.db_for_write(backend.cache_model_class)
        if connections[db].vendor == "postgresql":
            lock = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            with transaction.atomic(using=db), connections[db].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
                return _increment(key, amount, timeout)
    return _increment(key, amount, timeout)
