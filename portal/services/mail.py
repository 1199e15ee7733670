"""Outgoing mail: rendered in the recipient's language, sent after commit.

Without MAIL_SERVER the message is written as an .eml file to OUTBOX_DIR
(instance/outbox/ by default), which is how development and tests read it.
"""
from __future__ import annotations

import base64
import uuid
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from portal.extensions import mail
from portal.services.unit_of_work import after_commit, after_response


def external_url(endpoint: str, **values) -> str:
    """An absolute link on the public address, usable outside a request (mail, CLI)."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def encode_subject(subject: str) -> str:
    """The Subject header as RFC 2047 encoded words that keep every space.

    Python's folding (used by Flask-Mail) may end one encoded word with "Không" and start
    the next with "được": the space between two encoded words is dropped by every mail
    reader, giving "Khôngđược". Here each word carries its own trailing space inside, and
    no word splits a character."""
    if subject.isascii():
        return subject
    words, chunk = [], ""
    for char in subject:
        if len((chunk + char).encode("utf-8")) > 39:  # 52 base64 characters: lines under 78
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    encoded = ["=?utf-8?b?" + base64.b64encode(w.encode("utf-8")).decode("ascii") + "?=" for w in words]
    return "\r\n ".join(encoded)


class PortalMessage(Message):
    """A Flask-Mail message whose Subject is encoded by `encode_subject`."""

    def _message(self):
        msg = super()._message()
        del msg["Subject"]
        msg.policy = policy.compat32  # store the encoded words as they are...
        msg["Subject"] = encode_subject(self.subject)
        msg.policy = policy.SMTP      # ...and write the rest as Flask-Mail does
        return msg


def send_mail(to: str, template: str, language: str = "vi", **context) -> None:
    """Render `templates/<template>.txt` (first line: subject) and queue it for sending."""
    with force_locale(language):
        text = render_template(f"{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    message = PortalMessage(subject=" ".join(subject.split()), recipients=[to], body=body.strip() + "\n")
    message.sender = current_app.config["MAIL_DEFAULT_SENDER"]
    # Sent once the change is committed, and once the answer has gone to the user.
    after_commit(after_response, _deliver, current_app._get_current_object(), message)


def _deliver(app, message: Message) -> None:
    if app.config["MAIL_SERVER"]:
        mail.send(message)
        return
    outbox = Path(app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
