"""The investor's whole journey over HTTP, down to the text of the PDF receipt."""
from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from pypdf import PdfReader

from portal.dossiers.models import Dossier
from tests.accounts.test_registration import GOOD, link_in, path_of
from tests.factories import UserFactory
from tests.samples import PDF, upload

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def pdf_text(data: bytes) -> str:
    """The text of every page, with line breaks and runs of spaces folded to one space."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_register_file_submit_receive_and_download_the_receipt(app, client, db, outbox):
    UserFactory(desk_officer=True, email="motcua@example.com", full_name="Nguyễn Thị Tiếp Nhận")
    # Thursday 12/2/2026, the last working days before Tết.
    with time_machine.travel(datetime(2026, 2, 12, 9, 0, tzinfo=VN), tick=False):
        client.post("/account/register", data=GOOD)
        link = path_of(link_in(outbox.body(outbox.to(GOOD["email"])[0])))
        client.post(link)
        assert client.post("/account/login", data={"email": GOOD["email"], "password": GOOD["password"]}).status_code == 302

        # A project of the enterprise.
        response = client.post("/projects/new", data={
            "name_vi": "Nhà máy chế biến cà phê Ngọc Hồi", "zone_id": _zone_id(db, "KKTCK-BO-Y"),
            "total_capital_vnd": "120000000000", "workforce": "85", "sector": "Chế biến nông sản",
        })
        assert response.status_code == 302, re.findall(r"class=\"error\"[^>]*>([^<]*)", response.get_data(as_text=True))
        project_url = response.headers["Location"]
        project_id = int(project_url.rsplit("/", 1)[1])

        # A dossier for a procedure on that project.
        response = client.post("/dossiers/new/QLDT-02", data={"project_id": project_id})
        edit_url = response.headers["Location"]
        page = client.get(edit_url).get_data(as_text=True)
        assert "Văn bản đề nghị cấp Giấy chứng nhận đăng ký đầu tư" in page
        assert "tối đa 20 MB mỗi tệp và 100 MB cho cả hồ sơ" in page
        documents = re.findall(r"/documents/(\d+)/files", page)
        base = edit_url.rsplit("/edit", 1)[0]

        # Upload one document, save the draft, leave.
        client.post(f"{base}/documents/{documents[0]}/files", data=upload(PDF, "Văn bản đề nghị.pdf"),
                    content_type="multipart/form-data")
        assert client.post(edit_url, data={"return_method": "post",
                                           "fields-certified_capital": "250.000.000.000"}).status_code == 302
        client.post("/account/logout")

        # Resume: the draft kept the file and the choice; the check lists what is missing.
        client.post("/account/login", data={"email": GOOD["email"], "password": GOOD["password"]})
        page = client.get(edit_url).get_data(as_text=True)
        assert "Văn bản đề nghị.pdf" in page
        assert 'value="post" checked' in page or 'checked value="post"' in page or re.search(r'checked[^>]*value="post"|value="post"[^>]*checked', page)
        page = client.get(f"{base}/submit").get_data(as_text=True)
        assert "Hồ sơ chưa đầy đủ" in page and "Chưa có tệp: Văn bản chấp thuận chủ trương đầu tư" in page
        client.post(f"{base}/documents/{documents[1]}/files", data=upload(PDF, "Chấp thuận chủ trương.pdf"),
                    content_type="multipart/form-data")
        page = client.get(f"{base}/submit").get_data(as_text=True)
        assert "Nộp hồ sơ" in page and "Chấp thuận chủ trương.pdf" in page
        assert "250.000.000.000" in page  # the summary shows the amount grouped, as typed

        response = client.post(f"{base}/submit", follow_redirects=True)
        dossier = db.session.get(Dossier, int(base.rsplit("/", 1)[1]))
        assert dossier.code == "000.00.25.H34-260212-0001"
        assert f"Đã nộp hồ sơ. Mã hồ sơ: {dossier.code}" in response.get_data(as_text=True)
        assert dossier.state.national_code == 1 and len(dossier.lookup_key) == 8
        mail = [m for m in outbox.to(GOOD["email"]) if dossier.code in m["Subject"]][0]
        assert dossier.lookup_key in outbox.body(mail) and "/tracking?code=" in outbox.body(mail)
        [desk_mail] = outbox.to("motcua@example.com")  # the desk is told a new dossier waits
        assert desk_mail["Subject"] == f"Hồ sơ {dossier.code}: hồ sơ mới cần tiếp nhận"

    # The desk receives it at 09:15: 5 working days, across Tết, end on Thursday 26/2.
    with time_machine.travel(datetime(2026, 2, 12, 9, 15, tzinfo=VN), tick=False):
        result = app.test_cli_runner().invoke(args=["dossiers", "receive", dossier.code, "--officer", "motcua@example.com"])
    assert result.exit_code == 0, result.output
    db.session.refresh(dossier)
    assert dossier.state.national_code == 2
    assert dossier.due_at.astimezone(VN) == datetime(2026, 2, 26, 9, 15, tzinfo=VN)
    received_mail = [m for m in outbox.to(GOOD["email"]) if "tiếp nhận" in m["Subject"].lower()][-1]
    assert "09:15 26/02/2026 (giờ Việt Nam, UTC+7)" in outbox.body(received_mail)   # a reader abroad knows the zone

    # The investor follows it the same morning.
    with time_machine.travel(datetime(2026, 2, 12, 9, 30, tzinfo=VN), tick=False):
        page = client.get(f"{base}").get_data(as_text=True)
        assert "Được tiếp nhận" in page and "09:15 26/02/2026" in page
        slip_url = re.search(rf'href="({base}/slips/\d+\.pdf)"', page).group(1)
        response = client.get(slip_url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        text = pdf_text(response.data)
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
        assert dossier.code in text
        assert "Công ty Cổ phần Chế biến Nông sản Ngọc Hồi" in text
        assert "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án thuộc diện chấp thuận chủ trương" in text
        assert "09 giờ 15 phút, ngày 12/02/2026" in text  # received
        assert "09 giờ 15 phút, ngày 26/02/2026" in text  # due, from the calendar
        assert "5 ngày làm việc" in text
        assert "Tổng vốn đầu tư theo văn bản chấp thuận chủ trương (đồng): 250.000.000.000" in text  # grouped
        assert "Qua dịch vụ bưu chính công ích" in text
        assert "Nguyễn Thị Tiếp Nhận" in text and "Trần Thị Hồng Nhung" in text
        assert dossier.lookup_key in text


def _zone_id(db, code):
    from portal.catalogue.models import Zone

    return db.session.scalar(db.select(Zone.id).where(Zone.code == code))
