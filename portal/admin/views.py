"""The administration (`/admin`, administrators only, who log in with their second factor)."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms import admin as forms
from forms.reports import PeriodForm
from portal import paging
from portal.accounts.models import Role
from portal.audit import queries as audit_queries
from portal.calendar import LOCAL_TZ, local_today
from portal.calendar import operations as calendar_ops
from portal.calendar.models import CalendarOverride
from portal.db import utcnow
from portal.extensions import db
from portal.i18n import current_language
from portal.reports.satisfaction import ratings
from portal.services import exports, jobs
from portal.web import attempt, attempt_on, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
admins_only = roles_required(Role.ADMIN)
MAX_EXPORT_DAYS = 366


@bp.get("/")
@admins_only
def index():
    return render_template("admin/index.html")


# --- the audit trail ----------------------------------------------------------------------

def _audit_criteria(form) -> audit_queries.Criteria:
    def midnight(day: date | None, after: int = 0):
        return datetime.combine(day + timedelta(days=after), time(0), LOCAL_TZ) if day else None

    return audit_queries.Criteria(actor=form.actor.data or "", action=form.action.data or "",
                                  target=form.target.data or "", ip=form.ip.data or "",
                                  start=midnight(form.start.data), end=midnight(form.end.data, after=1))


@bp.get("/audit")
@admins_only
def audit():
    form = forms.AuditSearchForm(formdata=request.args)
    page = audit_queries.search(_audit_criteria(form), paging.position()) if form.validate() else None
    return render_template("admin/audit.html", form=form, page=page), (200 if page is not None else 400)


@bp.get("/audit.csv")
@admins_only
def audit_csv():
    """A period of the audit trail (at most a year), every matching event, streamed."""
    form = forms.AuditSearchForm(formdata=request.args)
    valid = form.validate()
    if valid and (form.start.data is None or form.end.data is None):
        form.end.errors.append(_("Choose the period to export (both dates)."))
        valid = False
    elif valid and not 0 <= (form.end.data - form.start.data).days < MAX_EXPORT_DAYS:
        form.end.errors.append(_("A file covers from 1 to %(n)d days, the end after the start.", n=MAX_EXPORT_DAYS))
        valid = False
    if not valid:
        return render_template("admin/audit.html", form=form, page=None), 400
    rows = ((e.created_at, e.actor.email if e.actor else "", e.action, e.target, e.detail, e.ip, e.user_agent)
            for e in audit_queries.in_period(_audit_criteria(form)))
    columns = [_("When"), _("Who"), _("Action"), _("Object"), _("Detail"), _("From address (IP)"), _("Browser")]
    return exports.csv_response(columns, rows, f"nhat-ky-{form.start.data:%Y%m%d}-{form.end.data:%Y%m%d}.csv")


# --- the calendar -----------------------------------------------------------------------------

def _year() -> int:
    year = request.args.get("year", type=int) or utcnow().astimezone(LOCAL_TZ).year
    return year if calendar_ops.EARLIEST <= year <= calendar_ops.LATEST else abort(404)


def _calendar_page(year: int, form, status: int = 200, bound=None):
    """The year's official days, the Board's own (each with its form: `bound` is the one
    posted, with its errors) and the form to add one."""
    import holidays

    official = holidays.country_holidays("VN", years=year, language="vi" if current_language() == "vi" else "en_US")
    makeup = sorted(day for day in official.weekend_workdays if day.year == year)
    board = list(db.session.scalars(
        db.select(CalendarOverride)
        .where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31))
        .order_by(CalendarOverride.day)))
    edit_forms = {o.id: _override_form(o) for o in board}
    if bound is not None:
        edit_forms[bound[0]] = bound[1]
    return render_template("admin/calendar.html", year=year, official=sorted(official.items()), makeup=makeup,
                           board=board, form=form, edit_forms=edit_forms), status


def _override_form(override: CalendarOverride):
    return forms.CalendarDayForm(formdata=None, prefix=f"day{override.id}", day=override.day,
                                 is_working="working" if override.is_working else "off", reason=override.note)


@bp.get("/calendar")
@admins_only
def calendar():
    return _calendar_page(_year(), forms.CalendarDayForm(formdata=None))[0]


@bp.post("/calendar")
@admins_only
def add_day():
    form = forms.CalendarDayForm()
    if form.validate_on_submit() and attempt_on(form, lambda: calendar_ops.add_day(
            form.day.data, form.is_working.data == "working", form.reason.data, current_user),
            calendar_ops.CalendarError):
        flash(_("The day has been saved. It counts for receptions from now on; due dates already set do not move."),
              "success")
        return redirect(url_for("admin.calendar", year=form.day.data.year))
    year = form.day.data.year if form.day.data else _year()
    return _calendar_page(year, form, 400)


@bp.post("/calendar/<int:override_id>")
@admins_only
def change_day(override_id: int):
    override = db.session.get(CalendarOverride, override_id) or abort(404)
    form = forms.CalendarDayForm(prefix=f"day{override_id}")
    if form.validate_on_submit() and attempt_on(form, lambda: calendar_ops.change_day(
            override, form.day.data, form.is_working.data == "working", form.reason.data, current_user),
            calendar_ops.CalendarError):
        flash(_("The day has been changed."), "success")
        return redirect(url_for("admin.calendar", year=override.day.year))
    db.session.refresh(override)
    return _calendar_page(override.day.year, forms.CalendarDayForm(formdata=None), 400, bound=(override_id, form))


@bp.post("/calendar/<int:override_id>/remove")
@admins_only
def remove_day(override_id: int):
    override = db.session.get(CalendarOverride, override_id) or abort(404)
    year = override.day.year   # the POST's CSRF token is checked for every form (CSRFProtect)
    if attempt(lambda: calendar_ops.remove_day(override, current_user), calendar_ops.CalendarError):
        flash(_("The day has been removed."), "success")
    return redirect(url_for("admin.calendar", year=year))


# --- satisfaction -----------------------------------------------------------------------------

@bp.get("/ratings")
@admins_only
def satisfaction():
    form = PeriodForm(local_today(), formdata=request.args)
    if not form.validate():
        return render_template("admin/ratings.html", form=form, result=None), 400
    return render_template("admin/ratings.html", form=form, result=ratings(form.period))


from portal.admin import organisation as _organisation  # noqa: E402,F401  (their routes are on this blueprint)
from portal.admin import people as _people  # noqa: E402,F401
from portal.admin import procedures as _procedures  # noqa: E402,F401


# --- background jobs ----------------------------------------------------------------------

JOB_ID = re.compile(r"^[0-9a-f-]{1,64}$")


@bp.get("/jobs")
@admins_only
def failed_jobs():
    """Jobs that kept failing after their retries, with their error."""
    from redis.exceptions import RedisError

    try:
        page, reachable = jobs.failed_jobs(paging.position()), True
    except RedisError:
        page, reachable = None, False
    return render_template("admin/jobs.html", page=page, reachable=reachable)


@bp.post("/jobs/<job_id>/retry")
@admins_only
def retry_job(job_id: str):
    if not JOB_ID.match(job_id):
        abort(404)
    if attempt(lambda: jobs.retry_failed(job_id, current_user), jobs.JobError):
        flash(_("The job is back in the queue."), "success")
    return redirect(url_for("admin.failed_jobs"))
