"""The schema says every answer the API gives: each operation lists the shared error answers
it can give (drf-spectacular post-processing hook), each as the `Error` JSON.

Without this, an answer every endpoint gives (401 without credentials, 404 for a page past
the end of a list, 400 for a filter that is not a date) is missing from the operations that
did not name it, and a client generated from the schema does not expect it.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
DESCRIPTIONS = {
    "400": "Invalid input, or refused by the rules",
    "401": "No credentials, or credentials that are not valid",
    "403": "Your role may not do this",
    "404": "Nothing you may see at this address (or a page past the end of a list)",
}


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the error answers an operation can give and does not name yet."""
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400"]
            if operation.get("security") != [] and not path.endswith("/auth/token/"):
                codes += ["401", "403"]
            paged = any(p.get("name") == "page" for p in operation.get("parameters", []))
            if "{" in path or method == "get" or paged:
                codes.append("404")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                # Answered by the web server (gunicorn's limit on the request line), not by
                # Harken: no JSON body.
                responses.setdefault("414", {"description": "The address is too long"})
    return result
