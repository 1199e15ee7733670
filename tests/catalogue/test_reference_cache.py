"""The organisation, catalogue and calendar are read once per process and read again when
they change: at once in the process that changed them, after the check interval elsewhere."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from portal.calendar.models import CalendarOverride
from portal.catalogue.models import Organisation
from portal.services.reference import ReferenceCache
from tests.dossiers.test_queries import counted


@pytest.fixture
def long_lived_cache(app):
    """The production behaviour: copies trusted for an hour unless this process changes them."""
    saved = app.extensions.get("reference_cache")
    app.extensions["reference_cache"] = cache = ReferenceCache(3600)
    yield cache
    app.extensions["reference_cache"] = saved


@contextmanager
def in_request(app):
    with app.test_request_context("/"):
        yield


def test_pages_read_the_organisation_once(client, db, long_lived_cache):
    client.get("/")
    with counted() as statements:
        page = client.get("/tracking").get_data(as_text=True)
    assert "Ban Quản lý Khu kinh tế tỉnh Kon Tum" in page
    assert not any("organisations" in s or "reference_stamps" in s for s in statements), statements


def test_a_change_made_here_is_seen_at_once(client, db, long_lived_cache):
    client.get("/")
    organisation = db.session.scalar(sa.select(Organisation))
    organisation.name_vi = "Ban Quản lý Khu kinh tế tỉnh Kon Tum (tên mới)"
    db.session.commit()
    assert "(tên mới)" in client.get("/").get_data(as_text=True)


def test_a_change_made_by_another_process_is_seen_after_the_interval(app, client, db, long_lived_cache):
    client.get("/")
    # Another process: the same change and the version it raises, written without this ORM.
    db.session.execute(sa.text("UPDATE organisations SET name_vi = 'Ban Quản lý (đổi ở nơi khác)'"))
    db.session.execute(sa.text("UPDATE reference_stamps SET version = version + 1"))
    db.session.commit()
    assert "đổi ở nơi khác" not in client.get("/").get_data(as_text=True)  # trusted for the interval
    long_lived_cache.checked_at = float("-inf")  # the interval has passed
    assert "đổi ở nơi khác" in client.get("/").get_data(as_text=True)


def test_the_boards_extra_days_take_effect_at_once(app, db, long_lived_cache):
    from portal.calendar.queries import overrides

    with in_request(app):
        assert date(2026, 3, 4) not in overrides().days_off
    db.session.add(CalendarOverride(day=date(2026, 3, 4), is_working=False, note="Nghỉ bù"))
    db.session.commit()
    with in_request(app):
        assert date(2026, 3, 4) in overrides().days_off
