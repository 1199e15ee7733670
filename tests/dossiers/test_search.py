"""The officers' search: each filter on hand-made dossiers, names with or without
diacritics, code tails, the periods, the orders, the totals, who sees what, bad input."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.accounts.models import Enterprise
from portal.catalogue.models import Unit
from portal.dossiers.models import Dossier
from portal.dossiers.workflow import State
from tests.conftest import sign_in
from tests.dossiers.caseload import START, add_dossiers
from tests.factories import UserFactory


def found(client, **query) -> list[str]:
    response = client.get("/officer/search", query_string=query)
    assert response.status_code == 200
    return re.findall(r'<a href="/officer/dossiers/\d+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def cases(db):
    """Four dossiers that differ in one thing or another, and the officers who look."""
    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    construction = db.session.scalar(db.select(Unit).where(Unit.code == "XDTNMT"))
    first, second = (UserFactory(specialist=True, unit=qldt, full_name=name)
                     for name in ("Trần Văn Một", "Lê Thị Hai"))
    sao_mai = Enterprise(name="Công ty TNHH Đầu tư Phát triển Sao Mai", enterprise_code="6101234567",
                         address="KCN Sao Mai", legal_representative="Nguyễn Văn A")
    hoa_binh = Enterprise(name="Công ty Cổ phần Hòa Bình Xanh", enterprise_code="6109876543",
                          address="KCN Hòa Bình", legal_representative="Nguyễn Văn B")
    db.session.add_all([sao_mai, hoa_binh])
    db.session.flush()
    # Overdue (received 2/3, due 16/3, looked at in April), QLDT-02, first specialist.
    [overdue] = add_dossiers(1, State.IN_PROGRESS, enterprises=[sao_mai], assignee=first)
    # Paused for a supplement, QLDT-01, second specialist, received in April.
    [paused] = add_dossiers(1, State.SUPPLEMENT_REQUESTED, procedure_code="QLDT-01", enterprises=[hoa_binh],
                            assignee=second, start=START + timedelta(days=31), paused_at=START + timedelta(days=33))
    # Submitted only, in April, no due date yet.
    [waiting] = add_dossiers(1, State.SUBMITTED, enterprises=[sao_mai], start=START + timedelta(days=32))
    # Another unit's, received in March, due in the future.
    [other_unit] = add_dossiers(1, State.IN_PROGRESS, procedure_code="XD-01", enterprises=[hoa_binh],
                                start=START + timedelta(days=10), due_at=START + timedelta(days=365))
    code = {name: db.session.get(Dossier, i).code
            for name, i in dict(overdue=overdue, paused=paused, waiting=waiting, other_unit=other_unit).items()}
    people = {"desk": UserFactory(desk_officer=True), "first": first, "second": second,
              "head": UserFactory(department_head=True, unit=qldt),
              "outsider": UserFactory(specialist=True, unit=construction)}
    return code, people


def test_code_exact_or_its_tail_as_read_out(client, db, cases):
    code, people = cases
    sign_in(client, people["desk"])
    assert found(client, code=code["overdue"]) == [code["overdue"]]
    tail = code["paused"][-4:]
    assert found(client, code=tail) == [code["paused"]]
    date_and_number = code["paused"].split("-", 1)[1]  # "260402-0012"
    assert found(client, code=date_and_number.replace("-", " ")) == [code["paused"]]
    assert found(client, code=date_and_number.lower()) == [code["paused"]]
    assert found(client, code="%%%") == []  # wildcards are searched for as they are


def test_enterprise_name_with_or_without_diacritics_or_its_code(client, db, cases):
    code, people = cases
    sign_in(client, people["desk"])
    sao_mai = {code["overdue"], code["waiting"]}
    for text in ("Sao Mai", "sao mai", "Đầu tư Phát triển", "dau tu phat trien", "DAU TU", "6101234"):
        assert set(found(client, enterprise=text)) == sao_mai, text
    assert set(found(client, enterprise="hoa binh xanh")) == {code["paused"], code["other_unit"]}
    assert found(client, enterprise="Sao Mai Hòa Bình") == []


def test_each_filter(client, db, cases):
    code, people = cases
    sign_in(client, people["desk"])
    units = {u.code: u.id for u in db.session.scalars(db.select(Unit))}
    qldt_01 = db.session.get(Dossier, db.session.scalar(
        db.select(Dossier.id).where(Dossier.code == code["paused"]))).procedure_id
    assert found(client, procedure=qldt_01) == [code["paused"]]
    assert set(found(client, unit=units["XDTNMT"])) == {code["other_unit"]}
    assert found(client, state="submitted") == [code["waiting"]]
    assert found(client, assignee=people["second"].id) == [code["paused"]]
    assert set(found(client, period="received", start="2026-03-01", end="2026-03-31")) == \
        {code["overdue"], code["other_unit"]}
    assert set(found(client, period="submitted", start="2026-04-01", end="2026-04-30")) == \
        {code["paused"], code["waiting"]}
    assert found(client, period="due", start="2026-03-16", end="2026-03-16") == [code["overdue"]]
    assert found(client, overdue="y") == [code["overdue"]]
    assert found(client, paused="y") == [code["paused"]]
    assert found(client, enterprise="sao mai", state="in_progress", overdue="y") == [code["overdue"]]


def test_orders_and_total(client, db, cases):
    code, people = cases
    sign_in(client, people["desk"])
    # Due date first: the undated one last.
    assert found(client, sort="due") == [code["overdue"], code["paused"], code["other_unit"], code["waiting"]]
    assert found(client, sort="-submitted") == [code["waiting"], code["paused"], code["other_unit"],
                                                code["overdue"]]
    assert found(client, sort="received")[:3] == [code["overdue"], code["other_unit"], code["paused"]]
    page = client.get("/officer/search", query_string={"enterprise": "sao mai"}).get_data(as_text=True)
    assert "Kết quả tra cứu <span class=\"muted\">(2)</span>" in " ".join(page.split())


def test_officers_find_only_what_they_may_see(client, db, cases):
    code, people = cases
    sign_in(client, people["outsider"])  # a specialist of the construction unit
    assert found(client) == [code["other_unit"]]
    assert found(client, enterprise="sao mai") == []
    sign_in(client, people["head"])
    assert set(found(client)) == {code["overdue"], code["paused"], code["waiting"]}
    # Another unit's specialist is not among the head's choices: refused, not searched.
    page = client.get("/officer/search", query_string={"unit": db.session.scalar(
        db.select(Unit.id).where(Unit.code == "XDTNMT"))}).get_data(as_text=True)
    assert "Lựa chọn không hợp lệ" in page or "Not a valid choice" in page


def test_bad_input_is_explained_and_kept(client, db, cases):
    _code, people = cases
    sign_in(client, people["desk"])
    page = client.get("/officer/search", query_string={"code": "42", "enterprise": "Sao Mai"}).get_data(as_text=True)
    assert "Nhập ít nhất 3 ký tự của mã hồ sơ." in page and 'value="Sao Mai"' in page
    page = client.get("/officer/search", query_string={"start": "2026-04-01", "end": "2026-03-01"}).get_data(
        as_text=True)
    assert "Ngày kết thúc khoảng thời gian ở trước ngày bắt đầu." in page
    for query in ({"code": "x" * 61}, {"sort": "id; DROP TABLE dossiers"}, {"state": "nonsense"},
                  {"start": "9999-99-99"}, {"n": "-5"}, {"n": "10000000000000"}):
        assert client.get("/officer/search", query_string=query).status_code == 200


def test_the_desk_lands_on_the_search(client, db, cases):
    _code, people = cases
    sign_in(client, people["desk"])
    response = client.get("/officer/")
    assert response.headers["Location"].endswith("/officer/search")
    assert "Tra cứu hồ sơ" in client.get("/officer/search").get_data(as_text=True)
