"""Who owns a dossier and who must act on it: each rule is written once in Python and
once in SQL, and the two are checked against each other over every kind of person and
every state; who signs a result is checked for every procedure of the catalogue."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from portal.accounts.models import Role
from portal.catalogue.models import ApprovalChain, CertificateEffect, Procedure, Unit
from portal.dossiers import operations as ops
from portal.dossiers import queries, workflow
from portal.dossiers.models import Dossier
from portal.dossiers.workflow import Proposal, State
from tests.factories import UserFactory
from tests.samples import PDF


@pytest.fixture
def people(db):
    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    other = db.session.scalar(db.select(Unit).where(Unit.code == "XDTNMT"))
    return {
        "investor_a": UserFactory(), "investor_b": UserFactory(),
        "desk": UserFactory(desk_officer=True), "desk_inactive": UserFactory(desk_officer=True, is_active=False),
        "head": UserFactory(department_head=True, unit=qldt),
        "head_other": UserFactory(department_head=True, unit=other),
        "specialist": UserFactory(specialist=True, unit=qldt),
        "specialist_idle": UserFactory(specialist=True, unit=qldt),
        "specialist_other": UserFactory(specialist=True, unit=other),
        "leader": UserFactory(board_leader=True), "admin": UserFactory(admin=True),
    }


@pytest.fixture
def dossiers(db, make_draft, people):
    """One dossier of enterprise A in every state, the processing ones assigned to `specialist`."""
    made = []
    for state in State:
        dossier = make_draft(user=people["investor_a"], complete=False)
        dossier.state = state
        if state not in (State.DRAFT, State.SUBMITTED):
            dossier.assignee = people["specialist"]
        if state is State.PENDING_APPROVAL:
            dossier.proposal, dossier.awaiting_signer = Proposal.RESULT, Role.DEPARTMENT_HEAD
        made.append(dossier)
    # Assigned to a specialist who has since moved to another unit: still theirs.
    elsewhere = make_draft(user=people["investor_a"], complete=False)
    elsewhere.state, elsewhere.assignee = State.IN_PROGRESS, people["specialist_other"]
    made.append(elsewhere)
    waiting_leader = make_draft(user=people["investor_a"], complete=False)
    waiting_leader.state, waiting_leader.assignee = State.PENDING_APPROVAL, people["specialist"]
    waiting_leader.proposal, waiting_leader.awaiting_signer = Proposal.RESULT, Role.BOARD_LEADER
    made.append(waiting_leader)
    db.session.flush()
    return made


def ids_where(db, condition, dossiers):
    return set(db.session.scalars(db.select(Dossier.id).where(condition, Dossier.id.in_([d.id for d in dossiers]))))


def test_ownership_python_and_sql_agree(db, people, dossiers):
    for name, user in people.items():
        owned = ids_where(db, Dossier.owned_by(user), dossiers)
        seen = ids_where(db, Dossier.visible_to(user), dossiers)
        for dossier in dossiers:
            assert dossier.owned_by(user) == (dossier.id in owned), (name, dossier.state)
            assert dossier.visible_to(user) == (dossier.id in seen), (name, dossier.state)
    # And what they say, for a few people.
    assert ids_where(db, Dossier.owned_by(people["investor_b"]), dossiers) == set()
    assert ids_where(db, Dossier.owned_by(people["desk_inactive"]), dossiers) == set()
    draft = dossiers[0]
    assert draft.owned_by(people["investor_a"]) and not draft.visible_to(people["desk"])
    assert not dossiers[3].owned_by(people["specialist_idle"]) and dossiers[3].visible_to(people["specialist_idle"])


def test_who_must_act_python_and_sql_agree(db, people, dossiers):
    for name, user in people.items():
        todo = ids_where(db, queries.to_act_on(user), dossiers)
        for dossier in dossiers:
            assert workflow.must_act(user, dossier) == (dossier.id in todo), (name, dossier.state)
    by_state = {name: sorted(d.state.value for d in dossiers if workflow.must_act(people[name], d))
                for name in ("desk", "head", "specialist", "leader", "investor_a")}
    assert by_state == {
        "desk": ["resolved", "submitted"], "head": ["pending_approval", "received"], "specialist": ["in_progress"],
        "leader": ["pending_approval"], "investor_a": ["draft", "supplement_requested"],
    }


def test_mail_goes_to_the_officers_who_must_act(db, people, dossiers):
    pending_head, pending_leader = dossiers[5], dossiers[-1]
    assert queries.officers_to_act(pending_head) == [people["head"]]
    assert queries.officers_to_act(pending_leader) == [people["leader"]]
    assert queries.officers_to_act(dossiers[1]) == [people["desk"]]  # submitted: the active desk officers


def pdf():
    return FileStorage(io.BytesIO(PDF), "ket-qua.pdf")


CODES = ["QLDT-01", "QLDT-02", "QLDT-03", "QLDT-04", "QLDT-05", "QLDT-06", "QLDT-07", "QLDT-08", "QLDT-09",
         "QLDT-10", "QLDT-11", "QLDT-12", "QLDT-13", "QLDT-14", "XD-01", "LD-01", "MT-01"]


def test_the_catalogue_is_all_here(db):
    assert sorted(db.session.scalars(db.select(Procedure.code))) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_who_signs_each_procedure(db, make_draft, people, code):
    procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == code))
    unit = procedure.unit
    head = UserFactory(department_head=True, unit=unit)
    specialist = UserFactory(specialist=True, unit=unit)
    dossier = make_draft(user=people["investor_a"], code=code)
    ops.submit_dossier(dossier, people["investor_a"])
    ops.receive_dossier(dossier, people["desk"])
    ops.assign(dossier, head, specialist)
    ops.propose_result(dossier, specialist, pdf())
    approve = dict(irc_number="5409999999", irc_date=dossier.received_at.date())
    if procedure.certificate_effect is CertificateEffect.ISSUE or procedure.certificate_effect.is_amendment:
        # An IRC or its amendment: only a Board leader signs (the data says so for each).
        assert dossier.version.approval_chain is not ApprovalChain.HEAD
    if dossier.version.approval_chain is ApprovalChain.HEAD:
        with pytest.raises(ops.DossierError):
            ops.approve(dossier, people["leader"], pdf(), **approve)
        ops.approve(dossier, head, pdf(), **approve)
    else:
        if dossier.version.approval_chain is ApprovalChain.HEAD_THEN_LEADER:
            with pytest.raises(ops.DossierError, match="Lãnh đạo Ban ký|Board leader"):
                ops.approve(dossier, head, pdf(), **approve)
            with pytest.raises(ops.DossierError):
                ops.approve(dossier, people["leader"], pdf(), **approve)  # not forwarded yet
            ops.forward(dossier, head, "Đã thẩm tra")
        with pytest.raises(ops.DossierError):
            ops.approve(dossier, head, pdf(), **approve)
        ops.approve(dossier, people["leader"], pdf(), **approve)
    assert dossier.state is State.RESOLVED
