"""The reports' pages and files (department heads for their unit, Board leaders and
administrators for all) and the public dashboard."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from forms import reports as forms
from portal import paging
from portal.accounts.models import Role
from portal.calendar import local_today
from portal.catalogue import queries as catalogue
from portal.db import utcnow
from portal.dossiers.queries import units_seen_by
from portal.extensions import limiter
from portal.i18n import current_language
from portal.reports import documents, prepared, tables
from portal.reports.dashboard import dashboard as dashboard_figures
from portal.reports.investment import investment_report
from portal.reports.service import Filters, service_report
from portal.web import config_limit, roles_required

bp = Blueprint("reports", __name__, url_prefix="/reports")
public_bp = Blueprint("statistics", __name__)
_roles = roles_required(Role.DEPARTMENT_HEAD, Role.BOARD_LEADER, Role.ADMIN)
_limit = limiter.limit(config_limit("REPORT_RATE_LIMIT"), key_func=lambda: f"reports:{current_user.get_id()}")


def readers(view):
    """Heads, Board leaders and administrators, each within REPORT_RATE_LIMIT."""
    return _roles(_limit(view))


def _service_form():
    """The form, and the filters it means for this reader; another unit than a head's own is 404."""
    user, units = current_user, units_seen_by(current_user)
    own_unit = user.role is Role.DEPARTMENT_HEAD
    if own_unit and (not units or request.args.get("unit") not in (None, "", str(user.unit_id))):
        abort(404)
    # Every procedure, retired ones too: their dossiers count in past periods.
    procedures = [p for p in catalogue.choices()["procedures"] if not own_unit or p.unit_id == user.unit_id]
    form = forms.ServiceReportForm(local_today(), units, catalogue.fields(), procedures,
                                   all_units=not own_unit, formdata=request.args)
    if not form.validate():
        return form, None, []
    unit = units[0] if own_unit else next((u for u in units if str(u.id) == form.unit.data), None)
    field = next((f for f in catalogue.fields() if str(f.id) == form.field.data), None)
    procedure = next((p for p in procedures if str(p.id) == form.procedure.data), None)
    chosen = [p.id for p in procedures if (procedure is None or p.id == procedure.id)
              and (field is None or p.field_id == field.id)]
    filters = Filters(unit_ids=[unit.id] if unit else None,
                      procedure_ids=chosen if (field or procedure) else None)
    return form, filters, documents.scope_lines(unit, field, procedure)


@bp.get("/")
@bp.get("/service")
@readers
def service():
    form, filters, scope = _service_form()
    if filters is None:
        return _service_page(form), 400
    report = service_report(form.period, filters, utcnow(), paging.position("overdue"))
    return _service_page(form, report, scope)


def _service_page(form, report=None, scope=()) -> str:
    return render_template("reports/service.html", form=form, report=report, scope=scope,
                           tables=tables.service_tables(report) if report else [],
                           overdue=tables.overdue_table(report) if report else None,
                           charts=documents.service_charts(report) if report else [])


@bp.get("/service.<any(xlsx, pdf, csv):form>")
@readers
def service_file(form: str):
    page, filters, scope = _service_form()
    if filters is None:
        return _service_page(page), 400
    return _file("service", form, f"bao-cao-giai-quyet-tthc-{page.period.slug}.{form}", page.period,
                 filters.unit_ids, filters.procedure_ids, scope)


def _period_form():
    return forms.PeriodForm(local_today(), formdata=request.args)


@bp.get("/investment")
@readers
def investment():
    form = _period_form()
    if not form.validate():
        return _investment_page(form), 400
    return _investment_page(form, investment_report(form.period, utcnow()))


def _investment_page(form, report=None) -> str:
    return render_template("reports/investment.html", form=form, report=report,
                           tables=tables.investment_tables(report) if report else [],
                           charts=documents.investment_charts(report) if report else [])


@bp.get("/investment.<any(xlsx, pdf, csv):form>")
@readers
def investment_file(form: str):
    page = _period_form()
    if not page.validate():
        return _investment_page(page), 400
    return _file("investment", form, f"bao-cao-dau-tu-{page.period.slug}.{form}", page.period)


def _file(kind: str, form: str, filename: str, period, unit_ids=None, procedure_ids=None, scope=()):
    """The report as a file: rendered here, or prepared by a job when there is a queue."""
    job_args = (period.first.isoformat(), period.last.isoformat(), unit_ids, procedure_ids, list(scope),
                current_language())
    return prepared.respond(kind, form, filename, job_args, lambda: prepared.render_file(kind, form, *job_args))


@public_bp.get("/statistics")
def dashboard():
    board = dashboard_figures(utcnow())
    return render_template("reports/dashboard.html", board=board, tables=tables.dashboard_tables(board),
                           charts=documents.dashboard_charts(board))
