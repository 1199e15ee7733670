"""Hostile input in every form: no 500, clear messages, text stored as NFC, markup escaped
in pages, e-mails and PDFs, SQL metacharacters harmless."""
from __future__ import annotations

import unicodedata

import pytest

from portal.accounts.models import Enterprise, User
from portal.dossiers import operations as ops
from tests.conftest import sign_in
from tests.dossiers.test_journey import pdf_text

PAYLOADS = {
    "long": "Đ" * 6000,
    "control": "a\x00b\x07c\x1b[31m\r\nd\u202e",
    "decomposed": unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung, Đăk Tô"),
    "html": '<script>alert(1)</script><img src=x onerror="alert(2)">',
    "sql": "'; DROP TABLE users; -- \" OR 1=1 %_\\",
}

# (who, method, path, the text fields of its form); other fields are left empty.
FORMS = [
    ("anonymous", "/account/register", ["full_name", "email", "phone", "password", "confirm", "enterprise_name",
                                        "enterprise_code", "address", "legal_representative"]),
    ("anonymous", "/account/login", ["email", "password"]),
    ("anonymous", "/account/forgot", ["email"]),
    ("anonymous", "/account/confirm/resend", ["email"]),
    ("investor_a", "/account/profile", ["full_name", "phone"]),
    ("investor_a", "/account/password", ["current_password", "password", "confirm"]),
    ("investor_a", "/account/email", ["email", "current_password"]),
    ("investor_a", "/projects/new", ["name_vi", "name_en", "objectives", "location", "capital_sources", "schedule",
                                     "sector", "land_area_m2", "total_capital_vnd", "workforce"]),
    ("investor_a", "/projects/{project}/edit", ["name_vi", "objectives", "sector"]),
    ("investor_a", "/dossiers/new/QLDT-01", ["new_project_name"]),
    ("investor_a", "/dossiers/{dossier}/withdraw", ["reason"]),
    ("investor_a", "/dossiers/{dossier}/rating", ["comment"]),
    ("desk", "/officer/dossiers/{dossier}/refuse", ["refuse-reason"]),
    ("desk", "/officer/dossiers/{dossier}/return", ["return-handover"]),
    ("desk", "/officer/dossiers/{dossier}/apology", ["apology-reason", "apology-new_date", "apology-new_time"]),
    ("desk", "/officer/dossiers/{dossier}/notes", ["note-text"]),
    ("head", "/officer/dossiers/{dossier}/supplement", ["supplement-items-0-description", "supplement-items-0-reason",
                                                       "supplement-note"]),
    ("head", "/officer/dossiers/{dossier}/send-back", ["back-comment"]),
    ("head", "/officer/dossiers/{dossier}/decline", ["decline-reasons"]),
    ("leader", "/officer/dossiers/{dossier}/approve", ["approve-irc_number", "approve-note"]),
]
GETS = ["/procedures/?q={p}", "/tracking?code={p}&key={p}", "/dossiers/?state={p}", "/officer/book?start={p}&end={p}",
        "/procedures/{p}"]


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_every_form_survives_hostile_input(client, db, world, kind, caplog):
    people, ids = world
    payload = PAYLOADS[kind]
    for who, path, fields in FORMS:
        with client.session_transaction() as session:
            session.clear()
        if who != "anonymous":
            sign_in(client, people[who])
        response = client.post(path.format(**ids), data={name: payload for name in fields})
        assert response.status_code < 500, (path, kind, response.status_code)
        if response.status_code == 200 and kind == "html":
            assert "<script>alert(1)</script>" not in response.get_data(as_text=True), path
    sign_in(client, people["desk"])
    for path in GETS:
        response = client.get(path.format(p=payload))
        assert response.status_code < 500, (path, kind, _trace(caplog))
    sign_in(client, people["investor_a"])
    assert client.get(GETS[2].format(p=payload)).status_code < 500


def test_decomposed_vietnamese_is_stored_composed(client, db):
    decomposed = {key: unicodedata.normalize("NFD", value) for key, value in {
        "full_name": "Trần Thị Hồng Nhung", "enterprise_name": "Công ty Cổ phần Đăk Tô",
        "address": "Thôn Đắk Rơ Wang", "legal_representative": "Lê Văn Hưởng"}.items()}
    client.post("/account/register", data={**decomposed, "email": "nfd@example.com", "phone": "0905 123 456",
                                           "password": "Rừng-cà-phê-Đăk-Tô-9", "confirm": "Rừng-cà-phê-Đăk-Tô-9",
                                           "enterprise_code": "6101987600", "country": "VN", "language": "vi"})
    user = db.session.scalar(db.select(User).where(User.email == "nfd@example.com"))
    enterprise = db.session.scalar(db.select(Enterprise).where(Enterprise.requested_code == "6101987600"))
    assert user.full_name == "Trần Thị Hồng Nhung" == unicodedata.normalize("NFC", user.full_name)
    assert enterprise.name == "Công ty Cổ phần Đăk Tô" and enterprise.address == "Thôn Đắk Rơ Wang"
    # The password typed decomposed on another keyboard still works.
    user.email_confirmed_at = user.created_at
    db.session.commit()
    typed = unicodedata.normalize("NFD", "Rừng-cà-phê-Đăk-Tô-9")
    assert client.post("/account/login", data={"email": "nfd@example.com", "password": typed}).status_code == 302


def test_markup_in_names_is_text_in_pages_emails_and_pdfs(client, db, make_draft, outbox, desk_officer):
    from tests.factories import EnterpriseFactory, UserFactory

    hostile = '<script>alert("x")</script> & <b>Co</b>'
    enterprise = EnterpriseFactory(name=hostile, address="<img src=x onerror=alert(1)>")
    user = UserFactory(full_name="<i>Nhà</i> đầu tư", enterprise=enterprise)
    dossier = make_draft(user=user)
    ops.submit_dossier(dossier, user)
    ops.receive_dossier(dossier, desk_officer)
    from portal.services.unit_of_work import commit

    commit()
    sign_in(client, desk_officer)
    page = client.get(f"/officer/dossiers/{dossier.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    mail = outbox.to(user.email)[-1]
    assert mail.get_content_type() == "text/plain"  # no markup is ever interpreted in mail
    sign_in(client, user)
    from portal.documents.models import Slip

    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id)).one()
    text = pdf_text(client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf").data)
    assert hostile in text  # printed as text, not rendered as markup
    assert "<img src=x onerror=alert(1)>" in text


def test_sql_metacharacters_find_nothing_and_break_nothing(client, db, world):
    response = client.get("/tracking", query_string={"code": "' OR '1'='1", "key": "' OR '1'='1"})
    assert response.status_code == 404
    response = client.post("/account/login", data={"email": "' OR 1=1 --@example.com", "password": "' OR '1'='1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email hoặc mật khẩu không đúng" in page or "Địa chỉ email không hợp lệ" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) >= 8


def _trace(caplog) -> str:
    import traceback

    return "".join("".join(traceback.format_exception(*r.exc_info)) for r in caplog.records if r.exc_info)[-3000:]


def test_extreme_dates_and_ids_are_answered_not_crashed(client, db, world):
    people, ids = world
    sign_in(client, people["desk"])
    for query in ({"end": "9999-12-31"}, {"start": "0001-01-01", "end": "0001-01-02"}):
        assert client.get("/officer/book", query_string=query).status_code == 200
        assert client.get("/officer/book.csv", query_string=query).status_code == 200
    huge = "9" * 25
    assert client.get(f"/officer/dossiers/{huge}").status_code == 404
    sign_in(client, people["investor_a"])
    assert client.get(f"/dossiers/{huge}").status_code == 404
    assert client.get(f"/projects/{huge}").status_code == 404
    assert client.get("/dossiers/", query_string={"page": huge}).status_code == 200
    sign_in(client, people["head"])
    assert client.post(f"/officer/dossiers/{ids['dossier']}/assign", data={"assign-specialist": huge}).status_code == 200
    sign_in(client, people["desk"])
    response = client.post(f"/officer/dossiers/{ids['dossier']}/supplement",
                           data={"supplement-items-0-document": huge, "supplement-items-0-description": "x",
                                 "supplement-items-0-reason": "y"})
    assert response.status_code in (200, 302)
