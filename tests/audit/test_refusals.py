"""Refusals are on record: a look at someone else's dossier, file, slip or project, and
every rate-limit hit, kept even though the refused request itself is rolled back."""
from __future__ import annotations

from portal.audit.models import AuditEvent
from portal.dossiers.models import Dossier
from portal.extensions import limiter
from tests.conftest import sign_in


def audit_rows(db, action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_someone_elses_objects_are_refused_on_record(client, db, world):
    people, ids = world
    sign_in(client, people["investor_b"])
    paths = [f"/dossiers/{ids['dossier']}", f"/dossiers/{ids['dossier']}/files/{ids['file']}",
             f"/dossiers/{ids['dossier']}/slips/{ids['slip']}.pdf", f"/projects/{ids['project']}"]
    for path in paths:
        assert client.get(path).status_code == 404
    response = client.post(f"/dossiers/{ids['dossier']}/withdraw", data={"reason": "thử"})
    assert response.status_code == 404
    rows = audit_rows(db, "access.refused")
    assert len(rows) == len(paths) + 1
    assert all(row.actor_id == people["investor_b"].id for row in rows)
    assert f"dossier_id={ids['dossier']}" in rows[0].target and rows[-1].detail == "404 POST"
    assert db.session.get(Dossier, ids["dossier"]).state.value == "in_progress"  # the refused POST left nothing


def test_a_page_that_does_not_exist_is_not_an_object_refusal(client, db, login_as):
    login_as("investor")
    assert client.get("/no-such-page").status_code == 404
    assert audit_rows(db, "access.refused") == []


def tracking_tries(app, client, count: int) -> list[int]:
    """`count` lookups on the public tracking page limited to one a minute."""
    saved = app.config["TRACKING_RATE_LIMIT"]
    app.config["TRACKING_RATE_LIMIT"] = "1 per minute"
    try:
        return [client.get("/tracking?code=X&key=Y").status_code for _ in range(count)]
    finally:
        app.config["TRACKING_RATE_LIMIT"] = saved
        limiter.reset()


def test_rate_limit_hits_are_on_record(app, client, db):
    statuses = tracking_tries(app, client, 2)
    assert statuses == [404, 429]  # an unknown code, then the limit
    [row] = audit_rows(db, "ratelimit.hit")
    assert row.target.startswith("public.tracking") and "1 per 1 minute" in row.detail


def test_a_flood_of_rate_limit_hits_is_one_row_a_minute(app, client, db):
    statuses = tracking_tries(app, client, 6)
    assert statuses.count(429) == 5 and len(audit_rows(db, "ratelimit.hit")) == 1
