"""Uploads: checked by extension and content, limited in size, streamed, never half kept."""
from __future__ import annotations

import io
import os

import pytest

from portal.dossiers.models import DossierFile
from portal.services.storage import CHUNK, LocalStorage, TooLarge
from tests.samples import EXE, PDF, docx, object_stream_bomb, page_tree_bomb, png, upload, zip_bomb


@pytest.fixture
def draft(make_draft, login_as):
    user = login_as("investor")
    return make_draft(user=user, complete=False)


def post_file(client, dossier, data, name, document=None):
    document = document or dossier.version.documents[0]
    return client.post(f"/dossiers/{dossier.id}/documents/{document.id}/files", data=upload(data, name),
                       content_type="multipart/form-data", follow_redirects=True)


def stored_files(app) -> list[str]:
    root = app.config["STORAGE_DIR"]
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


def count_files(db, dossier) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(DossierFile).where(DossierFile.dossier_id == dossier.id))


@pytest.mark.parametrize("data, name", [(PDF, "Đơn đề nghị.pdf"), (png(), "ảnh.PNG"), (docx(), "thuyết minh.docx")])
def test_accepted_files(client, db, draft, data, name):
    page = post_file(client, draft, data, name).get_data(as_text=True)
    assert f"Đã đính kèm {name}" in page
    record = db.session.scalars(db.select(DossierFile).where(DossierFile.dossier_id == draft.id)).one()
    assert record.size == len(data) and len(record.sha256) == 64
    download = client.get(f"/dossiers/{draft.id}/files/{record.id}")
    assert download.data == data
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "data, name, message",
    [
        (EXE, "hop-dong.pdf", "Nội dung của hop-dong.pdf không phải là tệp PDF."),
        (EXE, "setup.exe", "Không chấp nhận loại tệp này."),
        (b"", "trong.pdf", "Tệp trong.pdf không có nội dung."),
        (PDF, "khong-duoi", "Không chấp nhận loại tệp này."),
        (png(), "anh.pdf", "Nội dung của anh.pdf không phải là tệp PDF."),
    ],
)
def test_refused_files_leave_nothing(app, client, db, draft, data, name, message):
    before = stored_files(app)
    page = post_file(client, draft, data, name).get_data(as_text=True)
    assert message in page
    assert count_files(db, draft) == 0
    assert stored_files(app) == before


def test_file_over_the_limit_names_the_limit_and_is_not_kept(app, client, db, draft):
    app.config["MAX_FILE_MB"] = 1
    try:
        before = stored_files(app)
        big = PDF + b"0" * (1024 * 1024)
        page = post_file(client, draft, big, "ban-ve.pdf").get_data(as_text=True)
    finally:
        app.config["MAX_FILE_MB"] = 20
    assert "Tệp ban-ve.pdf lớn hơn 1 MB." in page
    assert count_files(db, draft) == 0 and stored_files(app) == before


def test_dossier_total_limit(app, client, db, draft):
    app.config["MAX_DOSSIER_MB"] = 1
    try:
        half = PDF + b"0" * (600 * 1024)
        assert "Đã đính kèm" in post_file(client, draft, half, "mot.pdf").get_data(as_text=True)
        page = post_file(client, draft, half, "hai.pdf").get_data(as_text=True)
    finally:
        app.config["MAX_DOSSIER_MB"] = 100
    assert "Tổng dung lượng tệp của hồ sơ tối đa 1 MB" in page
    assert count_files(db, draft) == 1


def test_remove_and_replace_a_file(client, db, draft):
    post_file(client, draft, PDF, "cu.pdf")
    record = db.session.scalars(db.select(DossierFile).where(DossierFile.dossier_id == draft.id)).one()
    page = client.post(f"/dossiers/{draft.id}/files/{record.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Đã gỡ bỏ cu.pdf" in page
    post_file(client, draft, PDF, "moi.pdf")
    names = [f.original_name for f in db.session.scalars(db.select(DossierFile).where(DossierFile.dossier_id == draft.id))]
    assert names == ["moi.pdf"]


def test_a_failed_request_removes_the_file_it_wrote(app, client, db, draft, monkeypatch):
    """Files written during a request that then fails are deleted with the rollback."""
    from portal.dossiers import operations

    before = stored_files(app)
    original = operations.DossierFile

    def exploding(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(operations, "DossierFile", exploding)
    response = client.post(f"/dossiers/{draft.id}/documents/{draft.version.documents[0].id}/files",
                           data=upload(PDF, "a.pdf"), content_type="multipart/form-data")
    monkeypatch.setattr(operations, "DossierFile", original)
    assert response.status_code == 500
    assert stored_files(app) == before


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.largest_read = 0

    def read(self, size=-1):
        self.largest_read = max(self.largest_read, size if size and size > 0 else len(self.getvalue()))
        return super().read(size)


def test_storage_streams_in_chunks(tmp_path):
    storage = LocalStorage(tmp_path)
    data = os.urandom(5 * CHUNK + 123)
    stream = CountingStream(data)
    stored = storage.save("a/b.bin", stream)
    assert stream.largest_read == CHUNK  # never the whole file at once
    assert stored.size == len(data)
    assert storage.open("a/b.bin").read() == data
    with pytest.raises(TooLarge):
        storage.save("a/c.bin", io.BytesIO(data), max_size=CHUNK)
    assert not storage.exists("a/c.bin") and list(storage.iter_keys()) == ["a/b.bin"]
    with pytest.raises(ValueError):
        storage.save("../escape", io.BytesIO(b"x"))


def test_a_pdf_without_pages_is_refused_not_crashed(client, db, make_draft, login_as):
    dossier = make_draft(user=login_as("investor"), complete=False)
    broken = (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
              b"trailer<</Size 2/Root 1 0 R>>\nstartxref\n38\n%%EOF\n")
    document = dossier.version.documents[0]
    page = client.post(f"/dossiers/{dossier.id}/documents/{document.id}/files", data=upload(broken, "rong.pdf"),
                       content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 200
    assert "Tệp rong.pdf bị hỏng hoặc không phải là tệp PDF thật." in page.get_data(as_text=True)


def pixel_bomb() -> bytes:
    """A small PNG of 64 million pixels (one bit each)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@pytest.mark.parametrize("data, name", [
    (page_tree_bomb(fanout=10, depth=6), "trang.pdf"),  # a kilobyte counted as a million pages
    (object_stream_bomb(), "nen.pdf"),                  # 72 kB whose page tree unpacks to 74 MB
    (zip_bomb(), "bom.docx"),
    (pixel_bomb(), "anh.png"),
])
def test_files_that_expand_are_refused_with_bounded_work(app, client, db, draft, data, name):
    assert len(data) < 2_000_000
    before = stored_files(app)
    page = post_file(client, draft, data, name).get_data(as_text=True)
    assert f"Tệp {name} quá lớn hoặc quá phức tạp để kiểm tra" in page
    assert count_files(db, draft) == 0 and stored_files(app) == before


def test_a_page_tree_naming_a_node_twice_is_refused_even_when_small(tmp_path):
    from portal.dossiers.uploads import TooComplex, check_structure

    path = tmp_path / "nho.pdf"
    path.write_bytes(page_tree_bomb(fanout=2, depth=1))
    with pytest.raises(TooComplex):
        check_structure("pdf", path)
    path.write_bytes(PDF)
    check_structure("pdf", path)  # an ordinary one page passes


def test_the_isolated_check_accepts_and_refuses_the_same(app, client, db, draft):
    """Production checks each upload in a child process with CPU, memory and time limits."""
    app.config["UPLOAD_CHECK_ISOLATED"] = True
    try:
        assert "Đã đính kèm" in post_file(client, draft, PDF, "don.pdf").get_data(as_text=True)
        for data, name in ((object_stream_bomb(), "nen.pdf"), (page_tree_bomb(10, 6), "cay.pdf")):
            page = post_file(client, draft, data, name).get_data(as_text=True)
            assert f"Tệp {name} quá lớn hoặc quá phức tạp để kiểm tra" in page
        page = post_file(client, draft, PDF[:200], "cut.pdf").get_data(as_text=True)
        assert "Tệp cut.pdf bị hỏng hoặc không phải là tệp PDF thật." in page
    finally:
        app.config["UPLOAD_CHECK_ISOLATED"] = False
    assert count_files(db, draft) == 1


def test_several_files_at_once_each_judged_and_said_beside_the_control(client, db, draft):
    """Two files in one upload: the PDF is kept, the program is refused; both outcomes are
    shown next to that document's control (and at the top), and the input points to them."""
    document = draft.version.documents[0]
    response = client.post(f"/dossiers/{draft.id}/documents/{document.id}/files",
                           data={"file": [(io.BytesIO(PDF), "de-xuat.pdf"), (io.BytesIO(EXE), "chay-toi.pdf")]},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    beside = page.split(f'id="result-doc-{document.id}"')[1].split("</div>")[0]
    assert "Đã đính kèm de-xuat.pdf" in beside and "chay-toi.pdf" in beside and 'class="error"' in beside
    assert f'aria-describedby="result-doc-{document.id}" aria-invalid="true"' in page
    assert count_files(db, draft) == 1
    assert "Đã đính kèm" not in client.get(f"/dossiers/{draft.id}/edit").get_data(as_text=True)   # said once


def test_the_script_gets_the_outcome_as_json(client, db, draft):
    document = draft.version.documents[0]
    answer = client.post(f"/dossiers/{draft.id}/documents/{document.id}/files", headers={"Accept": "application/json"},
                         data={"file": [(io.BytesIO(EXE), "chay-toi.exe")]}, content_type="multipart/form-data")
    assert answer.status_code == 400 and answer.json["accepted"] == []
    assert "Không chấp nhận loại tệp này" in answer.json["refused"][0]
    answer = client.post(f"/dossiers/{draft.id}/documents/{document.id}/files", headers={"Accept": "application/json"},
                         data={"file": [(io.BytesIO(PDF), "de-xuat.pdf")]}, content_type="multipart/form-data")
    assert answer.status_code == 200 and answer.json == {"accepted": ["Đã đính kèm de-xuat.pdf."], "refused": []}


def test_each_control_is_named_after_its_document(client, draft):
    page = client.get(f"/dossiers/{draft.id}/edit").get_data(as_text=True)
    for document in draft.version.documents:
        assert f'aria-label="Tải lên: {document.name_vi}"' in page and f'aria-label="Thêm tệp: {document.name_vi}"' in page
    assert 'aria-describedby="None"' not in page
