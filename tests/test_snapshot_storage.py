"""Raw bodies in an S3-compatible object store (SNAPSHOT_STORAGE=s3), against moto's S3
server on a local port; skipped when moto's server is not installed."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims import archives, bodies
from tests.factories import SnapshotFactory
from tests.test_settings import PRODUCTION, assert_improperly_configured, django_setup, run

# Installed beside this Python (the virtualenv's bin/), whether or not that is on PATH.
MOTO_SERVER = str(Path(sys.executable).parent / "moto_server")
BUCKET = "factcheck-snapshots"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    boto3 = pytest.importorskip("boto3", reason="django-storages[s3] is not installed")
    if not Path(MOTO_SERVER).exists():
        pytest.skip("moto's S3 server is not installed (pip install 'moto[server]')")
    port = _free_port()
    server = subprocess.Popen(
        [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("moto_server did not start within 15 s")
                time.sleep(0.1)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3_bodies(settings, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.STORAGES = {
        **settings.STORAGES,
        "snapshots": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": True,
            },
        },
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("s3_bodies")
def test_bodies_are_stored_once_in_the_object_store_and_read_back():
    from django.core.files.storage import storages

    assert type(storages["snapshots"]).__name__ == "S3Storage"
    page = b"<html><body><p>4,000 trees.</p></body></html>"
    digest = bodies.store_body(page)
    assert bodies.store_body(page) == digest
    assert bodies.read_body(digest) == page
    snapshot = SnapshotFactory.create(sha256=digest, byte_size=len(page))
    warc = archives.warc_of(snapshot)
    assert warc is not None
    assert page in warc
    bodies.delete_body(digest)
    assert not bodies.has_body(digest)
    assert bodies.read_body(digest) is None


def test_the_s3_setting_names_its_backend_and_bucket(tmp_path: Path):
    env = {
        **PRODUCTION,
        "SNAPSHOT_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    }
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['snapshots']))"
    )
    result = run(["-c", script], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert '"BACKEND": "storages.backends.s3.S3Storage"' in result.stdout
    assert f'"bucket_name": "{BUCKET}"' in result.stdout
    assert '"endpoint_url": "http://127.0.0.1:9000"' in result.stdout

    missing = django_setup(tmp_path, {**PRODUCTION, "SNAPSHOT_STORAGE": "s3"})
    assert_improperly_configured(missing, "AWS_STORAGE_BUCKET_NAME")
    wrong = django_setup(tmp_path, {**PRODUCTION, "SNAPSHOT_STORAGE": "ftp"})
    assert_improperly_configured(wrong, "filesystem or s3")
