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
    WITHDRAW = "withdraw"

    @property
    def title(self) -> str:
        return str(_ACTION_TITLES[self])


_ACTION_TITLES = {
    Action.SUBMIT: _l("Submitted online"),
    Action.RECEIVE: _l("Received by the one-stop desk"),
    Action.WITHDRAW: _l("Withdrawn by the investor"),
}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]


TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({State.DRAFT}), State.SUBMITTED, frozenset({Role.INVESTOR})),
    Action.RECEIVE: Transition(frozenset({State.SUBMITTED}), State.RECEIVED, frozenset({Role.DESK_OFFICER})),
    Action.WITHDRAW: Transition(
        frozenset({State.SUBMITTED, State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED,
                   State.PENDING_APPROVAL}),
        State.WITHDRAWN,
        frozenset({Role.INVESTOR}),
    ),
}


class TransitionRefused(Exception):
    """The actor may not take this action on this dossier now; nothing was changed."""


def can_apply(dossier: "Dossier", action: Action, actor) -> bool:
    transition = TRANSITIONS[action]
    if dossier.state not in transition.sources or actor.role not in transition.roles:
        return False
    if actor.role is Role.INVESTOR:
        return dossier.enterprise_id in actor.enterprise_ids
    return True


def apply(dossier: "Dossier", action: Action, actor, note: str = "", at: Optional[datetime] = None) -> "DossierEvent":
    """Move `dossier` along the table, or raise TransitionRefused; returns the new event."""
    from portal.db import utcnow
    from portal.dossiers.models import DossierEvent
    from portal.extensions import db

    if not can_apply(dossier, action, actor):
        raise TransitionRefused(action.value)
    event = DossierEvent(
        dossier=dossier,
        actor=actor,
        action=action.value,
        from_state=dossier.state,
        to_state=TRANSITIONS[action].target,
        note=note,
        created_at=at or utcnow(),
    )
    dossier.state = TRANSITIONS[action].target
    db.session.add(event)
    return event
