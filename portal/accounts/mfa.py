"""Time-based one-time passwords (RFC 6238) and recovery codes for officers and admins."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

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


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """(codes to show once, digests to store). Codes are random: a fast hash is enough."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(5)) + "-" +
             "".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(RECOVERY_CODES)]
    return codes, [_digest(c) for c in codes]


def use_recovery_code(stored: list[str], code: str) -> list[str] | None:
    """The remaining digests if `code` is one of them (it is spent), else None."""
    digest = _digest(code)
    for item in stored:
        if hmac.compare_digest(item, digest):
            return [d for d in stored if d != item]
    return None
