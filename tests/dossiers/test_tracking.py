"""Public tracking: code plus lookup key, no personal data, one answer for every miss."""
from __future__ import annotations

import pytest

from portal.dossiers import operations as ops
from portal.extensions import limiter


@pytest.fixture
def received(db, make_draft, desk_officer):
    dossier = make_draft()
    ops.submit_dossier(dossier, dossier.created_by)
    ops.receive_dossier(dossier, desk_officer)
    db.session.commit()
    return dossier


def test_tracking_shows_status_without_personal_data(client, received):
    response = client.get("/tracking", query_string={"code": received.code, "key": received.lookup_key.lower()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Hồ sơ {received.code}" in page
    assert "Được tiếp nhận" in page and "(mã 2)" not in page   # the name, not the national code
    assert "(UTC+7)" in page   # a reader abroad is told the time zone
    assert received.procedure.name_vi in page
    assert "Hẹn trả kết quả" in page
    enterprise, person = received.enterprise, received.created_by
    for private in (enterprise.name, enterprise.address, person.email, person.full_name, person.phone):
        assert private not in page


@pytest.mark.parametrize("which", ["code", "key", "both"])
def test_wrong_code_or_key_gets_the_same_answer(client, received, which):
    code = received.code if which == "key" else received.code[:-1] + "9"
    key = received.lookup_key if which == "code" else "ZZZZZZZZ"
    response = client.get("/tracking", query_string={"code": code, "key": key})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này" in page
    assert received.procedure.name_vi not in page


def test_empty_search_explains_what_is_needed(client, db):
    page = client.get("/tracking", query_string={"code": "", "key": ""}).get_data(as_text=True)
    assert "Vui lòng nhập mã hồ sơ." in page and "Vui lòng nhập mã tra cứu in trên giấy tiếp nhận." in page


def test_lookups_are_rate_limited(app, client, db):
    app.config["TRACKING_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/tracking", query_string={"code": "X", "key": "Y"}).status_code for _ in range(4)]
        refused = client.get("/tracking", query_string={"code": "X", "key": "Y"})
    finally:
        limiter.reset()
        app.config["TRACKING_RATE_LIMIT"] = "10000 per hour"
    assert answers == [404, 404, 404, 429]
    assert "Bạn đã thử quá nhiều lần" in refused.get_data(as_text=True)
