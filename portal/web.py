"""Small helpers shared by the views of every domain."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from werkzeug.routing import IntegerConverter
from flask_login import current_user


def safe_next(default_endpoint: str = "public.home") -> str:
    """The `next` target if it stays on this site, else a default page."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return url_for(default_endpoint)


def redirect_next(default_endpoint: str = "public.home"):
    return redirect(safe_next(default_endpoint))


def wanted_page() -> str | None:
    """The page a visitor was on their way to (`next`, on this site only), if any: kept
    through registration, the confirmation link, the login and its second step."""
    target = request.values.get("next", "")
    return target if target and safe_next() == target else None


def roles_required(*roles):
    """Let only users with one of `roles` in; others get 403 (anonymous: the login page)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from portal.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def enterprise_required(view):
    """Pages that act for an enterprise: an investor whose request to join one still waits
    (or who acts for none) is sent to the profile, which says why."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        from flask import flash
        from flask_babel import gettext as _

        if current_user.is_authenticated and not current_user.enterprise_ids:
            flash(_("You can file dossiers once you act for an enterprise: your request to join one is waiting "
                    "for its representative's approval."), "warning")
            return redirect(url_for("accounts.profile"))
        return view(*args, **kwargs)

    return wrapped


def writes_on_get(view):
    """Mark a GET view that writes (an audit row, a slip's first render): on SQLite its
    transaction then takes the write lock when it begins, as a POST's does (portal/db.py).
    The mark survives the decorators around it (functools.wraps copies it)."""
    view.writes_on_get = True
    return view


def config_limit(name: str):
    """A Flask-Limiter limit read from the configuration at request time."""
    return lambda: current_app.config[name]


def attempt(operation, refused: type[Exception]) -> bool:
    """Run `operation`; if it refuses, undo whatever it did and tell the user why."""
    from flask import flash

    from portal.services.unit_of_work import rollback

    try:
        operation()
    except refused as exc:
        rollback()
        flash(str(exc), "error")
        return False
    return True


def attempt_on(form, operation, refused: type[Exception]) -> bool:
    """Run `operation` in a savepoint; if it refuses, undo what it did and put the reason on
    the field of `form` the refusal names (`exc.field`), or on top of the page."""
    from flask import flash

    from portal.extensions import db

    try:
        with db.session.begin_nested():
            operation()
    except refused as exc:
        field = getattr(form, getattr(exc, "field", "") or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors.append(str(exc))
        else:
            flash(str(exc), "error")
        return False
    return True


def bound_form_size():
    """Before anything reads the form (CSRF protection does, first): a URL-encoded body is
    read whole into memory, so it gets a small limit of its own (MAX_URLENCODED_KB), not the
    upload limit; each text part of a multipart form is bounded by MAX_FORM_MEMORY_SIZE."""
    from flask import current_app, request

    if request.mimetype == "application/x-www-form-urlencoded":
        request.max_content_length = current_app.config["MAX_URLENCODED_KB"] * 1024


def refuse_bad_fields():
    """A NUL byte has no place in a URL or a form field (and PostgreSQL rejects it); no
    field of any form needs more than MAX_FIELD_CHARS characters (validators such as the
    e-mail one take time that grows faster than the length)."""
    from flask import abort, current_app, request

    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values.extend(request.form.values())
    if any("\x00" in value for value in values):
        abort(400)
    if any(len(value) > current_app.config["MAX_FIELD_CHARS"] for value in values):
        abort(413)


class BoundedInteger(IntegerConverter):
    """URL ids are database integers: a 30-digit "id" is simply not found (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def send_stored(key: str, name: str, content_type: str, *, inline: bool = False, private: bool = True):
    """A stored file as a response (404 when it is gone): downloaded unless `inline`, and
    never kept by a shared cache when `private`."""
    from portal.services.storage import get_storage

    try:  # one request to the storage: a missing file is said by the read itself
        response = get_storage().send(key, name, content_type, inline=inline, max_age=0 if private else 3600)
    except FileNotFoundError:
        abort(404)
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response
