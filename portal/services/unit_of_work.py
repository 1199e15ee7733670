"""One commit per request, and side effects only after it succeeds.

Operations flush but never commit. The request (or CLI command) that called them
commits once at the end; anything queued with `after_commit` (mail, file moves, PDF
rendering) runs only once that commit has succeeded, and is dropped on rollback, so
an investor is never emailed about a change that was not saved.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app, g

from portal.extensions import db


def _pending() -> list:
    if "_after_commit" not in g:
        g._after_commit = []
    return g._after_commit


def _undo() -> list:
    if "_on_rollback" not in g:
        g._on_rollback = []
    return g._on_rollback


def after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue `func(*args, **kwargs)` to run after the current unit of work commits."""
    _pending().append((func, args, kwargs))


def after_response(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `func` once the response has been sent (mail): the answer's timing then depends
    neither on the mail server nor on whether there was anything to send (a reset link for
    an address with no account). Outside a request it runs at once."""
    from flask import has_request_context

    if not has_request_context():
        func(*args, **kwargs)
        return
    g.setdefault("_after_response", []).append((func, args, kwargs))


def on_rollback(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue an undo (e.g. delete a file just written) for when the unit of work fails."""
    _undo().append((func, args, kwargs))


def commit() -> None:
    """Commit the session, then run the queued side effects in order."""
    try:
        db.session.commit()
    except Exception:
        rollback()
        raise
    g._on_rollback = []
    pending, g._after_commit = _pending(), []
    for func, args, kwargs in pending:
        try:
            func(*args, **kwargs)
        except Exception:  # a failed e-mail must not undo a saved change
            current_app.logger.exception("side effect %s failed after commit", func)


def rollback() -> None:
    db.session.rollback()
    g._after_commit = []
    undo, g._on_rollback = _undo(), []
    for func, args, kwargs in reversed(undo):
        try:
            func(*args, **kwargs)
        except Exception:
            current_app.logger.exception("undo %s failed after rollback", func)


def finish_request(response):
    """after_request hook: commit successful requests, roll back the others.

    A commit that fails (the database went away, a constraint fired) has already been
    rolled back, with its files removed; the user gets the error page, not the success.
    """
    if response.status_code >= 400:
        rollback()
        return _send_afterwards(response)
    try:
        commit()
    except Exception:
        current_app.logger.exception("commit failed; the request was rolled back")
        from portal.errors import render_error

        return current_app.make_response(render_error(500))
    return _send_afterwards(response)


def _send_afterwards(response):
    """Hand what waits for the response (mail) to the server, to run when it has sent it:
    after the body's last bytes have been written, or when the server closes the response,
    whichever comes first, once. (Werkzeug's own server may not close a response whose
    client hung up first: the mail would be lost.)"""
    waiting = g.pop("_after_response", [])
    if waiting:
        app = current_app._get_current_object()
        done: list[bool] = []

        def run():
            if done:
                return
            done.append(True)
            with app.app_context():
                for func, args, kwargs in waiting:
                    try:
                        func(*args, **kwargs)
                    except Exception:  # one failed mail must not stop the others
                        app.logger.exception("%s failed after the response", func)

        response.call_on_close(run)
        if isinstance(response.response, (list, tuple)) and not response.direct_passthrough:
            body = response.response

            def body_then_run():
                yield from body
                run()

            response.response = body_then_run()
    return response
