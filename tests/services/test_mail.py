"""Outgoing mail: subjects keep every space in every mail reader."""
from __future__ import annotations

import email
from email import policy

import pytest

from portal.services.mail import PortalMessage, encode_subject

SUBJECTS = [
    "Hồ sơ 000.00.25.H34-261126-0001: không được tiếp nhận",
    "Hồ sơ H15.50.05.13-261008-0975: Không được tiếp nhận vì thiếu giấy tờ quan trọng của nhà đầu tư",
    "Dossier 000.00.25.H34-261126-0001 received",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_subjects_read_back_exactly(app, subject):
    with app.app_context():
        raw = PortalMessage(subject=subject, recipients=["a@example.com"], body="x", sender="b@example.com").as_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == subject
    # Decoded word by word as RFC 2047 says (the space between two encoded words is dropped).
    encoded = email.message_from_bytes(raw)["Subject"]
    decoded = "".join(part.decode(charset or "ascii") if isinstance(part, bytes) else part
                      for part, charset in email.header.decode_header(encoded))
    assert decoded == subject
    assert all(len(line) <= 78 for line in raw.decode("ascii").splitlines())


def test_every_encoded_word_carries_its_own_spaces():
    header = encode_subject(SUBJECTS[1])
    words = [email.header.decode_header(w)[0][0].decode("utf-8") for w in header.split("\r\n ")]
    assert "".join(words) == SUBJECTS[1]
