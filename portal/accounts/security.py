"""Password hashing and policy, and signed single-purpose links.

Hashes are argon2id (argon2-cffi). The common-password list is the one zxcvbn ships
(the most frequent passwords from real leaks), not a hand-typed few.
"""
from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _hasher() -> PasswordHasher:
    if current_app.config.get("PASSWORD_HASH_FAST"):
        return _fast_hasher()
    return _default_hasher()


@lru_cache(maxsize=1)
def _default_hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _fast_hasher() -> PasswordHasher:
    # Test-only parameters: the same algorithm, a fraction of the cost.
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _normal(password: str) -> str:
    # The same password typed on two keyboards may arrive composed or decomposed.
    return unicodedata.normalize("NFC", password or "")


def hash_password(password: str) -> str:
    return _hasher().hash(_normal(password))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, _normal(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# Spend the same time whether or not the account exists (no user enumeration by timing).
def dummy_verify(password: str) -> None:
    verify_password(_dummy_hash(), password)


@lru_cache(maxsize=2)
def _dummy_hash_for(fast: bool) -> str:
    return (_fast_hasher() if fast else _default_hasher()).hash("not-a-real-password")


def _dummy_hash() -> str:
    return _dummy_hash_for(bool(current_app.config.get("PASSWORD_HASH_FAST")))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    return password.strip().lower() in _common_passwords()


MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4: "safely unguessable" from 3


def personal_password(password: str, *, email: str = "", full_name: str = "", enterprise_name: str = "",
                      enterprise_code: str = "") -> bool:
    """Built from the user's own e-mail, name or enterprise: the local part of the address,
    two of the name's words side by side, the enterprise code or two of its name's words,
    written in any case and with or without accents (zxcvbn with these as user inputs,
    below score 3, catches the rest)."""
    import re

    from zxcvbn import zxcvbn

    from portal.text import fold

    def plain(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", fold(text))

    # Bounded work whatever was typed: each text cut to its field's length, twelve words at
    # most, and only neighbouring words paired (both ways round).
    name_words = [plain(w) for w in fold(full_name[:200]).split() if plain(w)][:12]
    firm_words = [plain(w) for w in fold(enterprise_name[:255]).split() if len(plain(w)) > 2][:12]
    local = plain((email or "")[:254].split("@")[0])
    pieces = {local if len(local) >= 4 else "", plain(enterprise_code[:20])}
    for words in (name_words, firm_words):
        pieces |= {a + b for a, b in zip(words, words[1:])} | {b + a for a, b in zip(words, words[1:])}
    candidate = plain(password)
    if any(piece and len(piece) >= 4 and piece in candidate for piece in pieces):
        return True
    inputs = [w for w in (*name_words, *firm_words, local, (email or "")[:254].lower(), plain(enterprise_code[:20])) if w]
    return zxcvbn(password[:72], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE  # its limit: 72


# --- signed links -----------------------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def password_fingerprint(password_hash: str) -> str:
    """Changes whenever the password does, which makes a reset link single-use."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


class TokenError(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_token(purpose: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(expired=True) from exc
    except BadSignature as exc:
        raise TokenError(expired=False) from exc
