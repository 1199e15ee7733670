"""On-time classification on hand-made cases (pure functions, no database)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from portal.calendar import CALENDAR_DAYS, WORKING_DAYS
from portal.dossiers.timeliness import Timeliness, classify, legal_due, resume_due

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN)


# Received Monday 5/10/2026 at 09:00, 10 working days: due Monday 19/10/2026 at 09:00.
RECEIVED = at(2026, 10, 5)
DUE = legal_due(RECEIVED, 10, WORKING_DAYS)


def test_the_due_date():
    assert DUE == at(2026, 10, 19)


def test_early():
    assert classify(DUE, at(2026, 10, 16, 16, 30), now=at(2026, 11, 1)) is Timeliness.EARLY


def test_on_time_on_the_due_day():
    assert classify(DUE, at(2026, 10, 19, 8, 59), now=at(2026, 11, 1)) is Timeliness.ON_TIME
    assert classify(DUE, at(2026, 10, 19, 9, 0), now=at(2026, 11, 1)) is Timeliness.ON_TIME


def test_late():
    assert classify(DUE, at(2026, 10, 19, 9, 1), now=at(2026, 11, 1)) is Timeliness.LATE
    assert classify(DUE, at(2026, 10, 21), now=at(2026, 11, 1)) is Timeliness.LATE


def test_open_dossiers_are_within_or_past():
    assert classify(DUE, None, now=at(2026, 10, 19, 9, 0)) is Timeliness.WITHIN
    assert classify(DUE, None, now=at(2026, 10, 19, 9, 1)) is Timeliness.PAST


def test_late_but_on_time_once_the_supplement_wait_is_excluded():
    # Supplement asked Wed 7/10 (8 working days were left: 8/10..19/10), sent back Wed 14/10.
    waits = [(at(2026, 10, 7, 10), at(2026, 10, 14, 15))]
    due = legal_due(RECEIVED, 10, WORKING_DAYS, waits)
    # The 8 days count again from Thu 15/10: 15, 16, 19, 20, 21, 22, 23, 26 -> Mon 26/10, 09:00.
    assert due == at(2026, 10, 26)
    finished = at(2026, 10, 23, 11)
    assert classify(DUE, finished, now=at(2026, 11, 1)) is Timeliness.LATE  # on the raw clock
    assert classify(due, finished, now=at(2026, 11, 1)) is Timeliness.EARLY  # waits excluded
    assert classify(due, at(2026, 10, 26, 8), now=at(2026, 11, 1)) is Timeliness.ON_TIME


def test_restart_counts_the_whole_limit_again():
    waits = [(at(2026, 10, 7, 10), at(2026, 10, 14, 15))]
    # Counted again from the end of the wait: 10 working days after 14/10 -> Wed 28/10 at 15:00.
    assert legal_due(RECEIVED, 10, WORKING_DAYS, waits, restart=True) == at(2026, 10, 28, 15)


def test_calendar_day_limits_pause_by_calendar_days():
    received = at(2026, 3, 2)  # 15 days: Tue 17/3
    due = legal_due(received, 15, CALENDAR_DAYS)
    assert due == at(2026, 3, 17)
    # Paused 5/3 (12 days left), resumed 10/3: 22/3 is a Sunday -> Mon 23/3.
    assert resume_due(due, at(2026, 3, 5), at(2026, 3, 10), CALENDAR_DAYS) == at(2026, 3, 23)


def test_no_deadline_no_class():
    assert classify(None, None, now=at(2026, 1, 5)) is None
