"""Virus scanning with ClamAV's daemon (clamd), using its INSTREAM protocol over a socket.

The protocol: send `zINSTREAM\\0`, then the file as chunks each prefixed with its length as
a 4-byte big-endian number, then a zero length; clamd answers `stream: OK\\0`,
`stream: <signature> FOUND\\0`, or `... ERROR\\0`. Scanning is on when HARKEN_CLAMD_SOCKET or
HARKEN_CLAMD_HOST is set (see `harken.documents.conf`).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from . import conf
from .models import ScanStatus

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


@dataclass(frozen=True)
class ScanResult:
    status: str
    signature: str = ""
    error: str = ""


def _connect() -> socket.socket:
    timeout = conf.clamd_timeout()
    path = conf.clamd_socket()
    if path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except OSError:
            sock.close()
            raise
        return sock
    return socket.create_connection((conf.clamd_host(), conf.clamd_port()), timeout=timeout)


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
        data = sock.recv(1024)
        if not data:
            break
        reply += data
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _send(sock: socket.socket, chunks: Iterable[bytes]) -> None:
    sock.sendall(b"zINSTREAM\0")
    for chunk in chunks:
        for start in range(0, len(chunk), CHUNK_BYTES):
            piece = chunk[start : start + CHUNK_BYTES]
            sock.sendall(struct.pack("!I", len(piece)) + piece)
    sock.sendall(struct.pack("!I", 0))


def parse_reply(reply: str) -> ScanResult:
    answer = reply.split(":", 1)[1].strip() if reply.startswith("stream:") else reply
    if answer == "OK":
        return ScanResult(ScanStatus.CLEAN)
    if answer.endswith(" FOUND"):
        return ScanResult(ScanStatus.INFECTED, signature=answer.removesuffix(" FOUND").strip())
    return ScanResult(ScanStatus.ERROR, error=answer or "no answer from clamd")


def scan(chunks: Iterable[bytes]) -> ScanResult:
    """Scan a file given as chunks of bytes; NOT_SCANNED when scanning is not configured."""
    if not conf.scanning_enabled():
        return ScanResult(ScanStatus.NOT_SCANNED)
    try:
        with _connect() as sock:
            try:
                _send(sock, chunks)
            except OSError:
                # clamd closes the stream early when it is over its size limit, and says why.
                reply = _read_reply(sock)
                if not reply:
                    raise
            else:
                reply = _read_reply(sock)
    except OSError as exc:
        return ScanResult(ScanStatus.ERROR, error=f"clamd could not be reached: {exc}")
    return parse_reply(reply)
