"""`harken rotate-document-key [--dry-run]`: every stored file encrypted with the first key.

Key rotation: put a new key first in HARKEN_DOCUMENT_KEYS (keep the old ones after it),
restart, then run this. Each file a record points to that is stored in the clear (from
before encryption was turned on) or under an older key is read, checked against the
record's SHA-256 where there is one, encrypted with the first key and written back under
the same name in one step, then read back and compared. A file already under the first
key is left alone, so a run that stopped part way is simply run again. Once it reports no
file left, the old keys can be taken out of HARKEN_DOCUMENT_KEYS.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.ops import crypto, storage

logger = logging.getLogger(__name__)


def _checked(name: str, expected: str | None) -> Iterator[bytes]:
    """The file's plaintext; at the end, refuses it if it is not what the record says."""
    digest = hashlib.sha256()
    for piece in storage.stream(name):
        digest.update(piece)
        yield piece
    if expected is not None and digest.hexdigest() != expected:
        raise ValueError(f"{name}: the stored content does not match its recorded checksum")


class Command(BaseCommand):
    help = "Encrypt every stored document file with the first key of HARKEN_DOCUMENT_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        keyring = storage.keyring_of(default_storage)
        if keyring is None:
            raise CommandError(
                "Documents are not encrypted: set HARKEN_DOCUMENT_KEYS (docs/deployment.md)."
            )
        current = keyring.first.label
        counts = {"current": 0, "encrypted": 0, "missing": 0, "failed": 0}
        files = list(storage.stored_files())
        for index, (name, expected) in enumerate(files, start=1):
            try:
                state = storage.key_state(name)
                if state == "current":
                    counts["current"] += 1
                elif options["dry_run"]:
                    counts["encrypted"] += 1
                else:
                    storage.replace(name, _checked(name, expected))
                    counts["encrypted"] += 1
            except FileNotFoundError:
                counts["missing"] += 1
                self.stderr.write(f"Missing from the storage: {name}")
            except (ValueError, crypto.DecryptionError) as exc:
                counts["failed"] += 1
                self.stderr.write(f"Not re-encrypted: {name}: {exc}")
            if index % 500 == 0:
                self.stdout.write(f"{index} of {len(files)} ...")
        verb = "would be encrypted" if options["dry_run"] else "encrypted"
        summary = (
            f"{counts['encrypted']} {verb} with key {current}, {counts['current']} already "
            f"under it, {counts['missing']} missing, {counts['failed']} failed, "
            f"of {len(files)} file(s)."
        )
        logger.info("rotate-document-key: %s", summary)
        self.stdout.write(summary)
        if counts["failed"] or counts["missing"]:
            raise CommandError("Some files were not encrypted with the first key: see above.")
