"""What a file really is, judged from its content, never from its name: the one policy for
every upload, by staff to a case and by the public with an online form.

Accepted: PDF, Word (.doc, .docx) and OpenDocument text (.odt) without macros, JPEG, PNG,
GIF, WEBP and HEIC images, e-mails (.eml, .msg) and plain text (.txt). Everything else (RTF,
spreadsheets, archives, programs, web pages, documents with macros) is refused with a
message saying what it appears to be.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import filetype

from harken.core.errors import ApplicationError

HEAD_BYTES = 64 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    mime: str
    extension: str
    # Other extensions that name the same type (kept if the uploaded name uses one).
    aliases: tuple[str, ...] = ()


PDF = FileType("pdf", "PDF", "application/pdf", ".pdf")
DOC = FileType("doc", "Word document", "application/msword", ".doc")
DOCX = FileType(
    "docx",
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
)
JPEG = FileType("jpeg", "JPEG image", "image/jpeg", ".jpg", (".jpeg",))
PNG = FileType("png", "PNG image", "image/png", ".png")
GIF = FileType("gif", "GIF image", "image/gif", ".gif")
HEIC = FileType("heic", "HEIC photo", "image/heic", ".heic", (".heif",))
WEBP = FileType("webp", "WEBP image", "image/webp", ".webp")
ODT = FileType("odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", ".odt")
EML = FileType("eml", "E-mail", "message/rfc822", ".eml")
MSG = FileType("msg", "Outlook e-mail", "application/vnd.ms-outlook", ".msg")
TXT = FileType("txt", "Text file", "text/plain", ".txt")

ACCEPTED: tuple[FileType, ...] = (
    PDF,
    DOC,
    DOCX,
    ODT,
    JPEG,
    PNG,
    GIF,
    WEBP,
    HEIC,
    EML,
    MSG,
    TXT,
)
ACCEPTED_TEXT = (
    "a PDF, Word or OpenDocument text document, JPEG, PNG, GIF, WEBP or HEIC image, e-mail "
    "or text file"
)
_IMAGES = {"jpg": JPEG, "png": PNG, "gif": GIF, "webp": WEBP, "heic": HEIC}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Where OpenDocument keeps macros (LibreOffice Basic, and scripts in other languages).
ODT_MACRO_FOLDERS = ("Basic/", "Scripts/")

# What filetype calls the things we refuse, in words a person understands.
_REFUSED_WORDS = {
    "exe": "a program",
    "elf": "a program",
    "wasm": "a program",
    "crx": "a browser extension",
    "zip": "a zip archive",
    "rar": "an archive",
    "7z": "an archive",
    "gz": "a compressed archive",
    "tar": "an archive",
    "xls": "an Excel spreadsheet",
    "xlsx": "an Excel spreadsheet",
    "ppt": "a PowerPoint presentation",
    "pptx": "a PowerPoint presentation",
    "rtf": "a rich text (RTF) file",
}

_HEADER_LINE = re.compile(rb"^([!-9;-~]+):")
_EMAIL_HEADERS = {b"date", b"subject", b"to", b"message-id", b"received", b"mime-version"}


def _refuse(message: str) -> ApplicationError:
    return ApplicationError.for_field("file", message)


def _wrong_type(what: str | None = None) -> ApplicationError:
    if what:
        return _refuse(f"The selected file appears to be {what}. It must be {ACCEPTED_TEXT}.")
    return _refuse(f"The selected file must be {ACCEPTED_TEXT}.")


def _chunks(file: IO[bytes], size: int = 1024 * 1024) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(size):
        yield chunk


def _contains(file: IO[bytes], needle: bytes) -> bool:
    """Search the whole file in chunks, overlapping so a needle across a boundary is found."""
    tail = b""
    for chunk in _chunks(file):
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle) :]
    return False


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole_type(file: IO[bytes]) -> FileType:
    """An OLE compound file: an Outlook message or a Word 97-2003 document, nothing else."""
    if _contains(file, _utf16("__substg1.0_")):
        return MSG
    if _contains(file, _utf16("WordDocument")):
        if _contains(file, _utf16("_VBA_PROJECT")) or _contains(file, _utf16("Macros")):
            raise _refuse("The selected Word document contains macros, so it is not accepted.")
        return DOC
    raise _wrong_type("an older Office file that is not a Word document")


def _zip_type(file: IO[bytes]) -> FileType:
    """A zip archive is accepted only as a Word or OpenDocument text document without
    macros."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            content_types = b""
            mimetype = b""
            # Read bounded amounts: a crafted archive could inflate to gigabytes.
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    content_types = member.read(200_000)
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).strip()
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError) as exc:
        raise _wrong_type("a damaged or unreadable archive") from exc
    if mimetype == ODT_MIMETYPE and "content.xml" in names:
        if any(name.startswith(ODT_MACRO_FOLDERS) for name in names):
            raise _refuse("The selected document contains macros, so it is not accepted.")
        return ODT
    if "word/document.xml" not in names or not content_types:
        kind = filetype.guess(_head(file))
        return _raise_refused(kind.extension if kind else "zip")
    if "word/vbaProject.bin" in names or b"macroEnabled" in content_types:
        raise _refuse("The selected Word document contains macros, so it is not accepted.")
    return DOCX


def _raise_refused(extension: str) -> FileType:
    raise _wrong_type(_REFUSED_WORDS.get(extension, f"a .{extension} file"))


def _head(file: IO[bytes]) -> bytes:
    file.seek(0)
    return file.read(HEAD_BYTES)


def _is_text(head: bytes) -> bool:
    """No NUL or other control bytes except tab, line feed, form feed and carriage return."""
    return not any(b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D) for b in head)


def _looks_like_email(head: bytes) -> bool:
    """RFC 822 headers at the top: a From header and one other that every e-mail has."""
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[0].startswith(b"From "):  # an mbox separator line
        lines = lines[1:]
    names: set[bytes] = set()
    for index, line in enumerate(lines):
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and index > 0:  # a folded continuation line
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    return b"from" in names and bool(names & _EMAIL_HEADERS)


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(b"<") or b"<script" in head.lower() or b"<html" in head.lower()


def detect(file: IO[bytes], name: str) -> FileType:
    """The type of `file` from its content; refuses types Harken does not accept."""
    head = _head(file)
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise _wrong_type("a program")
    if head.lstrip(b" \t\r\n").startswith(b"%PDF-"):
        return PDF
    if head.startswith(OLE_SIGNATURE):
        return _ole_type(file)
    if head.startswith(ZIP_SIGNATURE):
        return _zip_type(file)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.extension in _IMAGES:
            return _IMAGES[kind.extension]
        return _raise_refused(kind.extension)
    if _is_text(head):
        if _looks_like_email(head):
            return EML
        if _looks_like_markup(head):
            raise _wrong_type("a web page or other markup")
        if name.lower().endswith(".txt"):
            return TXT
        raise _refuse(
            "The selected file is text but not an e-mail: save it as a .txt file, or upload it "
            f"as {ACCEPTED_TEXT}."
        )
    raise _wrong_type()


_UNSAFE = re.compile(r'[<>:"/\\|?*;%\x00-\x1f]')


def sanitise_filename(name: str, file_type: FileType) -> str:
    """A safe name to offer on download: no path, no control or bidi characters, and the
    extension of what the file really is ("scan.pdf" that is a PNG becomes "scan.png")."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKC", base)
    # Cc control and Cf format characters (e.g. the right-to-left override that hides ".exe").
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    base = _UNSAFE.sub("_", base)
    base = re.sub(r"\s+", " ", base).strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,4}", extension):
        stem, extension = base, ""
    stem = stem.strip(" .")[:150] or "document"
    known = (file_type.extension, *file_type.aliases)
    suffix = f".{extension.lower()}"
    return stem + (suffix if suffix in known else file_type.extension)
