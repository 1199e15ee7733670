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


def login_throttled(user, source: str) -> None:
    """Wrong passwords keep coming for the account from one address: the owner is told, with
    the way to choose a new password (logging in from elsewhere still works)."""
    send_mail(user.email, "accounts/emails/login_throttled", user.language, user=user, source=source or "?",
              link=external_url("accounts.forgot"))


def registration_attempt(user) -> None:
    """Someone tried to register with an address that already has an account: its owner is
    told (the person registering is told nothing more than for a new address)."""
    send_mail(user.email, "accounts/emails/registration_attempt", user.language, user=user,
              login=external_url("accounts.login"), link=external_url("accounts.forgot"))
