"""Each report as typed tables: one description that the page, the PDF, the XLSX and the
CSV all print, so that the four never disagree. A cell keeps its type (a count is an int,
capital a Decimal, a rate a float in per cent, a moment a datetime); `text(cell, kind)`
writes it the reader's way, the spreadsheet keeps the number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Optional, Sequence

from flask_babel import gettext as _

from portal.calendar import LOCAL_TZ, working_days_between
from portal.calendar.queries import overrides
from portal.reports.investment import Breakdown, InvestmentReport
from portal.reports.service import Figures, ServiceReport


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "count"    # text, count, decimal, percent, days, moment


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: Optional[list] = None
    note: str = ""


def text(cell, kind: str) -> str:
    """A cell as the reader writes it (grouped digits, a decimal comma in Vietnamese)."""
    from babel.numbers import format_decimal

    from portal.i18n import _locale, format_moment

    if cell is None:
        return "–" if kind in ("percent", "days") else ""
    if kind == "percent":
        return format_decimal(cell, format="#,##0.0", locale=_locale()) + " %"
    if kind == "days":
        return format_decimal(cell, format="#,##0.0", locale=_locale())
    if kind in ("count", "decimal"):
        return format_decimal(cell, format="#,##0.##", locale=_locale())
    if isinstance(cell, datetime):
        return format_moment(cell)
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


# --- the service report -------------------------------------------------------------------

def _figure_columns() -> list[Column]:
    return [
        Column(_("Received online")), Column(_("Received in person or by post")), Column(_("Carried over")),
        Column(_("To handle")), Column(_("Finished")), Column(_("Early")), Column(_("On time")), Column(_("Late")),
        Column(_("On-time rate"), "percent"), Column(_("Average working days"), "days"),
        Column(_("Open, within the deadline")), Column(_("Open, past the deadline")),
        Column(_("Of the finished: withdrawn")), Column(_("Stopped")), Column(_("Refused at reception")),
    ]


def _figure_cells(f: Figures) -> list:
    return [f.received_online, f.received_other, f.carried_over, f.handled, f.finished, f.early, f.on_time, f.late,
            f.on_time_rate, f.average_days, f.open_within, f.open_past, f.withdrawn, f.stopped, f.refused]


def service_tables(report: ServiceReport) -> list[Table]:
    total = [_("Total"), *_figure_cells(report.total)]
    tables = [
        Table("by-procedure", _("By procedure"), [Column(_("Procedure"), "text"), *_figure_columns()],
              [[f"{row.key.code} — {row.key.name}", *_figure_cells(row.figures)] for row in report.by_procedure],
              total),
        Table("by-unit", _("By handling unit"), [Column(_("Handling unit"), "text"), *_figure_columns()],
              [[row.key.name, *_figure_cells(row.figures)] for row in report.by_unit], total),
        Table("by-month", _("By month"), [
            Column(_("Month"), "text"), Column(_("Received")), Column(_("Finished")), Column(_("Early")),
            Column(_("On time")), Column(_("Late")), Column(_("On-time rate"), "percent"),
            Column(_("Average working days"), "days")],
            [[month_label(row.key), row.figures.received, row.figures.finished, row.figures.early,
              row.figures.on_time, row.figures.late, row.figures.on_time_rate, row.figures.average_days]
             for row in report.by_month]),
        Table("ratings", _("Investors' ratings"), [Column(_("Ratings given"), "count"),
                                                   Column(_("Average score (1 to 5)"), "days")],
              [[report.ratings, report.rating_average]]),
    ]
    return tables


def overdue_table(report: ServiceReport) -> Table:
    """The report's page of the dossiers overdue now, with who holds each and since when."""
    page, since = report.overdue, report.held_since
    dossiers = page.rows
    today = report.at.astimezone(LOCAL_TZ).date()
    def days_since(moment):
        return working_days_between(moment.astimezone(LOCAL_TZ).date(), today, overrides()) if moment else None

    rows = [[d.code, d.procedure.code, d.unit.name, holder(d), since.get(d.id), days_since(since.get(d.id)),
             d.legal_due_at, days_since(d.legal_due_at)] for d in dossiers]
    return Table("overdue", _("Overdue dossiers now"), [
        Column(_("Dossier code"), "text"), Column(_("Procedure"), "text"), Column(_("Handling unit"), "text"),
        Column(_("Held by"), "text"), Column(_("Held since"), "moment"), Column(_("Working days held")),
        Column(_("Legal due date"), "moment"), Column(_("Working days overdue"))], rows,
        note=_("%(listed)d of %(n)d overdue dossiers listed, the longest overdue first.",
               listed=len(dossiers), n=page.total))


def holder(dossier) -> str:
    """Who the dossier waits for: the assigned specialist, the signer, or the unit's head."""
    from portal.dossiers.workflow import State

    if dossier.state is State.PENDING_APPROVAL and dossier.awaiting_signer is not None:
        return dossier.awaiting_signer.title
    if dossier.assignee is not None:
        return dossier.assignee.full_name
    return _("Head of %(unit)s", unit=dossier.unit.name)


def month_label(key: str) -> str:
    """"2026-03" as "03/2026"."""
    year, month = key.split("-")
    return f"{month}/{year}"


# --- the investment report ------------------------------------------------------------------

def _investment_columns(first: str) -> list[Column]:
    return [Column(first, "text"), Column(_("Projects")), Column(_("Registered capital (VND)"), "decimal"),
            Column(_("Registered capital (USD)"), "decimal"), Column(_("Land area (m²)"), "decimal"),
            Column(_("Planned workforce"))]


def _investment_cells(i) -> list:
    return [i.projects, i.capital_vnd, i.capital_usd, i.land_m2, i.workforce]


def country_name(code: str) -> str:
    from babel import Locale

    from portal.i18n import _locale

    return Locale.parse(_locale()).territories.get(code, code)


def _breakdown_tables(prefix: str, heading: str, part: Breakdown) -> list[Table]:
    total = [_("Total"), *_investment_cells(part.total)]
    return [
        Table(f"{prefix}-zone", _("%(what)s, by zone", what=heading), _investment_columns(_("Zone")),
              [[zone.name if zone else _("Outside the zones"), *_investment_cells(i)] for zone, i in part.by_zone],
              total),
        Table(f"{prefix}-country", _("%(what)s, by investor's country", what=heading),
              _investment_columns(_("Investor's country")),
              [[_("Domestic investors"), *_investment_cells(part.domestic)],
               [_("Foreign investors"), *_investment_cells(part.foreign)],
               *[[country_name(code), *_investment_cells(i)] for code, i in part.by_country]],
              total),
    ]


def investment_tables(report: InvestmentReport) -> list[Table]:
    from portal.catalogue.models import CertificateEffect

    names = {CertificateEffect.AMEND: _("Amendments"), CertificateEffect.TRANSFER: _("Transfers of a project"),
             CertificateEffect.REISSUE: _("Re-issues and corrections"),
             CertificateEffect.TERMINATE: _("Terminations")}
    return [
        *_breakdown_tables("granted", _("Certificates first issued in the period"), report.granted),
        *_breakdown_tables("in-force", _("Projects holding a certificate at the end of the period"),
                           report.in_force),
        Table("changes", _("Changes to certificates in the period"),
              [Column(_("Change"), "text"), Column(_("Number"))],
              [[names[effect], count] for effect, count in report.changes.items()]),
    ]


# --- the public dashboard ---------------------------------------------------------------------

def _public_columns(first: str) -> list[Column]:
    return [Column(first, "text"), Column(_("Received")), Column(_("Finished")),
            Column(_("On-time rate"), "percent"), Column(_("Filed online"), "percent"),
            Column(_("Average working days"), "days")]


def _public_cells(f: Figures) -> list:
    return [f.received, f.finished, f.on_time_rate, f.online_share, f.average_days]


def dashboard_tables(board) -> list[Table]:
    return [
        Table("year-by-field", _("Year %(year)d, by field", year=board.year), _public_columns(_("Field")),
              [[field.name, *_public_cells(year)] for field, year, _twelve in board.by_field],
              [_("Total"), *_public_cells(board.this_year)]),
        Table("months-by-field", _("The last 12 months, by field"), _public_columns(_("Field")),
              [[field.name, *_public_cells(twelve)] for field, _year, twelve in board.by_field],
              [_("Total"), *_public_cells(board.twelve_months)]),
        Table("by-month", _("The last 12 months, by month"), _public_columns(_("Month")),
              [[month_label(month), *_public_cells(f)] for month, f in board.by_month]),
    ]
