"""E-mails about accounts, in the recipient's language."""
from __future__ import annotations

from flask import current_app

from portal.services.mail import external_url, send_mail


def confirmation(user, token: str, next_page: str | None = None) -> None:
    send_mail(
        user.email,
        "accounts/emails/confirm",
        user.language,
        user=user,
        link=external_url("accounts.confirm", token=token, **({"next": next_page} if next_page else {})),
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


def join_request(representative, user, enterprise) -> None:
    """Someone asks to act for the enterprise: its representative decides."""
    send_mail(representative.email, "accounts/emails/join_request", representative.language, user=representative,
              applicant=user, enterprise=enterprise, link=external_url("accounts.enterprise", enterprise_id=enterprise.id))


def invitation(invitation, token: str, has_account: bool) -> None:
    endpoint = "accounts.invitation" if has_account else "accounts.register"
    link = (external_url(endpoint, token=token) if has_account
            else external_url(endpoint, invitation=token))
    send_mail(invitation.email, "accounts/emails/invitation", "vi", enterprise=invitation.enterprise,
              inviter=invitation.invited_by, link=link, has_account=has_account,
              days=current_app.config["INVITATION_MAX_AGE"] // 86400)


def membership_approved(user, enterprise) -> None:
    send_mail(user.email, "accounts/emails/membership_approved", user.language, user=user, enterprise=enterprise,
              link=external_url("projects.index"))


def welcome(user, token: str) -> None:
    """The invited officer's link to choose a first password."""
    send_mail(
        user.email,
        "accounts/emails/welcome",
        user.language,
        user=user,
        link=external_url("accounts.welcome", token=token),
        days=current_app.config["INVITATION_MAX_AGE"] // 86400,
    )
