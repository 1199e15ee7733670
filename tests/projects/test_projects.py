"""Investors manage their enterprise's projects; a project page shows its licence and dossiers."""
from __future__ import annotations

from datetime import date

from portal.catalogue.models import Zone
from portal.dossiers import operations as ops
from portal.projects.models import Project


def zone_id(db, code="KCN-SAO-MAI"):
    return db.session.scalar(db.select(Zone.id).where(Zone.code == code))


def test_create_edit_and_view_a_project(client, db, login_as, make_draft):
    user = login_as("investor")
    response = client.post("/projects/new", data={
        "name_vi": "Nhà máy sản xuất gỗ ghép Sao Mai", "name_en": "Sao Mai glued-wood factory",
        "zone_id": zone_id(db), "location": "Lô B3", "land_area_m2": "25000.5",
        "total_capital_vnd": "250000000000", "total_capital_usd": "10000000", "workforce": "120",
        "objectives": "Sản xuất gỗ ghép xuất khẩu", "schedule": "Quý I/2027 khởi công", "sector": "Chế biến gỗ",
    })
    assert response.status_code == 302
    project = db.session.scalars(db.select(Project).where(Project.enterprise_id.in_(user.enterprise_ids))).one()
    assert project.zone.code == "KCN-SAO-MAI" and project.workforce == 120
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Nhà máy sản xuất gỗ ghép Sao Mai" in page and "Khu công nghiệp Sao Mai" in page
    assert "250.000.000.000" in page  # Vietnamese number format
    assert "Chưa được cấp" in page

    response = client.post(f"/projects/{project.id}/edit", data={"name_vi": "Nhà máy gỗ ghép", "zone_id": zone_id(db)})
    assert response.status_code == 302
    assert db.session.get(Project, project.id).name_vi == "Nhà máy gỗ ghép"


def test_project_form_keeps_input_on_error(client, db, login_as):
    login_as("investor")
    page = client.post("/projects/new", data={"name_vi": "", "zone_id": "0", "sector": "Dệt may",
                                              "workforce": "-3"}).get_data(as_text=True)
    assert "Vui lòng nhập tên dự án." in page and "Vui lòng chọn khu." in page
    assert "Nhập một số từ 0 đến 1.000.000." in page
    assert 'value="Dệt may"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0


def test_project_page_shows_licence_and_its_dossiers(client, db, login_as, make_draft):
    user = login_as("investor")
    dossier = make_draft(user=user)
    ops.submit_dossier(dossier, user)
    dossier.project.irc_number = "5412345678"
    dossier.project.irc_date = date(2026, 3, 2)
    db.session.commit()
    page = client.get(f"/projects/{dossier.project_id}").get_data(as_text=True)
    assert "5412345678" in page and "02/03/2026" in page
    assert dossier.code in page and "Mới đăng ký" in page
    assert "Nộp hồ sơ trực tuyến" in page  # the submission, on the project's timeline


def test_start_a_dossier_from_the_project_page(client, db, login_as, make_draft):
    user = login_as("investor")
    project = make_draft(user=user).project
    response = client.get("/dossiers/new", query_string={"procedure": "QLDT-05", "project": project.id})
    assert response.headers["Location"].endswith(f"/dossiers/new/QLDT-05?project={project.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<option selected value="{project.id}">' in page


def test_new_dossier_can_create_the_project(client, db, login_as):
    login_as("investor")
    response = client.post("/dossiers/new/QLDT-01", data={"project_id": 0, "new_project_name": "Trang trại dược liệu Bờ Y",
                                                           "zone_id": zone_id(db, "KKTCK-BO-Y")})
    assert response.status_code == 302
    project = db.session.scalars(db.select(Project)).one()
    assert project.name_vi == "Trang trại dược liệu Bờ Y" and project.zone.code == "KKTCK-BO-Y"
    page = client.post("/dossiers/new/QLDT-01", data={"project_id": 0, "new_project_name": ""}).get_data(as_text=True)
    assert "Vui lòng nhập tên dự án mới." in page and "Vui lòng chọn khu." in page


def test_officers_cannot_use_the_investor_pages(client, db, login_as):
    login_as("desk_officer")
    assert client.get("/projects/").status_code == 403
    assert client.get("/dossiers/").status_code == 403
    assert client.get("/dossiers/new/QLDT-01").status_code == 403
