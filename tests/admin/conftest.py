"""The administrator, signed in on the test client (TOTP done, as `sign_in` does)."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.factories import UserFactory


@pytest.fixture
def admin(client, db):
    user = UserFactory(admin=True, email="quantri@example.com", full_name="Lê Quản Trị")
    sign_in(client, user)
    return user
