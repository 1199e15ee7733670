"""Helpers for dossier tests: an investor with a project, drafts filled through the operations."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from portal.catalogue.models import Procedure, Zone
from portal.dossiers import operations as ops
from portal.projects.operations import create_project
from tests.factories import UserFactory
from tests.samples import PDF


@pytest.fixture
def procedure(db):
    def _get(code: str = "QLDT-02") -> Procedure:
        return db.session.scalar(db.select(Procedure).where(Procedure.code == code))

    return _get


@pytest.fixture
def make_draft(db, procedure):
    """A draft for `code`; complete=True attaches a PDF to every mandatory document."""

    def _make(user=None, code: str = "QLDT-02", complete: bool = True):
        user = user or UserFactory()
        zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-HOA-BINH"))
        project = create_project(enterprise_id=min(user.enterprise_ids), created_by=user,
                                 name_vi="Nhà máy chế biến tinh bột sắn Hòa Bình", zone_id=zone.id)
        dossier = ops.start_dossier(user=user, procedure=procedure(code), project=project)
        if complete:
            for doc in dossier.procedure.documents:
                if doc.is_mandatory:
                    ops.add_file(dossier, user, doc, FileStorage(io.BytesIO(PDF), "giay-to.pdf"))
            for spec in dossier.procedure.form_fields:
                if spec.get("required"):
                    dossier.field_values = {**dossier.field_values, spec["key"]: "1000000000"}
        db.session.commit()
        return dossier

    return _make


@pytest.fixture
def desk_officer(db):
    return UserFactory(desk_officer=True, full_name="Nguyễn Thị Tiếp Nhận")
