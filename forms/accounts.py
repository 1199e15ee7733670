"""Forms for registration, login, password reset and the profile."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    StopValidation,
    ValidationError,
)

from forms.common import LANGUAGE_CHOICES, LINE, STRIP, country_choices
from portal.accounts.queries import email_taken
from portal.accounts.security import is_common_password, personal_password

# Mã số doanh nghiệp: 10 digits; a dependent unit adds "-" and 3 digits.
ENTERPRISE_CODE = re.compile(r"^\d{10}(-\d{3})?$")
PHONE = re.compile(r"^\+?[0-9 .()-]{8,20}$")



def check_password_policy(form, field):
    """Long enough, not a common password, not built from the user's own data: the form's
    e-mail, name and enterprise fields, or `form.owner` (the user whose password it is)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("The password must have at least %(n)d characters.", n=minimum))
    if is_common_password(field.data):
        raise ValidationError(
            _l("This password is among the most common ones and easy to guess. Please choose another.")
        )
    owner = getattr(form, "owner", None)
    enterprise = owner.enterprises[0] if owner is not None and owner.enterprises else None
    about = {
        "email": _data(form, "email") or (owner.email if owner else ""),
        "full_name": _data(form, "full_name") or (owner.full_name if owner else ""),
        "enterprise_name": _data(form, "enterprise_name") or (enterprise.name if enterprise else ""),
        "enterprise_code": _data(form, "enterprise_code") or (enterprise.enterprise_code or "" if enterprise else ""),
    }
    if personal_password(field.data, **about):
        raise ValidationError(_l("This password is built from your own name, email or enterprise, or is easy to "
                                 "guess for another reason. Please choose a longer, less personal one."))


def _data(form, name: str) -> str:
    return str(form[name].data or "") if name in form else ""


def check_phone(form, field):
    if field.data and not PHONE.match(field.data):
        raise ValidationError(_l("Please enter a phone number of 8 to 20 digits."))


EMAIL_MAX = 254  # RFC 5321: no address is longer


def email_length(form, field):
    """Refuse an over-long address before the e-mail validator sees it: its work grows with
    the square of the length (a 60 kB address took 33 s), so the chain stops here."""
    if len(field.data or "") > EMAIL_MAX:
        raise StopValidation(_l("An email address has at most %(n)d characters.", n=EMAIL_MAX))


def _email_field(label=_l("Email")):
    return EmailField(
        label,
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            email_length,
            Email(message=_l("This is not a valid email address."), check_deliverability=False),
        ],
    )


def _new_password_field(label=_l("Password")):
    return PasswordField(
        label,
        validators=[DataRequired(message=_l("Please choose a password.")), check_password_policy],
        description=_l("At least 10 characters; avoid common passwords."),
    )


def _confirm_field():
    return PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(message=_l("Please type the password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
    )


def _full_name_field():
    return StringField(
        _l("Full name"),
        filters=LINE,
        validators=[DataRequired(message=_l("Please enter your full name.")), Length(max=200)],
    )


def _phone_field():
    return StringField(
        _l("Phone"),
        filters=LINE,
        validators=[
            DataRequired(message=_l("Please enter a phone number.")),
            Length(max=20),
            check_phone,
        ],
        description=_l("For example 0260 3 123 456 or +84 260 3123 456."),
    )


class EnterpriseForm(FlaskForm):
    """The enterprise someone acts for: at registration, or added later from the profile."""

    enterprise_name = StringField(
        _l("Enterprise name"),
        filters=LINE,
        validators=[DataRequired(message=_l("Please enter the enterprise's name.")), Length(max=255)],
    )
    enterprise_code = StringField(
        _l("Enterprise code"),
        filters=LINE,
        validators=[Length(max=20)],
        description=_l(
            "The 10-digit code on the enterprise registration certificate "
            "(a branch adds -001 ...). A foreign investor without an enterprise in Viet Nam yet may leave it empty."
        ),
    )
    address = StringField(
        _l("Head office address"),
        filters=LINE,
        validators=[DataRequired(message=_l("Please enter the enterprise's address.")), Length(max=255)],
    )
    legal_representative = StringField(
        _l("Legal representative"),
        filters=LINE,
        validators=[DataRequired(message=_l("Please enter the legal representative.")), Length(max=200)],
    )
    country = SelectField(_l("Investor's country"), default="VN",
                          validators=[DataRequired(message=_l("Choose the investor's country."))],
                          render_kw={"data-searchable": "true", "data-search-label": _l("Search the countries"),
                                     "data-search-hint": _l("Type a few letters, with or without accents")})
    submit = SubmitField(_l("Add the enterprise"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Choose the country"))] + country_choices()

    def validate_enterprise_code(self, field):
        code = field.data or ""
        if not code:
            if self.country.data == "VN":
                raise ValidationError(_l("Please enter the enterprise code."))
            return
        if not ENTERPRISE_CODE.match(code):
            raise ValidationError(
                _l("An enterprise code has 10 digits, for example 6100123456 (a branch: 6100123456-001).")
            )
        # An enterprise already on the portal: the registration becomes a request to join it
        # (its representative approves), decided when the address is confirmed.

    @property
    def enterprise_data(self) -> dict:
        return {"name": self.enterprise_name.data, "enterprise_code": self.enterprise_code.data,
                "address": self.address.data, "legal_representative": self.legal_representative.data,
                "country": self.country.data}


class RegistrationForm(EnterpriseForm):
    full_name = _full_name_field()
    email = _email_field()
    phone = _phone_field()
    password = _new_password_field()
    confirm = _confirm_field()
    language = SelectField(_l("Language for emails"), choices=LANGUAGE_CHOICES, default="vi")
    submit = SubmitField(_l("Register"))


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Please enter your password."))]
    )
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(FlaskForm):
    email = _email_field()
    submit = SubmitField(_l("Send the link"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm my email"))


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Set the new password"))


class ProfileForm(FlaskForm):
    full_name = _full_name_field()
    phone = _phone_field()
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password."))],
    )
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Change password"))


class MfaForm(FlaskForm):
    code = StringField(
        _l("Authentication code"),
        filters=LINE,
        validators=[DataRequired(message=_l("Enter the 6-digit code from your authenticator app.")), Length(max=20)],
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )
    submit = SubmitField(_l("Verify"))


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("New email"))
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password."))],
    )
    submit = SubmitField(_l("Change email"))

    def validate_email(self, field):
        if email_taken(field.data):
            raise ValidationError(_l("An account with this email already exists."))


class InviteForm(FlaskForm):
    email = _email_field(_l("Email of the person to invite"))
    submit = SubmitField(_l("Send the invitation"))


class ActionForm(FlaskForm):
    """A button with its CSRF token (approve, remove, accept...)."""

    submit = SubmitField(_l("Confirm"))


class RecoveryCodesForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Please enter your current password."))])
    submit = SubmitField(_l("Make new recovery codes"))
