"""Secrets kept encrypted at rest (the officers' TOTP keys), with rotatable keys.

ENCRYPTION_KEYS holds one or more Fernet keys, comma-separated: the first encrypts, all
of them decrypt, so a new key is put first, `flask users rotate-keys` re-encrypts every
secret with it, and the old key is then removed. Outside production the key is derived
from SECRET_KEY when none is set (production refuses to start without one).
"""
from __future__ import annotations

import base64
import hashlib

from flask import current_app

# How every Fernet token starts (its version byte and timestamp): not a secret.
TOKEN_PREFIX = "gAAAAA"  # nosec B105


def _fernet():
    from cryptography.fernet import Fernet, MultiFernet

    configured = [k.strip() for k in (current_app.config.get("ENCRYPTION_KEYS") or "").split(",") if k.strip()]
    if not configured:
        derived = hashlib.sha256(b"portal.encryption:" + current_app.config["SECRET_KEY"].encode()).digest()
        configured = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in configured])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    """The secret; a value stored before encryption (not a token) is returned as it is."""
    if not stored or not stored.startswith(TOKEN_PREFIX):
        return stored or ""
    return _fernet().decrypt(stored.encode()).decode()


def rotate(stored: str) -> str:
    """The value encrypted with the current first key (plaintext from before is encrypted)."""
    if not stored:
        return stored
    if not stored.startswith(TOKEN_PREFIX):
        return encrypt(stored)
    return _fernet().rotate(stored.encode()).decode()


def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
