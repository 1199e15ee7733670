"""Procedures' legal versions in the administration: a draft from the version in force,
edited, published with its date; the version before ends the day before; dossiers keep the
version they were started under; bad versions are refused on the field with nothing saved."""
from __future__ import annotations

import io
from datetime import date
from html import unescape

import pytest
import time_machine
from werkzeug.datastructures import FileStorage

from portal.audit.models import AuditEvent
from portal.catalogue.models import Procedure, ProcedureVersion
from portal.catalogue.operations import load_catalogue, read_catalogue_file
from portal.dossiers import operations as ops
from tests.samples import PDF

TODAY = "2026-12-01 09:00 +0700"   # a Tuesday; version 2 of every investment procedure is in force


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def versions(db, code: str = "QLDT-02") -> list[ProcedureVersion]:
    db.session.expire_all()
    procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == code))
    return list(procedure.versions)


def draft_form(version: ProcedureVersion, **changes) -> dict:
    form = {name: getattr(version, name) or "" for name in (
        "legal_basis_vi", "legal_basis_en", "time_limit_note_vi", "time_limit_note_en", "fee_vi", "fee_en",
        "result_vi", "result_en")}
    form.update(time_limit_days=version.time_limit_days or "", time_limit_kind=version.time_limit_kind.value,
                fee_amount="", online_level=version.online_level.value, approval_chain=version.approval_chain.value,
                supplement_clock=version.supplement_clock.value,
                processing_supplements=version.processing_supplements, dossier_sets=version.dossier_sets,
                verify=list(version.verify))
    form.update(changes)
    return form


@pytest.fixture(autouse=True)
def today():
    """The clock stands at TODAY from before the administrator signs in (autouse: first)."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def drafted(client, db, admin):
    """Version 3 of QLDT-02, drafted from version 2 (in force) on 1/12/2026."""
    with time_machine.travel(TODAY, tick=False):
        answer = client.post("/admin/procedures/QLDT-02/versions")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/procedures/QLDT-02/versions/3")
    return versions(db)[-1]


def test_a_draft_is_copied_from_the_version_in_force_and_edited(client, db, admin, drafted):
    old, current, draft = versions(db)
    assert (draft.number, draft.is_published, draft.effective_from) == (3, False, None)
    assert [d.name_vi for d in draft.documents] == [d.name_vi for d in current.documents]
    assert draft.legal_basis_vi == current.legal_basis_vi and draft.verify == current.verify
    with time_machine.travel(TODAY, tick=False):
        answer = client.post("/admin/procedures/QLDT-02/versions/3", data=draft_form(
            draft, time_limit_days=4, legal_basis_vi="Nghị định số 99/2027/NĐ-CP", verify=["fee"]))
    assert answer.status_code == 302
    draft = versions(db)[-1]
    assert (draft.time_limit_days, draft.legal_basis_vi, draft.verify) == (4, "Nghị định số 99/2027/NĐ-CP", ["fee"])
    assert current.time_limit_days == 5  # the version in force is untouched
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.target == "QLDT-02 v3")))
    assert {"catalogue.version_drafted", "catalogue.version_edited"} <= actions


def test_publishing_ends_the_version_before_and_announces_the_new_one(client, db, admin, drafted):
    with time_machine.travel(TODAY, tick=False):
        client.post("/admin/procedures/QLDT-02/versions/3", data=draft_form(drafted, time_limit_days=4))
        answer = client.post("/admin/procedures/QLDT-02/versions/3/publish", data={"effective_from": "2027-01-01"})
        assert answer.status_code == 302
        page = text(client.get("/admin/procedures/QLDT-02"))
        public = text(client.get("/procedures/QLDT-02"))
    _old, current, new = versions(db)
    assert (current.effective_to, new.effective_from, new.is_published) == (date(2026, 12, 31), date(2027, 1, 1), True)
    assert "Đã công bố, chưa có hiệu lực" in page
    now, announced = public.split('id="next-version"')
    assert "5 ngày làm việc" in now and "Quy định mới từ ngày 01/01/2027" in now
    assert "4 ngày làm việc" in announced
    with time_machine.travel("2027-01-04 09:00 +0700", tick=False):
        assert "4 ngày làm việc" in text(client.get("/procedures/QLDT-02")).split("Thành phần hồ sơ")[0]


def test_a_published_version_is_not_changed(client, db, admin):
    current = versions(db)[1]
    with time_machine.travel(TODAY, tick=False):
        refused = client.post("/admin/procedures/QLDT-02/versions/2", data=draft_form(current, time_limit_days=1))
        page = text(client.get("/admin/procedures/QLDT-02/versions/2"))
    assert refused.status_code == 400 and "Không thể sửa phiên bản đã công bố" in text(refused)
    assert versions(db)[1].time_limit_days == 5
    assert "cần kiểm tra" in page  # the lawyer's marks, for administrators


@pytest.mark.parametrize("changes, field, message", [
    ({"time_limit_days": "0"}, "time_limit_days", "Nhập từ 1 đến 365 ngày"),
    ({"step_reception": "2", "step_approval": "3"}, "step_approval", "5 ngày làm việc"),
    ({"dossier_sets": "0"}, "dossier_sets", "Nhập một số nguyên"),
])
def test_a_bad_draft_is_refused_on_its_field(client, db, admin, drafted, changes, field, message):
    with time_machine.travel(TODAY, tick=False):
        answer = client.post("/admin/procedures/QLDT-02/versions/3",
                             data=draft_form(drafted, legal_basis_vi="Văn bản mới", **changes))
    page = text(answer)
    assert answer.status_code == 400 and message in page
    assert f'id="{field}-error"' in page and 'value="Văn bản mới"' not in page.split("legal_basis_vi")[0]
    assert "Văn bản mới" in page  # what was typed stays
    assert versions(db)[-1].legal_basis_vi == drafted.legal_basis_vi  # nothing saved


def test_publishing_is_refused_when_the_version_is_not_ready(client, db, admin, drafted):
    with time_machine.travel(TODAY, tick=False):
        past = client.post("/admin/procedures/QLDT-02/versions/3/publish", data={"effective_from": "2026-11-30"})
        assert past.status_code == 400 and "từ hôm nay trở đi" in text(past)
        for document in drafted.documents:
            client.post(f"/admin/procedures/QLDT-02/versions/3/documents/{document.id}", data={
                "position": document.position, "name_vi": document.name_vi, "originals": 1, "copies": 0})
        assert not any(d.is_mandatory for d in versions(db)[-1].documents)
        unready = client.post("/admin/procedures/QLDT-02/versions/3/publish", data={"effective_from": "2027-01-01"})
    assert unready.status_code == 400 and "ít nhất một thành phần hồ sơ bắt buộc" in text(unready)
    assert not versions(db)[-1].is_published and versions(db)[1].effective_to is None


def test_two_versions_may_not_overlap(client, db, admin, drafted):
    with time_machine.travel(TODAY, tick=False):
        client.post("/admin/procedures/QLDT-02/versions/3/publish", data={"effective_from": "2027-03-01"})
        client.post("/admin/procedures/QLDT-02/versions")   # version 4, to come before version 3
        overlapping = client.post("/admin/procedures/QLDT-02/versions/4/publish", data={"effective_from": "2027-01-01"})
        assert overlapping.status_code == 400
        assert "Phiên bản 3 được công bố từ ngày 01/03/2027" in text(overlapping)
        assert not versions(db)[-1].is_published
        fits = client.post("/admin/procedures/QLDT-02/versions/4/publish",
                           data={"effective_from": "2027-01-01", "effective_to": "2027-02-28"})
    assert fits.status_code == 302
    periods = [(v.number, v.effective_from, v.effective_to) for v in versions(db)]
    assert periods[1:] == [(2, date(2026, 3, 1), date(2026, 12, 31)), (3, date(2027, 3, 1), None),
                           (4, date(2027, 1, 1), date(2027, 2, 28))]


def test_a_dossier_keeps_the_version_it_was_started_under(client, db, admin, drafted, make_draft, desk_officer):
    """Started in December under version 2 (5 working days, two documents); version 3 (a
    third mandatory document, 3 working days) takes effect on 4/1/2027. Received after that,
    the old dossier still has two documents to give and 5 working days; a new one has three."""
    with time_machine.travel(TODAY, tick=False):
        older = make_draft()
        client.post("/admin/procedures/QLDT-02/versions/3", data=draft_form(drafted, time_limit_days=3))
        client.post("/admin/procedures/QLDT-02/versions/3/documents/new", data={
            "position": 3, "name_vi": "Báo cáo đánh giá tác động môi trường", "is_mandatory": "y",
            "originals": 1, "copies": 0})
        assert client.post("/admin/procedures/QLDT-02/versions/3/publish",
                           data={"effective_from": "2027-01-04"}).status_code == 302
    with time_machine.travel("2027-01-05 08:00 +0700", tick=False):
        older = db.session.get(type(older), older.id)
        assert ops.missing_items(older) == []
        ops.submit_dossier(older, older.created_by)
        ops.receive_dossier(older, desk_officer)
        newer = make_draft()
        db.session.commit()
    assert older.version.number == 2 and len(older.version.documents) == 2
    assert older.due_at.date() == date(2027, 1, 12)   # 5 working days after Tuesday 5/1 (8:00 local = 1:00 UTC)
    assert newer.version.number == 3 and len(newer.version.documents) == 3


def test_a_blank_form_is_offered_for_download(client, db, admin, drafted):
    document = drafted.documents[0]
    with time_machine.travel(TODAY, tick=False):
        answer = client.post(f"/admin/procedures/QLDT-02/versions/3/documents/{document.id}", data={
            "position": 1, "name_vi": document.name_vi, "is_mandatory": "y", "originals": 1, "copies": 0,
            "blank_form": FileStorage(io.BytesIO(PDF), "Mau-A.I.1.pdf")}, content_type="multipart/form-data")
        assert answer.status_code == 302
        assert client.get(f"/procedures/forms/{document.id}").status_code == 404   # a draft's: not public yet
        client.post("/admin/procedures/QLDT-02/versions/3/publish", data={"effective_from": "2027-01-01"})
        page = text(client.get("/procedures/QLDT-02"))
        download = client.get(f"/procedures/forms/{document.id}")
    assert "Mẫu đơn: Mau-A.I.1.pdf" in page
    assert download.status_code == 200 and download.data == PDF
    assert "Mau-A.I.1.pdf" in download.headers["Content-Disposition"]


def test_a_blank_form_that_is_not_what_it_says_is_refused(client, db, admin, drafted):
    document = drafted.documents[0]
    with time_machine.travel(TODAY, tick=False):
        answer = client.post(f"/admin/procedures/QLDT-02/versions/3/documents/{document.id}", data={
            "position": 1, "name_vi": "Tên mới", "is_mandatory": "y", "originals": 1, "copies": 0,
            "blank_form": FileStorage(io.BytesIO(b"MZ\x90\x00 not a pdf"), "mau.pdf")},
            content_type="multipart/form-data")
    assert answer.status_code == 400 and 'id="blank_form-error"' in text(answer)
    assert versions(db)[-1].documents[0].name_vi == document.name_vi and not versions(db)[-1].documents[0].blank_form_key


def test_the_investor_s_fields_of_a_draft(client, db, admin, drafted):
    with time_machine.travel(TODAY, tick=False):
        duplicate = client.post("/admin/procedures/QLDT-02/versions/3/fields/new", data={
            "key": "certified_capital", "label_vi": "Vốn", "type": "number"})
        assert duplicate.status_code == 400 and "certified_capital" in text(duplicate)
        added = client.post("/admin/procedures/QLDT-02/versions/3/fields/new", data={
            "key": "workforce", "label_vi": "Số lao động", "type": "number", "required": "y",
            "project_field": "workforce"})
    assert added.status_code == 302
    assert versions(db)[-1].form_fields[-1] == {"key": "workforce", "label_vi": "Số lao động", "type": "number",
                                                "required": True, "project_field": "workforce"}
    assert versions(db)[1].form_fields[-1]["key"] == "schedule"  # the published version keeps its fields


def test_loading_the_file_again_keeps_what_the_administration_published(app, client, db, admin, drafted):
    with time_machine.travel(TODAY, tick=False):
        client.post("/admin/procedures/QLDT-02/versions/3/publish", data={"effective_from": "2027-01-01"})
    stats = load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
    assert stats["procedure_versions kept as changed in the administration"] == 1   # version 2, ended there
    assert versions(db)[1].effective_to == date(2026, 12, 31) and len(versions(db)) == 3
    assert load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"])) == stats  # and again: the same


def test_only_administrators_reach_the_versions(client, db, login_as):
    login_as("specialist")
    assert client.get("/admin/procedures/QLDT-02/versions/2").status_code == 403
    assert client.post("/admin/procedures/QLDT-02/versions").status_code == 403
    assert len(versions(db)) == 2
