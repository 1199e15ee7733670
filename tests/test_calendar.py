"""The legal calendar against hand-checked dates (no database, no application)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.calendar import (
    CALENDAR_DAYS,
    Overrides,
    add_calendar_days,
    add_office_time,
    add_working_days,
    due_at,
    effective_reception,
    is_working_day,
    next_working_day,
    paused_days,
    previous_working_day,
    working_days_between,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 1, 1), False),   # Tết Dương lịch
        (date(2026, 1, 2), True),
        (date(2026, 2, 13), True),   # Friday before Tết 2026
        (date(2026, 2, 16), False),  # 29 tháng Chạp
        (date(2026, 2, 17), False),  # Mùng 1 Tết Bính Ngọ
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),   # back to work
        (date(2026, 4, 26), False),  # Giỗ Tổ Hùng Vương (a Sunday)
        (date(2026, 4, 27), False),  # ... its day in lieu
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),   # Saturday worked in exchange for 31/8
        (date(2026, 8, 29), False),  # an ordinary Saturday
        (date(2026, 8, 31), False),  # Monday off, swapped
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 11, 24), False),  # Ngày Văn hóa Việt Nam, from 2026
        (date(2027, 2, 4), False),   # Tết Đinh Mùi 2027
        (date(2027, 2, 10), False),
        (date(2027, 2, 11), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_add_working_days_across_tet_2026():
    # Received Friday 13/2/2026: the 5th working day after it skips Tết (16–20/2).
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    # Thu 12/2: Fri 13/2 (1), [Tết], 23–27/2 (2–6), 2–6/3 (7–11), 9–12/3 (12–15).
    assert add_working_days(date(2026, 2, 12), 15) == date(2026, 3, 12)


def test_add_working_days_across_tet_2027():
    assert add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    # Mon 1/2: 2–3/2 (1–2), [4–10/2 Tết], 11–12/2 (3–4), 15–19/2 (5–9), Mon 22/2 (10).
    assert add_working_days(date(2027, 2, 1), 10) == date(2027, 2, 22)


def test_add_working_days_across_hung_kings_and_may_day_2026():
    # Thu 23/4: Fri 24/4 (1), [Sat, Sun 26/4 Giỗ Tổ, Mon 27/4 in lieu], Tue 28/4 (2),
    # Wed 29/4 (3), [Thu 30/4, Fri 1/5, weekend], Mon 4/5 (4), Tue 5/5 (5).
    assert add_working_days(date(2026, 4, 23), 5) == date(2026, 5, 5)


def test_add_working_days_across_national_day_with_swap_2026():
    # Thu 20/8: Fri 21/8 (1), Sat 22/8 worked (2), Mon 24/8 ... Fri 28/8 (7),
    # [Mon 31/8 swapped, Tue 1/9, Wed 2/9], Thu 3/9 (8).
    assert add_working_days(date(2026, 8, 20), 2) == date(2026, 8, 22)
    assert add_working_days(date(2026, 8, 20), 8) == date(2026, 9, 3)


def test_the_reference_receipt():
    # A real receipt: received 08:37 on 20/11/2019, 25 working days, due 08:37 on 25/12/2019.
    received = datetime(2019, 11, 20, 8, 37, tzinfo=VN)
    assert due_at(received, 25).astimezone(VN) == datetime(2019, 12, 25, 8, 37, tzinfo=VN)


def test_overrides_add_days_off_and_working_days():
    extra = Overrides(days_off=frozenset({date(2026, 3, 2)}), working_days=frozenset({date(2026, 3, 7)}))
    assert not is_working_day(date(2026, 3, 2), extra)
    assert is_working_day(date(2026, 3, 7), extra)  # a Saturday the Board works
    assert add_working_days(date(2026, 2, 27), 2) == date(2026, 3, 3)
    assert add_working_days(date(2026, 2, 27), 2, extra) == date(2026, 3, 4)
    assert add_working_days(date(2026, 3, 6), 1, extra) == date(2026, 3, 7)


def test_working_days_between():
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert working_days_between(date(2026, 8, 28), date(2026, 9, 3)) == 1


def test_calendar_days_move_off_a_day_off():
    assert add_calendar_days(date(2026, 2, 2), 15) == date(2026, 2, 23)  # 17/2 is Tết → Mon 23/2
    assert add_calendar_days(date(2026, 3, 1), 15) == date(2026, 3, 16)  # a Monday
    assert add_calendar_days(date(2026, 3, 6), 15) == date(2026, 3, 23)  # Sat 21/3 → Mon 23/3


def test_reception_outside_office_hours_counts_from_the_next_working_day():
    friday_evening = datetime(2026, 2, 13, 18, 30, tzinfo=VN)
    assert effective_reception(friday_evening) == datetime(2026, 2, 23, 7, 0, tzinfo=VN)
    early = datetime(2026, 3, 2, 6, 15, tzinfo=VN)
    assert effective_reception(early) == datetime(2026, 3, 2, 7, 0, tzinfo=VN)
    # Due: 3 working days after Monday 23/2, at opening time.
    assert due_at(friday_evening, 3).astimezone(VN) == datetime(2026, 2, 26, 7, 0, tzinfo=VN)


def test_calendar_day_limit_due_time():
    received = datetime(2026, 3, 6, 9, 5, tzinfo=VN)
    assert due_at(received, 15, CALENDAR_DAYS).astimezone(VN) == datetime(2026, 3, 23, 9, 5, tzinfo=VN)


def test_negative_days_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


# --- waiting for the investor: the office's time counts (calendar.paused_days) ------------

def vn(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN)


# Received Monday 5/10/2026 09:00, 10 working days: due Monday 19/10 09:00.
OCT_RECEIVED = vn(2026, 10, 5)


def test_a_wait_asked_and_answered_the_same_evening_moves_nothing():
    wait = (vn(2026, 10, 7, 18), vn(2026, 10, 7, 21))  # after closing, both
    assert paused_days(*wait) == 0
    assert due_at(OCT_RECEIVED, 10, pauses=[wait]) == due_at(OCT_RECEIVED, 10) == vn(2026, 10, 19)


def test_a_wait_from_monday_to_tuesday_moves_one_working_day():
    wait = (vn(2026, 10, 12, 10), vn(2026, 10, 13, 10))
    assert paused_days(*wait) == 1
    assert due_at(OCT_RECEIVED, 10, pauses=[wait]) == vn(2026, 10, 20)


def test_a_wait_within_one_office_day_moves_nothing():
    assert paused_days(vn(2026, 10, 12, 8), vn(2026, 10, 12, 16)) == 0


def test_a_weekend_inside_a_wait_does_not_count_for_working_days():
    wait = (vn(2026, 10, 9, 16), vn(2026, 10, 12, 8))  # Friday afternoon to Monday morning
    assert paused_days(*wait) == 1
    assert due_at(OCT_RECEIVED, 10, pauses=[wait]) == vn(2026, 10, 20)
    assert paused_days(*wait, kind=CALENDAR_DAYS) == 3


def test_a_wait_across_tet_counts_its_working_days_only():
    # Received Thu 5/2/2026 09:00, 10 working days: 6/2, 9–13/2, [Tết 16–20/2], 23–26/2 → Thu 26/2.
    received = vn(2026, 2, 5)
    assert due_at(received, 10) == vn(2026, 2, 26)
    # Asked Thu 12/2, answered Mon 23/2: Fri 13/2 and Mon 23/2 are the office days lost.
    wait = (vn(2026, 2, 12, 10), vn(2026, 2, 23, 10))
    assert paused_days(*wait) == 2
    assert due_at(received, 10, pauses=[wait]) == vn(2026, 3, 2)


def test_a_calendar_day_deadline_moved_off_a_weekend_is_not_moved_twice():
    # Received Fri 6/3/2026, 15 days: Sat 21/3, moved to Mon 23/3. Waiting Tue 10/3 to
    # Thu 12/3 adds 2 days to the count (Mon 23/3), not to the moved date (Wed 25/3).
    received = vn(2026, 3, 6)
    assert due_at(received, 15, CALENDAR_DAYS) == vn(2026, 3, 23)
    wait = (vn(2026, 3, 10, 10), vn(2026, 3, 12, 10))
    assert paused_days(*wait, kind=CALENDAR_DAYS) == 2
    assert due_at(received, 15, CALENDAR_DAYS, pauses=[wait]) == vn(2026, 3, 23)


def test_a_calendar_day_deadline_across_tet():
    # Received Mon 2/2/2026, 15 days: Tue 17/2 is Tết → Mon 23/2. A 2-day wait (4→6/2)
    # brings the count to Thu 19/2, still Tết → Mon 23/2.
    received = vn(2026, 2, 2)
    wait = (vn(2026, 2, 4, 10), vn(2026, 2, 6, 10))
    assert due_at(received, 15, CALENDAR_DAYS) == due_at(received, 15, CALENDAR_DAYS, pauses=[wait]) == vn(2026, 2, 23)
    assert paused_days(vn(2026, 2, 4, 18), vn(2026, 2, 4, 20), kind=CALENDAR_DAYS) == 0


def test_office_time_for_the_steps_of_a_procedure():
    # Half a day from Monday 15:00 (office 7:00–17:00) ends Tuesday 10:00; a whole day from
    # Friday 9:00 ends Monday 9:00; half a day back from Tuesday 9:00 is Monday 14:00.
    assert add_office_time(vn(2026, 10, 12, 15), 0.5) == vn(2026, 10, 13, 10)
    assert add_office_time(vn(2026, 10, 9, 9), 1) == vn(2026, 10, 12, 9)
    assert add_office_time(vn(2026, 10, 13, 9), -0.5) == vn(2026, 10, 12, 14)
    assert add_office_time(vn(2026, 10, 12, 12), 0.5) == vn(2026, 10, 12, 17)


# --- the ordinals against the plain definition, day by day ------------------------------

def _walk_between(start, end, extra):
    """Working days after `start` up to `end`, counted one day at a time (the definition)."""
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, extra)
    return sign * count


def _walk_add(day, n, extra):
    for _ in range(n):
        day += timedelta(days=1)
        while not is_working_day(day, extra):
            day += timedelta(days=1)
    return day


def _walk_back(day, extra):
    day -= timedelta(days=1)
    while not is_working_day(day, extra):
        day -= timedelta(days=1)
    return day


def _random_day(rng):
    return date(2025, 1, 1) + timedelta(days=rng.randrange((date(2028, 12, 31) - date(2025, 1, 1)).days + 1))


def _board_days(rng):
    """Extra days off (some on a working day) and extra working days (some on a Saturday)."""
    days_off = {_random_day(rng) for _ in range(25)}
    worked = {_random_day(rng) for _ in range(25)} - days_off
    return Overrides(days_off=frozenset(days_off), working_days=frozenset(worked))


@pytest.mark.parametrize("with_board_days", [False, True])
def test_working_day_arithmetic_agrees_with_counting_day_by_day(with_board_days):
    import random

    rng = random.Random(20261126 + with_board_days)
    extra = _board_days(rng) if with_board_days else None
    for _ in range(2500):
        start, end = _random_day(rng), _random_day(rng)
        if rng.random() < 0.5:  # near dates as well, as most deadlines are
            end = start + timedelta(days=rng.randrange(-20, 60))
        assert working_days_between(start, end, extra) == _walk_between(start, end, extra), (start, end)
        n = rng.randrange(0, 70)
        assert add_working_days(start, n, extra) == _walk_add(start, n, extra), (start, n)
        assert next_working_day(start, extra) == _walk_add(start, 1, extra)
        assert previous_working_day(start, extra) == _walk_back(start, extra), start


def test_the_boards_extra_days_change_the_arithmetic_at_once():
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert add_working_days(friday, 1) == monday
    assert add_working_days(friday, 1, Overrides(working_days=frozenset({date(2026, 3, 7)}))) == date(2026, 3, 7)
    assert add_working_days(friday, 1, Overrides(days_off=frozenset({monday}))) == date(2026, 3, 10)
    assert working_days_between(friday, monday, Overrides(days_off=frozenset({monday}))) == 0


def test_dates_far_from_today_and_long_limits():
    assert working_days_between(date(2001, 1, 1), date(2001, 1, 8)) == _walk_between(date(2001, 1, 1),
                                                                                      date(2001, 1, 8), None)
    assert add_working_days(date(2026, 1, 1), 2000) == _walk_add(date(2026, 1, 1), 2000, None)
    assert previous_working_day(date(2000, 1, 3)) == _walk_back(date(2000, 1, 3), None)
