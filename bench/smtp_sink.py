"""A mail server for benchmarks: accepts every message on 127.0.0.1 and keeps who it was to
and its subject (nothing else), so a benchmark can count what was sent, and how often."""

from __future__ import annotations

import email
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[tuple[tuple[str, ...], str]] = field(default_factory=list)

    def add(self, recipients: list[str], subject: str) -> None:
        with self.lock:
            self.messages.append((tuple(recipients), subject))

    def snapshot(self) -> list[tuple[tuple[str, ...], str]]:
        with self.lock:
            return list(self.messages)


class _Handler(socketserver.StreamRequestHandler):
    received: Received

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 harken-bench-smtp")
        recipients: list[str] = []
        while raw := self.rfile.readline():
            command = raw.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in ("HELO", "EHLO"):
                self._reply("250 harken-bench-smtp")
            elif verb == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines: list[bytes] = []
                while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                message = email.message_from_bytes(b"".join(lines))
                subject = str(
                    email.header.make_header(email.header.decode_header(message.get("Subject", "")))
                )
                self.received.add(recipients, subject)
                self._reply("250 OK: queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("250 OK")


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def smtp_sink(port: int) -> Iterator[Received]:
    received = Received()
    handler = type("Handler", (_Handler,), {"received": received})
    server = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
