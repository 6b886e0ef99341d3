"""A stand-in for GOV.UK Notify on 127.0.0.1, for the tests: GOV.UK Notify cannot be reached
from the test machines.

It implements the parts of Notify's API that Harken uses, as docs/notify-contract.md lists
them (each endpoint and field there links to Notify's own documentation), and no more:

- POST /v2/notifications/email, /v2/notifications/sms, /v2/notifications/letter
  (precompiled: `reference`, `content` a base64 PDF, `postage`), answering 201 with `id`,
  `reference` (and `content`, `template`, `uri`; a letter: `postage`);
- GET /v2/notifications/{id} and GET /v2/notifications?reference=… (`notifications`, `links`);
- the JWT every request carries (`Authorization: Bearer <jwt>`, HS256 signed with the secret
  part of the API key, `iss` the service id, `iat` within 30 seconds): a bad one is 403
  `AuthError`, as Notify answers;
- the callbacks Notify makes: a delivery receipt (`id`, `reference`, `to`, `status`,
  `created_at`, `completed_at`, `sent_at`, `notification_type`) and a text message received
  (`id`, `source_number`, `destination_number`, `message`, `date_received`), posted as JSON
  with `Authorization: Bearer <the callback token>`.

A test can make the next requests fail (`fail_next`: a 500 before anything is created) or lose
the answer (`lose_answer_next`: the notification is created, then a 500), to check Harken
retries and never sends twice.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"harken_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d"
CALLBACK_TOKEN = "a-callback-token-of-at-least-ten-characters"
TOKEN_WINDOW = 30  # seconds either side of now that `iat` may be


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class StandIn:
    port: int = 0
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    letters: dict[str, bytes] = field(default_factory=dict)  # each letter's PDF, by id
    failures: int = 0
    lost_answers: int = 0
    callback_url: str = ""
    inbound_url: str = ""
    callback_token: str = CALLBACK_TOKEN
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, times: int = 1) -> None:
        self.failures += times

    def lose_answer_next(self, times: int = 1) -> None:
        self.lost_answers += times

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [n for n in self.notifications.values() if n["type"] == kind]

    # --- Callbacks, as Notify makes them -----------------------------------------------------

    def _post(self, url: str, body: dict[str, Any], token: str | None) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310 (a test server's own address)
            url,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {token}"} if token is not None else {}),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def send_status(
        self, notification_id: str, status: str, *, token: str | None = None
    ) -> tuple[int, Any]:
        """Move a notification to `status` and post its delivery receipt to Harken."""
        with self.lock:
            notification = self.notifications[notification_id]
            notification["status"] = status
            notification["completed_at"] = _now()
            notification["sent_at"] = notification["sent_at"] or notification["completed_at"]
        to = (
            notification.get("email_address")
            or notification.get("phone_number")
            or notification.get("line_1")
        )
        body = {
            "id": notification_id,
            "reference": notification["reference"],
            "to": to,
            "status": status,
            "created_at": notification["created_at"],
            "completed_at": notification["completed_at"],
            "sent_at": notification["sent_at"],
            "notification_type": notification["type"],
        }
        return self._post(self.callback_url, body, self.callback_token if token is None else token)

    def send_inbound_text(self, source_number: str, message: str) -> tuple[int, Any]:
        body = {
            "id": str(uuid.uuid4()),
            "source_number": source_number,
            "destination_number": "07700900000",
            "message": message,
            "date_received": _now(),
        }
        return self._post(self.inbound_url, body, self.callback_token)


class _Handler(BaseHTTPRequestHandler):
    stand_in: StandIn

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, error: str, message: str) -> None:
        self._answer(
            status, {"status_code": status, "errors": [{"error": error, "message": message}]}
        )

    def _authorised(self) -> bool:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            self._error(401, "AuthError", "Unauthorized: authentication token must be provided")
            return False
        try:
            claims = jwt.decode(
                token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]}
            )
        except jwt.InvalidTokenError:
            self._error(403, "AuthError", "Invalid token: signature, api token not found")
            return False
        if claims.get("iss") != SERVICE_ID:
            self._error(403, "AuthError", "Invalid token: service not found")
            return False
        if abs(time.time() - float(claims["iat"])) > TOKEN_WINDOW:
            self._error(
                403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
            )
            return False
        return True

    def do_GET(self) -> None:
        self.stand_in.requests.append(("GET", self.path))
        if not self._authorised():
            return
        url = urlparse(self.path)
        if url.path.startswith("/v2/notifications/"):
            found = self.stand_in.notifications.get(url.path.rsplit("/", 1)[-1])
            if found is None:
                self._error(404, "NoResultFound", "No result found")
            else:
                self._answer(200, found)
            return
        if url.path == "/v2/notifications":
            reference = parse_qs(url.query).get("reference", [None])[0]
            listed = [
                n
                for n in reversed(list(self.stand_in.notifications.values()))
                if reference is None or n["reference"] == reference
            ]
            self._answer(
                200,
                {
                    "notifications": listed,
                    "links": {"current": f"{self.stand_in.base_url}{self.path}"},
                },
            )
            return
        self._error(404, "NotFound", "Not found")

    def do_POST(self) -> None:
        self.stand_in.requests.append(("POST", self.path))
        if not self._authorised():
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        except ValueError:
            self._error(400, "BadRequestError", "Invalid JSON supplied in POST data")
            return
        if self.stand_in.failures:
            self.stand_in.failures -= 1
            self._error(500, "Exception", "Internal server error")
            return
        kind = self.path.rsplit("/", 1)[-1]
        made = self._make(kind, body)
        if made is None:
            return
        if self.stand_in.lost_answers:
            self.stand_in.lost_answers -= 1
            self._error(500, "Exception", "Internal server error")  # made, answer lost
            return
        self._answer(201, made)

    def _make(self, kind: str, body: dict[str, Any]) -> dict[str, Any] | None:
        notification: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "reference": body.get("reference"),
            "email_address": None,
            "phone_number": None,
            "line_1": None,
            "type": kind,
            "status": "created",
            "created_at": _now(),
            "sent_at": None,
            "completed_at": None,
            "body": "",
            "subject": None,
        }
        if kind in ("email", "sms"):
            needed = "email_address" if kind == "email" else "phone_number"
            if not body.get(needed) or not body.get("template_id"):
                self._error(400, "ValidationError", f"{needed} is a required property")
                return None
            expected = EMAIL_TEMPLATE if kind == "email" else SMS_TEMPLATE
            if body["template_id"] != expected:
                self._error(400, "BadRequestError", "Template not found")
                return None
            personalisation = body.get("personalisation") or {}
            notification[needed] = body[needed]
            notification["template"] = {"id": expected, "version": 1, "uri": ""}
            notification["body"] = personalisation.get("body", "")
            notification["subject"] = personalisation.get("subject")
            notification["personalisation"] = personalisation
            answer = {
                "id": notification["id"],
                "reference": notification["reference"],
                "content": {"body": notification["body"], "subject": notification["subject"]},
                "uri": f"{self.stand_in.base_url}/v2/notifications/{notification['id']}",
                "template": notification["template"],
            }
        elif kind == "letter":
            if not body.get("reference") or not body.get("content"):
                self._error(400, "ValidationError", "reference and content are required")
                return None
            try:
                pdf = base64.b64decode(body["content"], validate=True)
            except ValueError:
                self._error(400, "ValidationError", "content is not a valid base64 PDF")
                return None
            if not pdf.startswith(b"%PDF-"):
                self._error(400, "ValidationError", "Letter content is not a valid PDF")
                return None
            notification["status"] = "pending-virus-check"
            notification["postage"] = body.get("postage") or "second"
            self.stand_in.letters[notification["id"]] = pdf
            answer = {
                "id": notification["id"],
                "reference": notification["reference"],
                "postage": notification["postage"],
            }
        else:
            self._error(404, "NotFound", "Not found")
            return None
        with self.stand_in.lock:
            self.stand_in.notifications[notification["id"]] = notification
        return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True


@contextlib.contextmanager
def running() -> Iterator[StandIn]:
    """The stand-in on a free port of 127.0.0.1, stopped afterwards."""
    stand_in = StandIn()
    handler = type("Handler", (_Handler,), {"stand_in": stand_in})
    server = _Server(("127.0.0.1", 0), handler)
    stand_in.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
