"""Every state × every action × every role: allowed moves write exactly one event,
the rest are refused and change nothing. The expected table is written out here,
independently of the code's table, from the workflow in the design notes; the decisions
on a proposal depend on who signs the procedure's result, and have their own table."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.db import utcnow
from portal.catalogue.models import ApprovalChain
from portal.dossiers.models import DossierEvent
from portal.dossiers.operations import DossierError, transition
from portal.dossiers.workflow import Action, Proposal, State
from tests.factories import UserFactory

S, A, R = State, Action, Role
C = ApprovalChain
OPEN_BEFORE_RESULT = [S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.PENDING_APPROVAL]
CLOCK_RUNNING = [S.RECEIVED, S.IN_PROGRESS, S.PENDING_APPROVAL]

# (state, action, role) -> the state it leads to. Everything not listed is refused.
ALLOWED = {
    (S.DRAFT, A.SUBMIT, R.INVESTOR): S.SUBMITTED,
    (S.SUBMITTED, A.RECEIVE, R.DESK_OFFICER): S.RECEIVED,
    (S.SUBMITTED, A.REQUEST_SUPPLEMENT, R.DESK_OFFICER): S.SUPPLEMENT_REQUESTED,
    (S.SUBMITTED, A.REFUSE, R.DESK_OFFICER): S.REFUSED,
    (S.RECEIVED, A.ASSIGN, R.DEPARTMENT_HEAD): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REASSIGN, R.DEPARTMENT_HEAD): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REQUEST_SUPPLEMENT, R.SPECIALIST): S.SUPPLEMENT_REQUESTED,
    (S.IN_PROGRESS, A.PROPOSE_RESULT, R.SPECIALIST): S.PENDING_APPROVAL,
    (S.IN_PROGRESS, A.PROPOSE_STOP, R.SPECIALIST): S.PENDING_APPROVAL,
    (S.SUPPLEMENT_REQUESTED, A.RESUBMIT, R.INVESTOR): S.IN_PROGRESS,  # it came from processing here
    (S.RESOLVED, A.RETURN_RESULT, R.DESK_OFFICER): S.RETURNED,
}
# QLDT-02 (an IRC): the head reviews and forwards, a Board leader signs. Here the result
# proposal waits for the head, who may forward it or send it back, not sign it.
ALLOWED[(S.PENDING_APPROVAL, A.FORWARD, R.DEPARTMENT_HEAD)] = S.PENDING_APPROVAL
ALLOWED[(S.PENDING_APPROVAL, A.SEND_BACK, R.DEPARTMENT_HEAD)] = S.IN_PROGRESS
for state in OPEN_BEFORE_RESULT:
    ALLOWED[(state, A.WITHDRAW, R.INVESTOR)] = S.WITHDRAWN
for state in CLOCK_RUNNING:
    for role in (R.DESK_OFFICER, R.DEPARTMENT_HEAD, R.BOARD_LEADER):
        ALLOWED[(state, A.APOLOGIZE, role)] = state

ROLES = list(Role)


@pytest.fixture
def cast(db):
    """One user per role, each with what makes them the right one for the dossier."""
    investor = UserFactory()
    specialist = UserFactory(specialist=True)
    return {
        R.INVESTOR: investor,
        R.DESK_OFFICER: UserFactory(desk_officer=True),
        R.SPECIALIST: specialist,
        R.DEPARTMENT_HEAD: UserFactory(department_head=True),
        R.BOARD_LEADER: UserFactory(board_leader=True),
        R.ADMIN: UserFactory(admin=True),
    }


def put_in_state(dossier, state, cast):
    dossier.state = state
    if state not in (S.DRAFT, S.SUBMITTED):
        dossier.received_at = utcnow() - timedelta(days=2)
        dossier.due_at = utcnow() + timedelta(days=5)
    if state in (S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.PENDING_APPROVAL, S.RESOLVED):
        dossier.assignee = cast[R.SPECIALIST]
    if state is S.SUPPLEMENT_REQUESTED:
        dossier.supplement_origin = S.IN_PROGRESS
    if state is S.PENDING_APPROVAL:
        dossier.proposal = Proposal.RESULT
        dossier.awaiting_signer = R.DEPARTMENT_HEAD


def attempt(dossier, action, actor):
    """The move through the one transition function; DossierError when refused."""
    from portal.extensions import db

    with transition(dossier, action, actor):
        pass
    return db.session.execute(db.select(DossierEvent.from_state, DossierEvent.to_state, DossierEvent.actor_id)
                              .where(DossierEvent.dossier_id == dossier.id)
                              .order_by(DossierEvent.id.desc()).limit(1)).one()


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_every_cell_of_the_table(db, make_draft, cast, state, role):
    dossier = make_draft(user=cast[R.INVESTOR], complete=False)
    put_in_state(dossier, state, cast)
    db.session.flush()
    actor = cast[role]
    for action in Action:
        savepoint = db.session.begin_nested()
        before = db.session.scalar(db.select(db.func.count()).select_from(DossierEvent)
                                   .where(DossierEvent.dossier_id == dossier.id))
        expected = ALLOWED.get((state, action, role))
        if expected is None:
            with pytest.raises(DossierError):
                attempt(dossier, action, actor)
            assert dossier.state is state, (state, action, role)
        else:
            event = attempt(dossier, action, actor)
            db.session.flush()
            assert dossier.state is expected, (state, action, role)
            assert (event.from_state, event.to_state, event.actor_id) == (state, expected, actor.id)
        after = db.session.scalar(db.select(db.func.count()).select_from(DossierEvent)
                                  .where(DossierEvent.dossier_id == dossier.id))
        assert after - before == (0 if expected is None else 1), (state, action, role)
        savepoint.rollback()
        dossier.state = state  # the savepoint's rollback expires; put the state back for the next action


def test_targets_that_depend_on_the_dossier(db, make_draft, cast):
    dossier = make_draft(user=cast[R.INVESTOR], complete=False)
    put_in_state(dossier, S.SUPPLEMENT_REQUESTED, cast)
    dossier.supplement_origin = S.SUBMITTED  # asked at the desk: it goes back to the desk
    attempt(dossier, A.RESUBMIT, cast[R.INVESTOR])
    assert dossier.state is S.SUBMITTED
    put_in_state(dossier, S.PENDING_APPROVAL, cast)
    dossier.proposal, dossier.awaiting_signer = Proposal.STOP, R.BOARD_LEADER
    attempt(dossier, A.APPROVE, cast[R.BOARD_LEADER])
    assert dossier.state is S.STOPPED


# Who decides a proposal, by the procedure's approval chain and whose decision it awaits:
# (chain, awaited) -> {(action, role): state}. Everything else is refused.
DECISIONS = {
    (C.HEAD, R.DEPARTMENT_HEAD): {(A.APPROVE, R.DEPARTMENT_HEAD): S.RESOLVED,
                                  (A.DECLINE, R.DEPARTMENT_HEAD): S.RESOLVED,
                                  (A.SEND_BACK, R.DEPARTMENT_HEAD): S.IN_PROGRESS},
    (C.LEADER, R.BOARD_LEADER): {(A.APPROVE, R.BOARD_LEADER): S.RESOLVED,
                                 (A.DECLINE, R.BOARD_LEADER): S.RESOLVED,
                                 (A.SEND_BACK, R.BOARD_LEADER): S.IN_PROGRESS},
    (C.HEAD_THEN_LEADER, R.DEPARTMENT_HEAD): {(A.FORWARD, R.DEPARTMENT_HEAD): S.PENDING_APPROVAL,
                                              (A.SEND_BACK, R.DEPARTMENT_HEAD): S.IN_PROGRESS},
    (C.HEAD_THEN_LEADER, R.BOARD_LEADER): {(A.APPROVE, R.BOARD_LEADER): S.RESOLVED,
                                           (A.DECLINE, R.BOARD_LEADER): S.RESOLVED,
                                           (A.SEND_BACK, R.BOARD_LEADER): S.IN_PROGRESS},
}
DECIDING = [A.FORWARD, A.APPROVE, A.DECLINE, A.SEND_BACK]


@pytest.mark.parametrize("chain, awaited", list(DECISIONS), ids=[f"{c.value}-{a.value}" for c, a in DECISIONS])
def test_who_decides_a_proposal(db, make_draft, cast, chain, awaited):
    dossier = make_draft(user=cast[R.INVESTOR], complete=False)
    dossier.version.approval_chain = chain
    for role in ROLES:
        for action in DECIDING:
            put_in_state(dossier, S.PENDING_APPROVAL, cast)
            dossier.awaiting_signer = awaited
            savepoint = db.session.begin_nested()
            expected = DECISIONS[(chain, awaited)].get((action, role))
            if expected is None:
                with pytest.raises(DossierError):
                    attempt(dossier, action, cast[role])
                assert dossier.state is S.PENDING_APPROVAL
            else:
                assert attempt(dossier, action, cast[role]).to_state is expected, (chain, awaited, action, role)
            savepoint.rollback()


@pytest.mark.parametrize("who", ["other_enterprise", "other_unit_head", "unassigned_specialist", "inactive_desk"])
def test_the_wrong_person_in_the_right_role_is_refused(db, make_draft, cast, who):
    dossier = make_draft(user=cast[R.INVESTOR], complete=False)
    from portal.catalogue.models import Unit

    construction = db.session.scalar(db.select(Unit).where(Unit.code == "XDTNMT"))
    cases = {
        "other_enterprise": (S.SUBMITTED, A.WITHDRAW, UserFactory()),
        "other_unit_head": (S.RECEIVED, A.ASSIGN, UserFactory(department_head=True, unit=construction)),
        "unassigned_specialist": (S.IN_PROGRESS, A.PROPOSE_RESULT, UserFactory(specialist=True)),
        "inactive_desk": (S.SUBMITTED, A.RECEIVE, UserFactory(desk_officer=True, is_active=False)),
    }
    state, action, actor = cases[who]
    put_in_state(dossier, state, cast)
    with pytest.raises(DossierError):
        attempt(dossier, action, actor)
    assert dossier.state is state
