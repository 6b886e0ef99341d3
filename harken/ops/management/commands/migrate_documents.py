"""`harken migrate-documents --to s3|azure|local`: copy every stored file to another storage.

From the storage in use now (HARKEN_DOCUMENT_STORAGE) to the one named, configured from the
same environment variables (docs/deployment.md). Each file is read back from the target and
its SHA-256 compared with the record's (or the source's); a file already at the target with
the right checksum is not copied again, so a run that stopped part way can simply be started
again. Nothing is deleted from the source. Then set HARKEN_DOCUMENT_STORAGE to the target and
restart: the records keep the same names.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.ops import storage


class Command(BaseCommand):
    help = "Copy every stored document file to another storage, verified by checksum."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, choices=storage.KINDS, dest="target")
        parser.add_argument("--dry-run", action="store_true", help="Count; copy nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = storage._unwrapped(default_storage)
        if storage.kind_of(source) == options["target"]:
            raise CommandError(
                f"The documents are already in {options['target']} storage "
                "(HARKEN_DOCUMENT_STORAGE): nothing to move."
            )
        try:
            target = storage.build(options["target"])
        except Exception as exc:
            raise CommandError(str(exc)) from exc
        counts = {"copied": 0, "present": 0, "failed": 0, "missing": 0}
        files = list(storage.stored_files())
        if options["dry_run"]:
            self.stdout.write(f"{len(files)} file(s) would be copied or checked.")
            return
        for index, (name, expected) in enumerate(files, start=1):
            try:
                counts[storage.copy_verified(name, expected, source, target)] += 1
            except FileNotFoundError:
                counts["missing"] += 1
                self.stderr.write(f"Missing from the source: {name}")
            except ValueError as exc:
                counts["failed"] += 1
                self.stderr.write(f"Not copied: {exc}")
            if index % 500 == 0:
                self.stdout.write(f"{index} of {len(files)} ...")
        self.stdout.write(
            f"{counts['copied']} copied, {counts['present']} already there (checksum verified), "
            f"{counts['missing']} missing from the source, {counts['failed']} failed, "
            f"of {len(files)} file(s)."
        )
        if counts["failed"] or counts["missing"]:
            raise CommandError("Some files were not copied: run it again once fixed.")
