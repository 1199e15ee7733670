"""Session time-outs: a logged-in session ends when idle too long, and after a maximum."""
from __future__ import annotations


def enforce_session_timeouts():
    """Idle and absolute time-outs of a logged-in session."""
    import time

    from flask import current_app, flash, redirect, request, session, url_for
    from flask_babel import gettext as _
    from flask_login import current_user, logout_user

    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    now = int(time.time())
    config = current_app.config
    auth_at, seen_at = session.get("_auth_at"), session.get("_seen_at")
    if (auth_at is None or seen_at is None or now - seen_at > config["SESSION_IDLE_MINUTES"] * 60
            or now - auth_at > config["SESSION_ABSOLUTE_HOURS"] * 3600):
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please log in again."), "warning")
        return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
    if now - seen_at > 60:  # refresh at most once a minute
        session["_seen_at"] = now
    return None
