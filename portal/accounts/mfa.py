"""Time-based one-time passwords (RFC 6238) and recovery codes for officers and admins."""
from __future__ import annotations

import hmac
import secrets
import time
from functools import lru_cache

import pyotp
import segno

RECOVERY_CODES = 10
ISSUER = "Cong mot cua nha dau tu"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_qr(secret: str, email: str) -> str:
    """The enrolment QR code for an authenticator app, as an SVG data: URI."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def accepted_step(secret: str, code: str, last_step: int | None, at: float | None = None) -> int | None:
    """The time step `code` belongs to (this one or its neighbours), unless already used."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    try:
        totp = pyotp.TOTP(secret)
    except ValueError:  # an unusable stored secret accepts nothing
        return None
    now = at if at is not None else time.time()
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.at(candidate * totp.interval), code):
            if last_step is not None and candidate <= last_step:
                return None  # a code works once
            return candidate
    return None


# Recovery codes: 16 characters from 32 (80 bits), shown as xxxx-xxxx-xxxx-xxxx, stored as
# argon2 hashes. Random codes need no slow hash against guessing, so the parameters are
# light (ten checks stay well under a second).
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1
RECOVERY_LENGTH = 16


@lru_cache(maxsize=1)
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1)


def _normal(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """(codes to show once, argon2 hashes to store)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes, [_hasher().hash(_normal(c)) for c in codes]


def use_recovery_code(stored: list[str], code: str) -> list[str] | None:
    """The remaining hashes if `code` is one of them (it is spent), else None. Codes from
    before (about 50 bits, SHA-256) no longer work: officers make new ones on their profile."""
    from argon2.exceptions import InvalidHashError, VerificationError

    typed = _normal(code)
    if len(typed) != RECOVERY_LENGTH:
        return None
    for item in stored:
        if not item.startswith("$argon2"):
            continue
        try:
            matched = _hasher().verify(item, typed)
        except (VerificationError, InvalidHashError):
            matched = False
        if matched:
            return [d for d in stored if d != item]
    return None


def has_old_recovery_codes(stored: list[str]) -> bool:
    return any(not item.startswith("$argon2") for item in stored or [])
