"""Language helpers: the locale selector and bilingual (vi/en) fields."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
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
