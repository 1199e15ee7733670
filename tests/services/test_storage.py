"""One storage interface, two backends: a local folder and S3 (a real S3 protocol server,
moto's server mode). Every contract test runs against both."""
from __future__ import annotations

import hashlib
import io
import os

import pytest

from portal.services.storage import LocalStorage, S3Storage, StorageUnavailable, TooLarge, storage_for
from tests.conftest import s3_objects


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    return S3Storage(request.getfixturevalue("s3_bucket"), "portal/files")


class Broken(io.BytesIO):
    """A client that goes away after the first megabyte."""

    def read(self, size=-1):
        if self.tell() >= 1024 * 1024:
            raise ConnectionResetError("client went away")
        return super().read(size)


def test_saved_file_reads_back_with_its_size_and_digest(storage):
    data = "Giấy chứng nhận đăng ký đầu tư".encode() * 1000
    stored = storage.save("dossiers/7/a.pdf", io.BytesIO(data))
    assert (stored.key, stored.size, stored.sha256) == ("dossiers/7/a.pdf", len(data), hashlib.sha256(data).hexdigest())
    assert storage.exists("dossiers/7/a.pdf")
    with storage.open("dossiers/7/a.pdf") as handle:
        assert handle.read() == data


def test_a_large_file_goes_in_parts_and_comes_back_whole(storage):
    data = os.urandom(9 * 1024 * 1024 + 17)  # past the 8 MB part size
    stored = storage.save("dossiers/8/big.pdf", io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    with storage.open("dossiers/8/big.pdf") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256


@pytest.mark.parametrize("size", [300 * 1024, 9 * 1024 * 1024])
def test_over_the_limit_leaves_nothing(storage, size):
    with pytest.raises(TooLarge):
        storage.save("dossiers/9/too-big.pdf", io.BytesIO(os.urandom(size)), max_size=200 * 1024)
    assert not storage.exists("dossiers/9/too-big.pdf")
    assert list(storage.iter_keys()) == []


def test_a_failed_upload_leaves_nothing(storage):
    with pytest.raises(ConnectionResetError):
        storage.save("dossiers/9/cut.pdf", Broken(os.urandom(10 * 1024 * 1024)))
    assert not storage.exists("dossiers/9/cut.pdf")
    assert list(storage.iter_keys()) == []


def test_keys_are_listed_deleted_and_checked(storage):
    for key in ("dossiers/1/a.pdf", "dossiers/2/b.png", "slips/1/c.pdf"):
        storage.save_bytes(key, b"%PDF-1.7")
    assert sorted(storage.iter_keys()) == ["dossiers/1/a.pdf", "dossiers/2/b.png", "slips/1/c.pdf"]
    storage.delete("dossiers/2/b.png")
    storage.delete("dossiers/2/b.png")  # deleting twice is fine
    assert not storage.exists("dossiers/2/b.png")
    assert sorted(storage.iter_keys()) == ["dossiers/1/a.pdf", "slips/1/c.pdf"]
    assert list(storage.iter_keys("slips/")) == ["slips/1/c.pdf"] and list(storage.iter_keys("exports/")) == []
    for bad in ("../escape.pdf", "/etc/passwd", "a//b.pdf", "dossiers/../../x", ""):
        with pytest.raises(ValueError):
            storage.save_bytes(bad, b"x")


def test_send_streams_the_file_with_its_name_and_type(app, storage):
    data = b"%PDF-1.7 phieu tiep nhan"
    storage.save_bytes("slips/3/r.pdf", data)
    with app.test_request_context():
        response = storage.send("slips/3/r.pdf", "Phiếu tiếp nhận.pdf", "application/pdf")
        response.direct_passthrough = False
        assert response.get_data() == data
    assert response.mimetype == "application/pdf"
    assert response.content_length == len(data)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''Phi%E1%BA%BFu" in disposition
    with app.test_request_context():
        inline = storage.send("slips/3/r.pdf", "r.pdf", "application/pdf", inline=True)
        inline.close()
    assert inline.headers["Content-Disposition"].startswith("inline")


def test_s3_keeps_to_its_prefix(s3_bucket):
    import boto3

    boto3.client("s3").put_object(Bucket=s3_bucket, Key="other-app/x.pdf", Body=b"x")
    storage = storage_for(f"s3://{s3_bucket}/portal")
    storage.save_bytes("dossiers/1/a.pdf", b"a")
    assert list(storage.iter_keys()) == ["dossiers/1/a.pdf"]
    assert set(s3_objects(s3_bucket)) == {"other-app/x.pdf", "portal/dossiers/1/a.pdf"}


def test_unreachable_s3_is_said_and_keeps_nothing(monkeypatch, s3_bucket):
    from tests.conftest import free_port

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.setenv("STORAGE_TIMEOUT", "1")
    storage = storage_for(f"s3://{s3_bucket}/portal")
    with pytest.raises(StorageUnavailable):
        storage.save_bytes("dossiers/1/a.pdf", b"a")
    with pytest.raises(StorageUnavailable):
        storage.exists("dossiers/1/a.pdf")
    with pytest.raises(StorageUnavailable):
        list(storage.iter_keys())


def test_a_refusing_s3_is_said_and_keeps_nothing(s3_bucket):
    storage = storage_for(f"s3://{s3_bucket}-gone/portal")  # a bucket that does not exist: S3 refuses
    with pytest.raises(StorageUnavailable):
        storage.save_bytes("dossiers/1/a.pdf", b"a")
    with pytest.raises(StorageUnavailable):
        list(storage.iter_keys())
    assert s3_objects(s3_bucket) == {}
