"""A local S3 for tests: moto's server on loopback (as localstripe stands in for Stripe).

boto3 talks to it over HTTP with real signed requests; nothing of ours is mocked. `s3_storage`
points settings.STORAGES at it the way production's AWS_* variables do (aux/settings.py).
"""

import boto3
import pytest
from moto.server import ThreadedMotoServer

BUCKET = "aux-test-files"
KEYS = {"access_key": "test-key", "secret_key": "test-secret"}


@pytest.fixture(scope="session", name="s3_endpoint")
def s3_endpoint_fixture():
    """The base URL of a moto S3 server with an empty private bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"], aws_secret_access_key=KEYS["secret_key"],
    ).create_bucket(Bucket=BUCKET)  # fmt: skip
    yield endpoint
    server.stop()


def s3_options(endpoint: str, *, location: str, **extra) -> dict:
    """The storage options aux/settings.py builds from the AWS_* variables."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1",
            "signature_version": "s3v4", "file_overwrite": False, "location": location, **KEYS,
            **extra,
        },
    }  # fmt: skip


@pytest.fixture(name="s3_storage")
def s3_storage_fixture(settings, s3_endpoint):
    """Private uploads on the local S3 for this test (as with AWS_STORAGE_BUCKET_NAME set)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_options(
            s3_endpoint, location="private",
            querystring_expire=settings.AUX_PRIVATE_FILE_URL_SECONDS,
        ),
        "public": s3_options(s3_endpoint, location="public", querystring_auth=False),
    }  # fmt: skip
    return s3_endpoint
