"""The Board's own calendar in the browser-facing pages: each change refused or saved
with its reason, audited, and counted for receptions from then on only."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from portal.audit.models import AuditEvent
from portal.calendar import LOCAL_TZ
from portal.calendar.models import CalendarOverride
from portal.dossiers import operations as ops
from tests.conftest import sign_in
from tests.factories import UserFactory



def test_the_year_shows_official_days_and_the_board_s_own(client, admin):
    html = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Tết Nguyên Đán" in html and "31/08/2026" in html and "22/08/2026" in html   # the swap, both sides
    assert "Ngày Văn hóa Việt Nam" in html
    assert client.get("/admin/calendar?year=3000").status_code == 404


def test_bad_days_are_refused_on_their_field_and_nothing_is_saved(client, db, admin):
    cases = [({"day": "2026-06-13", "is_working": "off", "reason": "Nghỉ"}, "13/06/2026 đã là ngày nghỉ."),  # Saturday
             ({"day": "2026-06-10", "is_working": "working", "reason": "Làm"}, "10/06/2026 đã là ngày làm việc."),
             ({"day": "2026-06-10", "is_working": "off", "reason": ""}, "Nêu lý do"),
             ({"day": "", "is_working": "off", "reason": "x"}, "Chọn ngày.")]
    for data, message in cases:
        answer = client.post("/admin/calendar", data=data)
        assert answer.status_code == 400 and message in answer.get_data(as_text=True), (data, message)
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarOverride)) == 0


def test_an_extra_day_off_moves_later_receptions_only(client, db, admin, make_draft, desk_officer):
    """Received on Monday 8/6/2026 before the change: due on Monday 15/6. The Board then
    closes on Friday 12/6; a dossier received on Tuesday 9/6 after it is due a day later."""
    before, after = make_draft(), make_draft()
    with time_machine.travel(datetime(2026, 6, 5, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        for dossier in (before, after):
            ops.submit_dossier(dossier, dossier.created_by)
    with time_machine.travel(datetime(2026, 6, 8, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        ops.receive_dossier(before, desk_officer)
        db.session.commit()
    answer = client.post("/admin/calendar", data={"day": "2026-06-12", "is_working": "off",
                                                   "reason": "Quyết định số 12/QĐ-BQL"})
    assert answer.status_code == 302
    with time_machine.travel(datetime(2026, 6, 9, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        ops.receive_dossier(after, desk_officer)
        db.session.commit()
    # QLDT-02: 5 working days. Before: Tue 9 .. Mon 15. After: Wed 10, Thu 11, (Fri 12 off), Mon 15, Tue 16, Wed 17.
    assert before.due_at.astimezone(LOCAL_TZ).date() == date(2026, 6, 15)
    assert after.due_at.astimezone(LOCAL_TZ).date() == date(2026, 6, 17)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "calendar.add"))
    assert event.actor_id == admin.id and event.target == "2026-06-12" and "12/QĐ-BQL" in event.detail


def test_a_day_is_changed_then_removed_and_both_are_audited(client, db, admin):
    client.post("/admin/calendar", data={"day": "2026-06-12", "is_working": "off", "reason": "Nghỉ bù"})
    override = db.session.scalar(db.select(CalendarOverride))
    changed = client.post(f"/admin/calendar/{override.id}", data={
        f"day{override.id}-day": "2026-06-13", f"day{override.id}-is_working": "working",
        f"day{override.id}-reason": "Làm bù cho ngày 12/6"})
    assert changed.status_code == 302
    db.session.refresh(override)
    assert (override.day, override.is_working) == (date(2026, 6, 13), True)
    refused = client.post(f"/admin/calendar/{override.id}", data={
        f"day{override.id}-day": "2026-06-10", f"day{override.id}-is_working": "working",
        f"day{override.id}-reason": "x"})
    assert refused.status_code == 400 and "10/06/2026 đã là ngày làm việc." in refused.get_data(as_text=True)
    assert client.post(f"/admin/calendar/{override.id}/remove").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarOverride)) == 0
    actions = list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("calendar.%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["calendar.add", "calendar.change", "calendar.remove"]
