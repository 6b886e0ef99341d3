"""A small Outlook .msg for the tests, written with extract-msg's own OLE writer: the property
streams of MS-OXMSG (subject 0x0037 and body 0x1000 as UTF-16 strings, PT_UNICODE 0x001F) and
the top-level properties stream's 32-byte header."""

from __future__ import annotations

import io
import struct

from extract_msg.ole_writer import OleWriter

PT_UNICODE = 0x001F


def _property(tag: int, size: int) -> bytes:
    # A variable-length property entry: tag (id << 16 | type), flags, size, reserved.
    return struct.pack("<IIII", tag, 0x6, size, 0)


def outlook_msg(*, subject: str, body: str) -> bytes:
    writer = OleWriter()
    streams = {0x0037: subject, 0x1000: body, 0x001A: "IPM.Note"}
    entries = b""
    for prop, text in streams.items():
        data = text.encode("utf-16-le")
        writer.addEntry(f"__substg1.0_{prop:04X}{PT_UNICODE:04X}", data)
        entries += _property(prop << 16 | PT_UNICODE, len(data) + 2)
    header = struct.pack("<8sIIII8s", b"\0" * 8, 0, 0, 0, 0, b"\0" * 8)
    writer.addEntry("__properties_version1.0", header + entries)
    for storage in ("__nameid_version1.0",):
        writer.addEntry(storage, storage=True)
        writer.addEntry(f"{storage}/__substg1.0_00020102", b"")
        writer.addEntry(f"{storage}/__substg1.0_00030102", b"")
        writer.addEntry(f"{storage}/__substg1.0_00040102", b"")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
