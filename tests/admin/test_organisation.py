"""The organisation, its units and zones changed in the administration: audited, refused
on the field when wrong, applied to what comes next (a new agency identifier to new codes
only), and kept when the data file is loaded again."""
from __future__ import annotations

import pytest

from portal.audit.models import AuditEvent
from portal.catalogue.models import Organisation, Unit, Zone
from portal.catalogue.operations import load_catalogue, read_catalogue_file
from portal.dossiers import operations as ops
from tests.conftest import sign_in
from tests.factories import UserFactory



def _organisation_form(org, **changes) -> dict:
    fields = ("name_vi", "name_en", "short_name_vi", "short_name_en", "parent_agency_vi", "parent_agency_en",
              "agency_code", "place_name", "head_name", "head_title_vi", "head_title_en", "address_vi", "address_en",
              "hotline", "email", "website", "office_hours_vi", "office_hours_en", "description_vi", "description_en")
    return {**{f: getattr(org, f) or "" for f in fields}, **changes}


def test_a_new_agency_identifier_applies_to_new_codes_and_survives_a_reload(app, client, db, admin, make_draft):
    org = db.session.scalar(db.select(Organisation))
    old_prefix = org.agency_code
    before = make_draft()
    ops.submit_dossier(before, before.created_by)
    db.session.commit()
    answer = client.post("/admin/organisation", data=_organisation_form(
        org, agency_code="H34.50.99", hotline="0260 3 999 999"))
    assert answer.status_code == 302
    after = make_draft()
    ops.submit_dossier(after, after.created_by)
    db.session.commit()
    db.session.refresh(before)
    assert before.code.startswith(old_prefix + "-") and after.code.startswith("H34.50.99-")
    stats = load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
    db.session.refresh(org)
    assert (org.agency_code, org.hotline) == ("H34.50.99", "0260 3 999 999")
    assert stats["organisations kept as changed in the administration"] == 1
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "catalogue.organisations_edited"))
    assert event.actor_id == admin.id and f"agency_code: {old_prefix} -> H34.50.99" in event.detail


def test_wrong_values_are_refused_on_their_field(client, db, admin):
    org = db.session.scalar(db.select(Organisation))
    name = org.name_vi
    cases = [({"name_vi": ""}, "Nhập tên."),
             ({"agency_code": "H34 50/05"}, "Chỉ dùng chữ cái, chữ số, dấu chấm và dấu gạch ngang"),
             ({"email": "khong-phai-email"}, "Nhập địa chỉ e-mail hợp lệ.")]
    for change, message in cases:
        answer = client.post("/admin/organisation", data=_organisation_form(org, **change))
        assert answer.status_code == 400 and message in answer.get_data(as_text=True), change
    zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-SAO-MAI"))
    refused = client.post(f"/admin/zones/{zone.id}", data={"code": zone.code, "kind": "industrial_park",
                                                          "name_vi": zone.name_vi, "area_ha": "-5"})
    assert refused.status_code == 400 and "Nhập diện tích từ 0 trở lên." in refused.get_data(as_text=True)
    db.session.refresh(org)
    assert org.name_vi == name and org.edited_at is None


def test_a_unit_and_a_zone(client, db, admin):
    unit = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    assert client.post(f"/admin/units/{unit.id}", data={
        "code": "QLDT", "head_name": "Trần Văn Trưởng", "head_title_vi": "Trưởng phòng", "head_title_en": "Head",
        "name_vi": "Phòng Quản lý đầu tư và doanh nghiệp", "name_en": "Investment and Enterprise Department",
        "description_vi": "", "description_en": ""}).status_code == 302
    zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-DAK-TO"))
    assert client.post(f"/admin/zones/{zone.id}", data={
        "code": zone.code, "kind": "industrial_park", "name_vi": zone.name_vi, "name_en": zone.name_en, "area_ha": "152.5",
        "location_vi": "Xã Đăk Tô, tỉnh Quảng Ngãi", "location_en": "Đăk Tô commune, Quảng Ngãi province",
        "description_vi": "", "description_en": ""}).status_code == 302
    db.session.refresh(unit)
    db.session.refresh(zone)
    assert unit.name_vi == "Phòng Quản lý đầu tư và doanh nghiệp" and str(zone.area_ha) == "152.50"
    assert zone.location_vi == "Xã Đăk Tô, tỉnh Quảng Ngãi"
    home = client.get("/").get_data(as_text=True)
    assert "Phòng Quản lý đầu tư và doanh nghiệp" in home and "Trưởng phòng: Trần Văn Trưởng" in home  # public too
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("catalogue.%"))).all()
    assert sorted(actions) == ["catalogue.units_edited", "catalogue.zones_edited"]


def test_a_unit_is_added_and_removed_but_not_one_in_use(client, db, admin):
    duplicate = client.post("/admin/units/new", data={"code": "qldt", "kind": "department", "name_vi": "Trùng mã"})
    assert duplicate.status_code == 400 and "Đã có đơn vị mang mã QLDT." in duplicate.get_data(as_text=True)
    added = client.post("/admin/units/new", data={"code": "ptdn", "kind": "department",
                                                  "name_vi": "Phòng Phát triển doanh nghiệp", "name_en": ""})
    assert added.status_code == 302
    unit = db.session.scalar(db.select(Unit).where(Unit.code == "PTDN"))
    assert unit is not None and unit.edited_at is not None
    in_use = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    refused = client.post(f"/admin/units/{in_use.id}/remove", follow_redirects=True)
    assert "Không thể xóa đơn vị" in refused.get_data(as_text=True)
    assert db.session.get(Unit, in_use.id) is not None
    assert client.post(f"/admin/units/{unit.id}/remove").status_code == 302
    assert db.session.scalar(db.select(Unit).where(Unit.code == "PTDN")) is None
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("catalogue.unit_%"))).all()
    assert sorted(actions) == ["catalogue.unit_added", "catalogue.unit_removed"]


def test_codes_change_and_the_data_file_still_finds_the_rows(app, client, db, admin, make_draft):
    """QLDT becomes QLDTDN: its officers, procedures and dossiers follow; a code used by
    another unit is refused on the field; loading the file again creates no second QLDT."""
    dossier = make_draft()
    unit = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    form = {"name_vi": unit.name_vi, "name_en": unit.name_en, "description_vi": "", "description_en": ""}
    taken = client.post(f"/admin/units/{unit.id}", data={**form, "code": "VP"})
    assert taken.status_code == 400 and "Mã VP đã được sử dụng." in taken.get_data(as_text=True)
    assert 'id="code-error"' in taken.get_data(as_text=True)
    assert client.post(f"/admin/units/{unit.id}", data={**form, "code": "qldtdn"}).status_code == 302
    db.session.refresh(unit)
    assert unit.code == "QLDTDN" and dossier.unit_id == unit.id
    stats = load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
    assert stats["units kept as changed in the administration"] == 1 and "units created" not in stats
    assert db.session.scalar(db.select(db.func.count()).select_from(Unit).where(Unit.code.in_(["QLDT", "QLDTDN"]))) == 1


def test_a_zone_is_added(client, db, admin):
    form = {"code": "kcn-hoa-binh", "kind": "industrial_park", "name_vi": "Khu công nghiệp Hòa Bình mở rộng",
            "area_ha": "", "location_vi": "Phường Kon Tum, tỉnh Quảng Ngãi"}
    taken = client.post("/admin/zones/new", data=form)
    assert taken.status_code == 400 and "Đã có khu mang mã KCN-HOA-BINH." in taken.get_data(as_text=True)
    assert client.post("/admin/zones/new", data={**form, "code": "KCN-HOA-BINH-2"}).status_code == 302
    zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-HOA-BINH-2"))
    assert zone.name_vi == "Khu công nghiệp Hòa Bình mở rộng" and zone.area_ha is None and zone.edited_at
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.target == "KCN-HOA-BINH-2")) \
        == "catalogue.zone_added"
