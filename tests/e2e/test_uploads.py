"""In a real browser, an investor attaches files to a draft: with the portal's script, a
wrong type is refused before anything is sent and a good file shows its progress, both with
the outcome next to that document's control; without the script, the same words come back
from the server, next to the control too."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.services.unit_of_work import commit
from tests.conftest import served
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.samples import PDF

pytestmark = pytest.mark.e2e
NAME = "Văn bản đề nghị cấp Giấy chứng nhận đăng ký đầu tư"


@pytest.fixture
def draft_server(scratch_app):
    from portal.catalogue.models import Procedure
    from portal.dossiers import operations as ops
    from portal.projects.operations import create_project

    with scratch_app.app_context():
        investor = UserFactory(email="nhadautu@example.com")
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-02"))
        project = create_project(enterprise_id=min(investor.enterprise_ids), created_by=investor, name_vi="Nhà máy gạch")
        dossier = ops.start_dossier(user=investor, procedure=procedure, project=project)
        document_id, dossier_id = dossier.version.documents[0].id, dossier.id
        commit()
    with served(scratch_app) as url:
        yield url, dossier_id, document_id


def files(tmp_path):
    wrong = tmp_path / "cai-dat.exe"
    wrong.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    good = tmp_path / "van-ban-de-nghi.pdf"
    good.write_bytes(PDF)
    return wrong, good


@pytest.mark.parametrize("language, width", [("vi", 1280), ("en", 390)])
def test_an_upload_with_the_script(draft_server, browser, tmp_path, language, width):
    url, dossier_id, document_id = draft_server
    wrong, good = files(tmp_path)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    page = context.new_page()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/files" in r.url else None)
    try:
        log_in(page, url, "nhadautu@example.com", PASSWORD)
        page.goto(f"{url}/language/{language}?next=/dossiers/{dossier_id}/edit")
        item = page.locator(f"#doc-{document_id}")
        upload = {"vi": f"Tải lên: {NAME}", "en": "Upload: Written request for an investment registration certificate"}
        choose = {"vi": f"Thêm tệp: {NAME}", "en": "Add files: Written request for an investment registration "
                  "certificate"}
        item.get_by_label(choose[language]).set_input_files(str(wrong))
        item.get_by_role("button", name=upload[language]).click()
        refused = {"vi": "Không chấp nhận loại tệp này", "en": "Files of this type are not accepted"}
        expect(item.locator(".upload-result")).to_contain_text(refused[language])
        assert posts == []   # refused before sending
        item.get_by_label(choose[language]).set_input_files(str(good))
        item.get_by_role("button", name=upload[language]).click()
        attached = {"vi": "Đã đính kèm van-ban-de-nghi.pdf.", "en": "van-ban-de-nghi.pdf has been attached."}
        expect(item.locator(".upload-result")).to_contain_text(attached[language])
        expect(item.locator("progress")).to_have_attribute("value", "100")
        expect(item.locator(".upload-progress")).to_contain_text("100 %")
        expect(item.locator("ul.files")).to_contain_text("van-ban-de-nghi.pdf")   # the list, without reloading
        assert len(posts) == 1
    finally:
        context.close()


def test_the_same_upload_without_the_script(draft_server, browser, tmp_path):
    url, dossier_id, document_id = draft_server
    wrong, good = files(tmp_path)
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, url, "nhadautu@example.com", PASSWORD)
        page.goto(f"{url}/dossiers/{dossier_id}/edit")
        item = page.locator(f"#doc-{document_id}")
        item.get_by_label(f"Thêm tệp: {NAME}").set_input_files(str(wrong))
        item.get_by_role("button", name=f"Tải lên: {NAME}").click()
        item = page.locator(f"#doc-{document_id}")
        expect(item.locator(".upload-result")).to_contain_text("Không chấp nhận loại tệp này")
        expect(item.get_by_label(f"Thêm tệp: {NAME}")).to_have_attribute("aria-invalid", "true")
        item.get_by_label(f"Thêm tệp: {NAME}").set_input_files(str(good))
        item.get_by_role("button", name=f"Tải lên: {NAME}").click()
        item = page.locator(f"#doc-{document_id}")
        expect(item.locator(".upload-result")).to_contain_text("Đã đính kèm van-ban-de-nghi.pdf.")
        expect(item.locator("ul.files")).to_contain_text("van-ban-de-nghi.pdf")
    finally:
        context.close()
