"""Investors manage their enterprise's projects; a project page shows its licence and dossiers."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.calendar import LOCAL_TZ
from portal.catalogue.models import Zone
from portal.db import utcnow
from portal.dossiers import operations as ops
from portal.projects.models import CertificateEntry, Project


def zone_id(db, code="KCN-SAO-MAI"):
    return db.session.scalar(db.select(Zone.id).where(Zone.code == code))


def test_create_edit_and_view_a_project(client, db, login_as, make_draft):
    user = login_as("investor")
    response = client.post("/projects/new", data={
        "name_vi": "Nhà máy sản xuất gỗ ghép Sao Mai", "name_en": "Sao Mai glued-wood factory",
        "zone_id": zone_id(db), "location": "Lô B3", "land_area_m2": "25.000,5",
        "total_capital_vnd": "250.000.000.000", "total_capital_usd": "10 000 000", "workforce": "120",
        "objectives": "Sản xuất gỗ ghép xuất khẩu", "schedule": "Quý I/2027 khởi công", "sector": "Chế biến gỗ",
    })
    assert response.status_code == 302
    project = db.session.scalars(db.select(Project).where(Project.enterprise_id.in_(user.enterprise_ids))).one()
    assert project.zone.code == "KCN-SAO-MAI" and project.workforce == 120
    assert (project.total_capital_vnd, project.land_area_m2, project.total_capital_usd) == (
        Decimal("250000000000"), Decimal("25000.5"), Decimal("10000000"))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Nhà máy sản xuất gỗ ghép Sao Mai" in page and "Khu công nghiệp Sao Mai" in page
    assert "250.000.000.000" in page and "25.000,5" in page and "10.000.000 USD" in page
    assert "Chưa được cấp" in page
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert 'value="250.000.000.000"' in form and 'inputmode="decimal"' in form

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


def test_amounts_in_the_english_interface(client, db, login_as):
    login_as("investor")
    client.get("/language/en")
    data = {"name_vi": "Dự án", "zone_id": zone_id(db), "total_capital_vnd": "250,000,000,000", "land_area_m2": "1,234.5"}
    assert client.post("/projects/new", data=data).status_code == 302
    project = db.session.scalars(db.select(Project)).one()
    assert (project.total_capital_vnd, project.land_area_m2) == (Decimal("250000000000"), Decimal("1234.5"))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "250,000,000,000" in page and "1,234.5" in page
    # Read the Vietnamese way, "250.000.000.000" would be 250 in English: it is refused, not guessed.
    for typed in ("250.000.000.000", "250.000"):
        page = client.post("/projects/new", data={**data, "total_capital_vnd": typed}).get_data(as_text=True)
        assert "Write the number as in 250,000,000,000 / 1,234.5" in page


@pytest.mark.parametrize("value, message", [
    ("1.5", "Nhập số theo dạng 250.000.000.000 / 1.234,5"),   # a misplaced group separator: not read as 1,5
    ("250,000,000,000", "Nhập số theo dạng"),                  # the English way, in the Vietnamese interface
    ("sNaN", "Nhập số theo dạng"), ("Infinity", "Nhập số theo dạng"), ("1e30", "Nhập số theo dạng"),
    ("-5", "Nhập số theo dạng"), ("٣", "Nhập số theo dạng"), ("9" * 41, "Nhập số theo dạng"),
    ("250,000", "Nhập số theo dạng"),  # 250 or 250 thousand? Refused rather than saved as 250
    ("12,3456", "Chỉ dùng tối đa 2 chữ số thập phân."), ("9.999.999.999.999", "Số này quá lớn."),
])
def test_amounts_that_cannot_be_read_one_way_are_refused_and_kept(client, db, login_as, value, message):
    login_as("investor")
    page = client.post("/projects/new", data={"name_vi": "Dự án", "zone_id": zone_id(db), "land_area_m2": value})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and message in text
    assert f'value="{value}"' in text  # what was typed stays
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0


def test_an_investor_declares_an_earlier_certificate(client, db, login_as):
    login_as("investor")
    base = {"name_vi": "Nhà máy cũ", "zone_id": zone_id(db), "certificate_number": "6121000123"}
    tomorrow = (utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=1)).isoformat()
    page = client.post("/projects/new", data={**base, "certificate_date": tomorrow}).get_data(as_text=True)
    assert "Ngày cấp giấy chứng nhận không được sau ngày hôm nay." in page and 'value="6121000123"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0  # nothing half-saved
    page = client.post("/projects/new", data={**base, "certificate_date": ""}).get_data(as_text=True)
    assert "Cần ghi cả số giấy chứng nhận và ngày cấp lần đầu." in page
    assert client.post("/projects/new", data={**base, "certificate_date": "2019-05-20"}).status_code == 302
    project = db.session.scalars(db.select(Project)).one()
    assert project.has_certificate and project.first_issue.issued_on == date(2019, 5, 20)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "6121000123" in page and "20/05/2019" in page and "Do nhà đầu tư kê khai" in page


def test_project_page_shows_licence_and_its_dossiers(client, db, login_as, make_draft):
    user = login_as("investor")
    dossier = make_draft(user=user)
    ops.submit_dossier(dossier, user)
    db.session.add(CertificateEntry(project=dossier.project, sequence=1, kind="issue", number="5412345678",
                                    issued_on=date(2026, 3, 2), dossier_id=dossier.id))
    db.session.commit()
    page = client.get(f"/projects/{dossier.project_id}").get_data(as_text=True)
    assert "5412345678" in page and "02/03/2026" in page and "Cấp lần đầu" in page
    assert dossier.code in page and "Mới đăng ký" in page
    assert "Nộp hồ sơ trực tuyến" in page  # the submission, on the project's timeline


def test_start_a_dossier_from_the_project_page(client, db, login_as, make_draft):
    user = login_as("investor")
    project = make_draft(user=user, code="QLDT-05").project  # a project that holds a certificate
    response = client.get("/dossiers/new", query_string={"procedure": "QLDT-05", "project": project.id})
    assert response.headers["Location"].endswith(f"/dossiers/new/QLDT-05?project={project.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<option selected value="{project.id}">' in page


@pytest.mark.parametrize("code", ["QLDT-04", "QLDT-05", "QLDT-06", "QLDT-07", "QLDT-08", "QLDT-09"])
def test_an_adjustment_needs_a_project_with_a_certificate(client, db, login_as, make_draft, code):
    from portal.dossiers.models import Dossier

    user = login_as("investor")
    project = make_draft(user=user).project  # QLDT-02, not yet granted
    page = client.get(f"/dossiers/new/{code}", query_string={"project": project.id}).get_data(as_text=True)
    assert "Thủ tục này dành cho dự án đã được cấp Giấy chứng nhận đăng ký đầu tư" in page
    before = db.session.scalar(db.select(db.func.count()).select_from(Dossier))
    page = client.post(f"/dossiers/new/{code}", data={"project_id": project.id}, follow_redirects=True)
    assert "Thủ tục này dành cho dự án đã được cấp Giấy chứng nhận đăng ký đầu tư" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Dossier)) == before


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


def test_a_dossier_starts_with_what_the_project_already_knows(client, db, login_as):
    """The project has its capital, land area and schedule: a QLDT-02 dossier started on it
    has them in its own fields, ready to check; fields the project has nothing for stay empty.
    The new-project fields, sent along with an existing project, are ignored."""
    from portal.dossiers.models import Dossier
    from portal.projects.operations import create_project

    user = login_as("investor")
    project = create_project(enterprise_id=min(user.enterprise_ids), created_by=user, name_vi="Nhà máy gạch Sao Mai",
                             zone_id=zone_id(db, "KCN-SAO-MAI"))
    project.total_capital_vnd, project.land_area_m2, project.schedule = Decimal("250000000000"), Decimal("12500.5"), \
        "Quý IV/2026: khởi công"
    db.session.commit()
    answer = client.post("/dossiers/new/QLDT-02", data={"project_id": project.id, "new_project_name": "Bỏ qua",
                                                        "zone_id": zone_id(db, "KKTCK-BO-Y")})
    assert answer.status_code == 302
    dossier = db.session.scalars(db.select(Dossier)).one()
    assert dossier.field_values == {"certified_capital": "250000000000", "land_area": "12500.50",
                                    "schedule": "Quý IV/2026: khởi công"}
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 1   # no "Bỏ qua" project
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'value="250.000.000.000"' in page and "Quý IV/2026: khởi công" in page
