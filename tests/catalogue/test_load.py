"""`flask catalogue load` is idempotent, updates in place and explains bad files."""
from __future__ import annotations

import copy

import pytest
import yaml

from portal.catalogue.models import Field, Organisation, Procedure, ProcedureVersion, RequiredDocument, Unit, Zone
from portal.catalogue.operations import CatalogueError, load_catalogue, read_catalogue_file

MODELS = (Organisation, Unit, Zone, Field, Procedure, ProcedureVersion, RequiredDocument)


def counts(db):
    return {m.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(m)) for m in MODELS}


@pytest.fixture
def data(app):
    return read_catalogue_file(app.config["CATALOGUE_FILE"])


def test_seed_content(db):
    c = counts(db)
    assert c["organisations"] == 1 and c["units"] == 7 and c["zones"] == 4
    investment = db.session.scalars(
        db.select(Procedure).join(Procedure.unit).where(Unit.code == "QLDT")
    ).all()
    assert len(investment) == 14
    others = {p.code: p.unit.code for p in db.session.scalars(db.select(Procedure).join(Procedure.unit).where(Unit.code != "QLDT"))}
    assert {"XD-01", "LD-01", "MT-01"} <= set(others)
    assert others["XD-01"] == "XDTNMT" and others["MT-01"] == "XDTNMT"
    names = {z.name_vi for z in db.session.scalars(db.select(Zone))}
    assert names == {"Khu công nghiệp Hòa Bình", "Khu công nghiệp Sao Mai", "Khu công nghiệp Đăk Tô",
                     "Khu kinh tế cửa khẩu quốc tế Bờ Y"}


def test_loading_twice_changes_nothing(db, data):
    before = counts(db)
    stats = load_catalogue(data)
    assert stats == {}  # nothing created, nothing updated
    assert counts(db) == before


def test_edited_file_updates_rows_without_duplicating(db, data):
    before = counts(db)
    edited = copy.deepcopy(data)
    proc = next(p for p in edited["procedures"] if p["code"] == "QLDT-04")
    latest = proc["versions"][-1]
    latest["time_limit_days"] = 7
    proc["name_vi"] = "Điều chỉnh dự án đầu tư (tên mới)"
    latest["documents"] = latest["documents"][:2] + [{"name_vi": "Tài liệu mới", "name_en": "New document"}]
    edited["organisation"]["agency_code"] = "H99.01"

    stats = load_catalogue(edited)
    assert stats["procedures updated"] == 1 and stats["procedure_versions updated"] == 1
    assert stats["organisations updated"] == 1
    after = counts(db)
    assert after["procedures"] == before["procedures"]
    assert after["procedure_versions"] == before["procedure_versions"]
    assert after["required_documents"] == before["required_documents"] - 1
    updated = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-04"))
    first, second = updated.versions
    assert (first.time_limit_days, second.time_limit_days) == (10, 7)
    assert len(first.documents) == 4
    assert [d.name_vi for d in second.documents][-1] == "Tài liệu mới"
    assert "dieu chinh du an dau tu" in updated.search_text
    assert db.session.scalar(db.select(Organisation.agency_code)) == "H99.01"


def test_a_successor_board_is_a_data_change(db, data):
    successor = copy.deepcopy(data)
    successor["organisation"].update(
        name_vi="Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi", place_name="Quảng Ngãi"
    )
    load_catalogue(successor)
    org = db.session.scalar(db.select(Organisation))
    assert org.place_name == "Quảng Ngãi" and "Dung Quất" in org.name_vi


def test_unknown_unit_is_reported(db, data):
    broken = copy.deepcopy(data)
    broken["procedures"][0]["unit"] = "NOPE"
    with pytest.raises(CatalogueError, match="QLDT-01"):
        load_catalogue(broken)


def test_cli_load_and_bad_file(app, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catalogue", "load"])
    assert result.exit_code == 0, result.output
    assert "already up to date" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: [unclosed", encoding="utf-8")
    result = runner.invoke(args=["catalogue", "load", str(bad)])
    assert result.exit_code != 0 and "not valid YAML" in result.output
    with open(tmp_path / "ok.yaml", "w", encoding="utf-8") as handle:
        yaml.safe_dump({"units": []}, handle)
    result = runner.invoke(args=["catalogue", "load", str(tmp_path / "ok.yaml")])
    assert result.exit_code != 0 and "organisation" in result.output


def test_a_step_split_longer_than_the_limit_is_refused(db):
    import pytest

    from portal.catalogue.operations import CatalogueError, load_catalogue, read_catalogue_file
    from config import ROOT

    data = read_catalogue_file(ROOT / "data" / "catalogue.yaml")
    procedure = next(p for p in data["procedures"] if p["code"] == "QLDT-05")  # 3 working days
    procedure["versions"][1]["step_days"] = {"reception": 1, "approval": 2}
    with pytest.raises(CatalogueError, match="QLDT-05 version 2: step_days take 3.0 of its 3 working days"):
        load_catalogue(data)


def test_the_investment_procedures_have_the_two_laws(db):
    """Each investment procedure of 2020 has its version under Law 61/2020 until 28/2/2026 and
    one under Law 143/2025 from 1/3/2026; the 2026 law's differences are data."""
    from datetime import date

    def versions(code):
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == code))
        return [(v.effective_from, v.effective_to, v.time_limit_days, v.time_limit_kind.value)
                for v in procedure.versions]

    assert versions("QLDT-01") == [(date(2021, 3, 26), date(2026, 2, 28), 15, "calendar_days"),
                                   (date(2026, 3, 1), None, 10, "working_days")]
    assert versions("QLDT-03")[1][2:] == (17, "working_days")
    assert versions("QLDT-12") == [(date(2026, 3, 1), None, 3, "working_days")]  # correction, on its own
    amendment = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-04"))
    old, new = amendment.versions
    assert "61/2020/QH14" in old.legal_basis_vi and "143/2025/QH15" in new.legal_basis_vi
    assert "96/2026/NĐ-CP" in new.legal_basis_vi
    assert new.to_verify("legal_basis") and new.to_verify("time_limit")


@pytest.mark.parametrize("change, message", [
    (lambda p: p["versions"][0].update(effective_to=None), "version 1: .* overlaps version 2"),
    (lambda p: p["versions"][0].update(effective_to="2026-03-01"), "version 1: .* overlaps version 2"),
    (lambda p: p["versions"][1].update(time_limit_days=0), "version 2: time_limit_days must be at least 1"),
    (lambda p: [d.update(is_mandatory=False) for d in p["versions"][1]["documents"]],
     "at least one document must be mandatory"),
    (lambda p: p["versions"][1].pop("effective_from"), "version 2: effective_from is required"),
    (lambda p: p["versions"][1].update(verify=["the moon"]), "verify names unknown values"),
])
def test_a_bad_version_is_refused_and_nothing_is_loaded(db, data, change, message):
    broken = copy.deepcopy(data)
    change(next(p for p in broken["procedures"] if p["code"] == "QLDT-02"))
    before = counts(db)
    with pytest.raises(CatalogueError, match=f"QLDT-02 {message}" if message.startswith("version") else message):
        load_catalogue(broken)
    db.session.rollback()
    assert counts(db) == before
