"""On-time classification by the rules of Decision 766, on hand-made cases.

The dossiers here are plain objects with what the classification reads; the legal due
date is computed by the calendar's rule (reception + limit + the waits' office days).
"""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from portal.calendar import CALENDAR_DAYS, WORKING_DAYS, due_at
from portal.dossiers.timeliness import Timeliness, classify, late_since, of_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(d, hh=9, mm=0, m=10):
    return datetime(2026, m, d, hh, mm, tzinfo=VN)


# Received Monday 5/10/2026 at 09:00, 10 working days: due Monday 19/10/2026 at 09:00.
RECEIVED = at(5)
DUE = due_at(RECEIVED, 10, WORKING_DAYS)
NOW = at(30)


def dossier(waits=(), finished=None, paused_at=None, kind=WORKING_DAYS, limit=10, received=RECEIVED):
    """A received dossier with supplement requests during processing: waits are (asked, answered)."""
    requests = [SimpleNamespace(created_at=a, answered_at=b) for a, b in waits]
    answered = [(a, b) for a, b in waits if b is not None]
    return SimpleNamespace(
        received_at=received, finished_at=finished, paused_at=paused_at, is_paused=paused_at is not None,
        legal_due_at=due_at(received, limit, kind, pauses=answered),
        version=SimpleNamespace(time_limit_days=limit, time_limit_kind=SimpleNamespace(value=kind)),
        processing_supplements=requests,
    )


def test_the_due_date():
    assert DUE == at(19)


def test_early_on_time_and_late_against_the_due_time():
    assert classify(DUE, at(16, 16, 30), now=NOW) is Timeliness.EARLY
    assert classify(DUE, at(19, 9, 0), now=NOW) is Timeliness.ON_TIME
    assert classify(DUE, at(19, 9, 1), now=NOW) is Timeliness.LATE


def test_open_dossiers_are_within_or_past():
    assert classify(DUE, None, now=at(19, 9, 0)) is Timeliness.WITHIN
    assert classify(DUE, None, now=at(19, 9, 1)) is Timeliness.PAST


def test_the_wait_for_a_supplement_is_subtracted():
    # Asked Wed 7/10 10:00, answered Wed 14/10 15:00: 5 working days (8, 9, 12, 13, 14/10).
    # Due 19/10 + 5 working days = Mon 26/10 09:00; finished Fri 23/10: early.
    case = dossier(waits=[(at(7, 10), at(14, 15))], finished=at(23, 11))
    assert case.legal_due_at == at(26)
    assert of_dossier(case, NOW) is Timeliness.EARLY
    assert classify(DUE, at(23, 11), now=NOW) is Timeliness.LATE  # what the raw clock would say


def test_a_supplement_requested_after_the_due_date_makes_it_late():
    # Due Mon 19/10 09:00; asked at 09:30 that day, answered Tue 20/10 07:30 (one working
    # day), finished Tue 08:30. With the wait subtracted it would be on time (due Tue 09:00);
    # the request came after the due date, so it counts as the end: late.
    case = dossier(waits=[(at(19, 9, 30), at(20, 7, 30))], finished=at(20, 8, 30))
    assert case.legal_due_at == at(20)
    assert classify(case.legal_due_at, case.finished_at, NOW) is Timeliness.ON_TIME
    assert late_since(case) == at(19, 9, 30)
    assert of_dossier(case, NOW) is Timeliness.LATE


def test_a_supplement_requested_before_the_due_date_is_fine():
    case = dossier(waits=[(at(19, 8, 30), at(20, 7, 30))], finished=at(20, 8, 30))
    assert late_since(case) is None
    assert of_dossier(case, NOW) is Timeliness.ON_TIME


def test_a_second_supplement_request_makes_it_late():
    # Two waits (7→9/10 and 14→15/10) move the due date to Thu 22/10; finished Mon 19/10,
    # which would be early, but the second request during processing makes it late.
    case = dossier(waits=[(at(7, 10), at(9, 10)), (at(14, 10), at(15, 10))], finished=at(19, 10))
    assert case.legal_due_at == at(22)
    assert of_dossier(case, NOW) is Timeliness.LATE
    still_open = dossier(waits=[(at(7, 10), at(9, 10)), (at(14, 10), None)], paused_at=at(14, 10))
    assert of_dossier(still_open, at(16)) is Timeliness.PAST  # open: past the deadline by the rule


def test_an_apology_does_not_change_the_grade():
    # The apology moved the appointment to Fri 23/10; the legal due date stays Mon 19/10.
    case = dossier(finished=at(22, 10))
    case.due_at = at(23, 10)
    assert of_dossier(case, NOW) is Timeliness.LATE


def test_paused_dossiers_are_within_the_deadline_while_they_wait():
    case = dossier(waits=[(at(15, 10), None)], paused_at=at(15, 10))
    assert of_dossier(case, at(28)) is Timeliness.WITHIN


def test_withdrawn_during_a_wait_is_graded_when_the_clock_stopped():
    case = dossier(waits=[(at(15, 10), None)], paused_at=at(15, 10), finished=at(28))
    assert of_dossier(case, NOW) is Timeliness.EARLY


def test_a_pause_does_not_forgive_lateness():
    # Received Mon 2/3 09:00, 5 working days: due Mon 9/3 09:00. Already late on Wed 11/3
    # when a supplement is asked; answered Fri 13/3 08:00; finished 08:30 the same day.
    case = dossier(waits=[(at(11, m=3), at(13, 8, m=3))], finished=at(13, 8, 30, m=3), limit=5, received=at(2, m=3))
    assert case.legal_due_at == at(11, m=3)  # moved by the two working days of the wait only
    assert of_dossier(case, at(20, m=3)) is Timeliness.LATE


def test_calendar_day_limits():
    received = at(2, m=3)  # 15 days: Tue 17/3
    case = dossier(kind=CALENDAR_DAYS, limit=15, received=received, finished=at(17, 9, m=3))
    assert case.legal_due_at == at(17, m=3)
    assert of_dossier(case, at(20, m=3)) is Timeliness.ON_TIME


def test_no_deadline_no_class():
    assert classify(None, None, now=at(5)) is None
    case = dossier()
    case.legal_due_at = None
    assert of_dossier(case, NOW) is None
