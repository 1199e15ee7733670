"""The dossier workflow as data: one state enum, one transition table, the checks on it.

Pure data and pure checks: nothing here touches the database. The one function that
applies a move (guard, event, flush, the mail the move declares) is
`operations.transition`. National status codes are those synchronised with the
National Public Service Portal.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role
from portal.catalogue.models import ApprovalChain


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

    @property
    def is_paused(self) -> bool:
        """Waiting for the investor: the clock does not run (when the dossier was received)."""
        return self is State.SUPPLEMENT_REQUESTED


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


class Proposal(enum.StrEnum):
    """What the specialist sends for approval."""

    RESULT = "result"
    STOP = "stop"


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
    FORWARD = "forward"
    APPROVE = "approve"
    DECLINE = "decline"
    SEND_BACK = "send_back"
    RETURN_RESULT = "return_result"
    APOLOGIZE = "apologize"
    WITHDRAW = "withdraw"

    @property
    def title(self) -> str:
        return str(_ACTION_TITLES[self])

    @property
    def transition(self) -> "Transition":
        return TRANSITIONS[self]


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
    Action.FORWARD: _l("Reviewed and forwarded to the Board leader"),
    Action.APPROVE: _l("Approved"),
    Action.DECLINE: _l("Not approved"),
    Action.SEND_BACK: _l("Sent back to the specialist"),
    Action.RETURN_RESULT: _l("Result returned to the investor"),
    Action.APOLOGIZE: _l("Apology and new appointment issued"),
    Action.WITHDRAW: _l("Withdrawn by the investor"),
}


class Target(enum.Enum):
    """A target that depends on the dossier rather than being one state."""

    BACK_TO_ORIGIN = "back_to_origin"  # where the supplement request came from
    BY_PROPOSAL = "by_proposal"        # result ready, or stopped
    UNCHANGED = "unchanged"


class Guard(enum.Enum):
    """Checks beyond role, state and ownership, named in the table."""

    ONCE_PER_DOSSIER = "once"          # the apology: a new date may be set once
    AWAITED_SIGNER = "awaited"         # the person whose decision the proposal waits for
    FINAL_SIGNER = "final"             # ... and who signs the result, not only reviews it
    REVIEWER = "reviewer"              # ... and who reviews before a Board leader signs


@dataclass(frozen=True)
class Transition:
    """Who may take an action from which states (per role), where it leads, and who is told.

    `investor_mail` names the mail the investor gets (templates/dossiers/emails/<name>.txt);
    `officer_mail` names what the officers who must act next are asked to do (None: nobody
    is told). `public_note`: the note is addressed to the investor (reasons, requests).
    """

    allowed: dict[Role, frozenset[State]]
    target: State | Target
    guards: tuple[Guard, ...] = ()
    investor_mail: Optional[str] = None
    officer_mail: Optional[str] = None
    public_note: bool = False
    roles: frozenset[Role] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "roles", frozenset(self.allowed))

    def sources(self) -> frozenset[State]:
        return frozenset().union(*self.allowed.values())


_DESK, _SPECIALIST, _HEAD, _LEADER, _INVESTOR = (
    Role.DESK_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.BOARD_LEADER, Role.INVESTOR)
_OPEN_BEFORE_RESULT = frozenset(
    {State.SUBMITTED, State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED, State.PENDING_APPROVAL})
_CLOCK_RUNNING = frozenset({State.RECEIVED, State.IN_PROGRESS, State.PENDING_APPROVAL})


def _only(*states: State) -> frozenset[State]:
    return frozenset(states)


_SIGNERS = {_HEAD: _only(State.PENDING_APPROVAL), _LEADER: _only(State.PENDING_APPROVAL)}

# The workflow, in one table (see DESIGN.md). Whose dossier it is: Dossier.owned_by.
TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition({_INVESTOR: _only(State.DRAFT)}, State.SUBMITTED,
                              investor_mail="submitted", officer_mail="new_dossier"),
    Action.RECEIVE: Transition({_DESK: _only(State.SUBMITTED)}, State.RECEIVED,
                               investor_mail="received", officer_mail="to_assign"),
    Action.REQUEST_SUPPLEMENT: Transition(
        {_DESK: _only(State.SUBMITTED), _SPECIALIST: _only(State.IN_PROGRESS)}, State.SUPPLEMENT_REQUESTED,
        investor_mail="supplement_requested", public_note=True),
    Action.REFUSE: Transition({_DESK: _only(State.SUBMITTED)}, State.REFUSED,
                              investor_mail="refused", public_note=True),
    Action.RESUBMIT: Transition({_INVESTOR: _only(State.SUPPLEMENT_REQUESTED)}, Target.BACK_TO_ORIGIN,
                                officer_mail="supplement_answered"),
    Action.ASSIGN: Transition({_HEAD: _only(State.RECEIVED)}, State.IN_PROGRESS, officer_mail="assigned"),
    Action.REASSIGN: Transition({_HEAD: _only(State.IN_PROGRESS)}, State.IN_PROGRESS, officer_mail="assigned"),
    Action.PROPOSE_RESULT: Transition({_SPECIALIST: _only(State.IN_PROGRESS)}, State.PENDING_APPROVAL,
                                      officer_mail="awaiting_approval"),
    Action.PROPOSE_STOP: Transition({_SPECIALIST: _only(State.IN_PROGRESS)}, State.PENDING_APPROVAL,
                                    officer_mail="awaiting_approval"),
    Action.FORWARD: Transition({_HEAD: _only(State.PENDING_APPROVAL)}, State.PENDING_APPROVAL,
                               guards=(Guard.AWAITED_SIGNER, Guard.REVIEWER), officer_mail="awaiting_approval"),
    Action.APPROVE: Transition(_SIGNERS, Target.BY_PROPOSAL, guards=(Guard.AWAITED_SIGNER, Guard.FINAL_SIGNER),
                               investor_mail="decided", officer_mail="result_to_return", public_note=True),
    Action.DECLINE: Transition(_SIGNERS, State.RESOLVED, guards=(Guard.AWAITED_SIGNER, Guard.FINAL_SIGNER),
                               investor_mail="decided", officer_mail="result_to_return", public_note=True),
    Action.SEND_BACK: Transition(_SIGNERS, State.IN_PROGRESS, guards=(Guard.AWAITED_SIGNER,),
                                 officer_mail="sent_back"),
    Action.RETURN_RESULT: Transition({_DESK: _only(State.RESOLVED)}, State.RETURNED,
                                     investor_mail="returned", public_note=True),
    Action.APOLOGIZE: Transition({_DESK: _CLOCK_RUNNING, _HEAD: _CLOCK_RUNNING, _LEADER: _CLOCK_RUNNING},
                                 Target.UNCHANGED, guards=(Guard.ONCE_PER_DOSSIER,),
                                 investor_mail="apology", public_note=True),
    Action.WITHDRAW: Transition({_INVESTOR: _OPEN_BEFORE_RESULT}, State.WITHDRAWN,
                                investor_mail="withdrawn", public_note=True),
}

# What an officer has to do next (queues, reminders, mail): every move but the ones any
# officer may make at any time (the apology) and moving work between specialists.
_NOT_TO_DO = frozenset({Action.APOLOGIZE, Action.REASSIGN, Action.WITHDRAW})


# Who decides a proposal, by the procedure's approval chain: (reviewer, signer).
SIGNERS: dict[ApprovalChain, tuple[Optional[Role], Role]] = {
    ApprovalChain.HEAD: (None, _HEAD),
    ApprovalChain.LEADER: (None, _LEADER),
    ApprovalChain.HEAD_THEN_LEADER: (_HEAD, _LEADER),
}


def first_signer(chain: ApprovalChain) -> Role:
    """Whose decision a new proposal waits for: the reviewer if there is one, else the signer."""
    reviewer, signer = SIGNERS[chain]
    return reviewer or signer


def _guard_holds(guard: Guard, dossier, actor) -> bool:
    if guard is Guard.ONCE_PER_DOSSIER:
        return dossier.apology_issued_at is None
    reviewer, signer = SIGNERS[dossier.version.approval_chain]
    if guard is Guard.AWAITED_SIGNER:
        return dossier.awaiting_signer is actor.role
    if guard is Guard.FINAL_SIGNER:
        return signer is actor.role
    if guard is Guard.REVIEWER:
        return reviewer is actor.role
    raise AssertionError(guard)


def can_apply(dossier, action: Action, actor) -> bool:
    """The one permission check for every move: role, state, guards, and whose dossier it is."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    transition = TRANSITIONS[action]
    if dossier.state not in transition.allowed.get(actor.role, frozenset()):
        return False
    if not all(_guard_holds(guard, dossier, actor) for guard in transition.guards):
        return False
    return dossier.owned_by(actor)


def target_of(dossier, action: Action) -> State:
    target = TRANSITIONS[action].target
    if target is Target.BACK_TO_ORIGIN:
        return dossier.supplement_origin or State.SUBMITTED
    if target is Target.BY_PROPOSAL:
        return State.STOPPED if dossier.proposal is Proposal.STOP else State.RESOLVED
    if target is Target.UNCHANGED:
        return dossier.state
    return target


def actions_to_do(role: Role, state: State) -> list[Action]:
    """The moves `role` has to make on a dossier in `state` (queues, reminders, mail)."""
    return [action for action, t in TRANSITIONS.items()
            if action not in _NOT_TO_DO and state in t.allowed.get(role, frozenset())]


def states_to_act_on(role: Role) -> frozenset[State]:
    return frozenset(state for state in State if actions_to_do(role, state))


def must_act(user, dossier) -> bool:
    """Is there something for `user` to do on `dossier` now? (Twin of queries.to_act_on.)"""
    return any(can_apply(dossier, action, user) for action in actions_to_do(user.role, dossier.state))


PUBLIC_NOTE_ACTIONS = frozenset(action for action, t in TRANSITIONS.items() if t.public_note)
