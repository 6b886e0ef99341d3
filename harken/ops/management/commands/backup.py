"""`harken backup FILE|FOLDER [--keep-daily N --keep-weekly N --keep-monthly N]`.

The database and every stored document in one archive, encrypted with the first key of
HARKEN_BACKUP_KEYS (harken.ops.backup; docs/deployment.md, "Backups"). Given a folder, the
archive is named `harken-<UTC time>.backup` inside it, and the --keep options then delete
that folder's older archives that no rule keeps. The archive is read back and checked
before it is given its name.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harken.ops import backup, crypto


def backup_keys() -> crypto.Keyring:
    """HARKEN_BACKUP_KEYS: read only by the backup commands, never by the web server."""
    text = os.environ.get("HARKEN_BACKUP_KEYS", "")
    if not text.strip():
        raise CommandError(
            "Set HARKEN_BACKUP_KEYS to the key backups are encrypted with (make one with "
            "`openssl rand -base64 32` and keep a copy away from the backups)."
        )
    try:
        return crypto.parse_keys(text, name="HARKEN_BACKUP_KEYS")
    except crypto.KeyFormatError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "Back up the database and every stored document into one encrypted archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="the archive to write, or a folder to write it in")
        for span in ("daily", "weekly", "monthly"):
            parser.add_argument(
                f"--keep-{span}",
                type=int,
                default=None,
                metavar="N",
                help=f"with a folder: keep the newest backup of each of the last N {span} "
                "periods and delete the folder's other harken-*.backup files",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        keyring = backup_keys()
        target = Path(options["target"])
        keeps = {s: options[f"keep_{s}"] for s in ("daily", "weekly", "monthly")}
        pruning = any(value is not None for value in keeps.values())
        if any(value is not None and value < 0 for value in keeps.values()):
            raise CommandError("--keep-daily, --keep-weekly and --keep-monthly must be 0 or more.")
        if target.is_dir():
            target = target / backup.backup_name(dt.datetime.now(dt.UTC))
        elif pruning:
            raise CommandError("--keep-daily, --keep-weekly and --keep-monthly need a folder.")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder.")
        try:
            result = backup.backup_create(path=target, keyring=keyring)
        except (backup.BackupError, crypto.DecryptionError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"Wrote {result.path} ({result.path.stat().st_size:,} bytes): the "
            f"{manifest['database']['vendor']} database and {manifest['file_count']} file(s) "
            f"({manifest['file_bytes']:,} bytes), encrypted with key {keyring.first.label}; "
            "read back and checked."
        )
        if pruning:
            deleted = backup.prune(
                target.parent,
                daily=keeps["daily"] or 0,
                weekly=keeps["weekly"] or 0,
                monthly=keeps["monthly"] or 0,
                now_name=target.name,
            )
            for item in deleted:
                self.stdout.write(f"Deleted the older backup {item.name}")
        problems = []
        if result.missing:
            problems.append(
                f"{len(result.missing)} file(s) the records point to are missing from the "
                "storage: " + ", ".join(result.missing[:20])
            )
        if result.mismatched:
            problems.append(
                f"{len(result.mismatched)} file(s) do not match their recorded checksum "
                "(kept as they are): " + ", ".join(result.mismatched[:20])
            )
        if problems:
            raise CommandError("The backup was written, but " + "; ".join(problems))
