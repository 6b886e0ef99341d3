"""Authenticated encryption of streams: documents at rest and backup archives (ADR 0080).

AES-256-GCM in chunks (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár,
as age and Tink use it), so a file of any size is encrypted and decrypted as it flows,
never held whole in memory, and any change, reordering, truncation or extension is found.

    header  = magic "HARKENC" | version 1 | purpose (1 byte) | key id (8) | chunk size (4) |
              salt (32)                                                        = 53 bytes
    chunk i = AES-256-GCM(file key, nonce = i (11 bytes, big-endian) | last (1 byte),
                          plaintext chunk, associated data = header)
    file key = HKDF-SHA256(master key, salt, info = "harken-stream-1" | purpose)

Every chunk holds `chunk size` bytes of plaintext except the last, which holds 0 to `chunk
size` bytes and is sealed with the last flag set: a file cut after any chunk fails, because
that chunk was not sealed as the last. Each file gets its own key from a random salt, so
the counter nonces never repeat under one key. The key id (a hash of the master key) says
which key of a keyring opens a file without trying each, and says nothing of the key.

Keys are 32 random bytes in base64 (`openssl rand -base64 32`), given as a comma-separated
list: the first encrypts, every one decrypts (rotation: put a new key first).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"HARKENC"
VERSION = 1
PREFIX = MAGIC + bytes([VERSION])
_HEADER = struct.Struct(">7sBB8sI32s")
HEADER_BYTES = _HEADER.size
TAG_BYTES = 16
KEY_BYTES = 32
# Documents are read a chunk at a time by downloads; archives are large and read straight.
DOCUMENT_CHUNK = 64 * 1024
ARCHIVE_CHUNK = 1024 * 1024
# A header naming a larger chunk is refused: reading it would need that much memory.
MAX_CHUNK = 16 * 1024 * 1024


class Purpose:
    """What a stream is: a file of one kind is never accepted as another."""

    DOCUMENT = 1
    BACKUP = 2
    SCRATCH = 3

    NAMES = {DOCUMENT: "document", BACKUP: "backup archive", SCRATCH: "temporary file"}


class DecryptionError(Exception):
    """The data cannot be decrypted: a missing key, or data that was changed or damaged."""


class UnknownKey(DecryptionError):
    """Encrypted with a key that is not in the keyring."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"it was encrypted with key {key_id}, which is not among the keys given")
        self.key_id = key_id


class Tampered(DecryptionError):
    """The data was changed, cut short, extended or damaged since it was encrypted."""


class KeyFormatError(ValueError):
    """A key that is not 32 bytes in base64 (the message never repeats the key)."""


@dataclass(frozen=True)
class Key:
    secret: bytes = field(repr=False)
    id: bytes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", hashlib.sha256(b"harken-key-id" + self.secret).digest()[:8])

    @property
    def label(self) -> str:
        """The key's id as people read it: shown in messages, says nothing of the key."""
        return self.id.hex()


@dataclass(frozen=True)
class Keyring:
    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyFormatError("no key given")

    @property
    def first(self) -> Key:
        return self.keys[0]

    def get(self, key_id: bytes) -> Key | None:
        for key in self.keys:
            if key.id == key_id:
                return key
        return None

    @classmethod
    def random(cls) -> Keyring:
        """A key that lives only in this process: for temporary files nobody else reads."""
        return cls((Key(os.urandom(KEY_BYTES)),))


def decode_key(text: str) -> bytes:
    text = text.strip()
    try:
        secret = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError("is not base64") from exc
    if len(secret) != KEY_BYTES:
        raise KeyFormatError(f"is {len(secret)} bytes, not {KEY_BYTES}")
    return secret


def parse_keys(values: Sequence[str] | str, *, name: str) -> Keyring:
    """A keyring from base64 keys (a list or one comma-separated string). Errors name the
    setting and the key's position, never the key itself."""
    items = values.split(",") if isinstance(values, str) else list(values)
    items = [item.strip() for item in items if item.strip()]
    if not items:
        raise KeyFormatError(f"{name} holds no key")
    keys: list[Key] = []
    for position, item in enumerate(items, start=1):
        try:
            keys.append(Key(decode_key(item)))
        except KeyFormatError as exc:
            raise KeyFormatError(
                f"{name}: key {position} of {len(items)} {exc} (make one with "
                "`openssl rand -base64 32`)"
            ) from None
    if len({key.id for key in keys}) != len(keys):
        raise KeyFormatError(f"{name} holds the same key twice")
    return Keyring(tuple(keys))


def _file_key(key: Key, salt: bytes, purpose: int) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=salt,
        info=b"harken-stream-1" + bytes([purpose]),
    ).derive(key.secret)
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypted_size(plain_size: int, chunk: int = DOCUMENT_CHUNK) -> int:
    chunks = max(1, -(-plain_size // chunk))
    return HEADER_BYTES + plain_size + chunks * TAG_BYTES


def encrypt(
    chunks: Iterable[bytes], key: Key, *, purpose: int, chunk: int = DOCUMENT_CHUNK
) -> Iterator[bytes]:
    """The encrypted stream of `chunks` (any sizes), header first."""
    salt = os.urandom(32)
    header = _HEADER.pack(MAGIC, VERSION, purpose, key.id, chunk, salt)
    aead = _file_key(key, salt, purpose)
    yield header
    buffer = bytearray()
    counter = 0
    for piece in chunks:
        buffer += piece
        # More than a chunk held: the next one is certainly not the last.
        while len(buffer) > chunk:
            yield aead.encrypt(_nonce(counter, False), bytes(buffer[:chunk]), header)
            del buffer[:chunk]
            counter += 1
    yield aead.encrypt(_nonce(counter, True), bytes(buffer), header)


@dataclass(frozen=True)
class Header:
    raw: bytes
    purpose: int
    key_id: bytes
    chunk: int
    salt: bytes


def is_encrypted(head: bytes) -> bool:
    """Whether data starting with `head` (at least 8 bytes, if it has them) is ours."""
    return head.startswith(PREFIX)


def read_header(head: bytes, *, purpose: int) -> Header:
    if len(head) < HEADER_BYTES or not is_encrypted(head):
        raise Tampered("it does not start with a Harken encryption header")
    _magic, _version, found, key_id, chunk, salt = _HEADER.unpack(head[:HEADER_BYTES])
    if found != purpose:
        what = Purpose.NAMES.get(found, "something else")
        raise Tampered(f"it is a {what}, not a {Purpose.NAMES[purpose]}")
    if not 0 < chunk <= MAX_CHUNK:
        raise Tampered("its header is damaged")
    return Header(head[:HEADER_BYTES], found, key_id, chunk, salt)


def _take(raw: Iterator[bytes], buffer: bytearray, want: int) -> bool:
    """Fill `buffer` to at least `want` bytes; False when the stream ended before."""
    while len(buffer) < want:
        piece = next(raw, None)
        if piece is None:
            return False
        buffer += piece
    return True


def decrypt(raw: Iterable[bytes], keyring: Keyring, *, purpose: int) -> Iterator[bytes]:
    """The plaintext of an encrypted stream. The header is read and the key found at once,
    before the first chunk is asked for (an unknown key raises here, not mid-download);
    each chunk is checked as it comes, and the end is checked to be the real end."""
    source = iter(raw)
    buffer = bytearray()
    _take(source, buffer, HEADER_BYTES)
    header = read_header(bytes(buffer[:HEADER_BYTES]), purpose=purpose)
    del buffer[:HEADER_BYTES]
    key = keyring.get(header.key_id)
    if key is None:
        raise UnknownKey(header.key_id.hex())
    return _chunks(source, buffer, header, _file_key(key, header.salt, purpose))


def _chunks(
    source: Iterator[bytes], buffer: bytearray, header: Header, aead: AESGCM
) -> Iterator[bytes]:
    sealed = header.chunk + TAG_BYTES
    counter = 0
    while True:
        # One byte past a full chunk tells whether it is the last.
        more = _take(source, buffer, sealed + 1)
        if not more:
            if len(buffer) < TAG_BYTES:
                raise Tampered("it has been cut short")
            yield _open(aead, counter, True, bytes(buffer), header.raw)
            return
        yield _open(aead, counter, False, bytes(buffer[:sealed]), header.raw)
        del buffer[:sealed]
        counter += 1


def _open(aead: AESGCM, counter: int, last: bool, data: bytes, header: bytes) -> bytes:
    try:
        return aead.decrypt(_nonce(counter, last), data, header)
    except InvalidTag:
        raise Tampered("it has been changed or damaged since it was written") from None


def decrypt_if_encrypted(
    raw: Iterable[bytes], keyring: Keyring | None, *, purpose: int
) -> Iterator[bytes]:
    """Plaintext either way: a stream without our header is passed through as it is (files
    stored before encryption was turned on). An encrypted one with no keyring raises."""
    source = iter(raw)
    buffer = bytearray()
    _take(source, buffer, len(PREFIX))
    rest = _prepend(bytes(buffer), source)
    if not is_encrypted(bytes(buffer)):
        return rest
    if keyring is None:
        # No keys configured at all: say which key the file needs, then refuse.
        _take(source, buffer, HEADER_BYTES)
        key_id = bytes(buffer[len(PREFIX) + 1 : len(PREFIX) + 9]).hex() or "unknown"
        raise UnknownKey(key_id)
    return decrypt(rest, keyring, purpose=purpose)


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


# --- File-like adapters, for tarfile and the storages ---------------------------------------


class IterReader:
    """A read-only file over an iterator of bytes (tarfile reads archives through it)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            for piece in self._chunks:
                self._buffer += piece
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        while len(self._buffer) < size:
            more = next(self._chunks, None)
            if more is None:
                break
            self._buffer += more
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class EncryptingWriter:
    """A write-only file that encrypts what is written into `target` (tarfile writes
    archives through it). `finish()` seals the last chunk; nothing is written in the clear."""

    def __init__(
        self, target: IO[bytes], key: Key, *, purpose: int, chunk: int = ARCHIVE_CHUNK
    ) -> None:
        self._target = target
        self._chunk = chunk
        self._salt = os.urandom(32)
        self._header = _HEADER.pack(MAGIC, VERSION, purpose, key.id, chunk, self._salt)
        self._aead = _file_key(key, self._salt, purpose)
        self._buffer = bytearray()
        self._counter = 0
        self._finished = False
        self.written = 0
        target.write(self._header)

    def write(self, data: Any) -> int:
        if self._finished:
            raise ValueError("write after finish()")
        self._buffer += data
        while len(self._buffer) > self._chunk:
            sealed = self._aead.encrypt(
                _nonce(self._counter, False), bytes(self._buffer[: self._chunk]), self._header
            )
            self._target.write(sealed)
            del self._buffer[: self._chunk]
            self._counter += 1
        self.written += len(data)
        return len(data)

    def finish(self) -> None:
        if self._finished:
            return
        sealed = self._aead.encrypt(_nonce(self._counter, True), bytes(self._buffer), self._header)
        self._target.write(sealed)
        self._buffer.clear()
        self._finished = True

    def flush(self) -> None:
        self._target.flush()


def file_chunks(handle: IO[bytes], size: int = ARCHIVE_CHUNK) -> Iterator[bytes]:
    while piece := handle.read(size):
        yield piece
