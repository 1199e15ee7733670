"""E-mails about accounts, in the recipient's language."""
from __future__ import annotations

from flask import current_app

from portal.services.mail import external_url, send_mail


def confirmation(user, token: str) -> None:
    send_mail(
        user.email,
        "accounts/emails/confirm",
        user.language,
        user=user,
        link=external_url("accounts.confirm", token=token),
        hours=current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 3600,
    )


def password_reset(user, token: str) -> None:
    send_mail(
        user.email,
        "accounts/emails/reset",
        user.language,
        user=user,
        link=external_url("accounts.reset", token=token),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def password_changed(user) -> None:
    send_mail(
        user.email,
        "accounts/emails/password_changed",
        user.language,
        user=user,
        link=external_url("accounts.forgot"),
    )
