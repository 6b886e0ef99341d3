"""`harken restore FILE [--force] [--check]`: put a backup back (docs/deployment.md).

Restores into the configured database (DATABASE_URL) and document storage
(HARKEN_DOCUMENT_STORAGE), with the backup's key among HARKEN_BACKUP_KEYS. The whole archive
is read and checked before anything is changed; a wrong key, an archive changed since it
was written, or a target that already holds records or files (unless --force) is refused.
Stop the web servers and workers first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.ops import backup, crypto

from .backup import backup_keys


class Command(BaseCommand):
    help = "Restore a backup made by `harken backup` into the configured database and storage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even though the database or storage already holds records or "
            "files (the database is replaced; files of the same name are overwritten)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only read the whole backup and check it; change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keyring = backup_keys()
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            if options["check"]:
                manifest = backup.backup_verify(path=path, keyring=keyring)
            else:
                manifest = backup.backup_restore(
                    path=path, keyring=keyring, force=options["force"], progress=self.stdout.write
                )
        except crypto.UnknownKey as exc:
            raise CommandError(
                f"None of the keys in HARKEN_BACKUP_KEYS opens {path}: {exc}. Nothing was changed."
            ) from exc
        except crypto.Tampered as exc:
            raise CommandError(
                f"{path} cannot be trusted: {exc}. Nothing was changed; use another copy."
            ) from exc
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = (
            f"{manifest['database']['vendor']} database and {manifest['file_count']} file(s) "
            f"from Harken {manifest['harken_version']}, made {manifest['created_at']}"
        )
        if options["check"]:
            self.stdout.write(f"{path} is whole and opens with the key given: {summary}.")
            return
        self.stdout.write(f"Restored {summary}.")
        pending = manifest.get("pending_migrations") or []
        if pending:
            self.stdout.write(
                f"This Harken has {len(pending)} migration(s) the backup predates: run "
                "`harken migrate` before starting Harken."
            )
