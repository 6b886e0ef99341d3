"""Writing an uploaded file, for staff and the public alike: a full disk or read-only
storage is a refusal the person reads, never a server error, and never a half-written file.

Django's FileSystemStorage writes a file in place, chunk by chunk: a disk that fills part
way through leaves the part already written. The names Harken stores under are its own and
random (never the person's), so the name that failed is the name to remove.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.core.files.storage import Storage

from .errors import ApplicationError

logger = logging.getLogger(__name__)


class StorageUnavailable(ApplicationError):
    """The file could not be written (a full disk, read-only or unreachable storage)."""


def save_file(storage: Storage, name: str, content: Any, *, message: str) -> str:
    """Save `content` as `name` (a unique name: nothing else is stored there) and return the
    name stored. If the storage fails, whatever it wrote is removed and `StorageUnavailable`
    is raised with `message`, beside the "file" field."""
    try:
        return str(storage.save(name, content, max_length=200))
    except OSError as exc:
        # The error's text names the path, not the person; logged for whoever runs the site.
        logger.error("Could not store an upload: %s (%s)", type(exc).__name__, exc.strerror)
        with contextlib.suppress(OSError):
            if storage.exists(name):
                storage.delete(name)
        raise StorageUnavailable(message, field_errors={"file": [message]}) from exc
