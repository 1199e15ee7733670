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
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("unhandled error")
        rollback()
        return render_error(InternalServerError.code)
