"""Backups: a consistent archive of the database and the stored files, and its restore.

The files are read and written through the storage interface, so the same archive moves
between a local folder and S3 (a backup taken on one restores on the other).

The database is copied first — SQLite through its online backup API, PostgreSQL with
pg_dump in one snapshot — and the files after it. Stored files are only ever added
(a removed draft file is deleted after its row), so a file that arrives while the
archive is made is at worst a stray that `flask storage check` reports; no row in the
archive points at a file that is not in it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
# pg_dump and pg_restore run with fixed arguments and no shell (bandit B404/B603/B607).
import subprocess  # nosec B404
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db
from portal.services.storage import TRANSIENT, get_storage


def _url() -> sa.engine.URL:
    return db.engine.url


def _pg_args(url: sa.engine.URL) -> tuple[list[str], dict]:
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def storage_keys_in_database() -> set[str]:
    from portal.documents.models import Slip
    from portal.dossiers.models import DossierFile

    files = set(db.session.scalars(sa.select(DossierFile.storage_key)))
    slips = set(db.session.scalars(sa.select(Slip.storage_key).where(Slip.storage_key.is_not(None))))
    return files | slips


def storage_report() -> dict[str, list[str]]:
    """Files without rows, and rows without files."""
    stored = {key for key in get_storage().iter_keys() if not key.startswith(TRANSIENT)}
    known = storage_keys_in_database()
    return {"files_without_rows": sorted(stored - known), "rows_without_files": sorted(known - stored)}


def make_backup(output: Path) -> dict:
    url = _url()
    storage = get_storage()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if url.get_backend_name() == "sqlite":
            target = scratch / "database.sqlite"
            source = sqlite3.connect(url.database)
            with sqlite3.connect(target) as copy:
                source.backup(copy)
            source.close()
            db_file = "database.sqlite"
        else:
            args, env = _pg_args(url)
            db_file = "database.dump"
            command = ["pg_dump", *args, "-Fc", "-f", str(scratch / db_file), url.database]
            subprocess.run(command, check=True, env=env, capture_output=True)  # nosec B603
        keys = sorted(storage_keys_in_database() & set(storage.iter_keys()))
        output.parent.mkdir(parents=True, exist_ok=True)
        files = {}
        with tarfile.open(output, "w:gz") as archive:
            archive.add(scratch / db_file, arcname=db_file)
            for key in keys:  # one file at a time through a scratch copy: any size, any backend
                copy = scratch / "file"
                with storage.open(key) as source, open(copy, "wb") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
                files[key] = _sha256(copy)
                archive.add(copy, arcname=f"storage/{key}")
            manifest = {"created_at": datetime.now(timezone.utc).isoformat(), "database": db_file, "files": files}
            (scratch / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            archive.add(scratch / "manifest.json", arcname="manifest.json")
    return manifest


def restore_backup(archive_path: Path) -> dict:
    """Replace the database and the stored files with the archive's."""
    url = _url()
    storage = get_storage()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(scratch, filter="data")
        manifest = json.loads((scratch / "manifest.json").read_text(encoding="utf-8"))
        for key, digest in manifest["files"].items():
            if _sha256(scratch / "storage" / key) != digest:
                raise ValueError(f"the archive is damaged: {key}")
        db.session.remove()
        db.engine.dispose()
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(scratch / manifest["database"])
            with sqlite3.connect(url.database) as target:
                source.backup(target)
            source.close()
        else:
            args, env = _pg_args(url)
            command = ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d", url.database,
                       str(scratch / manifest["database"])]
            subprocess.run(command, check=True, env=env, capture_output=True)  # nosec B603
        for key in set(storage.iter_keys()) - set(manifest["files"]):
            storage.delete(key)
        for key in manifest["files"]:
            with open(scratch / "storage" / key, "rb") as source:
                storage.save(key, source)
    return manifest


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
