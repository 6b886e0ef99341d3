"""An upload handler that refuses files too big or too many while they are still arriving.

Without it a very large file would be written to a temporary file before any view could
refuse it. It runs first, so the bytes of a refused file are read and dropped, never kept.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

PROBLEMS_ATTR = "intake_upload_problems"


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, *, max_bytes: int, max_files: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.files = 0
        self.received = 0
        setattr(request, PROBLEMS_ATTR, [])

    def _refuse(self, problem: str) -> None:
        getattr(self.request, PROBLEMS_ATTR).append(problem)
        raise SkipFile

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        self.received = 0
        if self.files > self.max_files:
            self._refuse("too_many")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self._refuse("too_big")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
