"""Outgoing mail: rendered in the recipient's language, sent after commit by a job.

Without MAIL_SERVER the message is written as an .eml file to OUTBOX_DIR
(instance/outbox/ by default), which is how development and tests read it.

Each message carries an id, made when it is written, that is both its Message-ID and its
idempotency key: a job retried after its worker died sends it once (Redis remembers the
ids sent), and a receiving server that sees it twice can tell.
"""
from __future__ import annotations

import base64
import uuid
from email import policy
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from portal.extensions import mail
from portal.services import jobs


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


def send_mail(to: str, template: str, language: str = "vi", attachments: tuple = (), **context) -> None:
    """Render `templates/<template>.txt` (first line: subject) and queue it for sending, with
    `attachments` as (file name, content type, bytes)."""
    with force_locale(language):
        text = render_template(f"{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = sender.rpartition("@")[2] or "portal"
    # Sent once the change is committed, and (without a worker) once the answer has gone.
    jobs.enqueue(deliver, {"id": make_msgid(uuid.uuid4().hex, domain), "to": to, "sender": sender,
                           "subject": " ".join(subject.split()), "body": body.strip() + "\n",
                           "attachments": [tuple(a) for a in attachments]}, defer=True)


SENT_DAYS = 30  # how long the ids of sent messages are remembered


@jobs.task
def deliver(letter: dict) -> None:
    """Send one message unless it was already sent (a retried job)."""
    app = current_app._get_current_object()
    sent_key = f"portal:mail-sent:{letter['id']}"
    if _remembered(sent_key):
        app.logger.info("mail %s was already sent", letter["id"])
        return
    message = PortalMessage(subject=letter["subject"], recipients=[letter["to"]], body=letter["body"],
                            sender=letter["sender"])
    message.msgId = letter["id"]
    for name, content_type, data in letter.get("attachments", ()):
        message.attach(name, content_type, data)
    if app.config["MAIL_SERVER"]:
        mail.send(message)
    else:
        outbox = Path(app.config["OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = letter["id"].strip("<>").partition("@")[0]
        (outbox / f"{name}.eml").write_bytes(message.as_bytes())
    _remember(sent_key)


def _remembered(key: str) -> bool:
    from redis.exceptions import RedisError

    connection = jobs.redis_connection()
    try:
        return bool(connection is not None and connection.exists(key))
    except RedisError:  # Redis down: the mail still goes (it runs in-process then)
        return False


def _remember(key: str) -> None:
    from redis.exceptions import RedisError

    connection = jobs.redis_connection()
    try:
        if connection is not None:
            connection.set(key, 1, ex=SENT_DAYS * 24 * 3600)
    except RedisError:
        current_app.logger.warning("could not record a sent mail in Redis")
