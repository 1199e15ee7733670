"""Recording audit events, safe against log injection.

Values are stored in their own columns, stripped of control characters (a CR/LF in an
e-mail address typed at the login form cannot forge a line), and cut to length.
"""
from __future__ import annotations

import logging
import unicodedata
from typing import Optional

from flask import has_request_context, request

from portal.audit.models import AuditEvent
from portal.extensions import db

log = logging.getLogger("portal.audit")


def clean(value: object, limit: int) -> str:
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return text[:limit]


def record(action: str, actor=None, target: str = "", detail: str = "", actor_id: Optional[int] = None) -> AuditEvent:
    """Add an audit event to the current unit of work (it is saved with the request)."""
    ip, agent = "", ""
    if has_request_context():
        ip = request.remote_addr or ""
        agent = request.user_agent.string or ""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else actor_id,
        action=clean(action, 60),
        target=clean(target, 255),
        detail=clean(detail, 2000),
        ip=clean(ip, 64),
        user_agent=clean(agent, 255),
    )
    db.session.add(event)
    log.info("audit action=%r actor=%r target=%r ip=%r", event.action, event.actor_id, event.target, event.ip)
    return event

