"""Every route, every kind of visitor: the expected answer of each cell, in one table.

Someone else's dossiers, files, slips and projects answer 404; pages for another role
answer 403; anonymous visitors are sent to the login page (302) where a login would
help. GET never changes anything; a refused POST changes nothing either.
"""
from __future__ import annotations

import pytest

from portal.dossiers.models import Dossier, DossierEvent

from tests.conftest import sign_in

VISITORS = ["anonymous", "investor_a", "investor_b", "desk", "specialist_other", "head", "leader", "admin"]
OFFICERS = ["desk", "specialist_other", "head", "leader"]

ALL_200 = {v: 200 for v in VISITORS}


def row(default, **cells):
    """One row of the table: `default` for every visitor not named."""
    return {v: cells.get(v, default) for v in VISITORS}


LOGGED_IN = row(200, anonymous=302)
INVESTOR_PAGE = row(403, anonymous=302, investor_a=200, investor_b=200)
OWN_INVESTOR_THING = row(403, anonymous=302, investor_a=200, investor_b=404)
SEEN_BY_BOARD = row(404, anonymous=302, investor_a=200, desk=200, head=200, leader=200)
FILE_OF_A = row(404, investor_a=200, desk=200, head=200, leader=200)
OFFICER_DOSSIER = row(403, anonymous=302, desk=200, head=200, leader=200, specialist_other=404)
OFFICER_PAGE = row(403, anonymous=302, desk=200, specialist_other=200, head=200, leader=200)
ANONYMOUS_ONLY = row(302, anonymous=200)
REPORT_READERS = row(403, anonymous=302, head=200, leader=200, admin=200)
ADMIN_PAGE = row(403, anonymous=302, admin=200)

# endpoint -> (path, expected answers) for GET
GET = {
    "public.home": ("/", ALL_200),
    "public.tracking": ("/tracking", ALL_200),
    "public.set_language": ("/language/en", row(302)),
    "catalogue.index": ("/procedures/", ALL_200),
    "catalogue.detail": ("/procedures/QLDT-01", ALL_200),
    "static": ("/static/css/portal.css", ALL_200),
    "accounts.register": ("/account/register", ANONYMOUS_ONLY),
    "accounts.login": ("/account/login", ANONYMOUS_ONLY),
    "accounts.confirm": ("/account/confirm/not-a-token", ALL_200),
    "accounts.resend_confirmation": ("/account/confirm/resend", ALL_200),
    "accounts.forgot": ("/account/forgot", ALL_200),
    "accounts.reset": ("/account/reset/not-a-token", row(400)),
    "accounts.mfa_verify": ("/account/mfa", row(302)),
    "accounts.mfa_setup": ("/account/mfa/setup", row(302)),
    "accounts.profile": ("/account/profile", LOGGED_IN),
    "accounts.enterprise": ("/account/enterprise/{enterprise}", OWN_INVESTOR_THING),
    "accounts.invitation": ("/account/invitations/not-a-token", row(400)),
    "projects.index": ("/projects/", INVESTOR_PAGE),
    "projects.new": ("/projects/new", INVESTOR_PAGE),
    "projects.detail": ("/projects/{project}", OWN_INVESTOR_THING),
    "projects.edit": ("/projects/{project}/edit", OWN_INVESTOR_THING),
    "dossiers.index": ("/dossiers/", INVESTOR_PAGE),
    "dossiers.choose": ("/dossiers/new?procedure=QLDT-01", row(403, anonymous=302, investor_a=302, investor_b=302)),
    "dossiers.new": ("/dossiers/new/QLDT-01", INVESTOR_PAGE),
    "dossiers.edit": ("/dossiers/{dossier}/edit", row(403, anonymous=302, investor_a=302, investor_b=404)),
    "dossiers.submit": ("/dossiers/{dossier}/submit", row(403, anonymous=302, investor_a=302, investor_b=404)),
    "dossiers.detail": ("/dossiers/{dossier}", SEEN_BY_BOARD),
    "dossiers.download_file": ("/dossiers/{dossier}/files/{file}", FILE_OF_A),
    "dossiers.download_slip": ("/dossiers/{dossier}/slips/{slip}.pdf", FILE_OF_A),
    "dossiers.download_slip_translation": ("/dossiers/{dossier}/slips/{slip}.en.pdf", FILE_OF_A),
    "officer.index": ("/officer/", row(403, anonymous=302, desk=302, specialist_other=302, head=302, leader=302)),
    "officer.desk": ("/officer/desk", row(403, anonymous=302, desk=200)),
    "officer.unit": ("/officer/unit", row(403, anonymous=302, head=200)),
    "officer.mine": ("/officer/mine", row(403, anonymous=302, specialist_other=200)),
    "officer.approvals": ("/officer/approvals", row(403, anonymous=302, head=200, leader=200)),
    "officer.dossier": ("/officer/dossiers/{dossier}", OFFICER_DOSSIER),
    "officer.view_file": ("/officer/dossiers/{dossier}/files/{file}/view", OFFICER_DOSSIER),
    "officer.search": ("/officer/search", OFFICER_PAGE),
    "officer.book": ("/officer/book", OFFICER_PAGE),
    "officer.book_csv": ("/officer/book.csv", OFFICER_PAGE),
    "officer.book_xlsx": ("/officer/book.xlsx", OFFICER_PAGE),
    "reports.service": ("/reports/service", REPORT_READERS),
    "reports.service_file": ("/reports/service.csv", REPORT_READERS),
    "reports.investment": ("/reports/investment", REPORT_READERS),
    "reports.investment_file": ("/reports/investment.xlsx", REPORT_READERS),
    "statistics.dashboard": ("/statistics", ALL_200),
    "admin.index": ("/admin/", ADMIN_PAGE),
    "admin.audit": ("/admin/audit", ADMIN_PAGE),
    "admin.audit_csv": ("/admin/audit.csv?start=2026-01-01&end=2026-01-31", ADMIN_PAGE),
    "admin.calendar": ("/admin/calendar", ADMIN_PAGE),
    "admin.satisfaction": ("/admin/ratings", ADMIN_PAGE),
    "admin.failed_jobs": ("/admin/jobs", ADMIN_PAGE),
    "admin.people": ("/admin/people", ADMIN_PAGE),
    "admin.new_officer": ("/admin/people/new", ADMIN_PAGE),
    "admin.person": ("/admin/people/{user}", ADMIN_PAGE),
    "admin.enterprises": ("/admin/enterprises", ADMIN_PAGE),
    "admin.enterprise": ("/admin/enterprises/{enterprise}", ADMIN_PAGE),
    "accounts.welcome": ("/account/welcome/not-a-token", row(400)),
    "admin.organisation": ("/admin/organisation", ADMIN_PAGE),
    "admin.unit": ("/admin/units/999999", row(403, anonymous=302, admin=404)),
    "admin.zone": ("/admin/zones/999999", row(403, anonymous=302, admin=404)),
    "admin.new_unit": ("/admin/units/new", ADMIN_PAGE),
    "admin.new_zone": ("/admin/zones/new", ADMIN_PAGE),
    "admin.procedures": ("/admin/procedures", ADMIN_PAGE),
    "admin.procedure": ("/admin/procedures/QLDT-02", ADMIN_PAGE),
    "admin.version": ("/admin/procedures/QLDT-02/versions/1", ADMIN_PAGE),
    "admin.version_document": ("/admin/procedures/QLDT-02/versions/999/documents/new",
                               row(403, anonymous=302, admin=404)),
    "admin.version_field": ("/admin/procedures/QLDT-02/versions/999/fields/new", row(403, anonymous=302, admin=404)),
    "catalogue.blank_form": ("/procedures/forms/999999", row(404)),
    "ops.healthz": ("/healthz", ALL_200),
    "ops.readyz": ("/readyz", ALL_200),
    "ops.metrics": ("/metrics", row(404)),  # without METRICS_TOKEN (its own tests set one)
}

# For POST: "ok" means the request is let through (the form or the operation decides).
OK = "ok"
OWN_DOSSIER_POST = row(403, anonymous=302, investor_a=OK, investor_b=404)
POST = {
    "accounts.register": ("/account/register", row(302, anonymous=OK)),
    "accounts.login": ("/account/login", row(302, anonymous=OK)),
    "accounts.logout": ("/account/logout", row(OK, anonymous=302)),
    "accounts.confirm": ("/account/confirm/not-a-token", row(OK)),
    "accounts.resend_confirmation": ("/account/confirm/resend", row(OK)),
    "accounts.forgot": ("/account/forgot", row(OK)),
    "accounts.reset": ("/account/reset/not-a-token", row(400)),
    "accounts.mfa_verify": ("/account/mfa", row(302)),
    "accounts.mfa_setup": ("/account/mfa/setup", row(302)),
    "accounts.profile": ("/account/profile", row(OK, anonymous=302)),
    "accounts.change_password": ("/account/password", row(OK, anonymous=302)),
    "accounts.change_email": ("/account/email", row(OK, anonymous=302)),
    "accounts.invite": ("/account/enterprise/{enterprise}/invite", OWN_DOSSIER_POST),
    "accounts.approve_member": ("/account/enterprise/{enterprise}/members/{member}/approve", OWN_DOSSIER_POST),
    "accounts.remove_member": ("/account/enterprise/{enterprise}/members/{member}/remove", OWN_DOSSIER_POST),
    "accounts.revoke_invitation": ("/account/enterprise/{enterprise}/invitations/1/revoke", OWN_DOSSIER_POST),
    "accounts.invitation": ("/account/invitations/not-a-token", row(400)),
    "accounts.add_enterprise": ("/account/enterprises", row(403, anonymous=302, investor_a=OK, investor_b=OK)),
    "accounts.renew_recovery_codes": ("/account/mfa/recovery-codes", row(OK, anonymous=302)),
    "projects.new": ("/projects/new", row(403, anonymous=302, investor_a=OK, investor_b=OK)),
    "projects.edit": ("/projects/{project}/edit", OWN_DOSSIER_POST),
    "dossiers.new": ("/dossiers/new/QLDT-01", row(403, anonymous=302, investor_a=OK, investor_b=OK)),
    "dossiers.edit": ("/dossiers/{dossier}/edit", OWN_DOSSIER_POST),
    "dossiers.upload": ("/dossiers/{dossier}/documents/{document}/files", OWN_DOSSIER_POST),
    "dossiers.delete_file": ("/dossiers/{dossier}/files/{file}/delete", OWN_DOSSIER_POST),
    "dossiers.submit": ("/dossiers/{dossier}/submit", OWN_DOSSIER_POST),
    "dossiers.withdraw": ("/dossiers/{dossier}/withdraw", OWN_DOSSIER_POST),
    "dossiers.supplement_upload": ("/dossiers/{dossier}/supplement/{item}/files", OWN_DOSSIER_POST),
    "dossiers.supplement_send": ("/dossiers/{dossier}/supplement/send", OWN_DOSSIER_POST),
    "dossiers.rate": ("/dossiers/{dossier}/rating", OWN_DOSSIER_POST),
    "officer.receive": ("/officer/dossiers/{dossier}/receive", row(403, anonymous=302, desk=OK)),
    "officer.supplement": ("/officer/dossiers/{dossier}/supplement", row(403, anonymous=302, desk=OK, head=OK, leader=OK, specialist_other=404)),
    "officer.refuse": ("/officer/dossiers/{dossier}/refuse", row(403, anonymous=302, desk=OK)),
    "officer.assign": ("/officer/dossiers/{dossier}/assign", row(403, anonymous=302, head=OK)),
    "officer.propose_result": ("/officer/dossiers/{dossier}/propose-result", row(403, anonymous=302, specialist_other=404)),
    "officer.propose_stop": ("/officer/dossiers/{dossier}/propose-stop", row(403, anonymous=302, specialist_other=404)),
    "officer.approve": ("/officer/dossiers/{dossier}/approve", row(403, anonymous=302, head=OK, leader=OK)),
    "officer.decline": ("/officer/dossiers/{dossier}/decline", row(403, anonymous=302, head=OK, leader=OK)),
    "officer.forward": ("/officer/dossiers/{dossier}/forward", row(403, anonymous=302, head=OK)),
    "officer.send_back": ("/officer/dossiers/{dossier}/send-back", row(403, anonymous=302, head=OK, leader=OK)),
    "officer.return_result": ("/officer/dossiers/{dossier}/return", row(403, anonymous=302, desk=OK)),
    "officer.apology": ("/officer/dossiers/{dossier}/apology", row(403, anonymous=302, desk=OK, head=OK, leader=OK, specialist_other=404)),
    "officer.add_note": ("/officer/dossiers/{dossier}/notes", row(403, anonymous=302, desk=OK, head=OK, leader=OK, specialist_other=404)),
    "admin.add_day": ("/admin/calendar", row(403, anonymous=302, admin=OK)),
    "admin.new_officer": ("/admin/people/new", row(403, anonymous=302, admin=OK)),
    "admin.person": ("/admin/people/999999", row(403, anonymous=302, admin=404)),
    "admin.set_active": ("/admin/people/999999/active", row(403, anonymous=302, admin=404)),
    "admin.reset_mfa": ("/admin/people/999999/mfa", row(403, anonymous=302, admin=404)),
    "admin.resend_invitation": ("/admin/people/999999/invitation", row(403, anonymous=302, admin=404)),
    "admin.release_enterprise": ("/admin/enterprises/999999/release", row(403, anonymous=302, admin=404)),
    "admin.transfer_enterprise": ("/admin/enterprises/999999/transfer", row(403, anonymous=302, admin=404)),
    "admin.organisation": ("/admin/organisation", row(403, anonymous=302, admin=OK)),
    "admin.unit": ("/admin/units/999999", row(403, anonymous=302, admin=404)),
    "admin.zone": ("/admin/zones/999999", row(403, anonymous=302, admin=404)),
    "admin.new_unit": ("/admin/units/new", row(403, anonymous=302, admin=OK)),
    "admin.new_zone": ("/admin/zones/new", row(403, anonymous=302, admin=OK)),
    "admin.retry_job": ("/admin/jobs/0123abcd/retry", row(403, anonymous=302, admin=OK)),
    "admin.remove_unit": ("/admin/units/999999/remove", row(403, anonymous=302, admin=404)),
    "accounts.welcome": ("/account/welcome/not-a-token", row(400)),
    "admin.change_day": ("/admin/calendar/999999", row(403, anonymous=302, admin=404)),
    "admin.remove_day": ("/admin/calendar/999999/remove", row(403, anonymous=302, admin=404)),
    "admin.new_version": ("/admin/procedures/QLDT-02/versions", row(403, anonymous=302, admin=OK)),
    "admin.version": ("/admin/procedures/QLDT-02/versions/1", row(403, anonymous=302, admin=OK)),
    "admin.publish_version": ("/admin/procedures/QLDT-02/versions/1/publish", row(403, anonymous=302, admin=OK)),
    "admin.discard_version": ("/admin/procedures/QLDT-02/versions/1/discard", row(403, anonymous=302, admin=OK)),
    "admin.version_document": ("/admin/procedures/QLDT-02/versions/999/documents/new",
                               row(403, anonymous=302, admin=404)),
    "admin.remove_version_document": ("/admin/procedures/QLDT-02/versions/1/documents/999999/remove",
                                      row(403, anonymous=302, admin=404)),
    "admin.version_field": ("/admin/procedures/QLDT-02/versions/999/fields/new", row(403, anonymous=302, admin=404)),
    "admin.remove_version_field": ("/admin/procedures/QLDT-02/versions/1/fields/99/remove",
                                   row(403, anonymous=302, admin=404)),
    "officer.control_slip": ("/officer/dossiers/{dossier}/control-slip", row(403, anonymous=302, desk=OK, head=OK, leader=OK, specialist_other=404)),
}


def test_the_table_covers_every_route(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(e, "GET") for e in GET} | {(e, "POST") for e in POST}
    assert routes == covered, f"missing: {sorted(routes - covered)}; stale: {sorted(covered - routes)}"


def state_of(db, dossier_id):
    dossier = db.session.get(Dossier, dossier_id)
    db.session.refresh(dossier)
    events = db.session.scalar(db.select(db.func.count()).select_from(DossierEvent))
    return dossier.state, dossier.assignee_id, dossier.due_at, events, len(dossier.files)


def visit(client, people, visitor):
    with client.session_transaction() as session:
        session.clear()
    if visitor != "anonymous":
        sign_in(client, people[visitor])


@pytest.mark.parametrize("endpoint", sorted(GET))
def test_get(client, db, world, endpoint):
    people, ids = world
    path, expected = GET[endpoint]
    url = path.format(**ids)
    before = state_of(db, ids["dossier"])
    for visitor in VISITORS:
        visit(client, people, visitor)
        status = client.get(url).status_code
        assert status == expected[visitor], (endpoint, visitor, status)
    assert state_of(db, ids["dossier"]) == before  # no state change on GET


def _order(expected):
    # Refused visitors first: an accepted POST may change the dossier for those after it.
    return sorted(VISITORS, key=lambda v: expected[v] == OK)


@pytest.mark.parametrize("endpoint", sorted(POST))
def test_post(client, db, world, endpoint):
    people, ids = world
    path, expected = POST[endpoint]
    url = path.format(**ids)
    before = state_of(db, ids["dossier"])
    for visitor in _order(expected):
        visit(client, people, visitor)
        response = client.post(url, data={})
        status = response.status_code
        if expected[visitor] == OK:
            assert status in (200, 302, 400), (endpoint, visitor, status)
            if status == 302 and not endpoint.startswith("accounts."):
                assert "/account/login" not in response.headers["Location"], (endpoint, visitor)
        else:
            assert status == expected[visitor], (endpoint, visitor, status)
            assert state_of(db, ids["dossier"]) == before, (endpoint, visitor)
