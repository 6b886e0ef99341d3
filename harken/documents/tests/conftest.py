"""Document test helpers: files of each type, a case, a fake clamd, storage in a temp folder."""

from __future__ import annotations

import datetime as dt
import io
import socket
import socketserver
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from harken.cases.models import AppointmentRole, Case
from harken.cases.tests.factories import complaint, respond_all

D = dt.date
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """Friday 28 June 2024, midday."""
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files go to a temporary folder; scanning is off unless a test turns it on."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HARKEN_CLAMD_SOCKET = ""
    settings.HARKEN_CLAMD_HOST = ""
    return settings.MEDIA_ROOT


# --- Files of each type ---------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx_bytes(*, macro: bool = False) -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Notes of the home visit")
    document.save(buffer)
    if not macro:
        return buffer.getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))
        )

    header = struct.pack("!IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def eml_bytes() -> bytes:
    return (
        b"Received: from mail.example.com by mx.example.gov.uk; Mon, 3 Jun 2024 09:00:00 +0100\r\n"
        b"From: Sam Example <sam@example.com>\r\n"
        b"To: complaints@example.gov.uk\r\n"
        b"Subject: My complaint\r\n"
        b"Date: Mon, 3 Jun 2024 09:00:00 +0100\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"\r\n"
        b"I want to complain about the visits being cancelled.\r\n"
    )


def ole_bytes(*stream_names: str) -> bytes:
    """An OLE compound file's signature and directory names: enough for type detection."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    names = b"".join(n.encode("utf-16-le") + b"\x00\x00" for n in stream_names)
    return header + b"\x00" * 512 + names + b"\x00" * 512


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- Cases ------------------------------------------------------------------------------------


@pytest.fixture
def case(officer) -> Case:
    """A children's statutory stage 1 complaint about the Assessment Teams."""
    return complaint(actor=officer, received_on=D(2024, 6, 3))


@pytest.fixture
def stage2_case(officer, io_user, ip_user) -> Case:
    """At stage 2 with the IO appointed (so the IO may see it)."""
    from harken.cases import services

    case = complaint(actor=officer, received_on=D(2024, 1, 8))
    respond_all(case, on=D(2024, 1, 19), actor=officer)
    services.complaint_escalate(case=case, requested_on=D(2024, 1, 29), actor=officer)
    services.statement_agree(case=case, on=D(2024, 2, 5), actor=officer)
    services.appointment_make(
        case=case,
        user=io_user,
        role=AppointmentRole.INVESTIGATING_OFFICER,
        on=D(2024, 2, 6),
        actor=officer,
    )
    return case


# --- A fake clamd -------------------------------------------------------------------------------


@dataclass
class FakeClamd:
    host: str
    port: int
    received: list[bytes] = field(default_factory=list)


class _ClamdHandler(socketserver.BaseRequestHandler):
    """Speaks just enough of clamd's INSTREAM protocol: collects the chunks, then answers."""

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            more = self.request.recv(n - len(data))
            if not more:
                break
            data += more
        return data

    def handle(self) -> None:
        command = self._read(len(b"zINSTREAM\0"))
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        body = b""
        while True:
            (length,) = struct.unpack("!I", self._read(4))
            if length == 0:
                break
            body += self._read(length)
        self.server.received.append(body)  # type: ignore[attr-defined]
        if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in body:
            self.request.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def fake_clamd(settings) -> Iterator[FakeClamd]:
    """A clamd on 127.0.0.1 for the test, stopped after it; scanning turned on."""
    server = _Server(("127.0.0.1", 0), _ClamdHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    settings.HARKEN_CLAMD_HOST = host
    settings.HARKEN_CLAMD_PORT = port
    settings.HARKEN_CLAMD_TIMEOUT = 5
    try:
        yield FakeClamd(host=str(host), port=int(port), received=server.received)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def unreachable_clamd(settings) -> None:
    """Scanning configured, but nothing listens on the port."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    settings.HARKEN_CLAMD_HOST = "127.0.0.1"
    settings.HARKEN_CLAMD_PORT = port
    settings.HARKEN_CLAMD_TIMEOUT = 2
