"""Random sequences of actions by random people (hypothesis, stateful).

Invariants: states move only along the transition table (written out independently in
tests/dossiers/test_transition_table.py), a refused action changes nothing, events are
append-only, a due date never precedes reception, dossier codes stay unique.
"""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from werkzeug.datastructures import FileStorage

from portal.accounts.models import Role
from portal.catalogue.models import Unit
from portal.db import utcnow
from portal.dossiers import operations as ops
from portal.dossiers import operations as processing
from portal.dossiers.models import Dossier, DossierEvent
from portal.dossiers.operations import DossierError
from portal.dossiers.workflow import Action, State
from tests.dossiers.test_transition_table import ALLOWED, DECIDING, DECISIONS
from tests.factories import UserFactory
from tests.samples import PDF

ALLOWED_MOVES = {(state, action, role) for state, action, role in ALLOWED}


def later_working_morning(moment):
    """09:00 on the second working day after `moment`: a valid new appointment."""
    from datetime import datetime, time

    from portal.calendar import LOCAL_TZ, add_working_days

    day = add_working_days(moment.astimezone(LOCAL_TZ).date(), 2)
    return datetime.combine(day, time(9, 0), LOCAL_TZ)


def pdf():
    return FileStorage(io.BytesIO(PDF), "van-ban.pdf")


def perform(action: Action, dossier: Dossier, actor, other_specialist):
    """Take `action` through the operation a person would use."""
    if action is Action.SUBMIT:
        ops.submit_dossier(dossier, actor)
    elif action is Action.RECEIVE:
        ops.receive_dossier(dossier, actor)
    elif action is Action.REQUEST_SUPPLEMENT:
        processing.request_supplement(dossier, actor, [{"description": "Bản sao", "reason": "Bị mờ"}])
    elif action is Action.REFUSE:
        processing.refuse_dossier(dossier, actor, "Không thuộc thẩm quyền")
    elif action is Action.RESUBMIT:
        request = dossier.open_supplement
        if request is not None:
            for item in request.items:
                processing.add_supplement_file(dossier, actor, item, pdf())
        processing.resubmit_supplement(dossier, actor)
    elif action in (Action.ASSIGN, Action.REASSIGN):
        processing.assign(dossier, actor, other_specialist(dossier))
    elif action is Action.PROPOSE_RESULT:
        processing.propose_result(dossier, actor, pdf())
    elif action is Action.PROPOSE_STOP:
        processing.propose_stop(dossier, actor, "Nhà đầu tư đề nghị dừng")
    elif action is Action.FORWARD:
        processing.forward(dossier, actor, "Đã rà soát, đề nghị ký")
    elif action is Action.APPROVE:
        processing.approve(dossier, actor, pdf(), irc_number="5400000001", irc_date=utcnow().date())
    elif action is Action.DECLINE:
        processing.decline(dossier, actor, "Không phù hợp quy hoạch")
    elif action is Action.SEND_BACK:
        processing.send_back(dossier, actor, "Bổ sung căn cứ")
    elif action is Action.RETURN_RESULT:
        processing.return_result(dossier, actor, "Trực tiếp")
    elif action is Action.APOLOGIZE:
        processing.issue_apology(dossier, actor, later_working_morning(dossier.due_at or utcnow()), "Cần xin ý kiến")
    elif action is Action.WITHDRAW:
        ops.withdraw_dossier(dossier, actor, "Điều chỉnh phương án")


# One operation, "give the dossier to this specialist", is the table's assign (from
# received) and reassign (while in progress).
SAME_OPERATION = {Action.ASSIGN: Action.REASSIGN, Action.REASSIGN: Action.ASSIGN}


def decision(dossier: Dossier, action: Action, role: Role):
    """The decisions table's answer for a proposal waiting in this dossier."""
    return DECISIONS[(dossier.version.approval_chain, dossier.awaiting_signer)].get((action, role))


def expected_target(dossier: Dossier, before: State, action: Action, role: Role) -> State:
    if action in SAME_OPERATION and (before, action) not in {(k[0], k[1]) for k in ALLOWED}:
        action = SAME_OPERATION[action]
    if action is Action.RESUBMIT:
        return dossier.supplement_origin or before
    if before is State.PENDING_APPROVAL and action in DECIDING:
        if action is Action.APPROVE and dossier.proposal.value == "stop":
            return State.STOPPED
        return decision(dossier, action, role)
    return ALLOWED[next(k for k in ALLOWED if k[0] == before and k[1] == action)]


def allowed(dossier: Dossier, action: Action, actor) -> bool:
    if action in SAME_OPERATION and (dossier.state, action, actor.role) not in ALLOWED_MOVES:
        action = SAME_OPERATION[action]
    if dossier.state is State.PENDING_APPROVAL and action in DECIDING:
        return decision(dossier, action, actor.role) is not None
    if (dossier.state, action, actor.role) not in ALLOWED_MOVES:
        return False
    if actor.role is Role.SPECIALIST and dossier.assignee_id != actor.id:
        return False
    if action is Action.APOLOGIZE and dossier.apology_issued_at is not None:
        return False
    if (action is Action.REQUEST_SUPPLEMENT and dossier.state is State.IN_PROGRESS
            and len(dossier.processing_supplements) >= dossier.version.processing_supplements):
        return False  # one request during processing
    if action is Action.RESUBMIT and dossier.supplement_origin is None:
        return False
    return True


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_random_workflows_keep_the_invariants(db, make_draft):
    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    cast = {
        "investor": UserFactory(),
        "desk": UserFactory(desk_officer=True),
        "specialist_1": UserFactory(specialist=True, unit=qldt),
        "specialist_2": UserFactory(specialist=True, unit=qldt),
        "head": UserFactory(department_head=True, unit=qldt),
        "leader": UserFactory(board_leader=True),
        "admin": UserFactory(admin=True),
    }
    specialists = [cast["specialist_1"], cast["specialist_2"]]

    def other_specialist(dossier):
        return next(s for s in specialists if s.id != dossier.assignee_id)

    class Workflow(RuleBasedStateMachine):
        @initialize()
        def start(self):
            # Each run works on its own dossiers; the test's transaction is rolled back at the end.
            self.dossiers: list[Dossier] = []
            self.seen_events: dict[int, list[tuple]] = {}

        @rule()
        def new_dossier(self):
            if len(self.dossiers) < 3:
                self.dossiers.append(make_draft(user=cast["investor"]))

        @rule(data=st.data())
        def progress(self, data):
            """A move the table allows for someone, short of ending the dossier: deep sequences.
            (Withdrawal and refusal still happen through `attempt`.)"""
            if not self.dossiers:
                return
            dossier = data.draw(st.sampled_from(self.dossiers))
            for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
                moves = [(action, who) for who, person in cast.items() for action in Action
                         if allowed(dossier, action, person) and action not in (Action.WITHDRAW, Action.REFUSE)]
                if not moves:
                    break
                action, who = data.draw(st.sampled_from(moves))
                self.act_on(dossier, action, who)

        @rule(data=st.data(), action=st.sampled_from(list(Action)), who=st.sampled_from(sorted(cast)))
        def attempt(self, data, action, who):
            """Anything by anyone: mostly refused, and then nothing may change."""
            if self.dossiers:
                self.act_on(data.draw(st.sampled_from(self.dossiers)), action, who)

        def act_on(self, dossier, action, who):
            actor = cast[who]
            before = dossier.state
            permitted = allowed(dossier, action, actor)
            target = expected_target(dossier, before, action, actor.role) if permitted else None
            step = db.session.begin_nested()
            try:
                perform(action, dossier, actor, other_specialist)
                db.session.flush()
            except DossierError:
                step.rollback()
                db.session.refresh(dossier)
                assert not permitted, (before, action, who)
                assert dossier.state is before
            else:
                step.commit()
                assert permitted, (before, action, who)
                assert dossier.state is target, (before, action, who, dossier.state)

        @invariant()
        def events_are_append_only_and_dates_ordered(self):
            codes = [d.code for d in self.dossiers if d.code]
            assert len(codes) == len(set(codes))
            for dossier in self.dossiers:
                events = [(e.id, e.from_state, e.to_state, e.action) for e in db.session.scalars(
                    db.select(DossierEvent).where(DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.id))]
                previous = self.seen_events.get(dossier.id, [])
                assert events[:len(previous)] == previous  # nothing rewritten or removed
                self.seen_events[dossier.id] = events
                for (_i, frm, to, act), (_j, frm2, _to2, _a2) in zip(events, events[1:]):
                    assert to == frm2, (act, to, frm2)  # a chain: each move starts where the last ended
                if dossier.received_at and dossier.due_at:
                    assert dossier.due_at >= dossier.received_at

    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=50, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))

