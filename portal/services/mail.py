"""Outgoing mail: rendered in the recipient's language, sent after commit.

Without MAIL_SERVER the message is written as an .eml file to OUTBOX_DIR
(instance/outbox/ by default), which is how development and tests read it.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from portal.extensions import mail
from portal.services.unit_of_work import after_commit


def external_url(endpoint: str, **values) -> str:
    """An absolute link on the public address, usable outside a request (mail, CLI)."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def send_mail(to: str, template: str, language: str = "vi", **context) -> None:
    """Render `templates/<template>.txt` (first line: subject) and queue it for sending."""
    with force_locale(language):
        text = render_template(f"{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    message = Message(subject=subject.strip(), recipients=[to], body=body.strip() + "\n")
    message.sender = current_app.config["MAIL_DEFAULT_SENDER"]
    after_commit(_deliver, current_app._get_current_object(), message)


def _deliver(app, message: Message) -> None:
    if app.config["MAIL_SERVER"]:
        mail.send(message)
        return
    outbox = Path(app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
