"""Real object-storage servers for the tests, on 127.0.0.1: moto's S3 server (PyPI) and
Azurite's Blob server (npm, `npm ci`). A server that cannot start skips its tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

# Azurite's development account: public, documented, valid only against Azurite.
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def port_for(base: int) -> int:
    """One port a test process: pytest-xdist's workers gw0, gw1... each start their own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return base + (int(worker) if worker.isdigit() else 0)


def _wait(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


@contextmanager
def _server(args: list[str], port: int, what: str) -> Iterator[None]:
    process = subprocess.Popen(  # noqa: S603
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        if not _wait(port, process):
            pytest.skip(f"{what} did not start on 127.0.0.1:{port}")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def moto_s3() -> Iterator[str]:
    program = Path(sys.executable).parent / "moto_server"
    if not program.exists():
        pytest.skip("moto's server is not installed (uv sync)")
    port = port_for(9410)
    with _server([str(program), "-H", "127.0.0.1", "-p", str(port)], port, "moto_server"):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def azurite_blob() -> Iterator[str]:
    program = Path(settings.BASE_DIR) / "node_modules" / ".bin" / "azurite-blob"
    if not program.exists() or shutil.which("node") is None:
        pytest.skip("Azurite is not installed (npm ci) or Node is missing")
    port = port_for(9420)
    folder = tempfile.mkdtemp(prefix="harken-azurite-")
    args = [
        str(program),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--location",
        folder,
        "--silent",
        "--skipApiVersionCheck",
        "--loose",
    ]
    try:
        with _server(args, port, "Azurite"):
            yield (
                f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
                f"AccountKey={AZURITE_KEY};"
                f"BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def objects(kind: str) -> list[str]:
    """What the bucket or container holds, asked of the server directly."""
    if kind == "s3":
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=os.environ["HARKEN_S3_ENDPOINT_URL"],
            region_name="eu-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        listed = client.list_objects_v2(Bucket=os.environ["HARKEN_S3_BUCKET"])
        return sorted(item["Key"] for item in listed.get("Contents", []))
    from azure.storage.blob import BlobServiceClient

    container = BlobServiceClient.from_connection_string(
        os.environ["AZURE_STORAGE_CONNECTION_STRING"]
    ).get_container_client(os.environ["HARKEN_AZURE_CONTAINER"])
    return sorted(blob.name for blob in container.list_blobs())
