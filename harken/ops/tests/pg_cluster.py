"""Throwaway PostgreSQL clusters for tests and benchmarks: a primary made with initdb and a
streaming replica made from it with pg_basebackup, both on 127.0.0.1 only.

initdb refuses to run as root, so as root the clusters belong to the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

TOOLS = ("initdb", "pg_ctl", "pg_basebackup")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _as_owner(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _run(args: list[str], timeout: float = 120) -> None:
    subprocess.run(_as_owner(args), check=True, capture_output=True, timeout=timeout)  # noqa: S603


@dataclass
class Cluster:
    data: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off"
        _run(
            [
                "pg_ctl",
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.data / "log"),
                "-w",
                "start",
            ]
        )

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            _as_owner(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            timeout=60,
        )

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[object, ...]]:
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql)  # type: ignore[call-overload]
            return list(cursor.fetchall()) if cursor.description else []


class PrimaryWithReplica:
    """`with PrimaryWithReplica(port) as (primary, replica):` — replica on `port + 1`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="harken-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary = Cluster(self.root / "primary", port)
        self.replica = Cluster(self.root / "replica", port + 1)

    def __enter__(self) -> tuple[Cluster, Cluster]:
        try:
            _run(
                [
                    "initdb",
                    "-D",
                    str(self.primary.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                ]
            )
            self.primary.start()
            _run(
                [
                    "pg_basebackup",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    "postgres",
                    "-D",
                    str(self.replica.data),
                    "-R",
                    "-X",
                    "stream",
                    "--no-sync",
                ]
            )
            self.replica.start()
        except BaseException:
            self.__exit__()
            raise
        return self.primary, self.replica

    def __exit__(self, *exc: object) -> None:
        self.replica.stop()
        self.primary.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for_replay(primary: Cluster, replica: Cluster, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    [(target,)] = primary.execute("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        [(done,)] = replica.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done:
            return
        time.sleep(0.05)
    raise TimeoutError("the replica did not catch up")
