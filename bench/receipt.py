"""Benchmark: the first render of a receipt, and its later downloads (served from storage).

Run by hand: `.venv/bin/python bench/receipt.py [N]`. Builds a scratch SQLite portal in a
temporary folder, receives N dossiers, then times through the Flask test client:
  - first download of each receipt (rendered by WeasyPrint, then stored),
  - later downloads of the same receipts (read back from storage),
  - a trivial page of the same app (the public tracking form) as the yardstick.
Prints medians and ratios; the machine's speed drifts, so compare ratios within a run.
"""
from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(n: int = 20) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-receipt-"))
    os.environ["INSTANCE_PATH"] = str(scratch)
    from flask_migrate import upgrade
    from werkzeug.datastructures import FileStorage

    from portal import create_app
    from portal.catalogue.models import Procedure, Zone
    from portal.catalogue.operations import load_catalogue, read_catalogue_file
    from portal.documents.models import Slip
    from portal.dossiers import operations as ops
    from portal.extensions import db
    from portal.projects.operations import create_project
    from portal.services.unit_of_work import rollback
    from tests.factories import UserFactory
    from tests.samples import PDF

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{scratch / 'bench.db'}",
                     STORAGE_DIR=str(scratch / "storage"), OUTBOX_DIR=str(scratch / "outbox"))
    with app.app_context():
        upgrade()
        load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
        desk = UserFactory(desk_officer=True)
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-01"))
        zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-HOA-BINH"))
        investor = UserFactory()
        slips = []
        for i in range(n):
            project = create_project(enterprise_id=min(investor.enterprise_ids), created_by=investor,
                                     name_vi=f"Dự án {i}", zone_id=zone.id)
            dossier = ops.start_dossier(user=investor, procedure=procedure, project=project)
            for doc in dossier.version.documents:
                ops.add_file(dossier, investor, doc, FileStorage(io.BytesIO(PDF), "giay-to.pdf"))
            dossier.field_values = {"requested_capital": "1000"}
            ops.submit_dossier(dossier, investor)
            ops.receive_dossier(dossier, desk)
            db.session.flush()
            slips.append(db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id)).one())
        db.session.commit()  # plain commit: the queued renders are dropped, downloads render
        rollback()
        urls = [f"/dossiers/{s.dossier_id}/slips/{s.id}.pdf" for s in slips]
        investor_id = investor.id

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{investor_id}:1"
        session["_auth_at"] = session["_seen_at"] = int(time.time())

    def timed(url: str) -> float:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    for _ in range(20):
        timed("/tracking")  # warm up the app (templates, translations)
    first = [timed(url) for url in urls]
    later = [timed(url) for _ in range(5) for url in urls]
    trivial = [timed("/tracking") for _ in range(5 * n)]

    def ms(values):
        return statistics.median(values) * 1000

    print(f"receipts: {n}")
    print(f"first download (render + store): median {ms(first):7.1f} ms  (very first: {first[0] * 1000:.1f} ms)")
    print(f"later downloads (from storage):  median {ms(later):7.1f} ms")
    print(f"trivial page (tracking form):    median {ms(trivial):7.1f} ms")
    print(f"ratios: first/later {ms(first) / ms(later):.1f}x, later/trivial {ms(later) / ms(trivial):.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
