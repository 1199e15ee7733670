"""Regressions for what a second review found: internal notes on the control slip, the
enrolment key on a shared browser, lateness forgiven by a pause, and inputs that crashed."""
from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.calendar import WORKING_DAYS
from portal.dossiers import operations as ops
from portal.dossiers import processing
from portal.dossiers.timeliness import Timeliness, classify, legal_due, of_dossier
from tests.conftest import sign_in
from tests.dossiers.test_journey import pdf_text
from tests.factories import PASSWORD, UserFactory
from tests.samples import PDF, upload

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_internal_comments_stay_off_the_control_slip(client, db, world):
    people, ids = world
    from portal.dossiers.models import Dossier

    dossier = db.session.get(Dossier, ids["dossier"])
    processing.propose_result(dossier, dossier.assignee, io_pdf())
    processing.send_back(dossier, people["head"], "Bí mật nội bộ: xem lại số liệu")
    db.session.commit()
    sign_in(client, people["desk"])
    slip_url = client.post(f"/officer/dossiers/{dossier.id}/control-slip").headers["Location"]
    sign_in(client, people["investor_a"])
    text = pdf_text(client.get(slip_url).data)
    assert "PHIẾU KIỂM SOÁT" in text and "Bí mật nội bộ" not in text


def io_pdf():
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(PDF), "du-thao.pdf")


def test_an_abandoned_enrolment_key_is_not_passed_to_the_next_officer(client, db):
    first, second = UserFactory(desk_officer=True), UserFactory(desk_officer=True)
    client.post("/account/login", data={"email": first.email, "password": PASSWORD})
    key_first = re.search(r'<code class="secret">(\w+)</code>', client.get("/account/mfa/setup").get_data(as_text=True))
    client.post("/account/login", data={"email": second.email, "password": PASSWORD})
    key_second = re.search(r'<code class="secret">(\w+)</code>', client.get("/account/mfa/setup").get_data(as_text=True))
    assert key_first.group(1) != key_second.group(1)


def at(d, hh=9, mm=0):
    return datetime(2026, 3, d, hh, mm, tzinfo=VN)


def test_a_pause_does_not_forgive_lateness():
    # Received Mon 2/3 09:00, 5 working days: due Mon 9/3 09:00. Already late on Wed 11/3
    # when a supplement is asked; answered Fri 13/3 08:00; finished 08:30 the same day.
    due = legal_due(at(2), 5, WORKING_DAYS, [(at(11), at(13, 8))])
    assert due == at(11)  # moved by the two working days of the wait only
    assert classify(due, at(13, 8, 30), now=at(20)) is Timeliness.LATE


def test_withdrawn_during_a_supplement_wait_is_classed(db, make_draft, desk_officer):
    qldt_head = UserFactory(department_head=True)
    specialist = UserFactory(specialist=True)
    dossier = make_draft()
    ops.submit_dossier(dossier, dossier.created_by)
    ops.receive_dossier(dossier, desk_officer)
    processing.assign(dossier, qldt_head, specialist)
    processing.request_supplement(dossier, specialist, [{"description": "Bản sao", "reason": "Mờ"}])
    ops.withdraw_dossier(dossier, dossier.created_by, "Không tiếp tục")
    db.session.flush()
    assert of_dossier(dossier, dossier.finished_at) in (Timeliness.EARLY, Timeliness.ON_TIME)


def test_draft_number_fields_survive_the_round_trip(client, db, make_draft, login_as):
    user = login_as("investor")
    dossier = make_draft(user=user, code="QLDT-01", complete=False)
    response = client.post(f"/dossiers/{dossier.id}/edit", data={"fields-requested_capital": "12345678901.5",
                                                                 "fields-land_area": "2500", "return_method": "at_desk"})
    assert response.status_code == 302
    page = client.get(f"/dossiers/{dossier.id}/edit")
    assert page.status_code == 200 and 'value="12345678901.5"' in page.get_data(as_text=True)


@pytest.mark.parametrize("value, message", [("sNaN", "Vui lòng nhập một số."), ("NaN", "Vui lòng nhập một số."),
                                            ("Infinity", "Vui lòng nhập một số."), ("1e30", "Số này quá lớn."),
                                            ("12.345", "Chỉ dùng tối đa 2 chữ số thập phân.")])
def test_odd_numbers_are_refused_clearly(client, db, login_as, value, message):
    from portal.catalogue.models import Zone

    login_as("investor")
    zone = db.session.scalar(db.select(Zone.id).where(Zone.code == "KCN-SAO-MAI"))
    response = client.post("/projects/new", data={"name_vi": "Dự án", "zone_id": zone, "land_area_m2": value})
    assert response.status_code == 200 and message in response.get_data(as_text=True)


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


def test_a_pdf_without_pages_is_refused_not_crashed(client, db, make_draft, login_as):
    dossier = make_draft(user=login_as("investor"), complete=False)
    broken = (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
              b"trailer<</Size 2/Root 1 0 R>>\nstartxref\n38\n%%EOF\n")
    document = dossier.procedure.documents[0]
    page = client.post(f"/dossiers/{dossier.id}/documents/{document.id}/files", data=upload(broken, "rong.pdf"),
                       content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 200
    assert "Tệp rong.pdf bị hỏng hoặc không phải là tệp PDF thật." in page.get_data(as_text=True)
