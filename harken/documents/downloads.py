"""One way to hand a stored file to a member of staff: streamed from the storage as it is
read (disk, S3 or Azure; never a URL of it), decrypted as it goes, as an attachment that the
browser will not run. A file that is not there is a 404; a file encrypted with a key this
installation does not have is a page saying so (503: the service cannot serve it until an
administrator restores the key), never a 500 and never the ciphertext."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header

from harken.ops import crypto, storage

logger = logging.getLogger(__name__)


def download(
    request: HttpRequest,
    name: str,
    *,
    content_type: str,
    size: int,
    filename: str,
    what: str,
) -> HttpResponseBase:
    """`what` names the record in the logs without personal data (e.g. "document 12")."""
    try:
        chunks = storage.stream(name)
    except FileNotFoundError as exc:
        logger.error("Stored file missing for %s", what)
        raise Http404 from exc
    except crypto.DecryptionError as exc:
        logger.error("Stored file for %s cannot be decrypted: %s", what, type(exc).__name__)
        return unavailable(request, exc)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def unavailable(request: HttpRequest, exc: crypto.DecryptionError) -> HttpResponse:
    return render(
        request,
        "documents/file_unavailable.html",
        {"key_id": exc.key_id if isinstance(exc, crypto.UnknownKey) else ""},
        status=503,
    )
