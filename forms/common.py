"""Form helpers shared by the domains."""
from __future__ import annotations

import unicodedata

from babel import Locale
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from portal.i18n import amount_example, format_amount, parse_amount

LANGUAGE_CHOICES = [("vi", "Tiếng Việt"), ("en", "English")]

_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "XK"}


def clean_text(value):
    """Trim, normalise to NFC (Vietnamese typed in decomposed form) and drop control characters."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return value.strip()


def one_line(value):
    """A single-line field keeps no line breaks: names and titles go into mails and slips,
    where a typed paragraph (with a link) would read as the Board's own text."""
    if not isinstance(value, str):
        return value
    return " ".join(value.split())


# Filters: text areas keep their lines; every other text field is one line.
STRIP = [clean_text]
LINE = [clean_text, one_line]


def country_choices() -> list[tuple[str, str]]:
    """Countries by ISO code, named in the reader's language, Viet Nam first."""
    locale = get_locale() or Locale("vi")
    names = {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }
    first = [("VN", names.pop("VN", "Việt Nam"))]
    return first + sorted(names.items(), key=lambda item: _sort_key(item[1]))


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def finite_amount(maximum, places: int | None = None):
    """A number that is finite, not negative and fits its column (no NaN, no 1e30)."""

    def check(form, field):
        value = field.data
        if value is None:
            return
        if not value.is_finite():
            raise ValidationError(_l("Please enter a number."))
        if value < 0:
            raise ValidationError(_l("Must not be negative."))
        if value >= maximum:
            raise ValidationError(_l("This number is too large."))
        if places == 0 and value != round(value):
            raise ValidationError(_l("Enter a whole number, without decimals."))
        if places is not None and value != round(value, places):
            raise ValidationError(_l("Use at most %(n)d decimal places.", n=places))

    return check


class AmountField(StringField):
    """Money or an area, typed the way people write it in the interface's language
    ("250.000.000.000" or "1.234,5" in Vietnamese). A text input with a decimal keypad:
    a browser number input reads "250.000.000.000" as 250. `data` is a Decimal; what
    was typed is shown again when it cannot be read."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "") or ""
        if not raw.strip():
            return
        try:
            self.data = parse_amount(raw)
        except ValueError:
            raise ValueError(gettext("Write the number as in %(example)s (digits, grouped or not).",
                                     example=amount_example())) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_amount(self.data) if self.data is not None else ""


def enterprise_field():
    """Which of the user's enterprises a new project is for (shown when there are several)."""
    from wtforms import SelectField

    return SelectField(_l("Enterprise"), coerce=int,
                       description=_l("The enterprise the project belongs to; its members will see it."))


def enterprise_choices(field, enterprises) -> None:
    field.choices = [(e.id, e.name) for e in enterprises]
    if field.data in (None, 0) and field.choices:
        field.data = field.choices[0][0]
