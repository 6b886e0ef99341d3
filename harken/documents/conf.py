"""The documents app's settings, each read from Django settings, else the environment.

| setting | default | meaning |
|---|---|---|
| HARKEN_MAX_UPLOAD_MB | 20 | largest file accepted, in megabytes |
| HARKEN_CLAMD_SOCKET | — | path of clamd's Unix socket; turns scanning on |
| HARKEN_CLAMD_HOST, HARKEN_CLAMD_PORT | —, 3310 | clamd over TCP instead; turns scanning on |
| HARKEN_CLAMD_TIMEOUT | 30 | seconds to wait for clamd |
| HARKEN_CLAMD_REQUIRED | true | refuse uploads when clamd cannot be reached (false: accept them, |
|  |  | marked "could not be scanned") |
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


def _setting(name: str, default: Any) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def max_upload_bytes() -> int:
    return int(float(_setting("HARKEN_MAX_UPLOAD_MB", 20)) * 1024 * 1024)


def max_upload_mb() -> str:
    value = float(_setting("HARKEN_MAX_UPLOAD_MB", 20))
    return f"{value:g}MB"


def clamd_socket() -> str:
    return str(_setting("HARKEN_CLAMD_SOCKET", "") or "")


def clamd_host() -> str:
    return str(_setting("HARKEN_CLAMD_HOST", "") or "")


def clamd_port() -> int:
    return int(_setting("HARKEN_CLAMD_PORT", 3310) or 3310)


def clamd_timeout() -> float:
    return float(_setting("HARKEN_CLAMD_TIMEOUT", 30) or 30)


def clamd_required() -> bool:
    return _as_bool(_setting("HARKEN_CLAMD_REQUIRED", True))


def scanning_enabled() -> bool:
    return bool(clamd_socket() or clamd_host())
