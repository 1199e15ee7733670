"""The dossier workflow: one state enum, one transition table, one function to apply it.

Every move writes a DossierEvent (actor, from, to, time, note) that is never changed.
National status codes are those synchronised with the National Public Service Portal.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role

if TYPE_CHECKING:
    from portal.dossiers.models import Dossier, DossierEvent


class State(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    PENDING_APPROVAL = "pending_approval"
    RESOLVED = "resolved"
    RETURNED = "returned"
    REFUSED = "refused"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"

    @property
    def title(self) -> str:
        return str(_STATE_TITLES[self])

    @property
    def national_code(self) -> Optional[int]:
        return _NATIONAL_CODES[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES


_STATE_TITLES = {
    State.DRAFT: _l("Draft"),
    State.SUBMITTED: _l("Submitted"),
    State.RECEIVED: _l("Received"),
    State.IN_PROGRESS: _l("In progress"),
    State.SUPPLEMENT_REQUESTED: _l("Supplement requested"),
    State.PENDING_APPROVAL: _l("Pending approval"),
    State.RESOLVED: _l("Result ready"),
    State.RETURNED: _l("Result returned"),
    State.REFUSED: _l("Refused"),
    State.STOPPED: _l("Stopped"),
    State.WITHDRAWN: _l("Withdrawn"),
}

_NATIONAL_CODES = {
    State.DRAFT: None,
    State.SUBMITTED: 1,
    State.RECEIVED: 2,
    State.IN_PROGRESS: 4,
    State.SUPPLEMENT_REQUESTED: 5,
    State.PENDING_APPROVAL: 4,
    State.RESOLVED: 9,
    State.RETURNED: 10,
    State.REFUSED: 3,
    State.STOPPED: 8,
    State.WITHDRAWN: 7,
}

# Open: filed and not finished; the deadline clock matters for these.
OPEN_STATES = frozenset(
    {State.SUBMITTED, State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED, State.PENDING_APPROVAL}
)
FINAL_STATES = frozenset({State.RETURNED, State.REFUSED, State.STOPPED, State.WITHDRAWN})


class Action(enum.StrEnum):
    SUBMIT = "submit"
    RECEIVE = "receive"
    REQUEST_SUPPLEMENT = "request_supplement"
    REFUSE = "refuse"
    RESUBMIT = "resubmit"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    PROPOSE_RESULT = "propose_result"
    PROPOSE_STOP = "propose_stop"
    APPROVE = "approve"
    DECLINE = "decline"
    SEND_BACK = "send_back"
    RETURN_RESULT = "return_result"
    APOLOGIZE = "apologize"
    WITHDRAW = "withdraw"

    @property
    def title(self) -> str:
        return str(_ACTION_TITLES[self])


_ACTION_TITLES = {
    Action.SUBMIT: _l("Submitted online"),
    Action.RECEIVE: _l("Received by the one-stop desk"),
    Action.REQUEST_SUPPLEMENT: _l("Supplement requested"),
    Action.REFUSE: _l("Refused"),
    Action.RESUBMIT: _l("Supplement sent by the investor"),
    Action.ASSIGN: _l("Assigned to a specialist"),
    Action.REASSIGN: _l("Reassigned to another specialist"),
    Action.PROPOSE_RESULT: _l("Result proposed for approval"),
    Action.PROPOSE_STOP: _l("Stop proposed for approval"),
    Action.APPROVE: _l("Approved"),
    Action.DECLINE: _l("Not approved"),
    Action.SEND_BACK: _l("Sent back to the specialist"),
    Action.RETURN_RESULT: _l("Result returned to the investor"),
    Action.APOLOGIZE: _l("Apology and new appointment issued"),
    Action.WITHDRAW: _l("Withdrawn by the investor"),
}

# A target that depends on the dossier: where a supplement returns to, what an approval means.
BACK_TO_ORIGIN = "back_to_origin"
BY_PROPOSAL = "by_proposal"
UNCHANGED = "unchanged"

_DESK, _SPECIALIST, _HEAD, _LEADER, _INVESTOR = (
    Role.DESK_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.BOARD_LEADER, Role.INVESTOR)
_OPEN_BEFORE_RESULT = frozenset(
    {State.SUBMITTED, State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED, State.PENDING_APPROVAL})
_CLOCK_RUNNING = frozenset({State.RECEIVED, State.IN_PROGRESS, State.PENDING_APPROVAL})


def _only(*states: State) -> frozenset[State]:
    return frozenset(states)


@dataclass(frozen=True)
class Transition:
    """Who may take an action from which states (per role), and where it leads."""

    allowed: dict[Role, frozenset[State]]
    target: object  # a State, or BACK_TO_ORIGIN / BY_PROPOSAL / UNCHANGED

    def sources(self) -> frozenset[State]:
        return frozenset().union(*self.allowed.values())


# The workflow, in one table (see DESIGN.md). Unit and assignment guards are in can_apply.
TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition({_INVESTOR: _only(State.DRAFT)}, State.SUBMITTED),
    Action.RECEIVE: Transition({_DESK: _only(State.SUBMITTED)}, State.RECEIVED),
    Action.REQUEST_SUPPLEMENT: Transition(
        {_DESK: _only(State.SUBMITTED), _SPECIALIST: _only(State.IN_PROGRESS)}, State.SUPPLEMENT_REQUESTED),
    Action.REFUSE: Transition({_DESK: _only(State.SUBMITTED)}, State.REFUSED),
    Action.RESUBMIT: Transition({_INVESTOR: _only(State.SUPPLEMENT_REQUESTED)}, BACK_TO_ORIGIN),
    Action.ASSIGN: Transition({_HEAD: _only(State.RECEIVED)}, State.IN_PROGRESS),
    Action.REASSIGN: Transition({_HEAD: _only(State.IN_PROGRESS)}, State.IN_PROGRESS),
    Action.PROPOSE_RESULT: Transition({_SPECIALIST: _only(State.IN_PROGRESS)}, State.PENDING_APPROVAL),
    Action.PROPOSE_STOP: Transition({_SPECIALIST: _only(State.IN_PROGRESS)}, State.PENDING_APPROVAL),
    Action.APPROVE: Transition(
        {_HEAD: _only(State.PENDING_APPROVAL), _LEADER: _only(State.PENDING_APPROVAL)}, BY_PROPOSAL),
    Action.DECLINE: Transition(
        {_HEAD: _only(State.PENDING_APPROVAL), _LEADER: _only(State.PENDING_APPROVAL)}, State.RESOLVED),
    Action.SEND_BACK: Transition(
        {_HEAD: _only(State.PENDING_APPROVAL), _LEADER: _only(State.PENDING_APPROVAL)}, State.IN_PROGRESS),
    Action.RETURN_RESULT: Transition({_DESK: _only(State.RESOLVED)}, State.RETURNED),
    Action.APOLOGIZE: Transition(
        {_DESK: _CLOCK_RUNNING, _HEAD: _CLOCK_RUNNING, _LEADER: _CLOCK_RUNNING}, UNCHANGED),
    Action.WITHDRAW: Transition({_INVESTOR: _OPEN_BEFORE_RESULT}, State.WITHDRAWN),
}


class TransitionRefused(Exception):
    """The actor may not take this action on this dossier now; nothing was changed."""


def can_apply(dossier: "Dossier", action: Action, actor) -> bool:
    """The one permission check for every move: role, state, and who the dossier belongs to."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    transition = TRANSITIONS[action]
    if dossier.state not in transition.allowed.get(actor.role, frozenset()):
        return False
    if action is Action.APOLOGIZE and dossier.apology_issued_at is not None:
        return False  # a new date may be set once
    if actor.role is Role.INVESTOR:
        return dossier.enterprise_id in actor.enterprise_ids
    if actor.role is Role.SPECIALIST:
        return dossier.assignee_id == actor.id
    if actor.role is Role.DEPARTMENT_HEAD:
        return dossier.unit_id == actor.unit_id
    return True


def target_of(dossier: "Dossier", action: Action) -> State:
    target = TRANSITIONS[action].target
    if target == BACK_TO_ORIGIN:
        return dossier.supplement_origin or State.SUBMITTED
    if target == BY_PROPOSAL:
        return State.STOPPED if dossier.proposal == "stop" else State.RESOLVED
    if target == UNCHANGED:
        return dossier.state
    return target


def apply(dossier: "Dossier", action: Action, actor, note: str = "", at: Optional[datetime] = None) -> "DossierEvent":
    """Move `dossier` along the table, or raise TransitionRefused; returns the new event."""
    from portal.db import utcnow
    from portal.dossiers.models import DossierEvent
    from portal.extensions import db

    if not can_apply(dossier, action, actor):
        raise TransitionRefused(action.value)
    target = target_of(dossier, action)
    event = DossierEvent(
        dossier=dossier,
        actor=actor,
        action=action.value,
        from_state=dossier.state,
        to_state=target,
        note=note,
        created_at=at or utcnow(),
    )
    dossier.state = target
    db.session.add(event)
    return event
