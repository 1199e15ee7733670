"""`flask catalogue load` is idempotent, updates in place and explains bad files."""
from __future__ import annotations

import copy

import pytest
import yaml

from portal.catalogue.models import Field, Organisation, Procedure, RequiredDocument, Unit, Zone
from portal.catalogue.operations import CatalogueError, load_catalogue, read_catalogue_file

MODELS = (Organisation, Unit, Zone, Field, Procedure, RequiredDocument)


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
    assert len(investment) == 11
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
    proc["time_limit_days"] = 7
    proc["name_vi"] = "Điều chỉnh dự án đầu tư (tên mới)"
    proc["documents"] = proc["documents"][:2] + [{"name_vi": "Tài liệu mới", "name_en": "New document"}]
    edited["organisation"]["agency_code"] = "H99.01"

    stats = load_catalogue(edited)
    assert stats["procedures updated"] == 1
    assert stats["organisations updated"] == 1
    after = counts(db)
    assert after["procedures"] == before["procedures"]
    assert after["required_documents"] == before["required_documents"] - 1
    updated = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-04"))
    assert updated.time_limit_days == 7
    assert [d.name_vi for d in updated.documents][-1] == "Tài liệu mới"
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
    procedure["step_days"] = {"reception": 1, "approval": 2}
    with pytest.raises(CatalogueError, match="QLDT-05: step_days take 3.0 of its 3 working days"):
        load_catalogue(data)
