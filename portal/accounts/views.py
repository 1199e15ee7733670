"""Registration, e-mail confirmation, login/logout, password reset and the profile."""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forms.accounts import (
    ActionForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    EnterpriseForm,
    EmailOnlyForm,
    InviteForm,
    LoginForm,
    MfaForm,
    ProfileForm,
    RecoveryCodesForm,
    RegistrationForm,
    ResetPasswordForm,
)
from portal.accounts import mfa, queries
from portal.accounts import operations as ops
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.extensions import limiter
from portal.i18n import current_language
from portal.web import attempt, config_limit, redirect_next, roles_required, safe_next, wanted_page

bp = Blueprint("accounts", __name__, url_prefix="/account")

TOKEN_MESSAGES = {
    "expired": lambda: _("This link has expired."),
    "invalid": lambda: _("This link is not valid."),
    "used": lambda: _("This link has already been used or is no longer valid."),
}


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(config_limit("REGISTER_RATE_LIMIT"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    # The country to start from follows the interface: Viet Nam in Vietnamese, a choice in English.
    form = RegistrationForm(language=current_language(), **{
        "country": "VN" if current_language() == "vi" else "", **_invited(request.args.get("invitation", ""))})
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in {"confirm", "submit", "csrf_token"}}
        ops.register_investor(**data, next_page=wanted_page())
        flash(_("Your account has been created. We have sent a confirmation link to %(email)s.",
                email=form.email.data), "success")
        return redirect(url_for("accounts.login", next=wanted_page()))
    return render_template("accounts/register.html", form=form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    # The link only shows a button: mail scanners that follow links change nothing.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            ops.confirm_email(token)
        except ops.AccountError as exc:
            return _token_refused(str(exc), "accounts.resend_confirmation")
        flash(_("Your email address is confirmed. You can now log in."), "success")
        return redirect(url_for("accounts.login", next=wanted_page()))
    return render_template("accounts/confirm.html", form=form)


@bp.route("/confirm/resend", methods=["GET", "POST"])
@limiter.limit(config_limit("EMAIL_RATE_LIMIT"), methods=["POST"])
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        ops.resend_confirmation(form.email.data)
        flash(_("If an unconfirmed account uses this address, a new confirmation link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/email_form.html", form=form, heading=_("Send the confirmation link again"),
                           intro=_("Enter the email address you registered with. If it is not yet confirmed, "
                                   "we will send a new link."))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(config_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect_next()
    form = LoginForm()
    if form.validate_on_submit():
        session.pop("mfa_secret", None)
        try:
            user = ops.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except ops.Throttled as exc:
            form.password.errors.append(_throttled_message(exc.wait))
            return render_template("accounts/login.html", form=form)
        if user is None:
            form.password.errors.append(_("The email or password is incorrect."))
        elif not user.is_confirmed:
            flash(_("Please confirm your email address first. We can send you a new link."), "warning")
            return redirect(url_for("accounts.resend_confirmation"))
        elif user.needs_mfa:
            # Officers and administrators also prove they hold their authenticator.
            # With nowhere else to go, an officer lands on the workspace, an administrator on
            # the administration.
            home = "admin.index" if user.role is Role.ADMIN else "officer.index"
            session["mfa_pending"] = {"uid": user.id, "v": user.session_version, "at": int(time.time()),
                                      "next": safe_next(home)}
            return redirect(url_for("accounts.mfa_verify" if user.has_mfa else "accounts.mfa_setup"))
        else:
            _complete_login(user)
            return redirect_next()
    return render_template("accounts/login.html", form=form)


def _wait_text(seconds: int) -> str:
    from flask_babel import ngettext

    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", (seconds + 59) // 60)


def _throttled_message(seconds: int) -> str:
    return _("Several wrong passwords were tried for this account from your connection, so the next try has to "
             "wait %(wait)s. If you have forgotten the password, you can choose a new one now.",
             wait=_wait_text(seconds))


def _complete_login(user: User) -> None:
    login_user(user)
    now = int(time.time())
    session["_auth_at"] = session["_seen_at"] = now
    session.pop("mfa_pending", None)
    session.pop("mfa_secret", None)
    ops.record_login(user)
    flash(_("Welcome, %(name)s.", name=user.full_name), "success")


def _pending_user():
    pending = session.get("mfa_pending") or {}
    if int(time.time()) - pending.get("at", 0) > current_app.config["MFA_PENDING_MINUTES"] * 60:
        return None
    user = db.session.get(User, pending.get("uid", 0))
    if user is None or not user.is_active or user.session_version != pending.get("v"):
        return None
    return user


@bp.route("/mfa", methods=["GET", "POST"])
@limiter.limit(config_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
def mfa_verify():
    user = _pending_user()
    if user is None:
        flash(_("Please log in again."), "warning")
        return redirect(url_for("accounts.login"))
    if not user.has_mfa:
        return redirect(url_for("accounts.mfa_setup"))
    form = MfaForm()
    if form.validate_on_submit():
        try:
            accepted = ops.check_second_factor(user, form.code.data)
        except ops.Throttled as exc:
            form.code.errors.append(_("Too many wrong codes. Wait %(wait)s before the next try.",
                                      wait=_wait_text(exc.wait)))
            return render_template("accounts/mfa_verify.html", form=form)
        except ops.AccountError as exc:
            form.code.errors.append(str(exc))
            return render_template("accounts/mfa_verify.html", form=form)
        if accepted:
            target = session["mfa_pending"].get("next") or url_for("public.home")
            _complete_login(user)
            return redirect(target)
        form.code.errors.append(_("This code is not valid. Codes change every 30 seconds and work once."))
    return render_template("accounts/mfa_verify.html", form=form)


@bp.route("/mfa/setup", methods=["GET", "POST"])
@limiter.limit(config_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
def mfa_setup():
    user = _pending_user()
    if user is None or user.has_mfa:
        return redirect(url_for("accounts.login"))
    # The key being enrolled belongs to this user only (a shared browser must not pass it on).
    pending_secret = session.get("mfa_secret") or {}
    if pending_secret.get("uid") != user.id:
        pending_secret = session["mfa_secret"] = {"uid": user.id, "secret": mfa.new_secret()}
    secret = pending_secret["secret"]
    form = MfaForm()
    if form.validate_on_submit():
        codes = ops.start_mfa(user, secret, form.code.data)
        if codes is not None:
            _complete_login(user)
            return render_template("accounts/recovery_codes.html", codes=codes)
        form.code.errors.append(_("This code is not valid. Check the time on your phone and try again."))
    return render_template("accounts/mfa_setup.html", form=form, secret=secret,
                           qr=mfa.provisioning_qr(secret, user.email))


@bp.post("/mfa/recovery-codes")
@login_required
def renew_recovery_codes():
    form = RecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = ops.new_recovery_codes(current_user, form.current_password.data)
        except ops.AccountError as exc:
            form.current_password.errors.append(str(exc))
        else:
            return render_template("accounts/recovery_codes.html", codes=codes)
    return _profile_page(codes_form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    ops.logout(current_user)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(config_limit("EMAIL_RATE_LIMIT"), methods=["POST"])
def forgot():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        ops.request_password_reset(form.email.data)
        flash(_("If an account uses this address, a link to reset the password is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/email_form.html", form=form, heading=_("Forgot your password?"),
                           intro=_("Enter the email address of your account. We will send you a link to choose a "
                                   "new password."))


def _password_from_link(token: str, owner_of, choose, done: str, welcome: bool = False):
    """A password chosen from an e-mailed single-use link (a reset, or an invited officer's
    first one); then the login page."""
    try:
        owner = owner_of(token)
    except ops.AccountError as exc:
        return _token_refused(str(exc), "accounts.forgot")
    form = ResetPasswordForm()
    form.owner = owner
    if form.validate_on_submit():
        choose(token, form.password.data)
        flash(done, "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, welcome=welcome)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(config_limit("RESET_RATE_LIMIT"), methods=["POST"])
def reset(token: str):
    return _password_from_link(token, ops.user_for_reset_token, ops.reset_password,
                               _("Your password has been changed. Please log in with the new one."))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(config_limit("RESET_RATE_LIMIT"), methods=["POST"])
def welcome(token: str):
    """An invited officer chooses a first password (then logs in and enrols the second factor)."""
    return _password_from_link(token, ops.user_for_welcome_token, ops.accept_welcome,
                               _("Your password is set. Log in now; you will then set up your authenticator app."),
                               welcome=True)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        ops.update_profile(current_user, full_name=form.full_name.data, phone=form.phone.data,
                           language=form.language.data)
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return _profile_page(form=form)


def _profile_page(**given):
    """The profile page with each of its forms, the one that was posted keeping its input."""
    forms = {"form": ProfileForm(formdata=None, obj=current_user), "password_form": ChangePasswordForm(formdata=None),
             "email_form": ChangeEmailForm(formdata=None), "enterprise_form": EnterpriseForm(formdata=None),
             "codes_form": RecoveryCodesForm(formdata=None), **given}
    return render_template("accounts/profile.html", **forms)


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    password_form = ChangePasswordForm()
    password_form.owner = current_user
    if password_form.validate_on_submit():
        try:
            ops.change_password(current_user, password_form.current_password.data,
                                password_form.password.data)
        except ops.AccountError:
            password_form.current_password.errors.append(_("The current password is incorrect."))
        else:
            login_user(current_user._get_current_object())  # this session goes on; the others end
            flash(_("Your password has been changed. Your other sessions have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(password_form=password_form)


@bp.route("/email", methods=["POST"])
@login_required
def change_email():
    email_form = ChangeEmailForm()
    if email_form.validate_on_submit():
        try:
            ops.change_email(current_user, email_form.current_password.data, email_form.email.data)
        except ops.AccountError:
            email_form.current_password.errors.append(_("The current password is incorrect."))
        else:
            logout_user()
            session.clear()
            flash(_("Your email address has been changed. Confirm it with the link we sent there, then log in."),
                  "success")
            return redirect(url_for("accounts.login"))
    return _profile_page(email_form=email_form)


def _invited(token: str) -> dict:
    """Registration from an invitation: the form comes filled with the address and the
    enterprise (the registration joins it when the address is confirmed)."""
    if not token:
        return {}
    try:
        invitation = ops.invitation_for(token)
    except ops.AccountError:
        return {}
    enterprise = invitation.enterprise
    return {"email": invitation.email, "enterprise_name": enterprise.name, "address": enterprise.address,
            "enterprise_code": enterprise.enterprise_code or "", "legal_representative": enterprise.legal_representative,
            "country": enterprise.country}


# --- the enterprise: members, requests to join, invitations -------------------------------

def _enterprise(enterprise_id: int):
    return queries.enterprise_of(current_user, enterprise_id) or abort(404)


@bp.get("/enterprise/<int:enterprise_id>")
@roles_required(Role.INVESTOR)
def enterprise(enterprise_id: int, invite_form=None):
    found = _enterprise(enterprise_id)
    return render_template("accounts/enterprise.html", enterprise=found, invite_form=invite_form or InviteForm(),
                           action_form=ActionForm(), invitations=queries.open_invitations(found),
                           is_representative=current_user.represents(found))


def _enterprise_action(enterprise_id: int, run, done: str):
    found = _enterprise(enterprise_id)
    if ActionForm().validate_on_submit() and attempt(lambda: run(found), ops.AccountError):
        flash(done, "success")
    return redirect(url_for("accounts.enterprise", enterprise_id=found.id))


@bp.post("/enterprises")
@roles_required(Role.INVESTOR)
def add_enterprise():
    """A confirmed investor registers (or claims) another enterprise from the profile."""
    form = EnterpriseForm()
    if form.validate_on_submit() and attempt(lambda: ops.add_enterprise(current_user, **form.enterprise_data),
                                             ops.AccountError):
        flash(_("The enterprise has been added; if its code is held already, your request to join waits for "
                "its representative."), "success")
        return redirect(url_for("accounts.profile"))
    return _profile_page(enterprise_form=form)


@bp.post("/enterprise/<int:enterprise_id>/invite")
@roles_required(Role.INVESTOR)
@limiter.limit(config_limit("EMAIL_RATE_LIMIT"))
def invite(enterprise_id: int):
    found = _enterprise(enterprise_id)
    form = InviteForm()
    if form.validate_on_submit() and attempt(lambda: ops.invite_member(found, current_user, form.email.data),
                                             ops.AccountError):
        flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("accounts.enterprise", enterprise_id=found.id))
    return enterprise(enterprise_id, invite_form=form)


@bp.post("/enterprise/<int:enterprise_id>/members/<int:member_id>/approve")
@roles_required(Role.INVESTOR)
def approve_member(enterprise_id: int, member_id: int):
    return _enterprise_action(enterprise_id, lambda e: ops.approve_member(e, current_user, member_id),
                              _("The request has been approved."))


@bp.post("/enterprise/<int:enterprise_id>/members/<int:member_id>/remove")
@roles_required(Role.INVESTOR)
def remove_member(enterprise_id: int, member_id: int):
    return _enterprise_action(enterprise_id, lambda e: ops.remove_member(e, current_user, member_id),
                              _("The person no longer acts for the enterprise."))


@bp.post("/enterprise/<int:enterprise_id>/invitations/<int:invitation_id>/revoke")
@roles_required(Role.INVESTOR)
def revoke_invitation(enterprise_id: int, invitation_id: int):
    return _enterprise_action(enterprise_id, lambda e: ops.revoke_invitation(e, current_user, invitation_id),
                              _("The invitation has been withdrawn."))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    try:
        invited = ops.invitation_for(token)
    except ops.AccountError as exc:
        return _token_refused(str(exc), "public.home")
    if not current_user.is_authenticated:
        from portal.extensions import login_manager

        return login_manager.unauthorized()
    form = ActionForm()
    if form.validate_on_submit():
        if attempt(lambda: ops.accept_invitation(token, current_user), ops.AccountError):
            flash(_("You now act for %(enterprise)s.", enterprise=invited.enterprise.name), "success")
            return redirect(url_for("projects.index"))
    return render_template("accounts/invitation.html", invitation=invited, form=form,
                           other_address=current_user.email != invited.email)


def _token_refused(reason: str, retry_endpoint: str):
    message = TOKEN_MESSAGES.get(reason, TOKEN_MESSAGES["invalid"])()
    return render_template("accounts/link_refused.html", message=message,
                           retry_url=url_for(retry_endpoint)), 400
