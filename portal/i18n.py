"""Language helpers: the locale selector and bilingual (vi/en) fields."""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    # Vietnamese first: only a browser that prefers English gets English.
    best = request.accept_languages.best_match(languages, default="vi")
    return best or "vi"


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "vi"


class Bilingual:
    """Mixin for models with `<field>_vi` / `<field>_en` columns.

    `obj.tr("name")` gives the text in the reader's language, falling back to
    Vietnamese, which is always filled in.
    """

    def tr(self, field: str) -> str:
        lang = current_language()
        value = getattr(self, f"{field}_{lang}", None)
        return value or getattr(self, f"{field}_vi") or ""

    @property
    def name(self) -> str:
        return self.tr("name")


# --- numbers as people write them ------------------------------------------------------

_SPACES = ("\u0020", "\u00a0", "\u202f", "\u2009")
AMOUNT_MAX_LENGTH = 40  # checked before any parsing


def _locale():
    from babel import Locale

    return get_locale() or Locale("vi")


def parse_amount(text: str):
    """A number typed the way people write it in the interface's language: "250.000.000.000",
    "250 000 000 000" or "1.234,5" in Vietnamese; "250,000,000,000" or "1,234.5" in English.
    Anything that cannot be read one way only (a misplaced separator, letters, an exponent)
    raises ValueError; Babel decides, in strict mode."""
    import re
    from decimal import Decimal

    from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

    locale = _locale()
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    text = (text or "").strip()
    if not text or len(text) > AMOUNT_MAX_LENGTH:
        raise ValueError(text)
    for space in _SPACES:  # spaces group digits too; read them as the locale's separator
        text = text.replace(space, group)
    allowed = "0-9" + re.escape(group) + re.escape(decimal)
    if not re.fullmatch(f"[{allowed}]+", text) or not text[0].isdigit():
        raise ValueError(text)
    # "250,000" in Vietnamese (or "250.000" in English) is as often a thousand written the
    # other language's way as a decimal: refused rather than guessed (Babel would read 250).
    whole, _sep, fraction = text.partition(decimal)
    if group not in text and _sep and len(fraction) == 3 and whole != "0":
        raise ValueError(text)
    try:
        value = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        raise ValueError(text) from None
    return Decimal(value)


def amount_example() -> str:
    """How an amount is written in the interface's language, for error messages."""
    from decimal import Decimal

    return f"{format_amount(Decimal('250000000000'))} / {format_amount(Decimal('1234.5'))}"


def format_amount(value) -> str:
    """A number grouped in the reader's language, its decimals kept as they are."""
    from decimal import Decimal, InvalidOperation

    from babel.numbers import format_decimal

    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(number, format="#,##0.###############", locale=_locale(), decimal_quantization=False)


def format_filesize(size) -> str:
    """"10,3 kB" in Vietnamese, "10.3 kB" in English (decimal units, like the browsers)."""
    from babel.numbers import format_decimal

    size = float(size or 0)
    if size < 1000:
        return f"{int(size)} B"
    for unit in ("kB", "MB", "GB", "TB"):
        size /= 1000
        if size < 1000 or unit == "TB":
            break
    return f"{format_decimal(round(size, 1), format='#,##0.#', locale=_locale())} {unit}"


def format_field_value(spec: dict, value) -> str:
    """A procedure field's stored value as the reader expects it: amounts grouped, dates dd/mm/yyyy."""
    from datetime import date

    kind = spec.get("type", "text")
    if value in (None, ""):
        return ""
    if kind == "number":
        return format_amount(value)
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def format_moment(value) -> str:
    """A moment as the Board's forms write it, in local time: "14:05 02/03/2026" (the same in
    both languages). Plain strftime: lists print thousands of these, and Babel's formatting
    costs ten times as much."""
    from portal.calendar import LOCAL_TZ

    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")
