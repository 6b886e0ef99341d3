"""Object-storage servers (moto's S3, Azurite) and a fresh bucket or container per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from harken.ops import storage

from .object_servers import azurite_blob, moto_s3


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_s3() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def azurite() -> Iterator[str]:
    with azurite_blob() as connection_string:
        yield connection_string


def fresh_object_env(kind: str, request, monkeypatch) -> dict[str, str]:
    """The environment (set, and returned) naming a new, empty bucket or container."""
    name = f"harken-{uuid.uuid4().hex[:12]}"
    if kind == "s3":
        import boto3

        endpoint = request.getfixturevalue("s3_endpoint")
        env = {
            "HARKEN_S3_BUCKET": name,
            "HARKEN_S3_ENDPOINT_URL": endpoint,
            "HARKEN_S3_REGION": "eu-west-2",
            "HARKEN_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="eu-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    else:
        from azure.storage.blob import BlobServiceClient

        connection_string = request.getfixturevalue("azurite")
        env = {"HARKEN_AZURE_CONTAINER": name, "AZURE_STORAGE_CONNECTION_STRING": connection_string}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        BlobServiceClient.from_connection_string(connection_string).create_container(name)
    env["kind"] = kind
    return env


@pytest.fixture(params=["s3", "azure"])
def object_env(request, monkeypatch) -> dict[str, str]:
    """The environment naming a new, empty bucket or container on the test's server."""
    return fresh_object_env(request.param, request, monkeypatch)


@pytest.fixture
def in_object_storage(object_env, settings) -> str:
    """Harken configured to keep documents there (as HARKEN_DOCUMENT_STORAGE would)."""
    settings.STORAGES = {**settings.STORAGES, "default": storage.storage_config(object_env["kind"])}
    return object_env["kind"]
