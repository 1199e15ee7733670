"""Benchmark: what one hostile request or one small hostile file costs the server.

Run by hand: `.venv/bin/python bench/hostile_input.py [N]`. Builds a scratch SQLite portal
in a temporary folder and times, through the Flask test client, N times each:
  - a trivial page of the same app (the public tracking form), the yardstick;
  - a login posted with a 60 kB e-mail address of letters and combining accents (the
    e-mail validator's time grows with the square of the length);
  - a login posted with the longest address accepted (254 characters of the same);
  - an upload of an ordinary one-page PDF (the cost of the isolated check itself);
  - an upload of a 72 kB PDF whose page tree unpacks to 74 MB;
  - an upload of a 1 kB PDF whose page tree counts a million pages when walked naively;
  - an upload of a small PNG of 64 million pixels.
Uploads are checked as in production: in a child process with CPU, memory and time limits.
Prints the median time of each, its ratio to the yardstick, the answer's status, and how
much the process's peak memory grew (ru_maxrss) over all the runs of that case.
"""
from __future__ import annotations

import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n: int = 10) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    os.environ["INSTANCE_PATH"] = str(scratch)
    from flask_migrate import upgrade
    from PIL import Image

    from portal import create_app
    from portal.catalogue.models import Procedure, Zone
    from portal.catalogue.operations import load_catalogue, read_catalogue_file
    from portal.dossiers import operations as ops
    from portal.extensions import db
    from portal.projects.operations import create_project
    from portal.services.unit_of_work import commit
    from tests.conftest import sign_in
    from tests.factories import UserFactory
    from tests.samples import PDF, object_stream_bomb, page_tree_bomb

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{scratch / 'bench.db'}",
                     STORAGE_DIR=str(scratch / "storage"), OUTBOX_DIR=str(scratch / "outbox"),
                     RATELIMIT_ENABLED=False, UPLOAD_CHECK_ISOLATED=True)  # as production checks uploads
    with app.app_context():
        upgrade()
        load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
        investor = UserFactory()
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-01"))
        zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-HOA-BINH"))
        project = create_project(enterprise_id=min(investor.enterprise_ids), created_by=investor, name_vi="Dự án",
                                 zone_id=zone.id)
        dossier = ops.start_dossier(user=investor, procedure=procedure, project=project)
        document = dossier.version.documents[0]
        commit()
        ids = (dossier.id, document.id)

    pdf_bomb = page_tree_bomb(fanout=10, depth=6)
    stream_bomb = object_stream_bomb()
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG", optimize=True)
    png_bomb = buffer.getvalue()
    long_address = "x\u0301" * 20000 + "@example.com"
    longest = "x\u0301" * 121 + "@example.com"

    client, anonymous = app.test_client(), app.test_client()
    with app.app_context():
        sign_in(client, db.session.merge(investor))
    upload = f"/dossiers/{ids[0]}/documents/{ids[1]}/files"
    cases = {
        "trivial page (yardstick)": lambda: anonymous.get("/tracking"),
        "login, 60 kB address": lambda: anonymous.post("/account/login", data={"email": long_address,
                                                                              "password": "x"}),
        "login, 254-character address": lambda: anonymous.post("/account/login", data={"email": longest,
                                                                                       "password": "x"}),
        f"upload, ordinary one-page PDF ({len(PDF)} B)": lambda: client.post(
            upload, data={"file": (io.BytesIO(PDF), "don.pdf")}, content_type="multipart/form-data"),
        f"upload, PDF object-stream bomb ({len(stream_bomb)} B)": lambda: client.post(
            upload, data={"file": (io.BytesIO(stream_bomb), "nen.pdf")}, content_type="multipart/form-data"),
        f"upload, PDF page-tree bomb ({len(pdf_bomb)} B)": lambda: client.post(
            upload, data={"file": (io.BytesIO(pdf_bomb), "bom.pdf")}, content_type="multipart/form-data"),
        f"upload, 64-megapixel PNG ({len(png_bomb)} B)": lambda: client.post(
            upload, data={"file": (io.BytesIO(png_bomb), "anh.png")}, content_type="multipart/form-data"),
    }
    base = None
    print(f"{'case':45} {'median':>10} {'ratio':>8} {'status':>7} {'peak +MB':>9}")
    for name, call in cases.items():
        call()  # warm up
        before = peak_mb()
        times, status = [], None
        for _ in range(n):
            start = time.perf_counter()
            status = call().status_code
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        base = base or median
        print(f"{name:45} {median * 1000:8.1f} ms {median / base:7.1f}x {status:7} {peak_mb() - before:9.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
