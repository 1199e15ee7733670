"""Friendly error pages: a clear message in the reader's language, never a stack trace."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.services.unit_of_work import rollback


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Access denied"), _("You do not have permission to see this page.")),
        404: (_("Page not found"), _("The page you asked for does not exist or is not available to you.")),
        405: (_("Not allowed"), _("This action cannot be done this way.")),
        413: (_("Too large"), _("What you sent is larger than the portal accepts.")),
        429: (_("Too many attempts"), _("You have tried too many times. Please wait a little and try again.")),
        500: (_("Something went wrong"), _("The portal could not complete your request. Nothing was saved. Please try again later.")),
    }


def render_error(code: int, message: str | None = None):
    messages = _messages()
    title, default = messages.get(code, messages[500 if code >= 500 else 400])
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("Your form has expired or was not sent from this site. "
                                   "Please reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code in (403, 404, 429):
            _audit_refusal(exc)
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("unhandled error")
        rollback()
        return render_error(InternalServerError.code)


# The ids in a URL that name something someone may not see.
OBJECT_IDS = ("dossier_id", "project_id", "file_id", "slip_id", "item_id", "document_id", "enterprise_id", "member_id",
              "invitation_id")


def _audit_refusal(exc: HTTPException) -> None:
    """A refused look at someone else's dossier, file, slip or project, and every rate-limit
    hit, go to the audit trail in a transaction of their own: the refused request is rolled
    back first (nothing it did is kept), then the audit row alone is committed."""
    from flask import request
    from flask_login import current_user

    from portal.audit import operations as audit
    from portal.services.unit_of_work import commit

    named = {k: v for k, v in (request.view_args or {}).items() if k in OBJECT_IDS}
    if exc.code != 429 and not named:
        return
    action = "ratelimit.hit" if exc.code == 429 else "access.refused"
    detail = str(getattr(exc, "description", "")) if exc.code == 429 else f"{exc.code} {request.method}"
    target = f"{request.endpoint} " + " ".join(f"{k}={v}" for k, v in sorted(named.items()))
    actor_id = current_user.id if current_user and current_user.is_authenticated else None
    try:
        rollback()
        if exc.code == 429 and _recently_recorded(action, target.strip()):
            return  # a flood of hits is one row a minute per source and page, not one per request
        # Nothing is read before the insert: on SQLite the transaction takes the write lock
        # at once, with no earlier snapshot to go stale under a concurrent writer.
        audit.record(action, actor_id=actor_id, target=target.strip(), detail=detail)
        commit()
    except Exception:  # the refusal is answered even when the audit cannot be written
        rollback()


def _recently_recorded(action: str, target: str) -> bool:
    from datetime import timedelta

    from flask import request

    from portal.audit.models import AuditEvent
    from portal.db import utcnow
    from portal.extensions import db

    since = utcnow() - timedelta(minutes=1)
    return db.session.scalar(db.select(AuditEvent.id).where(
        AuditEvent.action == action, AuditEvent.target == target[:255], AuditEvent.ip == (request.remote_addr or ""),
        AuditEvent.created_at >= since).limit(1)) is not None
